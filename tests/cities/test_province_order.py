"""Provinces are listed in Thai dictionary order on Thai pages and by English name on English ones:
the selectors, the form fields (whose order follows the language active when they are rendered), and the
admin (the province list, its name columns, the autocomplete, the filters by province)."""

import re

import pytest
from django import forms
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from certification.enums import Role
from cities import selectors
from cities.admin import ProvinceListFilter
from cities.forms import OrganisationForm, ProvinceChoiceField, ProvinceMultipleChoiceField
from cities.models import CertifiedCity, Organisation, Province
from tests.factories import UserFactory
from tests.smartcity.test_collation import THAI_ORDER

pytestmark = pytest.mark.django_db

ENGLISH_FIRST = ["Amnat Charoen", "Ang Thong", "Bangkok", "Bueng Kan", "Buri Ram", "Chachoengsao"]
ENGLISH_LAST = ["Udon Thani", "Uthai Thani", "Uttaradit", "Yala", "Yasothon"]


def english_order():
    return sorted(Province.objects.values_list("name_en", flat=True), key=str.casefold)


def test_provinces_in_order_follow_the_language():
    assert [p.name_th for p in selectors.provinces_in_order("th")] == THAI_ORDER
    english = [p.name_en for p in selectors.provinces_in_order("en")]
    assert english == english_order()
    assert (english[:6], english[-5:]) == (ENGLISH_FIRST, ENGLISH_LAST)
    with translation.override("en"):
        assert [p.name_en for p in selectors.provinces_in_order()] == english
    with translation.override("th"):
        assert [p.name_th for p in selectors.provinces_in_order()] == THAI_ORDER


def test_provinces_in_order_of_a_queryset():
    some = Province.objects.filter(name_th__in=["อ่างทอง", "เชียงใหม่", "ชุมพร", "ตาก"])
    thai = [p.name_th for p in selectors.provinces_in_order("th", some)]
    assert thai == ["ชุมพร", "เชียงใหม่", "ตาก", "อ่างทอง"]
    assert [p.name_en for p in selectors.provinces_in_order("en", some)] == [
        "Ang Thong", "Chiang Mai", "Chumphon", "Tak",
    ]  # fmt: skip


def test_the_ordering_expression_sorts_in_the_database():
    with translation.override("th"):
        ordered = Province.objects.order_by(selectors.province_ordering()).values_list("name_th", flat=True)
        assert list(ordered) == THAI_ORDER
    ordered = Province.objects.order_by(selectors.province_ordering("en")).values_list("name_en", flat=True)
    assert list(ordered) == english_order()


class AreaForm(forms.Form):
    """Defined once, as the applicant's section forms are: the order must follow each rendering."""

    provinces = ProvinceMultipleChoiceField(label="provinces")
    province = ProvinceChoiceField(label="province")


def option_labels(html):
    return re.findall(r"<option value=\"\d+\"[^>]*>([^<]+)</option>", html)


def test_form_fields_list_provinces_in_the_order_of_the_language_at_render_time():
    with translation.override("th"):
        form = AreaForm()
        assert [label for _value, label in form.fields["provinces"].choices] == THAI_ORDER
        assert option_labels(str(form["provinces"])) == THAI_ORDER
        empty, *choices = form.fields["province"].choices
        assert empty == ("", "---------")
        assert [label for _value, label in choices] == THAI_ORDER
    with translation.override("en"):
        form = AreaForm()
        assert option_labels(str(form["provinces"])) == english_order()
        assert option_labels(str(form["province"])) == english_order()


def test_form_fields_validate_provinces_by_code():
    chiang_mai = Province.objects.get(name_th="เชียงใหม่")
    form = AreaForm({"provinces": [chiang_mai.pk, "10"], "province": chiang_mai.pk})
    assert form.is_valid(), form.errors
    assert sorted(p.name_en for p in form.cleaned_data["provinces"]) == ["Bangkok", "Chiang Mai"]
    assert form.cleaned_data["province"] == chiang_mai
    assert not AreaForm({"provinces": ["99"], "province": "99"}).is_valid()


def test_the_organisation_form_lists_provinces_in_thai_order():
    with translation.override("th"):
        labels = [label for _value, label in OrganisationForm().fields["province"].choices]
    assert labels == ["---------", *THAI_ORDER]


# --- The admin


@pytest.fixture
def secretariat(client):
    client.force_login(UserFactory(role=Role.SECRETARIAT))
    return client


def column(html, name):
    return re.findall(rf'class="field-{name}"[^>]*>(?:<a [^>]*>)?([^<]+)<', html)


