"""The benchmarked show's process seen from outside: its core, CPU time, memory, children.

Linux only (read from /proc). :func:`pin` puts every thread of this process on one core;
threads and processes started afterwards inherit it (the encoder's threads, the streaming
child, nginx), so "pinned to one core" covers whatever the show starts.
"""

from __future__ import annotations

import os
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def pin(core: int) -> None:
    """Run every thread of this process, and all it starts from now on, on ``core``
    (``os.sched_setaffinity`` sets one thread's: the threads already running, such as
    NumPy's, are each pinned). ValueError when this machine has no such core."""
    if core not in os.sched_getaffinity(0):
        raise ValueError(f"core {core} is not one this process may use: {os.sched_getaffinity(0)}")
    for task in Path("/proc/self/task").iterdir():
        try:
            os.sched_setaffinity(int(task.name), {core})
        except ProcessLookupError:  # a thread that has just ended
            continue


def cores_of(pid: int) -> set[int]:
    """The cores process ``pid`` may run on."""
    return set(os.sched_getaffinity(pid))


def _stat_fields(pid: int) -> list[str]:
    """/proc/PID/stat after the command's name (field 3 is the first)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) process ``pid`` has used, all its threads; 0.0 when it
    has ended."""
    try:
        fields = _stat_fields(pid)
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def rss_mib(pid: int | None = None, *, part: str = "VmRSS") -> float:
    """Resident memory of process ``pid`` (None: this one) in MiB; 0.0 when it has ended.
    ``part``: all of it (``VmRSS``), or the process's own anonymous memory (``RssAnon``:
    heap, arrays, encoders' buffers) or files mapped (``RssFile``: the libraries' code)."""
    try:
        status = Path(f"/proc/{pid or 'self'}/status").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    for line in status.splitlines():
        if line.startswith(f"{part}:"):
            return int(line.split()[1]) / 1024.0
    return 0.0


def descendants(pid: int) -> list[int]:
    """Every living process started by ``pid``, its children's children included."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int(_stat_fields(int(entry.name))[1])
            except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
                continue
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        children = [child for child, of in parents.items() if of == parent]
        found += children
        todo += children
    return found


def load() -> str:
    """The machine's load average (1, 5, 15 minutes) and its cores, in words."""
    one, five, fifteen = os.getloadavg()
    return f"{one:.1f} / {five:.1f} / {fifteen:.1f} on {os.cpu_count()} cores"


def core_busy_seconds(core: int) -> float:
    """CPU time core ``core`` has spent on any work since boot (everything but idle and
    waiting for the disk), from /proc/stat."""
    for line in Path("/proc/stat").read_text().splitlines():
        if line.startswith(f"cpu{core} "):
            user, nice, system, _idle, _iowait, irq, softirq, steal = (
                int(v) for v in line.split()[1:9]
            )
            return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS
    raise ValueError(f"no core {core} in /proc/stat")


def waited_seconds(pid: int | None = None) -> float:
    """Time the threads of process ``pid`` (None: this one) have spent ready to run but
    waiting for a core (the scheduler's run-queue wait, /proc/PID/task/*/schedstat)."""
    waited = 0
    for task in Path(f"/proc/{pid or 'self'}/task").iterdir():
        try:
            waited += int((task / "schedstat").read_text().split()[1])
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
    return waited / 1e9
