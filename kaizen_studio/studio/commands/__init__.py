"""Subcommands of ``studio``: one module each, found by :func:`studio.cli.build_parser`."""


def default_command(args: object) -> int:
    """``studio`` with no command opens the studio window."""
    from kaizen_studio.studio.commands.app import run

    return run(args)  # type: ignore[arg-type]
