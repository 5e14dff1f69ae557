"""The documents issued to the applicant's organisations: certificates, plaques and promotion-zone
certificates, with their states and, once rendered, their PDFs."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from .. import selectors
from ..downloads import private_file_response


def document_rows(documents):
    """What the applicant reads of each document: its state in words, and a download once ready."""
    rows = []
    for document in documents:
        state = selectors.document_state(document)
        successor = getattr(document, "superseded_by", None)
        rows.append(
            {
                "document": document,
                "state": state,
                "successor": successor.serial if successor else "",
                "download": reverse("apply:certificate_download", args=[document.serial])
                if selectors.is_downloadable(document)
                else "",
            }
        )
    return rows


@login_required
@require_GET
def certificates(request):
    """The documents issued to the user's organisations: certificates, plaques, promotion-zone
    certificates, with their serials, verification pages and PDFs."""
    return render(
        request,
        "certification/certificates.html",
        {"documents": document_rows(selectors.applicant_documents(request.user))},
    )


@login_required
@require_GET
def certificates_status(request):
    """The state of each of the user's documents, for the page that waits for them to be rendered."""
    states = {d.serial: selectors.document_state(d) for d in selectors.applicant_documents(request.user)}
    response = JsonResponse({"documents": states})
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def certificate_download(request, serial):
    """The PDF of one of the user's documents, once rendered; 404 for anyone else's, and before."""
    document = selectors.downloadable_document(request.user, serial)
    if document is None:
        raise Http404
    try:
        return private_file_response(
            document.file, filename=f"{document.serial}.pdf", content_type="application/pdf"
        )
    except FileNotFoundError:  # recorded as ready, but the file store has lost it: not there
        raise Http404 from None
