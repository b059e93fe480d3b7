"""A vodcast is a library item plus what publishing adds: its series (a class's or a
topic's podcast), a description, first-name credits, captions and a cover picture.

The film itself is the library's item (converted, checked and served by nginx like any
other); the captions ``<id>.vtt``, square cover ``<id>-cover.jpg`` and player's poster
``<id>-poster.jpg`` sit beside its MP4 in the
library folder. Nothing is public until the item is approved by a teacher. A series may be
private: then every public address of it and its vodcasts holds its unguessable
``token`` (regenerating it revokes the old addresses), never its name.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid

from django.conf import settings
from django.db import models

from kaizen_studio.channel.library.models import Item, State

PODCAST_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
"""The podcast namespace's UUID for ``podcast:guid`` (a v5 UUID of the feed's name)."""


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Series(models.Model):
    """A podcast: one class's or one topic's vodcasts, with one feed."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    class_name = models.CharField("class", max_length=60, blank=True)
    private = models.BooleanField(default=False)
    """True: reachable only at addresses holding ``token`` (for the class's parents)."""
    token = models.CharField(max_length=64, unique=True, default=new_token)
    guid = models.UUIDField(unique=True, editable=False)
    """The feed's ``podcast:guid``: made once, never changed (podcast apps follow it)."""

    class Meta:
        ordering = ("name",)
        verbose_name_plural = "series"

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        if self.guid is None:
            self.guid = uuid.uuid5(PODCAST_NAMESPACE, f"kaizen-channel/{self.slug}")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def address(self) -> str:
        """The path segment of its public addresses: the name, or the secret when private."""
        return f"p-{self.token}" if self.private else self.slug


class Vodcast(models.Model):
    """What publishing adds to a library item."""

    item = models.OneToOneField(Item, on_delete=models.CASCADE, related_name="vodcast")
    series = models.ForeignKey(Series, on_delete=models.PROTECT, related_name="vodcasts")
    description = models.TextField(max_length=2000, blank=True)
    credits = models.CharField(max_length=300, blank=True)
    """Who made it: first names and class only (:func:`checks.check_credits`)."""
    guid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    screens = models.BooleanField(default=False)
    """Added to the screens' playlists by a teacher (still only once approved)."""

    class Meta:
        ordering = ("-item__uploaded_at", "-id")

    def __str__(self) -> str:
        return self.item.title

    @property
    def captions_name(self) -> str:
        return f"{self.item_id}.vtt"

    @property
    def cover_name(self) -> str:
        return f"{self.item_id}-cover.jpg"

    @property
    def poster_name(self) -> str:
        return f"{self.item_id}-poster.jpg"

    @property
    def public(self) -> bool:
        """True once converted and approved by a teacher."""
        return self.item.state == State.READY and self.item.approved


class UploadToken(models.Model):
    """A staff member's token for ``studio publish``: only its SHA-256 is kept; the token
    itself is shown once, on the page that makes it. Making a new one replaces the old."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="upload_token"
    )
    digest = models.CharField(max_length=64, unique=True)
    made_at = models.DateTimeField(auto_now=True)

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()
