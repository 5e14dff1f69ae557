"""The Celery application, configured from Django's settings (the ``CELERY_`` names)."""

import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartcity.settings.environment")

app = Celery("smartcity")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def prepare_filesystem_broker():
    """The filesystem transport expects its folders to exist; create them for the embedded default."""
    for key in ("data_folder_in", "data_folder_out", "control_folder"):
        folder = app.conf.broker_transport_options.get(key)
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
    backend = app.conf.result_backend or ""
    if backend.startswith("file://"):
        Path(backend.removeprefix("file://")).mkdir(parents=True, exist_ok=True)
