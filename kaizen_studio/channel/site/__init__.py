"""The channel's Django project: settings, URLs, WSGI entry and the app server's process."""
