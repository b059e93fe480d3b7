"""The same channel on PostgreSQL (a trust's server for many schools): Debian's
PostgreSQL started by the test in a temporary folder on loopback, the migrations, a
sign-in, an upload converted and approved, all stored in PostgreSQL's tables."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from kaizen_studio.channel.site.environment import DATABASE
from tests.channel_site import POSTGRES_BINARIES, item_id, postgresql, running_channel
from tests.conditions import wait_until

pytestmark = [
    pytest.mark.timeout(600),
    pytest.mark.skipif(
        not POSTGRES_BINARIES,
        reason="Debian's PostgreSQL is not installed (sudo apt install postgresql)",
    ),
]


def test_the_channel_runs_on_postgresql(tmp_path: Path, take_clip: Path) -> None:
    with (
        postgresql() as address,
        running_channel(tmp_path / "server", environment={DATABASE: address}) as channel,
    ):
        channel.account("mrs_trust", "teacher")
        teacher = channel.browser()
        assert teacher.sign_in("mrs_trust").status == 302
        pk = item_id(teacher.upload(take_clip, title="Harvest festival", class_name="Year 2"))

        def ready() -> bool:
            return '"state": "ready"' in teacher.get("/channel/library/states.json").text

        wait_until(ready, timeout=240, what="the upload to be converted")
        assert channel.browser().get(f"/channel/library/{pk}/{pk}.mp4").status == 200
        engine = channel.shell(
            "from django.db import connection; from kaizen_studio.channel.library.models "
            "import ready_items; print(connection.vendor, [i.title for i in ready_items()])"
        )
        assert engine == "postgresql ['Harvest festival']"
        psql = POSTGRES_BINARIES[-1].parent / "psql"
        password = address.split(":")[2].split("@")[0]
        rows = subprocess.run(
            [str(psql), address, "-At", "-c",
             "select title, state, approved from library_item; "
             "select username, action from accounts_auditentry order by id"],
            capture_output=True, text=True, check=True, timeout=60,
            env={"PGPASSWORD": password, "PATH": "/usr/bin:/bin"},
        ).stdout.splitlines()  # fmt: skip
        assert rows[0] == "Harvest festival|ready|t"
        assert "mrs_trust|signed in" in rows and "mrs_trust|uploaded" in rows
        assert not (channel.folder / "channel.sqlite3").exists()
