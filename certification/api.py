"""Open data of the certification at /api/v1/: award rounds, and the public status of documents.

A document's status is the verification page's (``selectors.validity``: revoked, superseded, expired or
valid), computed in the query so that a list costs the same whatever its length. Only documents that
were rendered (ready) or revoked are listed; their PDF, their data snapshot and everything else about
them stays private.
"""

from django.db.models import Case, Count, Exists, OuterRef, Q, Subquery, Value, When
from django.db.models import CharField as CharFieldExpression
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cities.models import CertifiedCity
from smartcity.api import (
    DetailView,
    ListQuery,
    ListView,
    NotFound,
    choice,
    document_detail,
    document_list,
    integer,
    text,
)
from smartcity.thaidate import be_year

from .enums import DocumentKind, DocumentStatus, Validity
from .models import AwardRound, Document
from .snapshots import verification_url
from .verify import normalise_serial

# --- Award rounds


class RoundSerializer(serializers.Serializer):
    year = serializers.IntegerField(help_text=_("The annual batch, e.g. 2565 for the batch of B.E. 2565."))
    ceremony_date = serializers.DateField(allow_null=True)
    ceremony_place_th = serializers.CharField()
    ceremony_place_en = serializers.CharField()
    presenter_th = serializers.CharField()
    presenter_en = serializers.CharField()
    validity_years = serializers.IntegerField()
    areas = serializers.IntegerField(source="area_count", help_text=_("Areas certified in this round."))


