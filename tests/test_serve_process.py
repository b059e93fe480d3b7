"""``studio serve`` as a process: a taken port named before start, its folder said, nginx
restarted when it dies, and no nginx left behind however serve is stopped (real
processes, real signals, loopback only)."""

from __future__ import annotations

import os
import signal
import socket
from pathlib import Path

import pytest

from kaizen_studio.broadcast.server import MediaServer, PortBusyError, free_port
from kaizen_studio.studio.server_restarts import RestartPolicy
from tests.conditions import wait_until
from tests.serve_process import KEY, Serve, gone, publish, run_studio


def test_a_second_serve_on_the_same_port_says_so_before_starting(tmp_path: Path) -> None:
    rtmp = free_port()
    with Serve(tmp_path / "first", rtmp_port=rtmp, http_port=free_port()) as first:
        first.running()
        second = run_studio(
            "serve",
            "--rtmp-port",
            str(rtmp),
            "--http-port",
            str(free_port()),
            "--folder",
            str(tmp_path / "second"),
        )
        assert second.returncode == 2, second
        assert second.stderr.strip() == (
            f"studio: error: port {rtmp} is in use (another studio serve?): "
            "stop it or choose --rtmp-port"
        )
        assert "running" not in second.stdout
        assert first.process.poll() is None  # the first goes on


def test_a_taken_web_port_is_named_too(tmp_path: Path) -> None:
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        http = other.getsockname()[1]
        ports = ["--rtmp-port", str(free_port()), "--http-port", str(http)]
        result = run_studio("serve", *ports, "--folder", str(tmp_path / "s"))
    assert result.returncode == 2
    assert result.stderr.strip().endswith(
        f"port {http} is in use (another studio serve?): stop it or choose --http-port"
    )
    assert not (tmp_path / "s" / "nginx.pid").exists()


def test_a_file_given_as_the_folder_is_one_clear_line(tmp_path: Path) -> None:
    afile = tmp_path / "notes.txt"
    afile.write_text("not a folder")
    result = run_studio("serve", "--folder", str(afile), "--rtmp-port", str(free_port()))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert f"--folder {afile} is a file, not a folder" in result.stderr
    assert afile.read_text() == "not a folder"


@pytest.mark.parametrize(
    ("number", "group"),
    [(signal.SIGINT, True), (signal.SIGINT, False), (signal.SIGTERM, False), (signal.SIGHUP, True)],
)
def test_stopping_serve_stops_nginx(tmp_path: Path, number: signal.Signals, group: bool) -> None:
    """Ctrl+C in its terminal (SIGINT to its process group), SIGINT or SIGTERM to serve
    alone, a closed terminal (SIGHUP to the group): serve stops nginx, says so and exits
    0, without taking nginx's end for a crash; run without --folder, it says where it
    keeps its files."""
    with Serve(
        Path("studio-server"), rtmp_port=free_port(), http_port=free_port(), cwd=tmp_path
    ) as serve:
        serve.running()
        assert f"keeps its files in {tmp_path / 'studio-server'}" in serve.lines[0]
        nginx = int((tmp_path / "studio-server" / "nginx.pid").read_text())
        assert not gone(nginx)
        assert serve.stop(number, group=group) == 0
    wait_until(lambda: gone(nginx), what="nginx to end with studio serve")
    assert serve.lines[-1] == "Media server stopped."
    assert "stopped by itself" not in serve.output()
    assert "Traceback" not in serve.output()


def test_nginx_dies_with_a_killed_serve(tmp_path: Path) -> None:
    with Serve(tmp_path / "s", rtmp_port=free_port(), http_port=free_port()) as serve:
        serve.running()
        nginx = serve.nginx_pid()
        assert serve.stop(signal.SIGKILL) == -signal.SIGKILL
    wait_until(lambda: gone(nginx), what="nginx to end with a killed studio serve")


def test_serve_restarts_nginx_when_it_dies(tmp_path: Path) -> None:
    with Serve(tmp_path / "s", rtmp_port=free_port(), http_port=free_port()) as serve:
        serve.running()
        first = serve.nginx_pid()
        told = len(serve.lines)
        os.kill(first, signal.SIGKILL)
        line = serve.wait_line("stopped by itself", after=told)
        assert "(killed by SIGKILL); starting it again in 1 s" in line
        again = serve.wait_line("running again", after=told)
        wait_until(lambda: gone(first), what="the first nginx to end")
        second = serve.nginx_pid()
        assert second != first and f"nginx pid {second}" in again
        code, said = publish(serve.url())
        assert code == 0, f"the restarted server refused the show: {said}"
        log = (tmp_path / "s" / "serve.log").read_text()
        assert "stopped by itself (killed by SIGKILL)" in log and "running again" in log
        assert serve.stop() == 0
    assert gone(second)


