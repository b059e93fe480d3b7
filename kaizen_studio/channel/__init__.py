"""The school channel: the staff site behind ``studio serve`` (a Django project).

``site`` holds the settings, URLs and WSGI entry; ``accounts`` the staff's accounts, roles
and audit log; ``library`` the films, pictures, photostories and recordings that screens
play; the timetable (``schedule``) and widgets (``widgets``) are apps of their own. The
channel never imports ``kaizen_studio.broadcast`` or ``kaizen_studio.studio``: ``studio
serve`` starts it through :mod:`kaizen_studio.channel.site.process`.
"""
