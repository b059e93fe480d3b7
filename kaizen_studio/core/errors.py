"""The project's own exceptions.

Each also subclasses the matching built-in, so callers may catch either. The command line
turns any :class:`StudioError` into a one-line message and exit status 2.
"""

from __future__ import annotations


class StudioError(Exception):
    """Base of every error that is the user's to fix (bad input, missing tool)."""


class InputError(StudioError, ValueError):
    """A value, file content or setting is not acceptable; the message names it."""


class MissingFileError(StudioError, FileNotFoundError):
    """A file or folder the user named does not exist."""


class MissingToolError(StudioError, RuntimeError):
    """A program or package the feature needs is not installed; the message says how."""


class DeviceError(StudioError, OSError):
    """A camera, microphone or virtual camera could not be opened."""
