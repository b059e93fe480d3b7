"""The form an administrator fills to add an account."""

from __future__ import annotations

from django.contrib.auth.forms import UserCreationForm

from kaizen_studio.channel.accounts.models import User


class NewAccountForm(UserCreationForm):  # type: ignore[type-arg]
    """Name, role, full name and a password typed twice (checked by Django's password
    rules: at least 10 characters, not common, not all digits, not like the name)."""

    class Meta:
        model = User
        fields = ("username", "first_name", "last_name", "role")
