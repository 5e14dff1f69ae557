"""The emblem of a round (certification/emblems.py): an uploaded SVG is cleaned of everything that runs
or fetches, a PNG is checked, anything else is refused; the emblem (or the programme's own mark) is
printed on the certificate, the plaque and the promotion-zone certificate."""

import io
import subprocess

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image

from certification import documents, snapshots
from certification.documents import OwnFilesFetcher
from certification.emblems import DEFAULT_EMBLEM_URL, clean_emblem, clean_svg
from certification.enums import DocumentKind, Role
from certification.models import AwardRound
from certification.uploads import UploadRefused
from tests.certification.awards_helpers import round_2565
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HOSTILE_SVG = b"""<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 100 100"
     onload="alert(1)">
  <script>alert(2)</script>
  <style>@import url(https://evil.invalid/x.css);</style>
  <circle cx="50" cy="50" r="40" fill="#1d4e89" onclick="alert(3)" style="fill: url(https://evil.invalid/p)"/>
  <rect x="10" y="10" width="20" height="20" fill="url(#shade)"/>
  <linearGradient id="shade"><stop offset="0" stop-color="#c9a227"/></linearGradient>
  <image href="https://evil.invalid/tracker.png" width="10" height="10"/>
  <use xlink:href="https://evil.invalid/sprite.svg#x"/>
  <use href="#shade"/>
  <foreignObject width="10" height="10"><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>
  <a href="javascript:alert(4)"><path d="M0 0L1 1"/></a>
</svg>"""


def png(width=60, height=60):
    picture = io.BytesIO()
    Image.new("RGB", (width, height), "#1d4e89").save(picture, "PNG")
    return picture.getvalue()


def test_an_svg_keeps_its_drawing_and_loses_scripts_handlers_styles_and_outside_references():
    cleaned = clean_svg(HOSTILE_SVG).decode()
    for gone in ("script", "alert", "onload", "onclick", "evil.invalid", "<image", "foreignObject",
                 "@import", "<a ", "<style", "javascript"):  # fmt: skip
        assert gone not in cleaned, gone
    assert '<circle cx="50" cy="50" r="40" fill="#1d4e89"' in cleaned
    assert 'fill="url(#shade)"' in cleaned
    assert '<use href="#shade"' in cleaned


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>',
         "The SVG file declares entities; save it as plain SVG."),
        (b"<svg xmlns='http://www.w3.org/2000/svg'><circle", "This SVG file cannot be read"),
        (b"<html xmlns='http://www.w3.org/1999/xhtml'><svg/></html>", "This file is not an SVG drawing."),
        (b"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 1 1'><script>x</script></svg>",
         "The SVG file has nothing left to draw once cleaned."),
    ],
    ids=["entities", "broken", "not-svg", "nothing-to-draw"],
)  # fmt: skip
@translation.override("en")
def test_an_svg_that_is_not_a_plain_drawing_is_refused(content, message):
    with pytest.raises(UploadRefused) as refusal:
        clean_svg(content)
    assert str(refusal.value).startswith(message)


@translation.override("en")
def test_a_png_is_kept_as_it_is_and_anything_else_is_refused():
    assert clean_emblem(SimpleUploadedFile("e.png", png())).read() == png()
    with pytest.raises(UploadRefused, match="SVG drawing or a PNG picture"):
        clean_emblem(SimpleUploadedFile("e.png", b"\xff\xd8\xff a jpeg"))
    with pytest.raises(UploadRefused, match="damaged"):
        clean_emblem(SimpleUploadedFile("e.png", png()[:40]))
    with pytest.raises(UploadRefused, match="larger than the limit"):
        clean_emblem(SimpleUploadedFile("e.png", b"\x89PNG\r\n\x1a\n" + b"0" * (3 * 1024 * 1024)))


@pytest.fixture
def official(client):
    client.force_login(UserFactory(role=Role.SECRETARIAT, is_staff=True))
    return client


def round_form(award_round, **files):
    return {
        "year": award_round.year,
        "ceremony_date": "09/01/2566",
        "digit_style": award_round.digit_style,
        "validity_years": 2,
        "signatories-TOTAL_FORMS": 0,
        "signatories-INITIAL_FORMS": 0,
        **files,
    }


def test_the_admin_stores_the_cleaned_svg_and_refuses_a_non_picture_with_a_message(official):
    award_round = AwardRound.objects.create(year=2566)
    url = reverse("admin:certification_awardround_change", args=[award_round.pk])
    refused = official.post(
        url, round_form(award_round, emblem=SimpleUploadedFile("e.svg", b"MZ not a picture"))
    )
    assert refused.status_code == 200
    assert "ตราสัญลักษณ์ต้องเป็นภาพวาด SVG หรือภาพ PNG" in refused.content.decode()
    award_round.refresh_from_db()
    assert not award_round.emblem
    saved = official.post(url, round_form(award_round, emblem=SimpleUploadedFile("e.svg", HOSTILE_SVG)))
    assert saved.status_code == 302
    award_round.refresh_from_db()
    assert award_round.emblem.name.startswith("emblems/") and award_round.emblem.name.endswith(".svg")
    stored = award_round.emblem.read().decode()
    assert "script" not in stored and "evil.invalid" not in stored and "<circle" in stored


@pytest.fixture
def fetched(monkeypatch):
    urls = []
    fetch = OwnFilesFetcher.fetch

    def recording(self, url, headers=None):
        urls.append(url)
        return fetch(self, url, headers)

    monkeypatch.setattr(OwnFilesFetcher, "fetch", recording)
    return urls


@pytest.mark.parametrize("kind", list(documents.TEMPLATE_DIRS))
def test_every_kind_prints_the_programmes_mark_without_an_emblem(kind, fetched):
    data = snapshots.sample_snapshot(kind)
    assert data["emblem"] == ""
    documents.render_document_pdf(kind, "v2", data)
    assert f"{documents.DOCUMENT_BASE_URL}{DEFAULT_EMBLEM_URL[1:]}" in fetched


@pytest.mark.parametrize("kind", list(documents.TEMPLATE_DIRS))
def test_every_kind_prints_the_rounds_emblem(kind, fetched, tmp_path):
    award_round = round_2565()
    award_round.emblem.save("e.png", ContentFile(png(90, 30)))
    data = snapshots.sample_snapshot(kind, award_round)
    assert data["emblem"] == award_round.emblem.name
    pdf = documents.render_document_pdf(kind, "v2", data)
    assert f"{documents.DOCUMENT_BASE_URL}media/{award_round.emblem.name}" in fetched
    listing = subprocess.run(["pdfimages", "-list", "-"], input=pdf, capture_output=True, check=True)
    sizes = [row.split()[3:5] for row in listing.stdout.decode().splitlines()[2:]]
    assert ["90", "30"] in sizes


def test_an_svg_emblem_keeps_the_plaque_vector_only():
    award_round = round_2565()
    award_round.emblem.save("e.svg", ContentFile(clean_svg(HOSTILE_SVG)))
    data = snapshots.sample_snapshot(DocumentKind.PLAQUE, award_round)
    pdf = documents.render_document_pdf(DocumentKind.PLAQUE, "v2", data)
    listing = subprocess.run(["pdfimages", "-list", "-"], input=pdf, capture_output=True, check=True)
    assert listing.stdout.decode().splitlines()[2:] == []
