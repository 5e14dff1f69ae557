"""Dates typed and shown in the page's era: ThaiDateField / ThaiDateInput (B.E. on Thai pages, C.E. on
English ones) and ThaiDateTimeField."""

import datetime
import zoneinfo

import pytest
from django import forms
from django.utils import translation

from smartcity.forms import ThaiDateField, ThaiDateInput, ThaiDateTimeField

BANGKOK = zoneinfo.ZoneInfo("Asia/Bangkok")


class DateForm(forms.Form):
    day = ThaiDateField(label="day")
    optional = ThaiDateField(label="optional", required=False)


def clean(language, text):
    with translation.override(language):
        form = DateForm({"day": text})
        return form.cleaned_data["day"] if form.is_valid() else list(form.errors["day"])


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("9/1/2569", datetime.date(2026, 1, 9)),  # 2569 is B.E., never C.E. 2569
        ("09/01/2569", datetime.date(2026, 1, 9)),
        ("๙/๑/๒๕๖๙", datetime.date(2026, 1, 9)),  # Thai digits
        ("๐๙/๐๑/๒๕๖๙", datetime.date(2026, 1, 9)),
        (" 9 / 1 / 2569 ", datetime.date(2026, 1, 9)),
        ("9-1-2569", datetime.date(2026, 1, 9)),
        ("9.1.2569", datetime.date(2026, 1, 9)),
        ("9 มกราคม 2569", datetime.date(2026, 1, 9)),  # as the portal writes dates
        ("9 ม.ค. 2569", datetime.date(2026, 1, 9)),
        ("9 ม.ค. พ.ศ. 2569", datetime.date(2026, 1, 9)),
        ("๙ มกราคม พ.ศ. ๒๕๖๙", datetime.date(2026, 1, 9)),
        ("29/2/2567", datetime.date(2024, 2, 29)),  # B.E. 2567 = 2024, a leap year
        ("31/12/2443", datetime.date(1900, 12, 31)),
        ("1/1/2643", datetime.date(2100, 1, 1)),
        ("2026-01-09", datetime.date(2026, 1, 9)),  # ISO 8601 is C.E. by definition
        ("2569-01-09", datetime.date(2026, 1, 9)),  # and on a Thai page a B.E. ISO year is understood
    ],
)
def test_thai_pages_read_the_year_as_buddhist_era(typed, expected):
    assert clean("th", typed) == expected


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("9/1/2026", "2026 เป็นปีคริสต์ศักราช โปรดกรอกปีพุทธศักราช คือ 2569"),
        ("๙/๑/๒๐๒๖", "2026 เป็นปีคริสต์ศักราช โปรดกรอกปีพุทธศักราช คือ 2569"),
        ("9/1/69", "กรอกปี พ.ศ. เป็นตัวเลขสี่หลัก เช่น 31/12/2569"),
        ("31/2/2569", "ไม่มีวันที่ 31/2/2569 ในปฏิทิน"),
        ("29/2/2568", "ไม่มีวันที่ 29/2/2568 ในปฏิทิน"),
        ("9/13/2569", "ไม่มีวันที่ 9/13/2569 ในปฏิทิน"),
        ("9/1/2300", "โปรดกรอกปีระหว่าง 2443 ถึง 2643"),
        ("9/1/2700", "โปรดกรอกปีระหว่าง 2443 ถึง 2643"),
        ("พรุ่งนี้", "กรอกวันที่เป็น วัน/เดือน/ปี พ.ศ. เช่น 31/12/2569"),
        ("9 มกรา 2569", "กรอกวันที่เป็น วัน/เดือน/ปี พ.ศ. เช่น 31/12/2569"),
        ("9/1/2569 10:00", "กรอกวันที่เป็น วัน/เดือน/ปี พ.ศ. เช่น 31/12/2569"),
        ("1/9", "กรอกวันที่เป็น วัน/เดือน/ปี พ.ศ. เช่น 31/12/2569"),
    ],
)
def test_thai_pages_say_clearly_what_is_wrong(typed, message):
    assert clean("th", typed) == [message]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("9/1/2026", datetime.date(2026, 1, 9)),  # day first, as in Thailand
        ("2026-01-09", datetime.date(2026, 1, 9)),
        ("9 January 2026", datetime.date(2026, 1, 9)),
        ("9 jan 2026", datetime.date(2026, 1, 9)),
        ("๙/๑/๒๐๒๖", datetime.date(2026, 1, 9)),
    ],
)
def test_english_pages_read_the_year_as_common_era(typed, expected):
    assert clean("en", typed) == expected


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("9/1/2569", "2569 is a year of the Buddhist Era: type the Common Era year, 2026."),
        ("2569-01-09", "2569 is a year of the Buddhist Era: type the Common Era year, 2026."),
        ("9/1/26", "Type the year with four digits, for example 31/12/2026."),
        ("tomorrow", "Enter the date as day/month/year, for example 31/12/2026."),
        ("30/2/2026", "There is no such date: 30/2/2026."),
        ("1/1/1800", "Type a year between 1900 and 2100."),
    ],
)
def test_english_pages_say_clearly_what_is_wrong(typed, message):
    assert clean("en", typed) == [message]


