"""certification/geo.py: a GeoJSON boundary is checked with bounded depth and size, with a clear message,
and nothing a hostile draft holds makes the autosave or the submission fail."""

import json
from urllib.parse import urlencode

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.datastructures import MultiValueDict

from certification.demo.record import SAMPLE_PDF
from certification.enums import Status
from certification.geo import outline, validate_boundary
from certification.models import ApplicationVersion
from certification.services import drafting
from tests.factories import COMPLETE_PROPOSAL, ApplicationFactory

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[99.48, 18.28], [99.52, 18.28], [99.52, 18.31], [99.48, 18.31], [99.48, 18.28]]],
}


def message(text):
    with translation.override("en"):
        with pytest.raises(ValidationError) as caught:
            validate_boundary(text)
        return " ".join(caught.value.messages)


def nested_features(levels):
    geometry = SQUARE
    for _ in range(levels):
        geometry = {"type": "Feature", "geometry": geometry}
    return json.dumps(geometry)


def test_a_polygon_a_feature_and_a_collection_are_accepted():
    feature = {"type": "Feature", "geometry": SQUARE, "properties": {}}
    for geometry in (SQUARE, feature, {"type": "FeatureCollection", "features": [feature, feature]}):
        assert validate_boundary(json.dumps(geometry)) == geometry


def test_brackets_nested_thousands_deep_are_refused_with_a_message():
    assert message("[" * 5000 + "]" * 5000) == "The boundary is nested too deeply to be GeoJSON."


def test_text_that_is_not_json_is_refused_with_where_it_stops_in_the_readers_language():
    assert message('{"type": "Polygon",\n  coordinates: []}') == (
        "The boundary is not valid GeoJSON: it cannot be read from line 2, character 3."
    )
    with translation.override("th"), pytest.raises(ValidationError) as caught:
        validate_boundary("{'type'")
    assert caught.value.messages == ["ขอบเขตไม่ใช่ GeoJSON ที่ถูกต้อง: อ่านไม่ได้ตั้งแต่บรรทัดที่ 1 อักขระที่ 2"]


def test_features_nested_in_features_are_refused():
    assert message(nested_features(2)) == "The boundary must be a GeoJSON Polygon or MultiPolygon."
    assert message(nested_features(900)) == "The boundary must be a GeoJSON Polygon or MultiPolygon."


def test_a_collection_of_something_else_than_features_is_refused():
    collection = {"type": "FeatureCollection", "features": [SQUARE]}
    assert message(json.dumps(collection)) == "Each feature of the collection must be a GeoJSON Feature."


def test_size_and_points_are_bounded():
    assert message(" " * 2_000_001) == "The boundary is too large (at most 2 MB of GeoJSON)."
    ring = [[99.0 + i * 1e-5, 18.0] for i in range(20_001)] + [[99.0, 18.0]]
    assert message(json.dumps({"type": "Polygon", "coordinates": [ring]})) == (
        "The boundary has too many points (at most 20,000)."
    )


def test_the_outline_keeps_the_shape_north_up():
    drawn = outline(json.dumps(SQUARE), size=100)
    assert drawn["points"] == 5
    # 0.04° of longitude at 18.3° N is 0.038° on the ground, against 0.03° of latitude: wider than high.
    assert drawn["path"] == "M4.0 86.3 L96.0 86.3 L96.0 13.7 L4.0 13.7 L4.0 86.3 Z"
    assert outline("[" * 5000 + "]" * 5000) is None
    assert outline("") is None


@pytest.mark.django_db
def test_a_deeply_nested_boundary_is_kept_as_a_draft_and_the_form_says_why(client):
    application = ApplicationFactory(complete=True)
    client.force_login(application.created_by)
    area = {key: values[0] for key, values in COMPLETE_PROPOSAL["area"].items()}
    area["boundary_geojson"] = "[" * 5000 + "]" * 5000
    autosave = client.post(reverse("apply:autosave", args=[application.pk, "area"]), {**area, "version": "1"})
    assert (autosave.status_code, autosave.json()["ok"], autosave.json()["complete"]) == (200, True, False)
    page = client.post(reverse("apply:section", args=[application.pk, "area"]), {**area, "version": "2"})
    assert page.status_code == 200
    assert "ขอบเขตซ้อนกันลึกเกินกว่าจะเป็น GeoJSON" in page.content.decode()
    assert application.sections.get(key="area").data["boundary_geojson"] == [area["boundary_geojson"]]


