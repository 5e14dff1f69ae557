"""The data migration loads the regions and the 77 provinces exactly as cities/data/provinces.csv has them."""

import csv
from collections import Counter
from pathlib import Path

import pytest

from cities.enums import RegionGrouping
from cities.models import Province, Region

CSV_PATH = Path(__file__).resolve().parents[2] / "cities" / "data" / "provinces.csv"

pytestmark = pytest.mark.django_db


def csv_rows():
    with CSV_PATH.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_77_provinces_with_unique_codes():
    assert Province.objects.count() == 77
    assert len(csv_rows()) == 77
    codes = set(Province.objects.values_list("iso_code", flat=True))
    assert len(codes) == 77
    assert all(Province.objects.filter(code=c[3:]).exists() for c in codes)  # TH-10 ↔ 10


def test_every_row_of_the_csv_is_loaded_as_written():
    provinces = Province.objects.select_related("region", "statistical_region").in_bulk()
    for row in csv_rows():
        province = provinces[row["dopa_code"]]
        assert (province.iso_code, province.name_th, province.name_en, province.name_en_iso) == (
            row["iso_code"],
            row["name_th"],
            row["name_en"],
            row["name_en_iso"],
        )
        assert province.region.name_en == row["region_6"]
        assert province.statistical_region.name_en == row["region_nesdb"].replace("&", "and")


def test_six_geographic_regions_and_their_provinces():
    regions = Region.objects.filter(grouping=RegionGrouping.GEOGRAPHIC)
    assert sorted(r.code for r in regions) == ["central", "east", "north", "northeast", "south", "west"]
    per_region = Counter(Province.objects.values_list("region__code", flat=True))
    assert per_region == {"central": 22, "northeast": 20, "south": 14, "north": 9, "east": 7, "west": 5}


def test_statistical_regions_group_bangkok_with_its_vicinity():
    vicinity = Province.objects.filter(statistical_region__code="bangkok-vicinity")
    assert sorted(vicinity.values_list("name_en", flat=True)) == [
        "Bangkok", "Nakhon Pathom", "Nonthaburi", "Pathum Thani", "Samut Prakan", "Samut Sakhon",
    ]  # fmt: skip
    assert Region.objects.get(grouping=RegionGrouping.STATISTICAL, code="bangkok-vicinity").name_th == (
        "กรุงเทพมหานครและปริมณฑล"
    )


def test_province_names_follow_the_language():
    from django.utils import translation

    lampang = Province.objects.get(code="52")
    assert (lampang.iso_code, str(lampang)) == ("TH-52", "ลำปาง")
    with translation.override("en"):
        assert str(lampang) == "Lampang"
        assert str(lampang.region) == "North"


def test_pattaya_is_not_a_province():
    assert not Province.objects.filter(iso_code="TH-S").exists()
    assert not Province.objects.filter(name_en__icontains="Pattaya").exists()
