"""The embedded default of ``make run``: debug on, a fixed development key, SQLite, the console mail."""

from .base import *  # noqa: F403
from .base import env

DEBUG = True
# Only for a developer's own machine: production refuses to start without SECRET_KEY.
SECRET_KEY = env.str("SECRET_KEY", default="development-only-not-secret-8d2f1c0b7e")
