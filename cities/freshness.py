"""One number that changes whenever anything the public pages show changes.

Registry pages, statistics, the map, badges and API responses are cached under this number, and it is
their ETag: a save or delete of a public record (here, or of certification's awards and documents, which
call ``watch`` for their models) takes a new number, so every cached answer is stale at once and is
computed afresh on its next request. The number lives in the shared cache, so web processes and Celery
workers see the same one.
"""

import logging
import time

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

logger = logging.getLogger(__name__)

KEY = "registry:version"


def version() -> str:
    value = cache.get(KEY)
    if value is None:
        value = str(time.time_ns())
        cache.add(KEY, value, timeout=None)
        value = cache.get(KEY, value)
    return value


def _take_new_number():
    try:
        cache.set(KEY, str(time.time_ns()), timeout=None)
    except Exception:
        # The shared cache is down (Redis, which is also the broker): what was committed stays committed.
        # Nothing is served from a cache that is down; the next change of a public record (the documents
        # rendered once Redis is back, say) takes a new number.
        logger.error("The public pages' freshness number could not be renewed", exc_info=True)


def renew(**kwargs):
    """Takes a new number now (after ``migrate``: a new release may render the same records otherwise)."""
    _take_new_number()


def bump(**kwargs):
    """Takes a new number once the current transaction commits (so a reader never caches data that a
    rollback took back), once per transaction however many records it saves."""
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        func is _take_new_number for _, func, _ in connection.run_on_commit
    ):
        return
    transaction.on_commit(_take_new_number)


def watch(*models):
    for model in models:
        uid = f"registry.freshness.{model._meta.label}"
        post_save.connect(bump, sender=model, dispatch_uid=uid + ".save", weak=False)
        post_delete.connect(bump, sender=model, dispatch_uid=uid + ".delete", weak=False)
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                bump, sender=field.remote_field.through, dispatch_uid=uid + field.name, weak=False
            )
