"""The studio application: one PyQt6 window a pupil runs the show from.

The window drives :class:`studio.control.StudioControl` (the engine, which never imports
Qt) and only ever polls it for pictures and status, so it never waits for the show.
"""
