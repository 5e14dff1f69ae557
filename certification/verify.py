"""The public verification page of certificates and plaques: /verify/<serial>/ (the QR code on every
document leads here). Anyone may open it; it shows what the document certifies and whether it is
still valid, and the SHA-256 of its PDF so that a copy can be checked."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import selectors
from .models import Document


@require_GET
def verify(request, serial):
    document = Document.objects.select_related("round").filter(serial=serial).first()
    if document is None:
        return render(request, "certification/verify_unknown.html", {"serial": serial}, status=404)
    context = {
        "document": document,
        "data": document.data,
        "validity": selectors.validity(document),
        "successor": Document.objects.filter(supersedes=document).only("serial").first(),
    }
    return render(request, "certification/verify.html", context)