def test_an_empty_optional_date_is_none_and_a_required_one_is_asked_for():
    with translation.override("th"):
        form = DateForm({"day": "", "optional": ""})
        assert not form.is_valid()
        assert form.errors == {"day": ["ช่องนี้จำเป็นต้องกรอก"]}
        form = DateForm({"day": "1/1/2569", "optional": "  "})
        assert form.is_valid()
        assert form.cleaned_data == {"day": datetime.date(2026, 1, 1), "optional": None}


def test_the_input_shows_the_date_in_the_pages_era_with_the_format_as_placeholder():
    form = DateForm(initial={"day": datetime.date(2026, 1, 9)})
    with translation.override("th"):
        html = str(form["day"])
        assert 'value="09/01/2569"' in html
        assert 'placeholder="วว/ดด/ปปปป (พ.ศ.)"' in html
        assert 'type="text"' in html
        assert "vDateField" not in html  # not Django's calendar, which writes C.E. dates
    with translation.override("en"):
        html = str(form["day"])
        assert 'value="09/01/2026"' in html
        assert 'placeholder="dd/mm/yyyy"' in html


def test_what_the_input_shows_reads_back_as_the_same_date_in_both_languages():
    for language in ("th", "en"):
        with translation.override(language):
            for day in (datetime.date(2026, 1, 9), datetime.date(2024, 2, 29), datetime.date(1999, 12, 31)):
                form = DateForm({"day": ThaiDateInput().format_value(day)})
                assert form.is_valid(), (language, day, form.errors)
                assert form.cleaned_data["day"] == day


def test_a_date_typed_wrong_is_shown_back_as_typed():
    with translation.override("th"):
        form = DateForm({"day": "9/1/2026"})
        assert not form.is_valid()
        assert 'value="9/1/2026"' in str(form["day"])


class MomentForm(forms.Form):
    moment = ThaiDateTimeField(label="moment")


def test_a_moment_is_a_buddhist_era_date_and_a_time_in_bangkok():
    with translation.override("th"):
        form = MomentForm({"moment_0": "๑/๑/๒๕๖๙", "moment_1": "๑๔.๓๐ น."})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["moment"] == datetime.datetime(2026, 1, 1, 14, 30, tzinfo=BANGKOK)
        new_year = datetime.datetime(2025, 12, 31, 18, 0, tzinfo=datetime.UTC)
        shown = str(MomentForm(initial={"moment": new_year}))
        # 18:00 UTC on 31 December 2025 is 01:00 on 1 January 2026 (B.E. 2569) in Bangkok.
        assert 'value="01/01/2569"' in shown
        assert 'value="01:00"' in shown
        form = MomentForm({"moment_0": "1/1/2026", "moment_1": "14:30"})
        assert form.errors == {"moment": ["2026 เป็นปีคริสต์ศักราช โปรดกรอกปีพุทธศักราช คือ 2569"]}
    with translation.override("en"):
        form = MomentForm({"moment_0": "1/1/2026", "moment_1": "14:30"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["moment"] == datetime.datetime(2026, 1, 1, 14, 30, tzinfo=BANGKOK)
