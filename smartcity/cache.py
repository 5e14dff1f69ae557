"""The shared cache's Redis backend, and a counter that costs one round trip.

Django's ``RedisCacheClient`` wraps its connection pool in a new ``redis.Redis`` object for every
command. With redis-py 8 that constructor costs about 0.2 ms, more than the command itself on
loopback, and a cached public answer takes three or four commands (the freshness number, the answer,
the throttle's counter). ``RedisCache`` keeps one client per pool for the life of the process instead;
the pools are Django's own (redis-py's pools notice a fork and open new connections in the child).
"""

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient


class KeptClients(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(index)
            client = self._clients[index] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = KeptClients


def count(key, timeout):
    """Adds one to the counter ``key`` and returns its value; the counter lives ``timeout`` seconds from
    its first count. Atomic on Redis (INCR, then EXPIRE NX, in one round trip); on the file cache, as
    atomic as that cache can be (its increments are a read and a write)."""
    cache = caches["default"]
    if isinstance(cache, DjangoRedisCache):
        client = cache._cache.get_client(write=True)
        name = cache.make_and_validate_key(key)
        pipeline = client.pipeline(transaction=False)
        pipeline.incr(name)
        pipeline.expire(name, timeout, nx=True)
        value, _ = pipeline.execute()
        return value
    cache.add(key, 0, timeout=timeout)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=timeout)
        return 1
