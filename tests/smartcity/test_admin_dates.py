"""No page in Thai mode shows a C.E. year: Django's own date formatting (the admin's lists, read-only
fields, history, date hierarchy, the |date filter) writes B.E. years on Thai pages and C.E. years on
English ones, and the admin's date inputs show and read the page's era — as the demo secretariat."""

import datetime
import html
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.core.management import call_command
from django.db.models.fields.files import FieldFile
from django.template import Context, Template
from django.urls import reverse
from django.utils import formats, translation

from certification.enums import Body
from certification.models import AwardRound, Meeting, Resolution
from cities.models import CertifiedCity, Invitation, Organisation
from tests.smartcity.test_i18n import visible_text

pytestmark = pytest.mark.django_db

# 03:05 UTC on 9 January 2023 is 10:05 in Bangkok.
MOMENT = datetime.datetime(2023, 1, 9, 3, 5, tzinfo=datetime.UTC)
CE_YEAR = re.compile(r"(?<![\d/.-])(19\d\d|20\d\d|2100)(?!\d)")


@pytest.fixture
def secretariat(client, settings):
    settings.DEBUG = True  # seed_demo refuses to run otherwise
    call_command("seed_demo", verbosity=0)
    assert client.login(username="secretariat", password="secretariat-demo")
    return client


def shown(response):
    """What the reader reads: the text, the attributes they are told by, and what the inputs show."""
    html = response.content.decode()
    inputs = re.findall(r'<input[^>]*type="text"[^>]*value="([^"]*)"', html)
    return visible_text(response, attributes=True) + inputs


def ce_years(response):
    return sorted({year for text in shown(response) for year in CE_YEAR.findall(text)})


def english(client):
    client.cookies["language"] = "en"
    return client


# --- Django's date formats


def render(source, language, **context):
    with translation.override(language):
        return Template(source).render(Context(context))


def test_djangos_date_formats_write_the_buddhist_era_year_in_thai():
    day = datetime.date(2026, 1, 9)
    assert render('{{ d|date:"Y" }}|{{ d|date:"y" }}|{{ d|date:"o" }}', "th", d=day) == "2569|69|2569"
    assert render('{{ d|date:"Y" }}|{{ d|date:"y" }}|{{ d|date:"o" }}', "en", d=day) == "2026|26|2026"
    assert render("{{ d|date }}", "th", d=day) == "9 มกราคม 2569"
    assert render("{{ d|date }}", "en", d=day) == "Jan. 9, 2026"
    with translation.override("th"):
        assert formats.date_format(day, "SHORT_DATE_FORMAT") == "9 ม.ค. 2569"
        assert formats.date_format(day, "YEAR_MONTH_FORMAT") == "มกราคม 2569"
        assert formats.localize(MOMENT.astimezone(datetime.timezone(datetime.timedelta(hours=7)))) == (
            "9 มกราคม 2566, 10:05"
        )


def test_formats_for_machines_keep_the_common_era():
    day = datetime.date(2026, 1, 9)
    assert render('{{ d|date:"c" }}', "th", d=day) == "2026-01-09"
    assert render('{{ m|date:"r" }}', "th", m=MOMENT) == "Mon, 09 Jan 2023 10:05:00 +0700"
    assert render('{{ m|date:"U" }}', "th", m=MOMENT) == "1673233500"
    with translation.override("th"):
        assert formats.localize_input(day) == "09/01/2026"  # Django's inputs; the admin's use smartcity.forms


# --- Lists, read-only fields, history


def test_a_list_of_dates_is_in_buddhist_era_in_thai_and_common_era_in_english(secretariat):
    url = reverse("admin:certification_awardround_changelist")
    response = secretariat.get(url)
    texts = shown(response)
    assert "24 ธันวาคม 2564" in texts  # the demo round of 2564: 24 December 2021
    assert "9 มกราคม 2566" in texts  # of 2565: 9 January 2023
    assert ce_years(response) == []
    response = english(secretariat).get(url)
    assert {"Dec. 24, 2021", "Jan. 9, 2023"} <= set(shown(response))


def test_the_meeting_list_shows_its_dates_in_the_pages_era(secretariat):
    Meeting.objects.create(body=Body.COMMITTEE, year=2565, number=7, date=datetime.date(2022, 11, 9))
    url = reverse("admin:certification_meeting_changelist")
    response = secretariat.get(url)
    assert "9 พฤศจิกายน 2565" in shown(response)
    assert ce_years(response) == []
    assert "Nov. 9, 2022" in shown(english(secretariat).get(url))


