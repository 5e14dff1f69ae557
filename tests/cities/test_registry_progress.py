"""The registry's progress index (cities/registry/progress.py) and an area's progress on its page: read
from ``cities.ProgressIndex`` alone, highest index first, public only where the organisation allows."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from cities.models import CertifiedCity, Organisation, ProgressIndex

pytestmark = pytest.mark.django_db

SCORES = {"vision": 80, "infrastructure": 70, "data_platform": 60, "services": 75, "management": 65}


def area(name, *, public=True):
    organisation = Organisation.objects.create(
        name_th=f"หน่วยงาน {name}",
        org_type="city_municipality",
        province_id="52",
        registry_details_public=public,
    )
    city = CertifiedCity.objects.create(
        name_th=name, organisation=organisation, award_year=2565, certified_on=datetime.date(2023, 1, 9)
    )
    return city


def line(city, year, index, progress):
    return ProgressIndex.objects.create(
        certified_city=city,
        year=year,
        scores=SCORES,
        index=Decimal(index),
        plan_progress=Decimal(progress),
        assessed_on=datetime.date(2024, 2, 1),
    )


def test_the_latest_year_is_shown_first_with_its_table_and_chart(client):
    lampang, nan = area("ลำปางเมืองน่าอยู่อัจฉริยะ"), area("น่านเมืองอัจฉริยะ")
    line(lampang, 2567, "70.83", "62.50")
    line(nan, 2567, "75.00", "55.00")
    line(lampang, 2566, "60.00", "40.00")
    page = client.get(reverse("registry:progress")).content.decode()
    assert '<option value="2567" selected>พ.ศ. 2567</option>' in page
    table = page.split('id="progress-table"')[1].split("</table>")[0]
    assert table.index("น่านเมืองอัจฉริยะ") < table.index("ลำปางเมืองน่าอยู่อัจฉริยะ")
    assert "<strong>75.00</strong>" in table and "60.00" not in table
    assert f'href="/registry/areas/{nan.pk}/"' in table
    assert page.count('class="chart-bar"') == 2
    older = client.get(reverse("registry:progress") + "?year=2566").content.decode()
    assert "<strong>60.00</strong>" in older.split('id="progress-table"')[1]


def test_the_csv_of_a_year_and_of_every_year(client):
    lampang = area("ลำปางเมืองน่าอยู่อัจฉริยะ")
    line(lampang, 2567, "70.83", "62.50")
    line(lampang, 2566, "60.00", "40.00")
    one = client.get(reverse("registry:progress_csv") + "?year=2567")
    assert one["Content-Disposition"] == 'attachment; filename="progress-index-2567.csv"'
    rows = list(csv.reader(io.StringIO(one.content.decode("utf-8").removeprefix("\ufeff"))))
    assert rows[1][:10] == ["2567", "ลำปางเมืองน่าอยู่อัจฉริยะ", "", "หน่วยงาน ลำปางเมืองน่าอยู่อัจฉริยะ",
                            "80", "70", "60", "75", "65", "70.83"]  # fmt: skip
    every = client.get(reverse("registry:progress_csv")).content.decode("utf-8")
    assert [row[0] for row in csv.reader(io.StringIO(every.removeprefix("\ufeff")))][1:] == ["2567", "2566"]
    assert client.get(reverse("registry:progress_csv") + "?year=abc").status_code == 400


def test_an_area_shows_its_progress_unless_its_organisation_keeps_details_private(client):
    shown, hidden = area("ลำปางเมืองน่าอยู่อัจฉริยะ"), area("น่านเมืองอัจฉริยะ", public=False)
    line(shown, 2567, "70.83", "62.50")
    line(hidden, 2567, "75.00", "55.00")
    page = client.get(reverse("registry:area", args=[shown.pk])).content.decode()
    assert 'id="area-progress"' in page and '<td class="text-end">70.83</td>' in page
    private = client.get(reverse("registry:area", args=[hidden.pk])).content.decode()
    assert 'id="area-progress"' not in private and "75.00" not in private


def test_no_index_yet(client):
    page = client.get(reverse("registry:progress"))
    assert page.status_code == 200 and 'id="no-progress"' in page.content.decode()
