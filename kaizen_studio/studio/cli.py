"""The command line ``studio``.

Each subcommand lives in its own module in :mod:`studio.commands` and exposes
``register(subparsers)``, which adds its parser and sets ``func`` to a callable that takes
the parsed arguments and returns the exit status. Modules are found by name, so adding a
command touches no other file.

Errors the user can fix (:class:`core.errors.StudioError`) become one line on stderr and
exit status 2; nothing else is caught here, so a bug still shows its traceback.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Callable, Sequence

from kaizen_studio.core.errors import StudioError
from kaizen_studio.studio import __version__, commands
from kaizen_studio.studio.show_record import start_log

Handler = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="studio",
        description="Kaizen Studio: green-screen studio and live broadcast for schools.",
    )
    parser.add_argument("--version", action="version", version=f"studio {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"kaizen_studio.studio.commands.{info.name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    start_log()  # the teacher's log (studio.log), and each show's record beside it
    handler: Handler | None = getattr(args, "func", None)
    if handler is None:
        default: Handler | None = getattr(commands, "default_command", None)
        if default is None:
            parser.print_help()
            return 0
        handler = default
    try:
        return handler(args)
    except StudioError as error:
        print(f"studio: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("studio: stopped", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