def test_a_change_page_shows_its_date_input_in_the_pages_era(secretariat):
    award_round = AwardRound.objects.get(year=2565)
    url = reverse("admin:certification_awardround_change", args=[award_round.pk])
    response = secretariat.get(url)
    html = response.content.decode()
    assert re.search(r'<input[^>]*name="ceremony_date"[^>]*value="09/01/2566"', html)
    assert 'placeholder="วว/ดด/ปปปป (พ.ศ.)"' in html
    assert "vDateField" not in html and "DateTimeShortcuts.js" not in html  # no calendar writing C.E.
    assert ce_years(response) == []
    html = english(secretariat).get(url).content.decode()
    assert re.search(r'<input[^>]*name="ceremony_date"[^>]*value="09/01/2023"', html)
    assert 'placeholder="dd/mm/yyyy"' in html


def test_read_only_moments_and_the_history_are_in_buddhist_era(secretariat):
    from django.contrib.auth import get_user_model

    resolution = Resolution.objects.order_by("pk").first()
    Resolution.objects.filter(pk=resolution.pk).update(recorded_at=MOMENT)
    url = reverse("admin:certification_resolution_change", args=[resolution.pk])
    response = secretariat.get(url)
    assert "9 มกราคม 2566, 10:05" in shown(response)
    assert ce_years(response) == []
    assert "Jan. 9, 2023, 10:05 a.m." in shown(english(secretariat).get(url))

    secretariat.cookies["language"] = "th"
    award_round = AwardRound.objects.get(year=2565)
    entry = LogEntry.objects.log_actions(
        user_id=get_user_model().objects.get(username="secretariat").pk,
        queryset=[award_round],
        action_flag=2,
        change_message="[]",
        single_object=True,
    )
    LogEntry.objects.filter(pk=entry.pk).update(action_time=MOMENT)
    history = secretariat.get(reverse("admin:certification_awardround_history", args=[award_round.pk]))
    assert "9 มกราคม 2566, 10:05" in shown(history)
    assert ce_years(history) == []


def test_invitations_are_listed_and_named_in_the_pages_era(secretariat):
    organisation = Organisation.objects.order_by("pk").first()
    member = organisation.members.first()
    invitation = Invitation.objects.create(organisation=organisation, created_by=member, expires_at=MOMENT)
    Invitation.objects.filter(pk=invitation.pk).update(created_at=MOMENT)
    invitation.refresh_from_db()
    with translation.override("th"):
        assert str(invitation) == f"{organisation.name_th} — 9 มกราคม 2566 10:05"
    with translation.override("en"):
        assert str(invitation) == f"{organisation.name_en} — 9 January 2023 10:05"
    secretariat.force_login(get_superuser())
    response = secretariat.get(reverse("admin:cities_invitation_changelist"))
    assert "9 มกราคม 2566, 10:05" in shown(response)
    assert ce_years(response) == []
    change = secretariat.get(reverse("admin:cities_invitation_change", args=[invitation.pk]))
    html = change.content.decode()
    assert re.search(r'name="expires_at_0"[^>]*value="09/01/2566"', html)
    assert re.search(r'name="expires_at_1"[^>]*value="10:05"', html)
    assert ce_years(change) == []


def get_superuser():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="admin")


# --- The date hierarchy


def hierarchy(response):
    nav = re.search(r'<nav class="toplinks">(.*?)</nav>', response.content.decode(), flags=re.S)[1]
    return [
        " ".join(html.unescape(text).split())
        for text in re.findall(r">([^<>]+)<", f">{nav}<")
        if text.strip()
    ]


def test_the_date_hierarchy_names_years_and_months_in_the_pages_era(secretariat):
    url = reverse("admin:cities_certifiedcity_changelist")
    # The demo data: the batch of 2564 certified on 24 December 2021, that of 2565 on 9 January 2023.
    assert hierarchy(secretariat.get(url)) == ["2564", "2566"]
    response = secretariat.get(url + "?certified_on__year=2023")
    assert hierarchy(response) == ["‹ ทุกช่วงเวลา", "มกราคม 2566"]
    response = secretariat.get(url + "?certified_on__year=2023&certified_on__month=1")
    assert hierarchy(response) == ["‹ 2566", "9 มกราคม"]
    response = secretariat.get(url + "?certified_on__year=2023&certified_on__month=1&certified_on__day=9")
    assert hierarchy(response) == ["‹ มกราคม 2566", "9 มกราคม"]
    assert ce_years(response) == []

    english(secretariat)
    assert hierarchy(secretariat.get(url)) == ["2021", "2023"]
    assert hierarchy(secretariat.get(url + "?certified_on__year=2023")) == ["‹ All dates", "January 2023"]
    assert hierarchy(secretariat.get(url + "?certified_on__year=2023&certified_on__month=1")) == [
        "‹ 2023",
        "January 9",
    ]


# --- Typing dates in the admin


def meeting_data(date):
    return {
        "body": Body.SUBCOMMITTEE,
        "year": "2569",
        "number": "5",
        "date": date,
        "agenda": "",
        "resolutions-TOTAL_FORMS": "0",
        "resolutions-INITIAL_FORMS": "0",
    }