def rounds():
    areas = (
        CertifiedCity.objects.filter(award_year=OuterRef("year"))
        .order_by()
        .values("award_year")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return AwardRound.objects.annotate(area_count=Case(When(Exists(areas), then=Subquery(areas)), default=0))


class RoundQuery(ListQuery):
    ordering = choice(_("Order of the list; a minus sign reverses it."), ["year", "-year"])


class RoundList(ListView):
    query_class = RoundQuery
    serializer_class = RoundSerializer

    def rows(self, query):
        return rounds().order_by(query.get("ordering", "-year"))


class RoundDetail(DetailView):
    serializer_class = RoundSerializer

    def find(self, year):
        if year < 2400:
            raise NotFound(self.not_a_buddhist_year(year))
        return rounds().filter(year=year).first() if year <= 9999 else None

    @staticmethod
    def not_a_buddhist_year(year):
        message = _("Rounds are named by their year of the Buddhist Era (B.E.), for example 2565.")
        if 1900 <= year <= 2100:
            message = _(
                "Rounds are named by their year of the Buddhist Era (B.E.): %(year)s C.E. is B.E. %(be)s."
            ) % {"year": year, "be": be_year(year)}
        return message


# --- Documents' public status


def public_documents(today=None):
    """Documents rendered or revoked, each with its status as the verification page says it and the
    serial of the document that supersedes it."""
    today = today or timezone.localdate()
    successors = Document.objects.filter(supersedes=OuterRef("pk"))
    return (
        Document.objects.filter(Q(status=DocumentStatus.READY) | Q(revoked_at__isnull=False))
        .select_related("supersedes", "award")
        .annotate(
            successor=Subquery(successors.values("serial")[:1]),
            validity=Case(
                When(revoked_at__isnull=False, then=Value(Validity.REVOKED)),
                When(Exists(successors), then=Value(Validity.SUPERSEDED)),
                When(valid_until__lt=today, then=Value(Validity.EXPIRED)),
                default=Value(Validity.VALID),
                output_field=CharFieldExpression(),
            ),
        )
    )


class DocumentSerializer(serializers.Serializer):
    serial = serializers.CharField()
    kind = serializers.ChoiceField(choices=DocumentKind.choices)
    kind_label = serializers.CharField(source="get_kind_display")
    year = serializers.IntegerField(help_text=_("Year (B.E.) of its serial series."))
    status = serializers.ChoiceField(source="validity", choices=Validity.choices)
    status_label = serializers.SerializerMethodField()
    issued_on = serializers.DateField()
    valid_until = serializers.DateField(allow_null=True)
    revoked_on = serializers.SerializerMethodField()
    supersedes = serializers.SerializerMethodField(help_text=_("Serial of the document it replaces."))
    superseded_by = serializers.CharField(
        source="successor", allow_null=True, help_text=_("Serial of the document that replaces it.")
    )
    area = serializers.SerializerMethodField(help_text=_("The certified area it was issued for."))
    verification_url = serializers.SerializerMethodField()

    @extend_schema_field(serializers.CharField())
    def get_status_label(self, document):
        return str(Validity(document.validity).label)

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_revoked_on(self, document):
        return timezone.localdate(document.revoked_at).isoformat() if document.revoked_at else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_supersedes(self, document):
        return document.supersedes.serial if document.supersedes else None

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_area(self, document):
        return document.award.certified_city_id if document.award else None

    @extend_schema_field(serializers.URLField())
    def get_verification_url(self, document):
        return verification_url(document.serial)


class DocumentQuery(ListQuery):
    kind = choice(_("Kind of document."), DocumentKind.choices)
    year = integer(_("Year (B.E.) of its serial series."), min_value=2560, max_value=2700)
    status = choice(_("Status, as the verification page says it."), Validity.choices)
    q = text(_("Part of the serial number."), max_length=32)
    ordering = choice(
        _("Order of the list; a minus sign reverses it."), ["serial", "-serial", "issued_on", "-issued_on"]
    )


class DocumentList(ListView):
    query_class = DocumentQuery
    serializer_class = DocumentSerializer

    def rows(self, query):
        rows = public_documents()
        if "kind" in query:
            rows = rows.filter(kind=query["kind"])
        if "year" in query:
            rows = rows.filter(year=query["year"])
        if "status" in query:
            rows = rows.filter(validity=query["status"])
        if query.get("q", "").strip():
            rows = rows.filter(serial__icontains=query["q"].strip())
        key = query.get("ordering")
        return rows.order_by(key, "pk") if key else rows.order_by("year", "kind", "number")


class DocumentDetail(DetailView):
    serializer_class = DocumentSerializer

    def find(self, serial):
        serial = normalise_serial(serial)  # as the verification page reads it
        return public_documents().filter(serial=serial).first() if serial else None


EXAMPLE = "/api/v1/"
document_list(
    RoundList, serializer=RoundSerializer, name="rounds_list", query=RoundQuery,
    summary=_("Award rounds"), description=_("The annual batches of the award, with the number of areas."),
    example=f"{EXAMPLE}rounds/",
)  # fmt: skip
document_detail(
    RoundDetail, serializer=RoundSerializer, name="rounds_detail",
    summary=_("One award round"), description=_("A round by its year (B.E.)."),
    example=f"{EXAMPLE}rounds/2565/",
)  # fmt: skip
document_list(
    DocumentList, serializer=DocumentSerializer, name="documents_list", query=DocumentQuery,
    summary=_("Documents' public status"),
    description=_(
        "Certificates, plaques and promotion-zone certificates that were issued: status as the verification "
        "page says it. Never the file itself."
    ),
    example=f"{EXAMPLE}documents/?status=valid&kind=award_certificate",
)  # fmt: skip
document_detail(
    DocumentDetail, serializer=DocumentSerializer, name="documents_detail",
    summary=_("One document's public status"), description=_("A document by its serial number."),
    example=f"{EXAMPLE}documents/SCT-2565-001/",
)  # fmt: skip

urlpatterns = [
    path("rounds/", RoundList.as_view(), name="api-rounds"),
    path("rounds/<int:year>/", RoundDetail.as_view(), name="api-round"),
    path("documents/", DocumentList.as_view(), name="api-documents"),
    path("documents/<str:serial>/", DocumentDetail.as_view(), name="api-document"),
]
