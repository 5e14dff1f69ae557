"""Whole public pages kept in the shared cache for visitors who are not logged in.

A page is stored under its address, the page's language and ``cities.freshness.version()`` (and the
day, for pages whose wording depends on the date, such as a certificate that expires at midnight), so a
save of any public record makes every stored page stale at once. Only pages that every anonymous
visitor sees alike are stored:

- the copy is rendered for an anonymous visitor, with a placeholder where the language switcher's CSRF
  token goes; each visitor who is served the copy gets their own token in its place (and the CSRF
  cookie that goes with it), never the token of the visitor the copy was rendered for;
- logged-in visitors, visitors with messages waiting, and addresses with a query string get the page
  rendered for them and nothing is stored (their navigation names them; ``next`` in the language
  switcher repeats the query string);
- only successful answers (200) of ``TemplateResponse`` views are stored.

The freshness number is passed in by the views (``version=freshness.version``): this module imports
neither app.
"""

import hashlib
from functools import wraps

from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.response import TemplateResponse
from django.utils import timezone, translation

# What the stored copy carries instead of a visitor's CSRF token. It cannot be a token itself (tokens
# are 64 letters and digits), so replacing it touches nothing else on the page.
CSRF_PLACEHOLDER = "csrf-token-of-the-visitor"
TIMEOUT = 24 * 3600
# Each process also keeps the copies it served last, under the same keys: a key names the freshness
# number, so a copy kept here is never staler than the shared one (the number is still read from the
# shared cache on every request). Emptied when full; copies of older numbers are never asked for again.
LOCAL_COPIES = 256
_local = {}


def page_key(request, *, version, daily):
    path = hashlib.sha256(request.path.encode()).hexdigest()[:32]
    day = timezone.localdate().isoformat() if daily else ""
    return f"page:{version()}:{translation.get_language()}:{day}:{path}"


def may_share(request):
    """Whether this request would see the page every anonymous visitor sees."""
    return (
        request.method == "GET"
        and not request.GET
        and not request.user.is_authenticated
        and not len(messages.get_messages(request))
    )


def serve(request, content, content_type):
    token = get_token(request).encode()
    return HttpResponse(content.replace(CSRF_PLACEHOLDER.encode(), token), content_type=content_type)


def keep(key, stored):
    if key not in _local:
        if len(_local) >= LOCAL_COPIES:
            _local.clear()
        _local[key] = stored


def cached_public_page(*, version, daily=False):
    """Decorates a view that answers a ``TemplateResponse``: anonymous visitors share one rendering of
    the page per address, language and ``version()`` (and day, with ``daily=True``)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not may_share(request):
                return view(request, *args, **kwargs)
            key = page_key(request, version=version, daily=daily)
            if (stored := _local.get(key)) is not None or (stored := cache.get(key)) is not None:
                keep(key, stored)
                return serve(request, *stored)
            response = view(request, *args, **kwargs)
            if not isinstance(response, TemplateResponse) or response.status_code != 200:
                return response
            response.context_data = {**(response.context_data or {}), "csrf_token": CSRF_PLACEHOLDER}
            response.render()
            stored = (response.content, response["Content-Type"])
            cache.set(key, stored, TIMEOUT)
            keep(key, stored)
            return serve(request, *stored)

        return wrapper

    return decorator
