"""The WSGI entry gunicorn serves: ``kaizen_studio.channel.site.wsgi:application``."""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaizen_studio.channel.site.settings")
application = get_wsgi_application()
