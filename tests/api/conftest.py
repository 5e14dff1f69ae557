import pytest


@pytest.fixture
def wsgi_application(db):
    """The portal's WSGI application as a server runs it (addresses decoded as a server decodes them),
    except that a request ending does not close the database connection that holds the test's
    transaction (as Django's test client does)."""
    from django.core.signals import request_finished, request_started
    from django.core.wsgi import get_wsgi_application
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
