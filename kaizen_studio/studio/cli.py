"""The command line ``studio``.

Each subcommand lives in its own module in :mod:`studio.commands` and exposes
``register(subparsers)``, which adds its parser and sets ``func`` to a callable that takes
the parsed arguments and returns the exit status. Modules are found by name, so adding a
command touches no other file.

Errors the user can fix (:class:`core.errors.StudioError`) become one line on stderr and
exit status 2, and so do a mistake in the options (:class:`OneLineParser`: no usage
block, where the help is instead) and running out of memory; Ctrl+C becomes "stopped" and status
130; nothing else is caught here, so a bug still shows its traceback. Help texts may come
from docstrings: their reStructuredText markup is taken out before a user sees them.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import re
import shlex
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from kaizen_studio.core.errors import StudioError
from kaizen_studio.core.memory import give_back_large_blocks
from kaizen_studio.studio import __version__, commands
from kaizen_studio.studio.show_record import start_log

Handler = Callable[[argparse.Namespace], int]


class OneLineParser(argparse.ArgumentParser):
    """argparse's parser, saying a mistake in the options in one line, with where the help
    is, and exit status 2 (its subcommands' parsers are of this class too)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}; '{self.prog} --help' lists the options\n")


class CommandParser(OneLineParser):
    """The parser of one command (``studio app``...): an option it does not know is its own
    mistake, said against ``studio app`` and its help, where argparse would hand the word
    back for ``studio`` to refuse (naming ``studio --help``, which does not list it)."""

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        parsed, extra = super().parse_known_args(args, namespace)
        if extra:
            self.error(f"unrecognized arguments: {' '.join(extra)}")
        return parsed, extra


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="studio",
        description="Kaizen Studio: green-screen studio and live broadcast for schools.",
    )
    parser.add_argument("--version", action="version", version=f"studio {__version__}")
    subparsers = parser.add_subparsers(
        dest="command",
        metavar="COMMAND",
        parser_class=CommandParser,
        help="what to do (none: open the studio window); studio COMMAND --help says more",
    )
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"kaizen_studio.studio.commands.{info.name}")
        module.register(subparsers)
    for command in subparsers.choices.values():
        _plain_help(command)
    return parser


MARKUP = re.compile(r"``(.+?)``|:[a-z]+:`~?(?:[\w.]+\.)?([^`]+?)`", re.DOTALL)
"""Docstring markup: ``literal`` and :role:`module.name` (shown as the last name)."""


def plain(text: str) -> str:
    """``text`` without reStructuredText markup: ``a`` becomes a, :func:`x.y` becomes y."""
    return MARKUP.sub(lambda m: m.group(1) or m.group(2), text)


def _plain_help(parser: argparse.ArgumentParser) -> None:
    parser.description = plain(parser.description) if parser.description else None
    parser.epilog = plain(parser.epilog) if parser.epilog else None
    for action in parser._actions:
        if action.help:
            action.help = plain(action.help)


WINDOW_OPTIONS = ("--show", "--camera")
"""Options of ``studio app`` that a user may give to ``studio`` alone."""


def _window_option_hint(argv: Sequence[str]) -> str | None:
    """The line for ``studio --show x.toml``, which argparse calls an invalid choice."""
    first = argv[0].split("=")[0] if argv else ""
    if first not in WINDOW_OPTIONS:
        return None
    given = " ".join(shlex.quote(a) for a in argv)
    return f"{first} is an option of the studio window; give it after 'app': studio app {given}"


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    hint = _window_option_hint(words)
    if hint is not None:
        print(f"studio: error: {hint}", file=sys.stderr)
        return 2
    parser = build_parser()
    args = parser.parse_args(words)
    start_log()  # the teacher's log (studio.log), and each show's record beside it
    give_back_large_blocks()  # pictures freed go back to the system (core.memory)
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
    except MemoryError:
        print(
            "studio: error: the computer ran out of memory for this; close other programs, "
            "or use a smaller picture or video",
            file=sys.stderr,
        )
        return 2


if __name__ == "__main__":
    sys.exit(main())
