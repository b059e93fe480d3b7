"""What nginx is told: the media server's configuration and the checks on what goes in it.

:func:`nginx_config` writes nginx's whole configuration for :class:`broadcast.server.
MediaServer` (RTMP with the key check, HLS, the classroom page, the channel, the partner
relays); the checks name a folder nginx cannot read, an address that is not an IP, a port
an ordinary user may not open, or nginx and its RTMP module missing, each with the fix.
The addresses it writes (:func:`url_host`, :func:`reach_host`) are the ones the studio
prints, so the two never disagree.
"""

from __future__ import annotations

import ipaddress
import shutil
from pathlib import Path

from kaizen_studio.core.errors import MissingToolError

RTMP_MODULE = Path("/usr/lib/nginx/modules/ngx_rtmp_module.so")
WEB_FOLDER = Path(__file__).with_name("web")
INSTALL = "sudo apt install nginx libnginx-mod-rtmp"

CONFIG = """\
daemon off;
master_process off;
worker_processes 1;
pid "{folder}/nginx.pid";
error_log "{folder}/error.log" warn;
load_module "{module}";
events {{ worker_connections 256; }}
rtmp {{
    access_log off;
    server {{
        listen {listen}:{rtmp_port};
        chunk_size 4096;
        application live {{
            live on;
            record off;
            wait_key on;
            on_publish http://127.0.0.1:{check_port}/publish/{token};
            on_publish_done http://127.0.0.1:{check_port}/done/{token};
            notify_method post;
            hls on;
            hls_path "{folder}/hls";
            hls_fragment 1s;
            hls_playlist_length 4s;
            hls_cleanup on;
            push_reconnect 1s;
{relays}
        }}
    }}
}}
http {{
    access_log off;
    client_body_temp_path "{folder}/tmp/body";
    proxy_temp_path "{folder}/tmp/proxy";
    fastcgi_temp_path "{folder}/tmp/fastcgi";
    uwsgi_temp_path "{folder}/tmp/uwsgi";
    scgi_temp_path "{folder}/tmp/scgi";
    types {{
        text/html html;
        application/javascript js;
        application/json json;
        application/vnd.apple.mpegurl m3u8;
        video/mp2t ts;
        video/mp4 mp4;
        image/jpeg jpg;
        image/png png;
        image/svg+xml svg;
        text/css css;
    }}
    server {{
        listen {listen}:{http_port};
        location /hls/ {{
            alias "{folder}/hls/";
            add_header Cache-Control no-cache;
            add_header Access-Control-Allow-Origin *;
        }}
        # partner relays' health (broadcast.relays): nginx's own statistics and the
        # status studio serve writes from them, for programs on this machine only
        location = /stat {{
            rtmp_stat all;
            allow 127.0.0.1;
            allow ::1;
            deny all;
        }}
        location = /control/drop/publisher {{
            rtmp_control all;
            allow 127.0.0.1;
            allow ::1;
            deny all;
        }}
        location = /status.json {{
            alias "{folder}/status.json";
            add_header Cache-Control no-cache;
            allow 127.0.0.1;
            allow ::1;
            deny all;
        }}
        location = /school.json {{
            alias "{folder}/school.json";
            add_header Cache-Control no-cache;
        }}
{channel}
        location / {{
            root "{web}";
            index index.html;
        }}
    }}
}}
"""


NGINX_UNSAFE = set('"$;{}\\\n\r')
"""Characters a path cannot hold in nginx's configuration, even quoted (``$`` starts a
variable there)."""


def check_server_folder(folder: Path) -> Path:
    """``folder`` if nginx can be told it (spaces are fine: the configuration quotes every
    path); raise ValueError naming the characters otherwise."""
    bad = sorted(NGINX_UNSAFE & set(str(folder)))
    if bad:
        raise ValueError(
            f"the server's folder {str(folder)!r} has characters nginx cannot read "
            f"({' '.join(bad)}): choose a folder without them with --folder"
        )
    return folder


def check_host(host: str) -> str:
    """``host`` if it is an IP address to listen on (127.0.0.1, ::1, 0.0.0.0, ::, or one
    of this machine's); raise ValueError in words otherwise (a name would be looked up)."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        raise ValueError(
            f"the address to listen on must be an IP address such as 127.0.0.1, ::1 or "
            f"0.0.0.0 (the whole school), got {host!r}"
        ) from None
    return host


def url_host(host: str) -> str:
    """``host`` as written in an address or nginx's ``listen``: IPv6 in brackets."""
    return f"[{host}]" if ":" in host else host


def reach_host(host: str) -> str:
    """The address this machine reaches a server listening on ``host`` at: loopback for
    all addresses (0.0.0.0 or ::), else ``host`` itself; IPv6 in brackets."""
    if host == "0.0.0.0":
        return "127.0.0.1"
    return url_host("::1" if host == "::" else host)


def check_port(port: int, *, name: str) -> None:
    """Raise ValueError naming ``name`` unless ``port`` is one an ordinary user may open."""
    if not 1024 < port < 65536:
        raise ValueError(f"{name} must be between 1025 and 65535, got {port}")


def check_installed() -> Path:
    """Path of nginx; raise MissingToolError naming the install command if it or the
    RTMP module is missing."""
    nginx = shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )
    if nginx is None:
        raise MissingToolError(f"nginx is not installed: {INSTALL}")
    if not RTMP_MODULE.exists():
        raise MissingToolError(f"nginx's RTMP module is missing ({RTMP_MODULE}): {INSTALL}")
    return Path(nginx)


def nginx_config(
    *,
    folder: Path,
    host: str,
    rtmp_port: int,
    http_port: int,
    check_port: int,
    token: str,
    channel: str,
    relays: str,
) -> str:
    """nginx's configuration: everything under ``folder``, listening on ``host``; the key
    check on loopback at ``check_port`` under the secret ``token``; ``channel`` and
    ``relays`` are nginx directives (empty: none)."""
    return CONFIG.format(
        folder=folder,
        module=RTMP_MODULE,
        listen=url_host(host),
        rtmp_port=rtmp_port,
        http_port=http_port,
        check_port=check_port,
        token=token,
        web=WEB_FOLDER.resolve(),
        channel=channel,
        relays=relays,
    )
