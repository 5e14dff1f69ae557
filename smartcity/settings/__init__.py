"""One settings module per situation: ``environment`` (the default everywhere: picks ``development``
or ``production`` by ``DEBUG``), ``development``, ``production`` and ``test``; all build on ``base``."""