@pytest.mark.django_db
def test_a_proposal_with_a_boundary_is_submitted_and_its_version_keeps_plain_text():
    application = ApplicationFactory(complete=True)
    area = {**COMPLETE_PROPOSAL["area"], "boundary_geojson": [json.dumps(SQUARE)]}
    drafting.save_section(application, "area", area, actor=application.created_by, expected_version=1)

    drafting.add_attachment(
        application,
        SimpleUploadedFile("p.pdf", SAMPLE_PDF),
        "proposal_document",
        actor=application.created_by,
    )
    drafting.submit(application, actor=application.created_by)
    assert application.status == Status.SUBMITTED
    snapshot = ApplicationVersion.objects.get(application=application).snapshot
    area_items = dict(next(s["items"] for s in snapshot["sections"] if s["key"] == "area"))
    assert area_items["ขอบเขตในรูปแบบ GeoJSON (ไม่บังคับ)"] == "มีข้อมูล"


@pytest.mark.django_db
def test_a_boundary_over_its_size_gets_the_forms_message_posted_plain_or_by_autosave(client):
    """2.4 million characters of GeoJSON (120,000 points), over the section's limit: posted by a browser
    without JavaScript (URL-encoded) and by the autosave (multipart), the form says so — not a bare 400
    because the request was too big for Django."""
    application = ApplicationFactory(complete=True)
    client.force_login(application.created_by)
    area = {key: values[0] for key, values in COMPLETE_PROPOSAL["area"].items()}
    ring = [[99.0 + i * 1e-6, 18.0 + (i % 7) * 1e-6] for i in range(120_000)]
    area["boundary_geojson"] = json.dumps({"type": "Polygon", "coordinates": [[*ring, ring[0]]]})
    assert len(area["boundary_geojson"]) > 2_000_000
    autosave = client.post(reverse("apply:autosave", args=[application.pk, "area"]), {**area, "version": "1"})
    assert (autosave.status_code, autosave.json()["complete"]) == (200, False)
    page = client.post(
        reverse("apply:section", args=[application.pk, "area"]),
        urlencode({**area, "version": "2"}),
        content_type="application/x-www-form-urlencoded",
    )
    assert page.status_code == 200
    assert "ข้อมูลขอบเขตใหญ่เกินไป (GeoJSON ไม่เกิน 2 MB)" in page.content.decode()


def test_an_outline_that_crosses_itself_is_refused_where_it_crosses():
    bow_tie = [[99.48, 18.28], [99.52, 18.31], [99.52, 18.28], [99.48, 18.31], [99.48, 18.28]]
    assert message(json.dumps({"type": "Polygon", "coordinates": [bow_tie]})) == (
        "The boundary crosses itself near [99.50000, 18.29500]: draw its outline without crossings."
    )


def test_a_long_outline_that_does_not_cross_itself_is_accepted():
    """A circle of 5,000 points: every edge is compared with its neighbours on the grid only."""
    import math

    circle = [[99.5 + 0.05 * math.cos(2 * math.pi * i / 5000), 18.3 + 0.05 * math.sin(2 * math.pi * i / 5000)]
              for i in range(5000)]  # fmt: skip
    geometry = {"type": "Polygon", "coordinates": [[*circle, circle[0]]]}
    assert validate_boundary(json.dumps(geometry)) == geometry


@pytest.mark.django_db
@pytest.mark.usefixtures("reference_data")
@pytest.mark.parametrize(
    ("lon", "lat", "refused"),
    [(99.48, 18.28, False), (98.30, 7.88, True), (18.28, 99.48, True)],  # Lampang; Phuket; swapped
)
def test_a_boundary_must_lie_in_the_chosen_provinces(lon, lat, refused):
    from certification.sections import AreaForm

    ring = [[lon, lat], [lon + 0.04, lat], [lon + 0.04, lat + 0.03], [lon, lat + 0.03], [lon, lat]]
    data = {
        **COMPLETE_PROPOSAL["area"],
        "boundary_geojson": [json.dumps({"type": "Polygon", "coordinates": [ring]})],
    }
    form = AreaForm(data=MultiValueDict(data))
    with translation.override("en"):
        errors = " ".join(form.errors.get("boundary_geojson", []))
    assert bool(errors) is refused
    if refused:
        assert "outside" in errors
