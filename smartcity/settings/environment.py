"""Settings are chosen by the environment, one module per situation.

``smartcity.settings.environment`` picks ``development`` when ``DEBUG`` is true and ``production``
otherwise, so an unconfigured server is never a debug server. Tests use ``smartcity.settings.test``.
"""

import os
from pathlib import Path

import environ

# `make run` writes .env (DEBUG=1) into the checkout it sets up, so that `python manage.py ...` there runs
# with the same development settings without typing DEBUG=1. What the environment sets wins over the
# file; ENV_FILE names another file. A server without the file is production. Tests never read it: they
# use smartcity.settings.test.
ENV_FILE = Path(os.environ.get("ENV_FILE", Path(__file__).resolve().parent.parent.parent / ".env"))
if ENV_FILE.is_file():
    environ.Env.read_env(ENV_FILE)

from .base import env  # noqa: E402

if env.bool("DEBUG", default=False):
    from .development import *  # noqa: F403
else:
    from .production import *  # noqa: F403
