"""``studio serve --add-admin NAME``: the school channel's first administrator.

The password is asked for twice in the terminal (never taken from the command line, where
``ps`` shows it); with no terminal (a script), one line is read from standard input. The
channel's tables are made first if this is a new server folder.
"""

from __future__ import annotations

import getpass
import sys

from kaizen_studio.channel.site.process import Channel, manage, prepare
from kaizen_studio.core.errors import InputError


def add_admin(channel: Channel, name: str) -> int:
    """Make administrator ``name`` on ``channel``; InputError (exit 2) in one line when the
    passwords differ, the password is too weak or the name is taken."""
    if not name.strip():
        raise InputError(
            "--add-admin needs the account's name (letters, digits and @ . + - _), such as "
            "studio serve --add-admin head"
        )
    if sys.stdin.isatty():
        password = getpass.getpass(f"Password for {name}: ")
        if getpass.getpass("The same password again: ") != password:
            raise InputError("the two passwords differ: run the command again")
    else:
        password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise InputError("no password given: an administrator needs one (10 characters or more)")
    prepare(channel)
    said = manage(
        channel, "channel_add_user", name, "--role", "administrator", stdin=password + "\n"
    )
    print(said.strip() or f"Made the administrator account {name!r}.", flush=True)
    print(
        f"Sign in at http://HOST:HTTP_PORT/channel/ once studio serve runs "
        f"(folder {channel.folder}).",
        flush=True,
    )
    return 0
