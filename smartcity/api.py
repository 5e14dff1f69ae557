"""The read-only open-data API at /api/v1/: what every endpoint shares, and the URLs of the apps'
endpoints (``cities/api.py``, ``certification/api.py``), the OpenAPI schema and the docs page.

Every answer is JSON, in the request's language (``?lang=th`` or ``?lang=en``; otherwise the site's
language cookie, otherwise Thai: the browser's Accept-Language is not followed, as on the site's pages).
Query parameters are checked before anything is read: an unknown name, a value given twice, a value out
of range, a NUL character or text that is not UTF-8 get a 400 that names the parameter. Successful
answers are cached under the registry's freshness number (``cities.freshness``), the language and the
whole address; their ETag is the hash of the body, so a client holding it gets a 304.

This module imports neither app at import time: the apps' URLs are included by name (their ``api``
modules build on the classes here).
"""

import hashlib
import json
import re
from types import SimpleNamespace
from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import include, path, re_path, reverse
from django.utils import translation
from django.utils.http import parse_etags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view, inline_serializer
from drf_spectacular.views import SpectacularAPIView
from rest_framework import exceptions, serializers
from rest_framework.generics import GenericAPIView
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.utils.encoders import JSONEncoder
from rest_framework.views import exception_handler as drf_exception_handler

from cities import freshness

from . import cache as shared_cache
from .pagecache import keep, kept

API_PREFIX = "/api/"
LANGUAGES = [code for code, _name in settings.LANGUAGES]
MAX_PAGE = 10_000
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
MAX_ID = 2**31 - 1  # larger ids would overflow the database's integer (SQLite and PostgreSQL alike)

CORS_HEADERS = {
    # Open data: any site may read it from a browser. No credentials are ever involved.
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Expose-Headers": "ETag, Content-Language",
}


# --- Errors: one shape, {"detail": "...", "errors": {"parameter": ["..."]}}, in the request's language.


def error_body(detail, errors=None):
    body = {"detail": str(detail)}
    if errors:
        body["errors"] = errors
    return body


def add_cors_headers(response):
    for name, value in CORS_HEADERS.items():
        response[name] = value


def json_error(status, detail, errors=None):
    response = JsonResponse(
        error_body(detail, errors), status=status, json_dumps_params={"ensure_ascii": False}
    )
    add_cors_headers(response)
    response["Content-Language"] = translation.get_language()
    return response


def exception_handler(exc, context):
    """DRF's handler, with the portal's own messages (DRF's Thai catalogue is not the portal's)."""
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"detail": exc.detail}
        return Response(error_body(_("The query has errors."), _flatten(errors)), status=400)
    if isinstance(exc, exceptions.NotFound):
        detail = exc.detail if getattr(exc, "ours", False) else _("Nothing was found at this address.")
        return Response(error_body(detail), status=404)
    if isinstance(exc, exceptions.MethodNotAllowed):
        response = Response(
            error_body(_("This API is read-only: only GET and HEAD are allowed.")), status=405
        )
        response["Allow"] = "GET, HEAD, OPTIONS"
        return response
    if isinstance(exc, exceptions.Throttled):
        wait = int(exc.wait or 1)
        response = Response(
            error_body(
                _("Too many requests from your address; try again in %(seconds)s s.") % {"seconds": wait}
            ),
            status=429,
        )
        response["Retry-After"] = str(wait)
        return response
    if isinstance(exc, exceptions.NotAcceptable):
        return Response(error_body(_("This API answers in JSON only.")), status=406)
    return drf_exception_handler(exc, context)


def _flatten(errors):
    return {str(key): [str(message) for message in messages] for key, messages in errors.items()}


class NotFound(exceptions.NotFound):
    """A 404 whose message is ours (what was not found)."""

    ours = True


# --- Query parameters: a serializer per endpoint; unknown or repeated names are errors too.

INTEGER_ERRORS = {
    "invalid": gettext_lazy("Must be a whole number."),
    "max_value": gettext_lazy("Must be at most {max_value}."),
    "min_value": gettext_lazy("Must be at least {min_value}."),
    "max_string_length": gettext_lazy("The number is too long."),
}
CHOICE_ERRORS = {"invalid_choice": gettext_lazy("“{input}” is not one of the allowed values.")}
TEXT_ERRORS = {
    "max_length": gettext_lazy("At most {max_length} characters."),
    "invalid": gettext_lazy("Must be text without a NUL character."),
}


def integer(help_text, **kwargs):
    return serializers.IntegerField(
        required=False, help_text=help_text, error_messages=INTEGER_ERRORS, **kwargs
    )


def choice(help_text, choices, **kwargs):
    return serializers.ChoiceField(
        choices=choices, required=False, help_text=help_text, error_messages=CHOICE_ERRORS, **kwargs
    )


