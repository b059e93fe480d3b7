"""The stream key of ``studio serve``: never on a command line, strong, kept private, and
guessing it slowed (real nginx, real publishes, loopback only)."""

from __future__ import annotations

import stat
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from kaizen_studio.broadcast.server import MediaServer, free_port
from kaizen_studio.broadcast.stream_key import (
    KeyGuard,
    Verdict,
    check_strength,
    server_key,
    write_private,
)
from kaizen_studio.core.errors import InputError
from tests.serve_process import KEY, Serve, publish, run_studio, serve_env


@dataclass
class FakeClock:
    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


def one_line_error(result: subprocess.CompletedProcess[str], words: str) -> None:
    assert result.returncode == 2, result
    assert words in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_a_key_on_the_command_line_is_refused_in_one_line(tmp_path: Path) -> None:
    result = run_studio("serve", "--key", "tulip42-daisy17", "--folder", str(tmp_path / "s"))
    one_line_error(result, "use --key-file PATH or the KAIZEN_STREAM_KEY environment variable")
    assert not (tmp_path / "s").exists()  # nothing made before the refusal


@pytest.mark.parametrize("weak", ["k9", "aaaaaaaaaaaaaaaa", "tulip42"])
def test_a_weak_key_is_refused_in_one_line_from_the_environment_or_a_file(
    tmp_path: Path, weak: str
) -> None:
    folder = str(tmp_path / "s")
    one_line_error(run_studio("serve", "--folder", folder, env=serve_env(weak)), "too weak")
    key_file = tmp_path / "key"
    key_file.write_text(weak + "\n")
    result = run_studio("serve", "--folder", folder, "--key-file", str(key_file))
    one_line_error(result, f"the stream key from {key_file} is too weak")
    assert not (tmp_path / "s").exists()  # refused before anything is made


def test_key_strength_and_characters() -> None:
    check_strength("tulip42-daisy17", where="a test")
    with pytest.raises(InputError, match="at least 12 characters with at least 6 different"):
        check_strength("abcabcabcabcabc", where="a test")
    with pytest.raises(InputError, match="characters an address cannot carry"):
        check_strength("tulip42 daisy17&x", where="a test")


