"""What keeps strangers off the autocue remote: a limit on wrong codes per client, the
Host and Origin headers checked, and the machine's own address for the tablet to open.

Different wrong codes (or pairing tokens) from one client address are counted (the page
asking again and again with the same mistyped code is not guessing): after
:data:`FREE_TRIES` the address is locked out for :data:`FIRST_LOCKOUT` seconds, doubling
with each lockout after that (at most :data:`LONGEST_LOCKOUT`), so guessing a 6-digit code
takes years instead of minutes. The time comes from an injected clock (tests use a fake).
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

FREE_TRIES = 5
"""wrong codes one client may give before it is locked out"""
FIRST_LOCKOUT = 30.0
"""seconds of the first lockout; each one after it is twice as long"""
LONGEST_LOCKOUT = 3600.0
PROBE = "10.255.255.255"
"""a private address 'connected' to by UDP (which sends nothing) to learn which of the
machine's addresses faces the network"""


@dataclass
class _Client:
    tried: set[str] = field(default_factory=set)
    """the different wrong codes given since the last lockout or right code"""
    lockouts: int = 0
    until: float = 0.0


class Guard:
    """Counts wrong attempts per client address; thread-safe."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._clients: dict[str, _Client] = {}
        self._lock = threading.Lock()

    def locked_for(self, address: str) -> float:
        """Seconds until ``address`` may try again (0.0: it may now)."""
        with self._lock:
            client = self._clients.get(address)
            return max(0.0, client.until - self._clock()) if client else 0.0

    def wrong(self, address: str, given: str) -> float:
        """Count the wrong code ``given`` by ``address`` (once however often it is
        given); the lockout it starts (0.0: none)."""
        with self._lock:
            client = self._clients.setdefault(address, _Client())
            client.tried.add(given)
            if len(client.tried) < FREE_TRIES:
                return 0.0
            seconds = min(LONGEST_LOCKOUT, FIRST_LOCKOUT * 2**client.lockouts)
            client.tried, client.lockouts = set(), client.lockouts + 1
            client.until = self._clock() + seconds
            return seconds

    def right(self, address: str) -> None:
        """A right attempt from ``address``: its count of wrong ones starts again."""
        with self._lock:
            client = self._clients.get(address)
            if client is not None:
                client.tried = set()


def lan_address() -> str | None:
    """The machine's address on the local network (the one a tablet on the school's
    wifi can open), or None when it has none. Found without sending a packet: a UDP
    socket's ``connect`` only picks the route."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect((PROBE, 9))
            address = str(probe.getsockname()[0])
    except OSError:
        return None
    parsed = ipaddress.ip_address(address)
    return None if parsed.is_loopback or parsed.is_unspecified else address


def host_names(bound: str, port: int, lan: str | None) -> frozenset[str]:
    """The Host header values a request to a server bound to ``bound``:``port`` may
    carry: the addresses it serves (loopback ones by number and as 'localhost'; with all
    interfaces, the LAN address too)."""
    names = {bound}
    if bound in ("0.0.0.0", "", "::"):
        names |= {"127.0.0.1", "localhost", "::1"} | ({lan} if lan else set())
    elif ipaddress.ip_address(bound).is_loopback:
        names |= {"127.0.0.1", "localhost", "::1"}
    return frozenset(
        f"[{name}]:{port}" if ":" in name else f"{name}:{port}" for name in names if name
    )
