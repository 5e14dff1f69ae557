import datetime
import zoneinfo

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.utils import translation

from smartcity import thaidate

BANGKOK = zoneinfo.ZoneInfo("Asia/Bangkok")
UTC = datetime.UTC


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2023, 1, 9), "9 มกราคม 2566"),
        (datetime.date(2021, 12, 24), "24 ธันวาคม 2564"),
        (datetime.date(2022, 12, 31), "31 ธันวาคม 2565"),
        (datetime.date(2023, 1, 1), "1 มกราคม 2566"),
        (datetime.date(2024, 2, 29), "29 กุมภาพันธ์ 2567"),
        (datetime.date(2000, 2, 29), "29 กุมภาพันธ์ 2543"),
        (datetime.date(2022, 11, 9), "9 พฤศจิกายน 2565"),
    ],
)
def test_thai_date_uses_buddhist_era(day, expected):
    assert thaidate.format_date(day) == expected


def test_thai_digits_on_request():
    assert thaidate.format_date(datetime.date(2023, 1, 9), thai_digits=True) == "๙ มกราคม ๒๕๖๖"
    assert thaidate.format_date(datetime.date(2024, 2, 29), thai_digits=True) == "๒๙ กุมภาพันธ์ ๒๕๖๗"


def test_era_prefix_for_formal_documents():
    assert thaidate.format_date(datetime.date(2023, 1, 9), era=True) == "9 มกราคม พ.ศ. 2566"
    assert thaidate.format_date(datetime.date(2023, 1, 9), era=True, thai_digits=True) == "๙ มกราคม พ.ศ. ๒๕๖๖"


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2023, 1, 9), "9 January 2023"),
        (datetime.date(2024, 2, 29), "29 February 2024"),
        (datetime.date(2022, 12, 31), "31 December 2022"),
    ],
)
def test_english_dates_use_common_era(day, expected):
    assert thaidate.format_date(day, language="en") == expected
    # Thai digits and the era prefix belong to Thai only.
    assert thaidate.format_date(day, language="en", thai_digits=True, era=True) == expected


def test_aware_datetime_is_dated_in_bangkok_across_the_new_year():
    # 18:00 UTC on 31 December 2022 is 01:00 on 1 January 2023 in Bangkok: a new B.E. year, 2566.
    moment = datetime.datetime(2022, 12, 31, 18, 0, tzinfo=UTC)
    assert thaidate.format_date(moment) == "1 มกราคม 2566"
    assert thaidate.be_year(moment) == 2566
    # 16:59 UTC is still 23:59 on 31 December in Bangkok.
    assert thaidate.format_date(datetime.datetime(2022, 12, 31, 16, 59, tzinfo=UTC)) == "31 ธันวาคม 2565"


def test_aware_datetime_on_29_february_in_bangkok():
    moment = datetime.datetime(2024, 2, 28, 17, 30, tzinfo=UTC)  # 00:30 on 29 Feb in Bangkok
    assert thaidate.format_date(moment) == "29 กุมภาพันธ์ 2567"
    assert thaidate.format_date(moment, language="en") == "29 February 2024"


def test_naive_datetime_is_taken_as_it_is():
    assert thaidate.format_date(datetime.datetime(2023, 1, 9, 23, 59)) == "9 มกราคม 2566"


def test_years_and_digits():
    assert thaidate.be_year(2023) == 2566
    assert thaidate.be_year(datetime.date(2022, 12, 31)) == 2565
    assert thaidate.ce_year(2566) == 2023
    assert thaidate.to_thai_digits("SCT-2565-001") == "SCT-๒๕๖๕-๐๐๑"
    assert thaidate.to_arabic_digits("๒๕๖๖") == "2566"
    assert thaidate.to_arabic_digits(thaidate.to_thai_digits("0123456789")) == "0123456789"


def render(source, language, **context):
    with translation.override(language):
        return Template("{% load thaidate %}" + source).render(Context(context))


def test_filters_follow_the_page_language():
    day = datetime.date(2023, 1, 9)
    assert render("{{ d|thai_date }}", "th", d=day) == "9 มกราคม 2566"
    assert render('{{ d|thai_date:"thai" }}', "th", d=day) == "๙ มกราคม ๒๕๖๖"
    assert render('{{ d|thai_date:"thai,era" }}', "th", d=day) == "๙ มกราคม พ.ศ. ๒๕๖๖"
    assert render("{{ d|thai_date }}", "en", d=day) == "9 January 2023"
    assert render('{{ d|thai_date:"thai" }}', "en", d=day) == "9 January 2023"


def test_year_and_digit_filters():
    assert render("{{ d|be_year }}", "th", d=datetime.date(2023, 1, 9)) == "2566"
    assert render('{{ y|be_year:"thai" }}', "th", y=2022) == "๒๕๖๕"
    assert render("{{ s|thai_digits }}", "th", s="ครั้งที่ 1/2565") == "ครั้งที่ ๑/๒๕๖๕"


def test_filters_leave_empty_values_empty():
    assert render("[{{ d|thai_date }}][{{ d|be_year }}]", "th", d=None) == "[][]"


def test_unknown_filter_option_is_an_error():
    with pytest.raises(TemplateSyntaxError, match="unknown option"):
        render('{{ d|thai_date:"roman" }}', "th", d=datetime.date(2023, 1, 9))


def test_numeric_dates_as_typed_in_forms():
    assert thaidate.format_numeric_date(datetime.date(2026, 1, 9)) == "09/01/2569"
    assert thaidate.format_numeric_date(datetime.date(2026, 1, 9), language="en") == "09/01/2026"
    # In Bangkok: 18:00 UTC on 31 December 2025 is 1 January 2026.
    assert thaidate.format_numeric_date(datetime.datetime(2025, 12, 31, 18, 0, tzinfo=UTC)) == "01/01/2569"


def test_moments_with_their_time_in_bangkok():
    moment = datetime.datetime(2023, 1, 9, 3, 5, tzinfo=UTC)
    assert thaidate.format_datetime(moment) == "9 มกราคม 2566 10:05"
    assert thaidate.format_datetime(moment, language="en") == "9 January 2023 10:05"


def test_bare_years_as_the_page_writes_them():
    assert render("{{ y|year_in_era }}", "th", y="2026") == "2569"
    assert render("{{ y|year_in_era }}", "th", y=2023) == "2566"
    assert render("{{ y|year_in_era }}", "en", y="2026") == "2026"
    # Anything else is left as it is: months and days come formatted by Django already.
    assert render("{{ y|year_in_era }}", "th", y="มกราคม 2569") == "มกราคม 2569"
    assert render("{{ y|year_in_era }}", "th", y="๒๕๖๙") == "๒๕๖๙"
    assert render("{{ y|year_in_era }}", "th", y="202") == "202"
