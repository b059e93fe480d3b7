"""The WSGI entry gunicorn serves: ``kaizen_studio.channel.site.wsgi:application``; it
also starts this process's library converter (see ``library.worker``)."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaizen_studio.channel.site.settings")
application = get_wsgi_application()

from kaizen_studio.channel.library import worker  # noqa: E402  (needs the apps loaded)

worker.start()
