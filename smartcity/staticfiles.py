"""Static files in production: WhiteNoise's compressed, hashed copies, forgiving when the manifest lacks
a name.

Django's manifest storage raises "Missing staticfiles manifest entry" for every ``{% static %}`` of a
name it does not know — before ``collectstatic`` has run, or after a release that added a file without
collecting. Every page, and the 500 page itself, then fails, and the operator reads tracebacks in a loop
instead of an error page. Here such a name is logged once and answered with its plain URL: the page
renders (unstyled at worst) and the log says what to do.
"""

import logging

from whitenoise.storage import CompressedManifestStaticFilesStorage

logger = logging.getLogger(__name__)


class ForgivingManifestStaticFilesStorage(CompressedManifestStaticFilesStorage):
    manifest_strict = False
    _reported = set()

    def stored_name(self, name):
        try:
            return super().stored_name(name)
        except ValueError:
            if name not in self._reported:
                self._reported.add(name)
                logger.error(
                    "Static file %r is not in the manifest: run `python manage.py collectstatic` "
                    "(make serve does); serving its plain name meanwhile.",
                    name,
                )
            return name
