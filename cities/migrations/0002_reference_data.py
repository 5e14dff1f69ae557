"""Loads the regions of both groupings and the 77 provinces from cities/data/provinces.csv."""

import csv
from pathlib import Path

from django.db import migrations

CSV_PATH = Path(__file__).resolve().parent.parent / "data" / "provinces.csv"

# (grouping, code, label in the CSV, Thai name, English name)
REGIONS = [
    ("geographic", "north", "North", "ภาคเหนือ", "North"),
    ("geographic", "northeast", "Northeast", "ภาคตะวันออกเฉียงเหนือ", "Northeast"),
    ("geographic", "central", "Central", "ภาคกลาง", "Central"),
    ("geographic", "east", "East", "ภาคตะวันออก", "East"),
    ("geographic", "west", "West", "ภาคตะวันตก", "West"),
    ("geographic", "south", "South", "ภาคใต้", "South"),
    (
        "statistical",
        "bangkok-vicinity",
        "Bangkok & vicinity",
        "กรุงเทพมหานครและปริมณฑล",
        "Bangkok and vicinity",
    ),
    ("statistical", "central", "Central", "ภาคกลาง", "Central"),
    ("statistical", "east", "East", "ภาคตะวันออก", "East"),
    ("statistical", "west", "West", "ภาคตะวันตก", "West"),
    ("statistical", "north", "North", "ภาคเหนือ", "North"),
    ("statistical", "northeast", "Northeast", "ภาคตะวันออกเฉียงเหนือ", "Northeast"),
    ("statistical", "south", "South", "ภาคใต้", "South"),
]


def load(apps, schema_editor):
    Region = apps.get_model("cities", "Region")
    Province = apps.get_model("cities", "Province")
    by_label = {}
    for grouping, code, label, name_th, name_en in REGIONS:
        region, _ = Region.objects.update_or_create(
            grouping=grouping, code=code, defaults={"name_th": name_th, "name_en": name_en}
        )
        by_label[grouping, label] = region
    with CSV_PATH.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            Province.objects.update_or_create(
                code=row["dopa_code"],
                defaults={
                    "iso_code": row["iso_code"],
                    "name_th": row["name_th"],
                    "name_en": row["name_en"],
                    "name_en_iso": row["name_en_iso"],
                    "region": by_label["geographic", row["region_6"]],
                    "statistical_region": by_label["statistical", row["region_nesdb"]],
                },
            )


def unload(apps, schema_editor):
    apps.get_model("cities", "Province").objects.all().delete()
    apps.get_model("cities", "Region").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("cities", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
