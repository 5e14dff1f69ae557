from django.conf import settings
from django.core.exceptions import BadRequest
from django.utils import translation
from django.utils.cache import patch_vary_headers


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
