"""smartcity/cache.py: the Redis backend keeps one client per pool, and ``count`` counts atomically
with an expiry, on Redis (CI) and on the file cache (``make run``)."""

import threading
import time
import uuid

import pytest
from django.conf import settings
from django.core.cache import caches

from smartcity import cache as shared_cache

needs_redis = pytest.mark.skipif(not settings.REDIS_URL, reason="needs Redis (CI sets REDIS_URL)")


@pytest.fixture
def redis_cache(settings):
    """The default cache on the real Redis, under a prefix of its own (the suite's cache is a folder,
    so that clearing it never flushes Celery's broker)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "smartcity.cache.RedisCache",
            "LOCATION": settings.REDIS_URL,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    yield caches["default"]


@needs_redis
def test_the_redis_backend_keeps_one_client_per_pool(redis_cache):
    redis_cache.set("a", 1)
    redis_cache.get("a")
    client = redis_cache._cache.get_client(write=True)
    assert redis_cache._cache.get_client(write=True) is client
    assert redis_cache.get("a") == 1
    redis_cache.delete("a")


@needs_redis
def test_count_on_redis_is_atomic_and_expires(redis_cache):
    key = "counter"

    def count_fifty():
        for _ in range(50):
            shared_cache.count(key, timeout=2)

    threads = [threading.Thread(target=count_fifty) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert redis_cache.get(key) == 200
    client = redis_cache._cache.get_client(write=True)
    time.sleep(1.1)
    assert shared_cache.count(key, timeout=2) == 201
    assert client.pttl(redis_cache.make_and_validate_key(key)) <= 900  # from the first count, not the last
    time.sleep(1)
    assert shared_cache.count(key, timeout=2) == 1


def test_count_on_the_file_cache_starts_at_one_and_adds_one():
    key = f"counter-{uuid.uuid4().hex}"
    assert [shared_cache.count(key, timeout=60) for _ in range(3)] == [1, 2, 3]
