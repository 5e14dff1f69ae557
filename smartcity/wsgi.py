"""WSGI entry point for gunicorn and friends: ``gunicorn smartcity.wsgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartcity.settings.environment")

application = get_wsgi_application()
