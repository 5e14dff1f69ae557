"""The admin of award rounds, awards and documents: signatories, template previews, batch rendering
with a progress page, print downloads, reissue and revocation. Every change goes through the services
(``awards``, ``rendering``); these views only call them."""

import tempfile

from django import forms
from django.contrib import admin, messages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from smartcity.thaidate import format_date

from .. import rules, selectors
from ..downloads import private_file_response
from ..emblems import clean_emblem
from ..enums import AwardStatus, DocumentKind, DocumentStatus
from ..models import MAX_VALIDITY_YEARS, Award, AwardRound, Document, Signatory, validity_message
from ..services import awards, rendering
from ..services.core import WorkflowError
from ..uploads import UploadRefused
from .base import RulesAdmin
from .renewals import revoke_by_resolution


class SignatoryInline(admin.TabularInline):
    model = Signatory
    extra = 0
    fields = ["order", "name", "position", "signature"]


class AwardRoundForm(forms.ModelForm):
    """The round, with its emblem checked and cleaned (``emblems.clean_emblem``) before it is stored."""

    class Meta:
        model = AwardRound
        fields = [
            "year", "ceremony_date", "ceremony_place_th", "ceremony_place_en", "presenter_th", "presenter_en",
            "digit_style", "validity_years", "emblem",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One range, one message: Django's field says "at least 0" (a positive number) before the
        # model's "at least 1". (Not there for a reader who may not change the round.)
        field = self.fields.get("validity_years")
        if field is None:
            return
        field.validators = [MinValueValidator(1), MaxValueValidator(MAX_VALIDITY_YEARS)]
        field.widget.attrs.update(min=1, max=MAX_VALIDITY_YEARS)
        message = validity_message()
        field.error_messages.update(min_value=message, max_value=message)

    def clean_emblem(self):
        emblem = self.cleaned_data.get("emblem")
        if not emblem or not hasattr(emblem, "content_type"):  # unchanged, or cleared
            return emblem
        try:
            return clean_emblem(emblem)
        except UploadRefused as refusal:
            raise forms.ValidationError(str(refusal)) from refusal


@admin.register(AwardRound)
class AwardRoundAdmin(RulesAdmin):
    form = AwardRoundForm
    list_display = [
        "year",
        "ceremony_date",
        "presenter_th",
        "digit_style",
        "validity_years",
        "documents_link",
    ]
    inlines = [SignatoryInline]
    actions = ["render_documents"]

    def get_list_display(self, request):
        """The link to the round's documents, for those who may see them (the page is 404 to others)."""
        shown = super().get_list_display(request)
        if rules.may(request.user, "view", Document):
            return shown
        return [name for name in shown if name != "documents_link"]

    @admin.display(description=gettext_lazy("documents"))
    def documents_link(self, obj):
        url = reverse("admin:certification_awardround_documents", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Documents and printing"))

    def get_urls(self):
        def view(function, name, route):
            return path(route, self.admin_site.admin_view(function), name=f"certification_awardround_{name}")

        return [
            view(self.documents_view, "documents", "<int:pk>/documents/"),
            view(self.progress_view, "progress", "<int:pk>/documents/progress.json"),
            view(self.render_view, "render", "<int:pk>/documents/render/"),
            view(self.print_view, "print", "<int:pk>/documents/print.pdf"),
            view(self.zip_view, "zip", "<int:pk>/documents/documents.zip"),
            view(self.preview_view, "preview", "<int:pk>/preview/<slug:kind>.pdf"),
            *super().get_urls(),
        ]

    def _round(self, request, pk, action="view"):
        """The round, for a user who may take ``action`` on its documents; 404 otherwise."""
        award_round = self.visible_object(request, pk)
        if not rules.may(request.user, action, Document):
            raise Http404
        return award_round

    @admin.action(description=gettext_lazy("Render the documents of the selected rounds"))
    def render_documents(self, request, queryset):
        if not rules.may(request.user, "change", Document):
            raise Http404
        for award_round in queryset:
            self._queue(request, award_round)
        if queryset.count() == 1:
            return redirect("admin:certification_awardround_documents", queryset.get().pk)
        return None

    def _queue(self, request, award_round):
        try:
            queued = rendering.render_year(award_round.year, actor=request.user)
        except rendering.PreflightFailed as failure:
            self.message_user(
                request,
                _("Nothing was rendered for %(year)s. Fix these first: %(problems)s")
                % {"year": award_round.year, "problems": " · ".join(failure.problems)},
                messages.ERROR,
            )
            return
        self.message_user(
            request,
            _("%(count)s documents of %(year)s are queued for rendering.")
            % {"count": queued, "year": award_round.year},
        )

    def documents_view(self, request, pk):
        award_round = self._round(request, pk)
        return self.render_page(
            request,
            "admin/certification/awardround/documents.html",
            _("Documents of the round %(year)s") % {"year": award_round.year},
            award_round,
            award_round=award_round,
            state=selectors.progress(award_round.year),
            problems=selectors.preflight(award_round.year),
            kinds=DocumentKind.choices,
            can_render=rules.may(request.user, "change", Document),
        )

    def progress_view(self, request, pk):
        return JsonResponse(selectors.progress(self._round(request, pk).year))

    def render_view(self, request, pk):
        award_round = self._round(request, pk, "change")
        if request.method != "POST":
            return redirect("admin:certification_awardround_documents", pk)
        self._queue(request, award_round)
        return redirect("admin:certification_awardround_documents", pk)

    def print_view(self, request, pk):
        year = self._round(request, pk).year
        response = HttpResponse(rendering.merged_pdf(year), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="smartcity-{year}-print.pdf"'
        return response

    def zip_view(self, request, pk):
        year = self._round(request, pk).year
        output = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
        rendering.zip_archive(year, output)
        output.seek(0)
        return FileResponse(output, as_attachment=True, filename=f"smartcity-{year}-documents.zip")

    def preview_view(self, request, pk, kind):
        award_round = self._round(request, pk)
        if kind not in DocumentKind.values:
            raise Http404
        response = HttpResponse(rendering.preview_pdf(kind, award_round), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="preview-{kind}.pdf"'
        return response


@admin.register(Award)
class AwardAdmin(RulesAdmin):
    list_display = ["certified_city", "round", "standing", "awarded_on", "valid_until"]
    list_filter = ["round", "status"]
    readonly_fields = [f.name for f in Award._meta.fields]
    actions = [revoke_by_resolution]  # the committee's revocation (admin/renewals.py)

    def has_revoke_permission(self, request):
        return rules.can_revoke_award(request.user)

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def standing(self, obj):
        """An active award of a ceremony still to come takes effect that day (as the verification page
        and the registry say)."""
        if obj.status == AwardStatus.ACTIVE and obj.awarded_on > timezone.localdate():
            return _("In force from %(date)s") % {
                "date": format_date(obj.awarded_on, language=get_language())
            }
        return obj.get_status_display()


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


@admin.register(Document)
class DocumentAdmin(RulesAdmin):
    list_display = ["serial", "kind", "year", "status", "attempts", "validity", "rendered_at"]
    list_filter = ["kind", "year", "status"]
    search_fields = ["serial", "data__area_th"]
    readonly_fields = [
        *(f.name for f in Document._meta.fields if f.name != "data"),
        "printed",
        "validity",
        "links",
    ]
    exclude = ["file", "data"]

    @admin.display(description=gettext_lazy("what the document prints"))
    def printed(self, obj):
        """The snapshot's texts as printed (in Thai, as on the document), not its raw data."""
        data = obj.data or {}
        rows = [
            (_("Area"), data.get("area_th")),
            (_("Organisation"), data.get("organisation_th")),
            (_("Provinces"), data.get("provinces_th")),
            (_("Issued on"), data.get("issued_on_th")),
            (_("Valid until"), data.get("valid_until_th")),
            (_("Resolution"), data.get("resolution")),
            *((_("Signatory"), f"{s['name']} — {s['position']}") for s in data.get("signatories", [])),
        ]
        return format_html_join(
            "", "<div><strong>{}:</strong> {}</div>", ((label, value) for label, value in rows if value)
        )

    @admin.display(description=gettext_lazy("validity"))
    def validity(self, obj):
        return selectors.validity(obj).label

    @admin.display(description=gettext_lazy("PDF and corrections"))
    def links(self, obj):
        parts = [(reverse("verify", args=[obj.serial]), _("Verification page"))]
        if obj.status == DocumentStatus.READY:
            parts.append((reverse("admin:certification_document_pdf", args=[obj.pk]), _("Download the PDF")))
        parts.append((reverse("admin:certification_document_reissue", args=[obj.pk]), _("Reissue")))
        parts.append((reverse("admin:certification_document_revoke", args=[obj.pk]), _("Revoke")))
        return format_html(
            " · ".join(['<a href="{}">{}</a>'] * len(parts)), *[item for pair in parts for item in pair]
        )

    def get_urls(self):
        def view(function, name, route):
            return path(route, self.admin_site.admin_view(function), name=f"certification_document_{name}")

        return [
            view(self.pdf_view, "pdf", "<int:pk>/pdf/"),
            view(self.reissue_view, "reissue", "<int:pk>/reissue/"),
            view(self.revoke_view, "revoke", "<int:pk>/revoke/"),
            *super().get_urls(),
        ]

    def pdf_view(self, request, pk):
        document = self.visible_object(request, pk)
        if document.status != DocumentStatus.READY:
            raise Http404
        return private_file_response(document.file, filename=f"{document.serial}.pdf")

    def reissue_view(self, request, pk):
        return self._correction(request, pk, awards.reissue, _("Reissue %(serial)s"))

    def revoke_view(self, request, pk):
        return self._correction(request, pk, awards.revoke, _("Revoke %(serial)s"))

    def _correction(self, request, pk, service, title):
        document = self.visible_object(request, pk)
        if not self.has_change_permission(request, document):
            raise Http404
        form = ReasonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                result = service(document, actor=request.user, reason=form.cleaned_data["reason"])
            except WorkflowError as error:
                form.add_error(None, str(error))
            else:
                self.message_user(request, _("Done: %(serial)s.") % {"serial": result.serial})
                return redirect("admin:certification_document_change", result.pk)
        return self.render_page(
            request,
            "admin/certification/document/correction.html",
            title % {"serial": document.serial},
            document,
            form=form,
        )
