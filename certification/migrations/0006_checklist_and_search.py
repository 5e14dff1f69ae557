"""The default qualification checklist, and trigram indexes for the admin's search on PostgreSQL."""

from django.db import migrations

CHECKLIST = [
    ("ผู้สมัครเป็นหน่วยงานที่มีสิทธิ์เสนอพื้นที่ (ผู้พัฒนาเมือง)", "The applicant may propose an area (a city developer)"),
    ("พื้นที่เป้าหมายมีขอบเขตชัดเจน", "The target area has clear boundaries"),
    ("มีวิสัยทัศน์และเป้าหมายที่สอดคล้องกับการพัฒนาเมืองอัจฉริยะ", "The vision and goals fit smart city development"),
    (
        "ครอบคลุมด้านสิ่งแวดล้อมอัจฉริยะและด้านอื่นตามจำนวนที่กำหนด",
        "Smart Environment and enough other domains are covered",
    ),
    ("มีเอกสารข้อเสนอโครงการครบถ้วน", "The proposal document is complete"),
]

TRIGRAM_INDEXES = [
    ("certification_application_title_trgm", "certification_application", "title"),
    ("cities_organisation_name_th_trgm", "cities_organisation", "name_th"),
    ("cities_organisation_name_en_trgm", "cities_organisation", "name_en"),
]


def add_checklist(apps, schema_editor):
    ChecklistItem = apps.get_model("certification", "ChecklistItem")
    for order, (text_th, text_en) in enumerate(CHECKLIST, start=1):
        ChecklistItem.objects.get_or_create(text_th=text_th, defaults={"text_en": text_en, "order": order})


def add_trigram_indexes(apps, schema_editor):
    # The admin searches with icontains, i.e. UPPER(column) LIKE UPPER('%term%'): a trigram index on
    # UPPER(column) serves it. SQLite has no such index; it scans, which is fine at its scale.
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in TRIGRAM_INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (UPPER({column}) gin_trgm_ops)"
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in TRIGRAM_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("certification", "0005_committee_review"), ("cities", "0004_promotionzone")]
    operations = [
        migrations.RunPython(add_checklist, migrations.RunPython.noop),
        migrations.RunPython(add_trigram_indexes, drop_trigram_indexes),
    ]
