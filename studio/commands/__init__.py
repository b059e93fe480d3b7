"""Subcommands of ``studio``: one module each, found by :func:`studio.cli.build_parser`."""
