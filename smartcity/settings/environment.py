"""Settings are chosen by the environment, one module per situation.

``smartcity.settings.environment`` picks ``development`` when ``DEBUG`` is true and ``production``
otherwise, so an unconfigured server is never a debug server. Tests use ``smartcity.settings.test``.
"""

from .base import env

if env.bool("DEBUG", default=False):
    from .development import *  # noqa: F403
else:
    from .production import *  # noqa: F403