def text(help_text, max_length=100):
    # The pattern puts in the schema what ApiRequestMiddleware already refuses: a NUL character. It asks
    # for one character or more because drf-spectacular writes a blank-allowed pattern as "oneOf" the
    # pattern and the empty text: with "*", the empty text would match both and break the "one".
    return serializers.RegexField(
        r"^[^\x00]+$",
        required=False,
        allow_blank=True,
        max_length=max_length,
        help_text=help_text,
        error_messages=TEXT_ERRORS,
    )


class DetailQuery(serializers.Serializer):
    lang = choice(gettext_lazy("Language of labels and messages: th (the default) or en."), LANGUAGES)


class ListQuery(DetailQuery):
    page = integer(gettext_lazy("Page number, from 1."), min_value=1, max_value=MAX_PAGE)
    page_size = integer(
        gettext_lazy("Results per page (at most %(max)s).") % {"max": MAX_PAGE_SIZE},
        min_value=1,
        max_value=MAX_PAGE_SIZE,
    )


def _raw_query_is_utf8(request):
    raw = request.META.get("QUERY_STRING", "")
    try:
        unquote_to_bytes(raw.encode("latin-1", "replace").replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# Django shows the bytes of a path that are not UTF-8 as %XX (``repercent_broken_unicode``): a byte
# from 0x80 up, which no valid address of the API contains (every identifier is ASCII). A real U+FFFD
# in the address is text like any other (a 404 if nothing is called so).
BROKEN_BYTE = re.compile(r"%[89A-F][0-9A-F]")


def _raw_path_is_utf8(request):
    return not BROKEN_BYTE.search(request.path)


class ApiRequestMiddleware:
    """For addresses under /api/: the language of ``?lang=``, and a JSON 400 (instead of the site's
    HTML page) for a NUL character or text that is not UTF-8 in the address. Placed before
    ``RejectNullCharactersMiddleware``, which answers the site's other pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        lang = request.GET.get("lang")
        if lang in LANGUAGES:
            translation.activate(lang)
            request.LANGUAGE_CODE = lang
        if not _raw_query_is_utf8(request):
            return json_error(400, _("The address is not valid UTF-8 text."))
        query = (text for key, values in request.GET.lists() for text in (key, *values))
        if "\x00" in request.path or any("\x00" in text for text in query):
            return json_error(400, _("The address contains a NUL character."))
        if not _raw_path_is_utf8(request):
            return json_error(400, _("The address is not valid UTF-8 text."))
        response = self.get_response(request)
        response["Content-Language"] = translation.get_language()
        return response


# --- The views


class PublicThrottle(AnonRateThrottle):
    """Requests per client address in fixed windows of the rate's period, counted with one atomic
    increment in the shared cache. DRF's own throttle keeps the time of every request of the window in
    one cached list, read and written whole each time: at a high rate that costs more than the answer."""

    scope = "api"

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        ident = self.get_cache_key(request, view)
        if ident is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        count = shared_cache.count(f"{ident}:{window}", timeout=self.duration + 1)
        self.window_end = (window + 1) * self.duration
        return count <= self.num_requests

    def wait(self):
        return max(1, self.window_end - self.now)


class AcceptOnly(DefaultContentNegotiation):
    """Chooses the renderer by the Accept header only. DRF also reads ``?format=`` and answers 404 for a
    format it has no renderer for; here ``format`` is a query parameter like any other, which
    ``check_query`` refuses by name with a 400."""

    settings = SimpleNamespace(URL_FORMAT_OVERRIDE=None)


class PublicView(GenericAPIView):
    """A read-only public endpoint: no authentication (hence no session and no CSRF), GET and HEAD
    only, throttled per address, cached under the freshness number, with ETag and CORS headers.

    Subclasses set ``query_class`` (the serializer of the query) and implement ``answer(query)``, which
    returns the JSON-ready data."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicThrottle]
    renderer_classes = [JSONRenderer]
    http_method_names = ["get", "head", "options"]
    content_negotiation_class = AcceptOnly
    query_class = DetailQuery

    def get(self, request, *args, **kwargs):
        key = self.cache_key(request)
        cached = kept(key) or cache.get(key)
        if cached is None:
            query = self.check_query(request)
            body = json.dumps(self.answer(query), cls=JSONEncoder, ensure_ascii=False).encode()
            cached = (body, f'"{hashlib.sha256(body).hexdigest()[:32]}"')
            cache.set(key, cached, timeout=settings.API_CACHE_SECONDS)
        keep(key, cached)
        body, etag = cached
        if (
            etag in parse_etags(request.headers.get("If-None-Match", ""))
            or request.headers.get("If-None-Match", "").strip() == "*"
        ):
            response = HttpResponse(status=304)
        else:
            response = HttpResponse(body, content_type="application/json")
        response["ETag"] = etag
        response["Cache-Control"] = f"public, max-age={settings.API_MAX_AGE}"
        return response

    def options(self, request, *args, **kwargs):
        """The CORS preflight of a browser that sends If-None-Match itself."""
        response = HttpResponse(status=204)
        response["Allow"] = "GET, HEAD, OPTIONS"
        response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        response["Access-Control-Allow-Headers"] = "If-None-Match, Accept"
        response["Access-Control-Max-Age"] = "86400"
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        add_cors_headers(response)
        return response

    def cache_key(self, request):
        address = hashlib.sha256(
            "\n".join([freshness.version(), translation.get_language(), request.get_full_path()]).encode()
        ).hexdigest()
        return f"api:v1:{address}"

    def check_query(self, request):
        """The query's values, checked; any unknown or repeated parameter is an error too."""
        query = self.query_class(data={name: request.GET[name] for name in request.GET})
        allowed = set(query.fields)
        errors = {}
        for name, values in request.GET.lists():
            if name == "format" and name not in allowed:
                errors[name] = [_("This API answers in JSON only: leave out this parameter.")]
            elif name not in allowed:
                errors[name] = [
                    _("Unknown parameter. Allowed: %(names)s.") % {"names": ", ".join(sorted(allowed))}
                ]
            elif len(values) > 1:
                errors[name] = [_("Give this parameter once.")]
        if not query.is_valid():
            errors.update(query.errors)
        if errors:
            raise exceptions.ValidationError(errors)
        return query.validated_data

    def answer(self, query):
        raise NotImplementedError


class ListView(PublicView):
    """A paginated list. Subclasses give ``rows(query)`` (a queryset, filtered and ordered) and
    ``serializer_class``."""

    query_class = ListQuery

    def answer(self, query):
        page_size = query.get("page_size", DEFAULT_PAGE_SIZE)
        paginator = Paginator(self.rows(query), page_size, allow_empty_first_page=True)
        number = query.get("page", 1)
        if number > paginator.num_pages:
            raise NotFound(
                _("There is no page %(page)s: the list has %(pages)s.")
                % {"page": number, "pages": paginator.num_pages}
            )
        page = paginator.page(number)
        return {
            "count": paginator.count,
            "page": number,
            "pages": paginator.num_pages,
            "page_size": page_size,
            "next": self.page_address(number + 1) if page.has_next() else None,
            "previous": self.page_address(number - 1) if page.has_previous() else None,
            "results": self.get_serializer(page.object_list, many=True).data,
        }

    def page_address(self, number):
        query = self.request.GET.copy()
        query["page"] = number
        return f"{settings.SITE_URL}{self.request.path}?{query.urlencode()}"

    def rows(self, query):
        raise NotImplementedError


class DetailView(PublicView):
    """One object, or a 404 that says what was not found."""

    def answer(self, query):
        obj = self.find(**self.kwargs)
        if obj is None:
            raise NotFound(_("No such record."))
        return self.get_serializer(obj).data

    def find(self, **kwargs):
        raise NotImplementedError


# --- Schema documentation shared by the endpoints

ERROR = inline_serializer(
    "Error",
    {
        "detail": serializers.CharField(),
        "errors": serializers.DictField(
            child=serializers.ListField(child=serializers.CharField()), required=False
        ),
    },
)
COMMON_RESPONSES = {
    304: OpenApiResponse(
        description=gettext_lazy("Not modified: the ETag given in If-None-Match is current.")
    ),
    400: OpenApiResponse(
        ERROR, description=gettext_lazy("A parameter is unknown, repeated or has a wrong value.")
    ),
    404: OpenApiResponse(ERROR, description=gettext_lazy("No such record, or no such page.")),
    429: OpenApiResponse(ERROR, description=gettext_lazy("Too many requests from one address.")),
}


def page_of(serializer_class, name):
    return inline_serializer(
        name,
        {
            "count": serializers.IntegerField(),
            "page": serializers.IntegerField(),
            "pages": serializers.IntegerField(),
            "page_size": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": serializer_class(many=True),
        },
    )


def document_list(view_class, *, serializer, name, summary, description, query, example):
    """Schema of a list endpoint: its query, one page of ``serializer``, the common errors."""
    page = page_of(serializer, f"{serializer.__name__.removesuffix('Serializer')}Page")
    return extend_schema_view(
        get=extend_schema(
            operation_id=name,
            summary=summary,
            description=description,
            parameters=[query],
            responses={200: page, **COMMON_RESPONSES},
            extensions={"x-example": example},
        )
    )(view_class)


def document_detail(view_class, *, serializer, name, summary, description, example):
    return extend_schema_view(
        get=extend_schema(
            operation_id=name,
            summary=summary,
            description=description,
            parameters=[DetailQuery],
            responses={200: serializer, **COMMON_RESPONSES},
            extensions={"x-example": example},
        )
    )(view_class)


# --- The index (/api/v1/): what the API offers, from its schema, in the request's language.


@extend_schema(exclude=True)
class Index(PublicView):
    def answer(self, query):
        schema = openapi_schema()
        return {
            "title": schema["info"]["title"],
            "description": schema["info"].get("description", ""),
            "endpoints": [
                {
                    "address": f"{settings.SITE_URL}{address}",
                    "summary": operations["get"].get("summary", ""),
                    "example": f"{settings.SITE_URL}{operations['get'].get('x-example', address)}",
                }
                for address, operations in schema["paths"].items()
            ],
            "schema": f"{settings.SITE_URL}{reverse('api-schema')}",
            "docs": f"{settings.SITE_URL}{reverse('api-docs')}",
        }


# --- Not found under /api/v1/: JSON, like the rest.


class Unknown(PublicView):
    def get(self, request, *args, **kwargs):
        raise exceptions.NotFound


# --- The schema (/api/v1/schema/) and the docs page generated from it (/api/v1/docs/)


def openapi_schema():
    """The OpenAPI 3 document in the active language, generated once per language and freshness number
    (the allowed values of region and province parameters come from the reference data)."""
    language = translation.get_language()
    key = f"api:v1:schema:{language}:{freshness.version()}"
    schema = cache.get(key)
    if schema is None:
        schema = SchemaGenerator().get_schema(request=None, public=True)
        cache.set(key, schema, timeout=None)
    return schema


@extend_schema(exclude=True)
class SchemaView(SpectacularAPIView):
    """The schema as YAML, or as JSON with ``?format=json``."""

    authentication_classes = []
    throttle_classes = [PublicThrottle]
    http_method_names = ["get", "head", "options"]

    def get(self, request, *args, **kwargs):
        response = Response(openapi_schema(), headers={"Content-Disposition": 'inline; filename="schema"'})
        response["Cache-Control"] = f"public, max-age={settings.API_MAX_AGE}"
        return response

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        add_cors_headers(response)
        return response


TYPE_NAMES = {
    "integer": gettext_lazy("whole number"),
    "string": gettext_lazy("text"),
    "boolean": gettext_lazy("yes or no"),
    "array": gettext_lazy("list"),
    "object": gettext_lazy("object"),
    "number": gettext_lazy("number"),
}
PLACES = {"query": gettext_lazy("query"), "path": gettext_lazy("address")}


def _parameter(parameter):
    schema = parameter.get("schema", {})
    limits = []
    if "minimum" in schema:
        limits.append(_("from %(value)s") % {"value": schema["minimum"]})
    if "maximum" in schema:
        limits.append(_("to %(value)s") % {"value": schema["maximum"]})
    if "maxLength" in schema:
        limits.append(_("at most %(count)s characters") % {"count": schema["maxLength"]})
    return {
        "name": parameter["name"],
        "place": PLACES.get(parameter["in"], parameter["in"]),
        "type": TYPE_NAMES.get(schema.get("type"), schema.get("type", "")),
        "values": schema.get("enum", []),
        "limits": " ".join(str(limit) for limit in limits),
        "description": parameter.get("description", ""),
        "required": parameter.get("required", False),
    }


@require_safe
def docs(request):
    """The API's documentation, from the schema, in the page's language: each endpoint with its
    parameters, answers and an example address. Nothing is loaded from elsewhere."""
    schema = openapi_schema()
    endpoints = []
    for address, operations in schema["paths"].items():
        operation = operations["get"]
        endpoints.append(
            {
                "address": address,
                "id": operation["operationId"],
                "summary": operation.get("summary", ""),
                "description": operation.get("description", ""),
                "parameters": [_parameter(p) for p in operation.get("parameters", [])],
                "responses": [
                    {"status": status, "description": answer.get("description", "")}
                    for status, answer in operation["responses"].items()
                ],
                "example": operation.get("x-example", address),
            }
        )
    context = {
        "info": schema["info"],
        "endpoints": endpoints,
        "site_url": settings.SITE_URL,
        "schema_url": reverse("api-schema"),
    }
    return render(request, "api/docs.html", context)


urlpatterns = [
    path("", Index.as_view(), name="api-index"),
    path("", include("cities.api")),
    path("", include("certification.api")),
    path("schema/", SchemaView.as_view(), name="api-schema"),
    path("docs/", docs, name="api-docs"),
    # Any other address ending in a slash (CommonMiddleware adds it) is a JSON 404 too, line breaks
    # (%0A) included.
    re_path(r"^[\s\S]*/$", extend_schema(exclude=True)(Unknown).as_view()),
]
