"""Django settings of the school channel, read from what ``studio serve`` passes in the
environment (:mod:`environment`): the server folder (SQLite, media, secret key there),
the school's name and colours, and PostgreSQL when a trust configures it."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from kaizen_studio.channel.site import environment

FOLDER = Path(os.environ.get(environment.FOLDER, "studio-server")).resolve()
SCHOOL_NAME = os.environ.get(environment.SCHOOL, "Our School")
SCHOOL_COLOURS = environment.colours(os.environ.get(environment.COLOURS))
MEDIA_ROOT = FOLDER / "channel-media"
"""Library files: ``incoming/`` uploads waiting, ``library/`` finished MP4s and
thumbnails (served by nginx), ``work/`` half-made conversions (never served)."""
STATIC_ROOT = FOLDER / "channel-static"
if FOLDER.is_dir():  # made by studio serve; the upload folder must exist before a request
    for _sub in ("incoming", "work", "library"):
        (MEDIA_ROOT / _sub).mkdir(parents=True, exist_ok=True, mode=0o750)

SECRET_KEY = environment.secret_key(FOLDER)
DEBUG = False
ALLOWED_HOSTS = ["*"]  # nginx in front answers only on the addresses studio serve chose
USE_X_FORWARDED_HOST = False  # nginx passes the Host it answered to; a browser names no other
CSRF_TRUSTED_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("KAIZEN_CHANNEL_ORIGINS", "").split(",")
    if origin.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "kaizen_studio.channel.accounts",
    "kaizen_studio.channel.library",
    "kaizen_studio.channel.vodcasts",
    # the timetable and widgets (branch chscreens) go here:
    "kaizen_studio.channel.schedule",
    "kaizen_studio.channel.widgets",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "library:list"
LOGOUT_REDIRECT_URL = "accounts:sign-in"

# a lockout after 5 wrong passwords for one name from one address, for 15 minutes; nginx
# passes the browser's address in X-Real-IP (every request reaches Django from loopback)
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "kaizen_studio.channel.accounts.audit.client_address"
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_VERBOSE = False

ROOT_URLCONF = "kaizen_studio.channel.site.urls"
WSGI_APPLICATION = "kaizen_studio.channel.site.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).resolve().parent.parent / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kaizen_studio.channel.accounts.roles.school",
            ]
        },
    }
]

DATABASES = {
    "default": environment.database(FOLDER, os.environ.get(environment.DATABASE)).as_django()
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600  # a school day
SESSION_COOKIE_NAME = "channel_session"
CSRF_COOKIE_NAME = "channel_csrftoken"
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"

# uploads go to a temporary file in the media folder from the first byte (same disk as
# the library, so finishing one is a rename): a 2 GB film never sits in memory
FILE_UPLOAD_HANDLERS = ["django.core.files.uploadhandler.TemporaryFileUploadHandler"]
FILE_UPLOAD_TEMP_DIR = str(MEDIA_ROOT / "incoming")
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
LIBRARY_MAX_UPLOAD = 4 * 1024**3
"""Largest upload nginx lets through (``client_max_body_size``), in bytes."""

LANGUAGE_CODE = "en-gb"
TIME_ZONE = os.environ.get("KAIZEN_CHANNEL_TIME_ZONE", "Europe/London")
USE_I18N = False
USE_TZ = True

STATIC_URL = "/channel/static/"
MEDIA_URL = "/channel/media/"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"kaizen_studio": {"level": "INFO"}},
}
