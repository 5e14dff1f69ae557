"""The OpenAPI schema: valid by drf-spectacular's own validation, with no warning, in both languages;
and the API answers as its schema says (schemathesis, positive and negative cases, bounded)."""

import pytest
import schemathesis
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from schemathesis.generation import GenerationMode

pytestmark = pytest.mark.django_db


def test_the_schema_validates_without_warnings(tmp_path):
    path = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(path))
    text = path.read_text()
    assert "/api/v1/areas/" in text
    assert "/api/v1/documents/{serial}/" in text


# --- The API against its own schema


@pytest.fixture
def registry():
    """A small registry: two areas (one of an organisation that keeps its details private), a zone,
    a round, and documents of each public status."""
    from tests.api.records import registry_with_documents

    return registry_with_documents()


@pytest.fixture
def api_schema(registry, wsgi_application):
    return schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", wsgi_application)


EXAMPLES = 12  # per operation and mode: 12 operations x 2 modes x 12 = 288 requests


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_api_answers_as_its_schema_says(api_schema, mode):
    """Valid and invalid queries and addresses alike: never a server error, every status, header and
    body as documented, invalid values refused with 400 and valid ones accepted."""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == 12

    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None
        )
        def answers_as_documented(case):
            case.call_and_validate()

        answers_as_documented()
