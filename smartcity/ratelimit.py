"""A small counter per key and window in the shared cache, for actions that send mail on request
(resending a confirmation link): ``allow`` says whether one more is within the limit."""

import hashlib

from .cache import count


def allow(scope, identity, *, limit, window):
    """Counts one attempt of ``identity`` (an address, a client IP) in ``scope``; False once more than
    ``limit`` were made within ``window`` seconds of the first."""
    digest = hashlib.sha256(f"{scope}\n{identity.strip().lower()}".encode()).hexdigest()
    return count(f"ratelimit:{scope}:{digest}", timeout=window) <= limit