def test_restarts_wait_longer_each_time_and_give_up_when_too_many() -> None:
    now = [0.0]
    policy = RestartPolicy(clock=lambda: now[0])
    delays = []
    for _ in range(5):
        delays.append(policy.next_delay())
        now[0] += 10
    assert delays == [1.0, 2.0, 4.0, 8.0, 16.0]
    assert policy.next_delay() is None  # the sixth in ten minutes: give up
    now[0] += 600
    assert policy.next_delay() == 1.0  # a quiet ten minutes: counted afresh


def test_a_restart_names_a_port_taken_meanwhile_then_works_once_it_is_free(
    tmp_path: Path,
) -> None:
    rtmp = free_port()
    with MediaServer(tmp_path / "s", key=KEY, rtmp_port=rtmp, http_port=free_port()) as server:
        first = server.pid
        assert first is not None
        os.kill(first, signal.SIGKILL)
        wait_until(lambda: not server.running, what="the server to stop")
        assert server.exit_code == -signal.SIGKILL
        with socket.socket() as thief:
            thief.bind(("127.0.0.1", rtmp))
            thief.listen()
            with pytest.raises(PortBusyError, match=f"port {rtmp} is in use"):
                server.restart()
        server.restart()
        assert server.running and server.pid != first
        code, said = publish(server.publish_url)
        assert code == 0, said


def test_serve_gives_up_in_words_when_nginx_will_not_start_again(tmp_path: Path) -> None:
    """nginx dies and another program takes its port meanwhile (serve is paused so that
    it cannot win the race): serve tries again after 1, 2, 4, 8 and 16 s, says why each
    try failed, then gives up with exit status 1."""
    rtmp = free_port()
    with Serve(tmp_path / "s", rtmp_port=rtmp, http_port=free_port()) as serve:
        serve.running()
        nginx = serve.nginx_pid()
        serve.process.send_signal(signal.SIGSTOP)
        try:
            os.kill(nginx, signal.SIGKILL)
            wait_until(lambda: gone(nginx), what="nginx to end")
            thief = socket.socket()
            thief.bind(("127.0.0.1", rtmp))
            thief.listen()
        finally:
            serve.process.send_signal(signal.SIGCONT)
        with thief:
            assert serve.process.wait(timeout=180) == 1
    said = serve.output()
    waits = [line.rsplit("again in ", 1)[1] for line in serve.lines if "again in " in line]
    assert waits == ["1 s", "2 s", "4 s", "8 s", "16 s"], said
    refused = f"could not start again: port {rtmp} is in use (another studio serve?)"
    assert said.count(refused) == 5, said
    assert "would not keep running (5 restarts in 10 minutes): giving up" in said
    assert "Traceback" not in said


def test_serve_listens_on_ipv6_loopback_and_says_addresses_with_brackets(tmp_path: Path) -> None:
    import urllib.request

    rtmp, http = free_port("::1"), free_port("::1")
    with Serve(tmp_path / "v6", rtmp_port=rtmp, http_port=http, extra=("--host", "::1")) as serve:
        serve.wait_line("Media server running")
        assert f"rtmp://[::1]:{rtmp}/live/show" in serve.output()
        assert f"http://[::1]:{http}/" in serve.wait_line("Watch with")
        with urllib.request.urlopen(f"http://[::1]:{http}/", timeout=10) as page:
            assert page.status == 200 and b"<html" in page.read().lower()


def test_a_host_that_is_not_an_address_is_one_clear_line_before_anything_is_made(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "s"
    result = run_studio("serve", "--host", "hall-pc", "--folder", str(folder))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "studio: error: the address to listen on must be an IP address such as 127.0.0.1, "
        "::1 or 0.0.0.0 (the whole school), got 'hall-pc'"
    )
    assert not folder.exists()


def test_a_server_folder_with_spaces_works_and_one_nginx_cannot_read_is_refused(
    tmp_path: Path,
) -> None:
    import urllib.request

    rtmp, http = free_port(), free_port()
    with Serve(tmp_path / "Studio Server", rtmp_port=rtmp, http_port=http) as serve:
        serve.wait_line("Media server running")
        with urllib.request.urlopen(f"http://127.0.0.1:{http}/", timeout=10) as page:
            assert page.status == 200
    folder = tmp_path / "cost$5"
    result = run_studio("serve", "--folder", str(folder), "--rtmp-port", str(free_port()))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"studio: error: the server's folder {str(folder)!r} has characters nginx cannot "
        "read ($): choose a folder without them with --folder"
    )
    assert not folder.exists()
