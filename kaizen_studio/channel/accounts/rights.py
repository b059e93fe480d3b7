"""The three roles and what each may do, as data (importable without Django's set-up)."""

from __future__ import annotations

import enum

from django.db import models


class Role(models.TextChoices):
    """Who someone is on the channel; what each may do is in :data:`RIGHTS`."""

    ADMINISTRATOR = "administrator", "Administrator"
    TEACHER = "teacher", "Teacher"
    DIGITAL_LEADER = "digital_leader", "Digital leader"


class Right(enum.Enum):
    """Something a role may do on the channel."""

    ACCOUNTS = "manage accounts"
    SCREENS = "manage screens"
    GROUPS = "manage screen groups"
    APPROVE = "approve items"
    SCHEDULE = "schedule playlists"
    WIDGETS = "edit widgets"
    UPLOAD = "upload to the library"
    PROPOSE = "propose items for the timetable"
    AUDIT = "read the audit log"


_PUPIL = frozenset({Right.UPLOAD, Right.PROPOSE})
_TEACHER = _PUPIL | {Right.APPROVE, Right.SCHEDULE, Right.WIDGETS}
RIGHTS: dict[Role, frozenset[Right]] = {
    # the administrator runs the screens and accounts and may do what a teacher does
    Role.ADMINISTRATOR: _TEACHER | {Right.ACCOUNTS, Right.SCREENS, Right.GROUPS, Right.AUDIT},
    Role.TEACHER: _TEACHER | {Right.AUDIT},
    Role.DIGITAL_LEADER: _PUPIL,
}
