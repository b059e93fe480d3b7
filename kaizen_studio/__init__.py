"""Kaizen Studio: a green-screen studio and live broadcast toolkit for primary schools.

One top-level package, so that installing Kaizen Studio never overwrites another
distribution's package (nor is overwritten by one). Its layers, lowest first; a layer
imports only those below it (``make test`` checks this with import-linter):

- :mod:`kaizen_studio.core`: frame and sound types, errors, drawing, the clock;
- :mod:`kaizen_studio.keying`: the keyer, pure array code;
- :mod:`kaizen_studio.broadcast` and :mod:`kaizen_studio.autocue`: recorder, streamer,
  server, player; script, prompter, remote;
- :mod:`kaizen_studio.studio`: the engine, the command line and the window, wiring the rest.
"""