def test_the_province_list_is_in_thai_order_on_thai_pages(secretariat):
    url = reverse("admin:cities_province_changelist")
    html = secretariat.get(url).content.decode()
    assert column(html, "thai_name") == THAI_ORDER
    # The name column (the first: reference data has no actions) sorts by the same order, both ways.
    assert column(secretariat.get(url + "?o=0").content.decode(), "thai_name") == THAI_ORDER
    assert column(secretariat.get(url + "?o=-0").content.decode(), "thai_name") == THAI_ORDER[::-1]


def test_the_province_list_is_by_english_name_on_english_pages(secretariat):
    secretariat.cookies["language"] = "en"
    url = reverse("admin:cities_province_changelist")
    assert column(secretariat.get(url).content.decode(), "english_name") == english_order()
    assert column(secretariat.get(url + "?o=1").content.decode(), "english_name") == english_order()
    assert column(secretariat.get(url + "?o=-1").content.decode(), "english_name") == english_order()[::-1]


def autocomplete(client, term):
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "cities", "model_name": "organisation", "field_name": "province", "term": term},
    )
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


def test_the_province_autocomplete_answers_in_the_readers_order(secretariat):
    # Every Thai province name whose letters include ช, in dictionary order.
    assert autocomplete(secretariat, "ช") == [name for name in THAI_ORDER if "ช" in name]
    assert autocomplete(secretariat, "เชียง") == ["เชียงราย", "เชียงใหม่"]
    secretariat.cookies["language"] = "en"
    # Names and ISO names with "nakhon" (Bangkok is Krung Thep Maha Nakhon), by English name.
    assert autocomplete(secretariat, "nakhon") == [
        "Bangkok", "Nakhon Nayok", "Nakhon Pathom", "Nakhon Phanom", "Nakhon Ratchasima", "Nakhon Sawan",
        "Nakhon Si Thammarat", "Phra Nakhon Si Ayutthaya", "Sakon Nakhon",
    ]  # fmt: skip


def filter_labels(html, parameter):
    return re.findall(rf'<a href="\?{parameter}=\d+"[^>]*>([^<]+)</a>', html)


def test_the_filter_by_province_lists_provinces_in_the_readers_order(secretariat):
    url = reverse("admin:cities_certifiedcity_changelist")
    assert filter_labels(secretariat.get(url).content.decode(), "provinces__code__exact") == THAI_ORDER
    secretariat.cookies["language"] = "en"
    assert filter_labels(secretariat.get(url).content.decode(), "provinces__code__exact") == english_order()


def test_the_province_list_filter_class_for_other_admins():
    """What certification's application list puts in place of "provinces" (and any admin with a
    foreign key or many-to-many field to Province)."""
    field = Organisation._meta.get_field("province")
    model_admin = admin.site._registry[Organisation]
    request = RequestFactory().get("/")
    request.user = UserFactory(role=Role.SECRETARIAT)
    with translation.override("th"):
        thai = ProvinceListFilter(field, request, {}, Organisation, model_admin, "province")
        assert [label for _code, label in thai.lookup_choices] == THAI_ORDER
    with translation.override("en"):
        english = ProvinceListFilter(field, request, {}, Organisation, model_admin, "province")
        assert [label for _code, label in english.lookup_choices] == english_order()


def test_djangos_own_filter_by_province_follows_the_province_admin_too():
    field = Organisation._meta.get_field("province")
    request = RequestFactory().get("/")
    request.user = UserFactory(role=Role.SECRETARIAT)
    with translation.override("th"):
        plain = admin.RelatedFieldListFilter(
            field, request, {}, Organisation, admin.site._registry[Organisation], "province"
        )
        assert [label for _code, label in plain.lookup_choices] == THAI_ORDER


def test_a_certified_citys_provinces_are_listed_in_thai_order(secretariat):
    city = CertifiedCity.objects.create(name_th="เมืองทดสอบ", award_year=2566, certified_on="2023-01-09")
    city.provinces.set(Province.objects.filter(name_th__in=["อ่างทอง", "เชียงใหม่", "กระบี่"]))
    html = secretariat.get(reverse("admin:cities_certifiedcity_changelist")).content.decode()
    assert "กระบี่, เชียงใหม่, อ่างทอง" in html
    secretariat.cookies["language"] = "en"
    html = secretariat.get(reverse("admin:cities_certifiedcity_changelist")).content.decode()
    assert "Ang Thong, Chiang Mai, Krabi" in html


def test_the_picker_finds_provinces_by_the_short_names_people_type():
    from cities.forms import ProvinceMultipleChoiceField, ProvincePicker

    html = ProvinceMultipleChoiceField(widget=ProvincePicker).widget.render("provinces", [])
    rows = {code: text for text, code in re.findall(r'<li data-names="([^"]*)">[\s\S]*?value="(\d+)"', html)}
    assert "โคราช" in rows["30"] and "korat" in rows["30"]
    assert "กทม" in rows["10"]
