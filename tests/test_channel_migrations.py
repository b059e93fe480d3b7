"""The channel's migrations match its models: a model changed without its migration (or
two branches' migrations merged into two leaves) fails here, not on a school's server."""

from __future__ import annotations

from pathlib import Path

from kaizen_studio.channel.site.process import Channel, manage


def test_the_models_have_all_their_migrations(tmp_path: Path) -> None:
    (tmp_path / "server" / "channel-media" / "incoming").mkdir(parents=True)  # as serve makes it
    said = manage(Channel(tmp_path / "server"), "makemigrations", "--check", "--dry-run")
    assert "No changes detected" in said