@pytest.mark.parametrize("typed", ["9/1/2569", "๙/๑/๒๕๖๙", "09/01/2569", "9 มกราคม 2569"])
def test_a_buddhist_era_date_typed_in_the_admin_is_stored_as_that_day(secretariat, typed):
    response = secretariat.post(reverse("admin:certification_meeting_add"), meeting_data(typed))
    assert response.status_code == 302
    assert Meeting.objects.get(body=Body.SUBCOMMITTEE, year=2569, number=5).date == datetime.date(2026, 1, 9)


def test_a_common_era_year_typed_on_a_thai_page_is_refused_and_changes_nothing(secretariat):
    before = sorted(Meeting.objects.values_list("pk", "date"))
    response = secretariat.post(reverse("admin:certification_meeting_add"), meeting_data("9/1/2026"))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "date": ["2026 เป็นปีคริสต์ศักราช โปรดกรอกปีพุทธศักราช คือ 2569"]
    }
    assert "2026 เป็นปีคริสต์ศักราช โปรดกรอกปีพุทธศักราช คือ 2569" in response.content.decode()
    assert sorted(Meeting.objects.values_list("pk", "date")) == before


def test_changing_a_date_in_thai_keeps_the_others_as_they_were(secretariat):
    award_round = AwardRound.objects.get(year=2565)
    url = reverse("admin:certification_awardround_change", args=[award_round.pk])
    form = secretariat.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {
        **{k: ("" if v is None or isinstance(v, FieldFile) else v) for k, v in data.items()},  # no file
        "ceremony_date": "10/01/2566",
        "signatories-TOTAL_FORMS": "0",
        "signatories-INITIAL_FORMS": "0",
    }
    assert secretariat.post(url, data).status_code == 302
    assert AwardRound.objects.get(pk=award_round.pk).ceremony_date == datetime.date(2023, 1, 10)
    data["ceremony_date"] = "31/2/2566"
    response = secretariat.post(url, data)
    assert response.context["adminform"].form.errors == {"ceremony_date": ["ไม่มีวันที่ 31/2/2566 ในปฏิทิน"]}
    assert AwardRound.objects.get(pk=award_round.pk).ceremony_date == datetime.date(2023, 1, 10)


def test_english_pages_take_common_era_dates(secretariat):
    english(secretariat)
    response = secretariat.post(reverse("admin:certification_meeting_add"), meeting_data("9/1/2026"))
    assert response.status_code == 302
    assert Meeting.objects.get(body=Body.SUBCOMMITTEE, year=2569, number=5).date == datetime.date(2026, 1, 9)
    response = secretariat.post(
        reverse("admin:certification_meeting_add"), {**meeting_data("9/1/2569"), "number": "6"}
    )
    assert response.context["adminform"].form.errors == {
        "date": ["2569 is a year of the Buddhist Era: type the Common Era year, 2026."]
    }


def test_a_certified_city_is_recorded_with_buddhist_era_dates(secretariat):
    data = {
        "name_th": "เมืองทดสอบ",
        "name_en": "Test City",
        "award_year": "2569",
        "certified_on": "๙/๑/๒๕๖๙",
        "valid_until": "8/1/2571",
        "city_type": "",
        "status": "active",
        "provinces": ["50"],
        "certificate_serial": "",
    }
    response = secretariat.post(reverse("admin:cities_certifiedcity_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    city = CertifiedCity.objects.get(name_th="เมืองทดสอบ")
    assert (city.certified_on, city.valid_until) == (datetime.date(2026, 1, 9), datetime.date(2028, 1, 8))


@pytest.mark.parametrize("part", ["year=99999", "year=0", "year=abc", "year=2026&{field}__month=13",
                                  "year=2026&{field}__month=1&{field}__day=40"])  # fmt: skip
def test_a_date_out_of_range_in_a_list_address_shows_the_whole_list_with_a_word(client, part):
    """Every list, by each model's first date: Django takes ``?date__year=`` on any list (its date
    hierarchy's links) and checks that the parts are numbers, not that the year exists: a year such as
    99999 was a server error when the query ran."""
    from django.contrib import admin
    from django.db import models

    from tests.factories import UserFactory

    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    lists = []
    for model in admin.site._registry:
        dates = [f.name for f in model._meta.concrete_fields if isinstance(f, models.DateField)]
        if dates:
            lists.append((model, dates[0]))
    assert len(lists) >= 8
    for model, field in lists:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = client.get(f"{url}?{field}__" + part.format(field=field))
        assert (response.status_code, response["Location"]) == (302, f"{url}?e=1"), model
        page = client.get(response["Location"])
        assert page.status_code == 200
        assert "ตัวกรองในที่อยู่ไม่ถูกต้อง จึงแสดงรายการทั้งหมด" in page.content.decode(), model
