"""The school channel's part of nginx's configuration (the ``http`` block's locations).

``/channel/`` goes to the channel's app server (on a unix socket only its owner may open,
or loopback), with nginx's own Host and X-Real-IP (a browser's X-Forwarded-Host never
reaches the app), with uploads held whole on
nginx's disk first; ``/channel/static/`` is served from the folder Django copies its
static files to; ``/channel/media/library/`` is internal: nginx sends a library file only
when the app answers a request for it with ``X-Accel-Redirect`` (the app decides who may
see an item, nginx sends the bytes, with ranges for seeking).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

CHANNEL = """\
        location /channel/ {{
            proxy_pass "http://{upstream}";
            proxy_set_header Host $http_host;
            proxy_set_header X-Real-IP $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Host "";
            proxy_set_header X-Forwarded-For "";
            proxy_http_version 1.1;
            proxy_read_timeout 300s;
            # an upload is kept whole on nginx's disk (128 kB in memory at most) and then
            # passed on at loopback speed: a slow tablet never holds an app-server thread
            client_max_body_size {max_body};
            client_body_buffer_size 128k;
            client_body_timeout 120s;
            proxy_request_buffering on;
        }}
        location /channel/static/ {{
            alias "{static}/";
            expires 1h;
        }}
        location /channel/media/library/ {{
            internal;
            alias "{media}/library/";
            add_header Cache-Control "public, max-age=3600";
        }}
"""


@dataclass(frozen=True)
class ChannelSite:
    """Where nginx finds the school channel (``kaizen_studio.channel``): the app server's
    address (``unix:/path`` or a loopback ``host:port``), its static files, and its media
    folder (sent by nginx when the app answers with
    ``X-Accel-Redirect: /channel/media/library/NAME``)."""

    upstream: str
    static: Path
    media: Path
    max_body: str = "4g"

    def config(self) -> str:
        if not re.fullmatch(r'127\.0\.0\.1:\d+|\[::1\]:\d+|unix:/[^;{}"$\\\n\r]+', self.upstream):
            raise ValueError(
                "the channel's app server must be on loopback or a unix socket in a folder "
                f"nginx can be told, got {self.upstream!r}"
            )
        # nginx ends a socket's path with a colon: http://unix:/path/to/socket:
        upstream = f"{self.upstream}:" if self.upstream.startswith("unix:") else self.upstream
        return CHANNEL.format(
            upstream=upstream,
            static=self.static.resolve(),
            media=self.media.resolve(),
            max_body=self.max_body,
        )
