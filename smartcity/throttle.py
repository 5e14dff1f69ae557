"""Counters of failures (or of mails sent) within a window, and the lock that follows too many, kept in
Django's cache, which every web process shares (Redis or files, see settings).

A ``Throttle`` is named by a scope (``login-pair``, ``login-address``, ``reset-mail`` …) and an identity
(a username and an address, a device …); the identity is hashed, so that no address or username is kept
in clear in the cache.
"""

import hashlib
import math
import time

from django.core.cache import cache


class Throttle:
    """``limit`` events within ``window`` seconds lock the identity for ``lock_seconds``."""

    def __init__(self, scope, identity, *, limit, window, lock_seconds):
        digest = hashlib.sha256(f"{scope}\n{identity}".encode()).hexdigest()
        self.count_key = f"throttle:{scope}:count:{digest}"
        self.start_key = f"throttle:{scope}:start:{digest}"
        self.lock_key = f"throttle:{scope}:lock:{digest}"
        self.limit, self.window, self.lock_seconds = limit, window, lock_seconds

    def seconds_left(self, now=None):
        """Seconds until the lock ends; 0 when the identity is not locked."""
        locked_until = cache.get(self.lock_key)
        if locked_until is None:
            return 0
        return max(0, math.ceil(locked_until - (now or time.time())))

    def count(self):
        return cache.get(self.count_key, 0)

    def record(self, now=None):
        """Counts one event; the one that reaches the limit locks. Returns the count in the window."""
        now = now or time.time()
        cache.add(self.start_key, now, timeout=self.window)
        cache.add(self.count_key, 0, timeout=self.window)
        try:
            events = cache.incr(self.count_key)
        except ValueError:  # expired between add and incr
            cache.set(self.count_key, 1, timeout=self.window)
            events = 1
        # The file cache's incr rewrites the entry with the default timeout; keep the window's end.
        started = cache.get(self.start_key, now)
        cache.touch(self.count_key, timeout=max(1, math.ceil(started + self.window - now)))
        if events >= self.limit:
            cache.set(self.lock_key, now + self.lock_seconds, timeout=self.lock_seconds)
            cache.delete_many([self.count_key, self.start_key])
        return events

    def clear(self):
        cache.delete_many([self.count_key, self.start_key, self.lock_key])
