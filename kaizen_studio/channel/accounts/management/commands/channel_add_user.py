"""``channel_add_user NAME --role ROLE``: make an account, the password read from stdin.

``studio serve --add-admin NAME`` runs it for the first administrator (asking for the
password in the terminal and passing it here on stdin, never on a command line). The
password must pass the site's password rules; an existing name is refused.
"""

from __future__ import annotations

import sys
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaizen_studio.channel.accounts.audit import audit
from kaizen_studio.channel.accounts.models import User
from kaizen_studio.channel.accounts.rights import Role


class Command(BaseCommand):
    help = "Make a channel account; the password is read from the first line of stdin."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument("--role", choices=[role.value for role in Role], required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        name, role = str(options["name"]), Role(options["role"])
        password = sys.stdin.readline().rstrip("\r\n")
        if not name.strip():
            raise CommandError("an account needs a name: letters, digits and @ . + - _")
        if User.objects.filter(username=name).exists():
            raise CommandError(f"there is already an account called {name!r}: choose another")
        user = User(username=name, role=role)
        try:
            User._meta.get_field("username").run_validators(name)
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        user.set_password(password)
        user.save()
        audit(None, "added account", f"{name} ({role.label}) from the command line")
        self.stdout.write(f"Made the {role.label.lower()} account {name!r}.")
