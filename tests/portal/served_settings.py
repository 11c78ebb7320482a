"""The production settings, for a real gunicorn started by a test: only static files are served
from the source folders, since the test run has no collectstatic output."""

from portal.settings.production import *  # noqa: F403
from portal.settings.production import STORAGES

STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
