"""Whole public answers kept in the shared cache for visitors who are not logged in: the home page, the
verification pages, and the registry's pages, CSV files and badges.

An answer is stored under its address, the page's language and ``cities.freshness.version()`` (and the
day, for pages whose wording depends on the date, such as a certificate that expires at midnight; and the
query string, for views that check every parameter and answer 400 to what they do not know), so a save
of any public record makes every stored answer stale at once. Only answers that every anonymous visitor
sees alike are stored:

- the copy is rendered for an anonymous visitor, with a placeholder where the language switcher's CSRF
  token goes; each visitor who is served the copy gets their own token in its place (and the CSRF
  cookie that goes with it), never the token of the visitor the copy was rendered for; an answer without
  the placeholder (a CSV file, a badge) sets no cookie;
- logged-in visitors and visitors with messages waiting get the page rendered for them and nothing is
  stored (their navigation names them); so do addresses with a query string, unless the view takes
  ``query=True`` (``next`` in the language switcher repeats the query string, so it is part of the key);
- only successful answers (200) are stored.

Each shared answer carries an ETag made of its key, so a browser that asks again with ``If-None-Match``
gets a 304 without anything being computed, and ``Cache-Control`` (``no-cache`` unless the view says
otherwise: browsers revalidate each time, cheaply). ``settings.PAGE_CACHE_SECONDS`` (default a day)
bounds how long a copy is kept even if nothing changes; 0 turns the sharing and the ETags off.

The freshness number is passed in by the views (``version=freshness.version``): this module imports
neither app.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.template.response import TemplateResponse
from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.http import parse_etags

# What the stored copy carries instead of a visitor's CSRF token. It cannot be a token itself (tokens
# are 64 letters and digits), so replacing it touches nothing else on the page.
CSRF_PLACEHOLDER = "csrf-token-of-the-visitor"
# Each process also keeps the copies it served last, under the same keys: a key names the freshness
# number, so a copy kept here is never staler than the shared one (the number is still read from the
# shared cache on every request). Emptied when full; copies of older numbers are never asked for again.
LOCAL_COPIES = 256
_local = {}


def page_key(request, *, version, daily, query=False):
    address = repr((request.path, sorted(request.GET.lists()) if query else []))
    path = hashlib.sha256(address.encode()).hexdigest()[:32]
    day = timezone.localdate().isoformat() if daily else ""
    return f"page:{version()}:{translation.get_language()}:{day}:{path}"


def etag_of(key):
    return '"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"'


def may_share(request, *, query=False):
    """Whether this request would see the page every anonymous visitor sees."""
    return (
        settings.PAGE_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and (query or not request.GET)
        and not request.user.is_authenticated
        and not len(messages.get_messages(request))
    )


def serve(request, content, content_type, disposition=None):
    if CSRF_PLACEHOLDER.encode() in content:
        content = content.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())
    response = HttpResponse(content, content_type=content_type)
    if disposition:
        response["Content-Disposition"] = disposition
    return response


def kept(key):
    """The copy this process keeps under ``key``, or None."""
    return _local.get(key)


def keep(key, stored):
    if key not in _local:
        if len(_local) >= LOCAL_COPIES:
            _local.clear()
        _local[key] = stored


def _stored(response):
    if isinstance(response, TemplateResponse):
        response.context_data = {**(response.context_data or {}), "csrf_token": CSRF_PLACEHOLDER}
        response.render()
    return (response.content, response["Content-Type"], response.get("Content-Disposition"))


def cached_public_page(*, version, daily=False, query=False, cache_control="no-cache"):
    """Decorates a view: anonymous visitors share one rendering of its answer per address, language and
    ``version()`` (and day, with ``daily=True``; and query string, with ``query=True``)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not may_share(request, query=query):
                return view(request, *args, **kwargs)
            key = page_key(request, version=version, daily=daily, query=query)
            etag = etag_of(key)
            if etag in parse_etags(request.headers.get("If-None-Match", "")):
                response = HttpResponseNotModified()
            elif (stored := kept(key)) is not None or (stored := cache.get(key)) is not None:
                keep(key, stored)
                response = serve(request, *stored)
            else:
                response = view(request, *args, **kwargs)
                if response.status_code != 200:
                    return response
                stored = _stored(response)
                cache.set(key, stored, settings.PAGE_CACHE_SECONDS)
                keep(key, stored)
                response = serve(request, *stored)
            response["ETag"] = etag
            response["Cache-Control"] = cache_control
            patch_vary_headers(response, ["Cookie"])
            return response

        return wrapper

    return decorator
