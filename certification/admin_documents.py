"""The admin of award rounds, awards and documents: signatories, template previews, batch rendering
with a progress page, print downloads, reissue and revocation. Every change goes through
``certification.awards``; these views only call it."""

import tempfile

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import selectors
from .enums import DocumentKind, DocumentStatus
from .models import Award, AwardRound, Document, Signatory
from .services import awards, rendering
from .services.core import WorkflowError


class SignatoryInline(admin.TabularInline):
    model = Signatory
    extra = 0
    fields = ["order", "name", "position", "signature"]


@admin.register(AwardRound)
class AwardRoundAdmin(admin.ModelAdmin):
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

    def _round(self, request, pk, permission="view"):
        award_round = get_object_or_404(AwardRound, pk=pk)
        if not request.user.has_perm(f"certification.{permission}_document"):
            raise PermissionDenied
        return award_round

    @admin.action(description=gettext_lazy("Render the documents of the selected rounds"))
    def render_documents(self, request, queryset):
        if not request.user.has_perm("certification.change_document"):
            raise PermissionDenied
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
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": award_round,
            "award_round": award_round,
            "title": _("Documents of the round %(year)s") % {"year": award_round.year},
            "state": selectors.progress(award_round.year),
            "problems": selectors.preflight(award_round.year),
            "kinds": DocumentKind.choices,
            "can_render": request.user.has_perm("certification.change_document"),
        }
        return TemplateResponse(request, "admin/certification/awardround/documents.html", context)

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
            raise PermissionDenied
        response = HttpResponse(rendering.preview_pdf(kind, award_round), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="preview-{kind}.pdf"'
        return response


@admin.register(Award)
class AwardAdmin(admin.ModelAdmin):
    list_display = ["certified_city", "round", "status", "awarded_on", "valid_until"]
    list_filter = ["round", "status"]
    readonly_fields = [f.name for f in Award._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["serial", "kind", "year", "status", "attempts", "validity", "rendered_at"]
    list_filter = ["kind", "year", "status"]
    search_fields = ["serial", "data__area_th"]
    readonly_fields = [*(f.name for f in Document._meta.fields), "validity", "links"]
    exclude = ["file"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

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
        document = get_object_or_404(Document, pk=pk, status=DocumentStatus.READY)
        if not self.has_view_permission(request, document):
            raise PermissionDenied
        return FileResponse(document.file.open("rb"), as_attachment=True, filename=f"{document.serial}.pdf")

    def reissue_view(self, request, pk):
        return self._correction(request, pk, awards.reissue, _("Reissue %(serial)s"))

    def revoke_view(self, request, pk):
        return self._correction(request, pk, awards.revoke, _("Revoke %(serial)s"))

    def _correction(self, request, pk, service, title):
        document = get_object_or_404(Document, pk=pk)
        if not self.has_change_permission(request, document):
            raise PermissionDenied
        form = ReasonForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                result = service(document, actor=request.user, reason=form.cleaned_data["reason"])
            except WorkflowError as error:
                form.add_error(None, str(error))
            else:
                self.message_user(request, _("Done: %(serial)s.") % {"serial": result.serial})
                return redirect("admin:certification_document_change", result.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": document,
            "form": form,
            "title": title % {"serial": document.serial},
        }
        return TemplateResponse(request, "admin/certification/document/correction.html", context)


@admin.action(description=gettext_lazy("Award the selected endorsed applications in the latest round"))
def award_in_latest_round(modeladmin, request, queryset):
    """Awards each selected application in the round of the latest year; the documents are then
    rendered by the workers (see the round's documents page)."""
    award_round = AwardRound.objects.order_by("-year").first()
    if award_round is None:
        modeladmin.message_user(request, _("Create an award round first."), messages.ERROR)
        return
    for application in queryset:
        try:
            awards.award(application, award_round, actor=request.user)
        except WorkflowError as error:
            modeladmin.message_user(request, f"{application}: {error}", messages.ERROR)
        else:
            modeladmin.message_user(
                request,
                _("%(application)s is awarded in the round of %(year)s.")
                % {"application": application, "year": award_round.year},
            )
