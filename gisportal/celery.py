"""The Celery app: `celery -A gisportal worker`. Configured from Django settings (the CELERY_* names)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gisportal.settings")

app = Celery("gisportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
# tasks.py modules of the installed apps.
app.autodiscover_tasks()
