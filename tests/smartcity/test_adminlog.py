"""smartcity/adminlog.py: the admin's change log said in the reader's language — labels of the fields,
names of the objects added — for what the portal writes and for entries Django wrote before."""

import json

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import translation

from certification.enums import Body
from certification.models import Meeting, Resolution
from smartcity.adminlog import change_sentence
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def entry(obj, message):
    return LogEntry.objects.create(
        user=UserFactory(),
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj),
        action_flag=CHANGE,
        change_message=json.dumps(message),
    )


@pytest.fixture
def meeting():
    import datetime

    return Meeting.objects.create(body=Body.COMMITTEE, year=2569, number=3, date=datetime.date(2026, 4, 21))


def test_an_entry_django_wrote_in_english_reads_in_thai_and_in_english(meeting):
    added = {"name": "resolution", "object": "National committee, resolution 3"}
    log = entry(meeting, [{"changed": {"fields": ["Date", "Agenda"]}}, {"added": added}])
    with translation.override("th"):
        assert change_sentence(log) == (
            "แก้ไข วันที่ และ ระเบียบวาระ แล้ว เพิ่มมติ “National committee, resolution 3” แล้ว"
        )
    with translation.override("en"):
        assert change_sentence(log) == (
            "Changed Date and Agenda. Added resolution “National committee, resolution 3”."
        )


def test_what_the_portal_writes_names_fields_and_objects_in_every_language(meeting):
    resolution = Resolution.objects.create(
        meeting=meeting, number=1, text="รับทราบ", recorded_by=UserFactory()
    )
    names = {}
    for code in ("th", "en"):
        with translation.override(code):
            names[code] = str(resolution)
    log = entry(meeting, [{"changed": {"fields": ["Date"], "field_names": ["date"]}},
                          {"added": {"name": "resolution", "object": names["en"],
                                     "model": "certification.resolution", "names": names}}])  # fmt: skip
    with translation.override("th"):
        assert change_sentence(log) == f"แก้ไข วันที่ แล้ว เพิ่มมติ “{names['th']}” แล้ว"
        assert change_sentence(log, hidden_models=("certification.resolution",)) == "แก้ไข วันที่ แล้ว"
    with translation.override("en"):
        assert change_sentence(log) == f"Changed Date. Added resolution “{names['en']}”."
    assert names["th"] != names["en"]
