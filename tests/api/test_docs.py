"""The docs page at /api/v1/docs/: generated from the schema, Thai by default and English on request,
with no English left in Thai mode outside code (parameter names, addresses), and nothing loaded from
elsewhere."""

import re

import pytest

from tests.smartcity.test_i18n import VisibleText, untranslated

pytestmark = pytest.mark.django_db


class ProseText(VisibleText):
    """What a reader reads as text: not code (parameter names, values and addresses are code)."""

    def handle_starttag(self, tag, attrs):
        super().handle_starttag(tag, attrs)
        if tag == "code":
            self.skip += 1

    def handle_endtag(self, tag):
        super().handle_endtag(tag)
        if tag == "code":
            self.skip -= 1


def prose(response):
    parser = ProseText(attributes=True)
    parser.feed(response.content.decode())
    return parser.texts


def test_the_docs_page_is_thai_and_lists_every_endpoint(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="th">' in html
    assert "ข้อมูลเปิดเมืองอัจฉริยะประเทศไทย" in html
    for summary in ("เมืองอัจฉริยะที่ได้รับการรับรอง", "เขตส่งเสริมเมืองอัจฉริยะ", "สถานะสาธารณะของเอกสาร"):
        assert summary in html
    assert "<code>GET /api/v1/areas/{id}/</code>" in html
    assert '<a href="/api/v1/areas/?region=north&amp;domain=ENV">' in html
    assert "รหัสภาคตามการแบ่ง 6 ภาค (ราชบัณฑิตยสถาน)" in html  # a parameter's meaning
    assert "<code>statistical</code>" in html  # an allowed value
    assert untranslated(prose(response), allowed={"API", "JSON", "ETag", "CORS", "OpenAPI", "YAML"}) == []
    assert not re.search(r"\b20\d\d\b", " ".join(prose(response)))  # no year of the Common Era
    assert not re.search(r'(src|href)="(https?:)?//', html)  # nothing from another site


def test_the_docs_page_in_english(english):
    html = english.get("/api/v1/docs/").content.decode()
    assert "Smart City Thailand open data" in html
    assert "Certified smart cities" in html
    assert "Region code of the six geographic regions (Royal Institute)." in html


def test_the_schema_in_yaml_and_json_in_both_languages(client):
    yaml = client.get("/api/v1/schema/")
    assert yaml.status_code == 200
    assert yaml["Content-Type"].startswith("application/vnd.oai.openapi")
    assert yaml["Access-Control-Allow-Origin"] == "*"
    schema = client.get("/api/v1/schema/?format=json").json()
    assert schema["info"]["title"] == "ข้อมูลเปิดเมืองอัจฉริยะประเทศไทย"
    assert sorted(schema["paths"]) == [
        "/api/v1/areas/", "/api/v1/areas/{id}/", "/api/v1/documents/", "/api/v1/documents/{serial}/",
        "/api/v1/provinces/", "/api/v1/provinces/{code}/", "/api/v1/regions/",
        "/api/v1/regions/{grouping}/{code}/", "/api/v1/rounds/", "/api/v1/rounds/{year}/",
        "/api/v1/zones/", "/api/v1/zones/{id}/",
    ]  # fmt: skip
    english = client.get("/api/v1/schema/?format=json&lang=en").json()
    assert english["info"]["title"] == "Smart City Thailand open data"
    parameters = {p["name"]: p for p in english["paths"]["/api/v1/areas/"]["get"]["parameters"]}
    assert parameters["page_size"]["schema"] == {"type": "integer", "maximum": 100, "minimum": 1}
    assert "north" in parameters["region"]["schema"]["enum"]
