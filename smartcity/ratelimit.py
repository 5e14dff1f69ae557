"""A small counter per key and window in the shared cache, for actions that send mail on request
(resending a confirmation link): ``allow`` says whether one more is within the limit."""

import hashlib

from django.core.cache import cache


def allow(scope, identity, *, limit, window):
    """Counts one attempt of ``identity`` (an address, a client IP) in ``scope``; False once more than
    ``limit`` were made within ``window`` seconds of the first."""
    digest = hashlib.sha256(f"{scope}\n{identity.strip().lower()}".encode()).hexdigest()
    key = f"ratelimit:{scope}:{digest}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        count = 1
    return count <= limit
