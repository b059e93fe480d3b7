"""One library item: what was uploaded, its conversion's state, and its approval.

An item's files live in ``MEDIA_ROOT/library/`` as ``<id>.mp4`` and ``<id>.jpg`` once it
is ready, and nowhere under that folder before (conversions write elsewhere and rename).
Screens and the timetable use :func:`ready_items`, ``web_url``, ``thumbnail_url`` and
``duration``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import QuerySet
from django.urls import reverse


class Kind(models.TextChoices):
    FILM = "film", "Film"
    PICTURE = "picture", "Picture"
    PHOTOSTORY = "photostory", "Photostory"
    RECORDING = "recording", "Studio recording"


class State(models.TextChoices):
    UPLOADED = "uploaded", "Uploaded, waiting to convert"
    CONVERTING = "converting", "Converting"
    READY = "ready", "Ready"
    REFUSED = "refused", "Refused"


class Item(models.Model):
    """A film, picture, photostory or recording in the library (its id is stable)."""

    title = models.CharField(max_length=120)
    class_name = models.CharField("class", max_length=60, blank=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    original_name = models.CharField(max_length=255)
    state = models.CharField(max_length=12, choices=State.choices, default=State.UPLOADED)
    percent = models.PositiveSmallIntegerField(default=0)
    """How far the conversion has come, 0-100, while ``state`` is converting."""
    reason = models.CharField(max_length=300, blank=True)
    """Why it was refused, in a sentence that names the fix."""
    duration = models.FloatField(null=True, blank=True)
    """Seconds, once ready."""
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="uploads"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    approved = models.BooleanField(default=False)
    """A teacher's (or the uploader's own, if a teacher) yes: nothing reaches a screen
    without it."""
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="approvals",
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-uploaded_at", "-id")
        indexes = (models.Index(fields=["state", "approved"]),)

    def __str__(self) -> str:
        return self.title

    @property
    def state_kind(self) -> State:
        return State(self.state)

    @property
    def file_name(self) -> str:
        return f"{self.pk}.mp4"

    @property
    def thumbnail_name(self) -> str:
        return f"{self.pk}.jpg"

    @property
    def web_url(self) -> str:
        """The MP4's address (nginx serves it; approved items to anyone, others to staff)."""
        return reverse("library:file", kwargs={"pk": self.pk, "name": self.file_name})

    @property
    def thumbnail_url(self) -> str:
        return reverse("library:file", kwargs={"pk": self.pk, "name": self.thumbnail_name})

    @property
    def on_screens(self) -> bool:
        """True when screens may play it: converted and approved."""
        return self.state == State.READY and self.approved


def ready_items() -> QuerySet[Item]:
    """Items screens may play (converted and approved), newest first; a vodcast only once
    a teacher has also added it to the screens (``vodcasts.Vodcast.screens``)."""
    return Item.objects.filter(state=State.READY, approved=True).exclude(vodcast__screens=False)
