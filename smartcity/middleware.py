from django.conf import settings
from django.core.exceptions import BadRequest
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.views import defaults


class ThaiFirstLanguageMiddleware:
    """Activates the language the visitor chose with the language switcher, or Thai.

    Django's LocaleMiddleware would follow the browser's Accept-Language and show most visitors English;
    the portal is Thai first, and English is one click away on every page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        try:
            language = (
                translation.get_supported_language_variant(chosen) if chosen else settings.LANGUAGE_CODE
            )
        except LookupError:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ["Cookie"])
        return response


class RejectNullCharactersMiddleware:
    """Answers 400 to a request with a NUL character in its path or query string. No text of the
    portal contains one, and PostgreSQL refuses any query that does (the page would fail with a
    server error instead of saying the address is wrong). Forms refuse NUL in posted fields
    themselves (Django's ProhibitNullCharactersValidator)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = (text for key, values in request.GET.lists() for text in (key, *values))
        if "\x00" in request.path or any("\x00" in text for text in query):
            raise BadRequest("NUL character in the address")
        return self.get_response(request)


# Room for the form's other fields and the multipart framing around the largest upload.
BODY_OVERHEAD_BYTES = 1024 * 1024


def request_body_limit(request):
    """The largest body a request may carry: an upload's limit for multipart forms, otherwise what
    Django reads into memory at most (DATA_UPLOAD_MAX_MEMORY_SIZE; None: no limit)."""
    if request.content_type == "multipart/form-data":
        return settings.ATTACHMENT_MAX_BYTES + BODY_OVERHEAD_BYTES
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return None if limit is None else limit + BODY_OVERHEAD_BYTES


class RequestBodyLimitMiddleware:
    """Answers 413 to a body larger than any form of the portal takes, from its Content-Length alone,
    before a byte of it is read: a 100 MB post costs the server nothing but this answer. (A body without
    Content-Length is never read by Django at all; the bytes of a file past ATTACHMENT_MAX_BYTES within
    the limit here are dropped as they stream in, by certification.uploads.SizeLimitUploadHandler.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = request_body_limit(request)
        if limit is not None and length > limit:
            return self.too_large(request)
        return self.get_response(request)

    @staticmethod
    def too_large(request):
        from django.shortcuts import render
        from django.template.defaultfilters import filesizeformat

        response = render(
            request,
            "413.html",
            {"limit": filesizeformat(settings.ATTACHMENT_MAX_BYTES), "back": request.path},
            status=413,
        )
        # The body is left unread: the connection cannot carry another request.
        response["Connection"] = "close"
        return response


# Areas whose every page is about someone: the applicant area, organisations, accounts, the admin.
PRIVATE_PREFIXES = ("/apply/", "/organisations/", "/accounts/", "/admin/")


class PrivatePagesMiddleware:
    """``Cache-Control: no-store`` (and private) on every answer with private data: everything under
    PRIVATE_PREFIXES, and every answer to a logged-in user that its view has not declared public. A
    shared computer's browser, a proxy or the back button must not show one user's page to the next."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        declared = response.get("Cache-Control", "")
        if "no-store" in declared:  # already said (private downloads)
            return response
        private = request.path.startswith(PRIVATE_PREFIXES)
        if not private:
            user = getattr(request, "user", None)
            private = bool(user is not None and user.is_authenticated and "public" not in declared)
        if private:
            add_never_cache_headers(response)
        return response


class PortalErrorPagesMiddleware:
    """Development only (`make run`): the portal's own 400, 403 and 404 pages, in the visitor's language,
    where debug mode would show Django's debugging page (in English). Someone walking through the demo
    sees what visitors of the portal see; the reason is in the console's log, as always."""

    # Every debugging page of Django carries this line; the portal's pages do not.
    DEBUG_PAGE_MARK = b'<meta name="robots" content="NONE,NOARCHIVE">'
    HANDLERS = {400: defaults.bad_request, 403: defaults.permission_denied, 404: defaults.page_not_found}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        handler = self.HANDLERS.get(response.status_code)
        if handler and not response.streaming and self.DEBUG_PAGE_MARK in response.content[:4096]:
            return handler(request, exception=None)
        return response
