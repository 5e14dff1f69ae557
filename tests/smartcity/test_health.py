import json

import pytest

from smartcity.celery import app as celery_app
from tests.conftest import run_python


@pytest.mark.django_db
def test_healthz_answers_200_when_database_and_broker_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "failing": [], "checks": {"database": "ok", "broker": "ok"}}
    assert "no-store" in response["Cache-Control"]


@pytest.fixture
def unreachable_broker():
    previous = celery_app.conf.broker_url
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    yield
    celery_app.conf.broker_url = previous


@pytest.mark.django_db
def test_healthz_answers_503_naming_the_broker(client, unreachable_broker):
    response = client.get("/healthz")
    assert response.status_code == 503
    # It names the part, not the host, the port or the exception (the answer is public).
    assert response.json() == {
        "status": "error",
        "failing": ["broker"],
        "checks": {"database": "ok", "broker": "error"},
    }
    assert b"127.0.0.1" not in response.content and b"Connection refused" not in response.content


def test_healthz_answers_503_naming_the_database():
    # A fresh process whose DATABASE_URL points at a port where no PostgreSQL listens.
    result = run_python(
        "import django, json; django.setup();"
        "from django.test import Client; r = Client().get('/healthz');"
        "print(r.status_code); print(r.content.decode())",
        DATABASE_URL="postgres://postgres@127.0.0.1:1/nowhere",
    )
    assert result.returncode == 0, result.stderr
    status, body = result.stdout.strip().splitlines()[-2:]
    assert status == "503"
    assert json.loads(body) == {
        "status": "error",
        "failing": ["database"],
        "checks": {"database": "error", "broker": "ok"},
    }
    assert "nowhere" not in body and "127.0.0.1" not in body and "OperationalError" not in body
    # The operator finds the reason in the log.
    assert "Health check of the database failed" in result.stderr
    assert "port 1 failed: Connection refused" in result.stderr


@pytest.mark.django_db
def test_healthz_refuses_other_methods(client):
    response = client.post("/healthz")
    assert response.status_code == 405
    assert response["Allow"] == "GET"
