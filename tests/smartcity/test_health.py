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
    body = response.json()
    assert body["status"] == "error"
    assert body["failing"] == ["broker"]
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["broker"].startswith("error: ")


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
    body = json.loads(body)
    assert body["failing"] == ["database"]
    assert body["checks"]["broker"] == "ok"
    assert "OperationalError" in body["checks"]["database"]


@pytest.mark.django_db
def test_healthz_refuses_other_methods(client):
    response = client.post("/healthz")
    assert response.status_code == 405
    assert response["Allow"] == "GET"
