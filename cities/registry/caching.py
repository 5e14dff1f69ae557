"""The registry's pages, CSV files and badges, kept in the shared cache.

An answer is stored under a key made of ``cities.freshness.version()``, the page's language, its path
and its query string, so a save of any public record makes every stored answer stale at once; its ETag
is a hash of the version and the key, so a browser that asks again with ``If-None-Match`` gets a 304
without anything being computed. Only what every anonymous visitor sees alike is stored and tagged:
logged-in visitors (their navigation names them) and visitors with messages waiting get their own
rendering. HTML pages carry a placeholder where the language switcher's CSRF token goes, replaced by
each visitor's own token (as ``smartcity.pagecache`` does for the verification pages). Only 200 answers
are stored; a 400 for a bad filter is computed each time and never tagged.

``settings.REGISTRY_CACHE_SECONDS`` (default one day; 0 turns the cache and the ETags off, as the
query-count tests do) bounds how long an answer is kept even if nothing changes.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.template.response import TemplateResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from smartcity.pagecache import CSRF_PLACEHOLDER

from .. import freshness


def seconds():
    return settings.REGISTRY_CACHE_SECONDS


def cache_key(request, version):
    query = sorted(request.GET.lists())
    raw = repr((translation.get_language(), request.path, query))
    return f"registry:{version}:{hashlib.sha256(raw.encode()).hexdigest()[:40]}"


def etag_of(version, key):
    return '"' + hashlib.sha256(f"{version}|{key}".encode()).hexdigest()[:32] + '"'


def _shareable(request):
    return (
        request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and not len(messages.get_messages(request))
    )


def _matches(request, etag):
    header = request.headers.get("If-None-Match", "")
    return any(tag.strip().removeprefix("W/") == etag for tag in header.split(",")) or header.strip() == "*"


def registry_cached(*, cache_control="no-cache"):
    """Decorates a registry view: stored answers per (version, language, path, query), an ETag, and
    ``Cache-Control`` (``no-cache``: browsers revalidate each time, cheaply, with the ETag)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not seconds() or not _shareable(request):
                return view(request, *args, **kwargs)
            version = freshness.version()
            key = cache_key(request, version)
            etag = etag_of(version, key)
            if _matches(request, etag):
                response = HttpResponseNotModified()
            elif (stored := cache.get(key)) is not None:
                response = _serve(request, *stored)
            else:
                response = view(request, *args, **kwargs)
                if response.status_code != 200:
                    return response
                if isinstance(response, TemplateResponse):
                    response.context_data = {**(response.context_data or {}), "csrf_token": CSRF_PLACEHOLDER}
                    response.render()
                stored = (response.content, response["Content-Type"], response.get("Content-Disposition"))
                cache.set(key, stored, seconds())
                response = _serve(request, *stored)
            response["ETag"] = etag
            response["Cache-Control"] = cache_control
            patch_vary_headers(response, ["Cookie"])
            return response

        return wrapper

    return decorator


def _serve(request, content, content_type, disposition=None):
    if CSRF_PLACEHOLDER.encode() in content:
        content = content.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())
    response = HttpResponse(content, content_type=content_type)
    if disposition:
        response["Content-Disposition"] = disposition
    return response
