"""Kaizen Studio: the live engine, the command line ``studio`` and the PyQt6 application.

The engine modules never import Qt; the GUI lives in :mod:`studio.app` and is one client of
the engine among others (the command line and the tests are two more).
"""

__version__ = "0.1.0"