def test_a_key_is_made_once_kept_0600_and_then_shown_only_in_part(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    folder.mkdir()
    made = server_key(folder, key_file=None, environment={})
    kept = folder / "stream-key"
    assert made.made_now and len(made.key) >= 20
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert kept.read_text().strip() == made.key
    again = server_key(folder, key_file=None, environment={})
    assert again.key == made.key and not again.made_now
    # the environment comes before the kept key, a file before both
    assert server_key(folder, key_file=None, environment={"KAIZEN_STREAM_KEY": KEY}).key == KEY
    other = tmp_path / "key"
    other.write_text("marigold-55-xyz\n")
    chosen = server_key(folder, key_file=other, environment={"KAIZEN_STREAM_KEY": KEY})
    assert chosen.key == "marigold-55-xyz"


def test_private_files_are_never_readable_by_others_even_when_replacing(tmp_path: Path) -> None:
    path = tmp_path / "nginx.conf"
    path.write_text("old")
    path.chmod(0o644)
    write_private(path, "secret")
    assert path.read_text() == "secret" and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["nginx.conf"]  # no spare left behind


def test_the_key_guard_slows_an_address_that_keeps_guessing() -> None:
    clock = FakeClock()
    guard = KeyGuard(KEY, clock=clock)
    verdicts = [guard.check("10.0.0.9", f"guess{i}") for i in range(3)]
    assert verdicts == [Verdict.WRONG_KEY] * 3
    assert guard.wait_left("10.0.0.9") == 2.0
    # while it waits even the right key is refused unseen; another address is not slowed
    assert guard.check("10.0.0.9", KEY) is Verdict.SLOWED
    assert guard.check("10.0.0.7", KEY) is Verdict.ALLOWED
    waits = []
    for i in range(8):
        clock.now += guard.wait_left("10.0.0.9")
        assert guard.check("10.0.0.9", f"again{i}") is Verdict.WRONG_KEY
        waits.append(guard.wait_left("10.0.0.9"))
    assert waits == [4.0, 8.0, 16.0, 32.0, 60.0, 60.0, 60.0, 60.0]  # growing, capped
    clock.now += 60.0
    assert guard.check("10.0.0.9", KEY) is Verdict.ALLOWED  # a right key forgets the rest
    assert guard.check("10.0.0.9", "guess") is Verdict.WRONG_KEY
    assert guard.wait_left("10.0.0.9") == 0.0
    clock.now += 61.0  # a quiet minute forgets the wrong keys
    assert [guard.check("10.0.0.9", "g") for _ in range(3)] == [Verdict.WRONG_KEY] * 3


def test_wrong_keys_through_the_real_nginx_slow_the_publisher(tmp_path: Path) -> None:
    clock = FakeClock()
    with MediaServer(
        tmp_path / "server", key=KEY, rtmp_port=free_port(), http_port=free_port(), clock=clock
    ) as server:
        wrong = server.publish_url.replace(KEY, "daisy-guess-1")
        for _ in range(3):
            code, said = publish(wrong)
            assert code != 0, said
        assert [r.verdict for r in server.refusals] == [Verdict.WRONG_KEY] * 3
        assert server.refusals[-1].wait == 2.0
        code, said = publish(server.publish_url)  # right key, but too soon
        assert code != 0, said
        assert server.refusals[-1].verdict is Verdict.SLOWED
        assert server.refused == ["127.0.0.1"] * 4
        clock.now += 2.0
        code, said = publish(server.publish_url)
        assert code == 0, f"the right key after the wait was refused: {said}"
        assert len(server.refusals) == 4


def test_the_key_shows_in_no_process_list_and_its_files_are_private(tmp_path: Path) -> None:
    """Given by a file: not in ps, not in full in the output nor in any file serve writes;
    given by the environment: not in nginx's environment."""
    key_file = tmp_path / "school-key"
    key_file.write_text("marigold-55-xyz\n")
    key_file.chmod(0o600)
    with Serve(
        tmp_path / "s",
        rtmp_port=free_port(),
        http_port=free_port(),
        env=serve_env(None),
        extra=("--key-file", str(key_file)),
    ) as serve:
        serve.running()
        listing = subprocess.run(["ps", "auxww"], capture_output=True, text=True, timeout=30)
        assert str(serve.nginx_pid()) in listing.stdout  # the list does show our processes
        assert "marigold" not in listing.stdout
        assert "Stream key from" in serve.output() and "mari…" in serve.output()
        assert "marigold-55-xyz" not in serve.output()
        config = tmp_path / "s" / "nginx.conf"
        assert stat.S_IMODE(config.stat().st_mode) == 0o600
        code, said = publish(serve.url("marigold-55-xyz"))
        assert code == 0, said
        code, said = publish(serve.url("marigold-55-xyZ"))
        assert code != 0
        serve.wait_line("Refused a stream from 127.0.0.1: wrong or missing key")
    for path in (tmp_path / "s").rglob("*"):
        if path.is_file():
            assert "marigold" not in path.read_text("utf-8", "replace"), path
    with Serve(tmp_path / "e", rtmp_port=free_port(), http_port=free_port()) as serve:
        serve.running()
        environ = Path(f"/proc/{serve.nginx_pid()}/environ").read_bytes()
        assert b"KAIZEN_STREAM_KEY" not in environ and KEY.encode() not in environ


def test_serve_makes_a_key_shows_it_once_then_only_in_part(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    rtmp, http = free_port(), free_port()
    with Serve(folder, env=serve_env(None), rtmp_port=rtmp, http_port=http) as first:
        first.running()
        assert first.stop() == 0
    key = (folder / "stream-key").read_text().strip()
    assert f"Made a stream key: {key}" in first.output()
    with Serve(folder, env=serve_env(None), rtmp_port=rtmp, http_port=http) as second:
        second.running()
        code, said = publish(second.url(key))
        assert code == 0, said
        assert second.stop() == 0
    assert key not in second.output() and f"{key[:4]}…" in second.output()
    assert key not in (folder / "serve.log").read_text()


def test_a_key_file_that_is_a_folder_is_named_in_words(tmp_path: Path) -> None:
    result = run_studio("serve", "--key-file", str(tmp_path), "--folder", str(tmp_path / "s"))
    one_line_error(result, "is a folder: give the key's file inside it")
    assert "Errno" not in result.stderr
