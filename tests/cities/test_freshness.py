"""The registry's freshness number: a new one after every committed change of a public record, none
after a rollback, one per transaction."""

import datetime

import pytest
from django.db import transaction

from cities import freshness
from cities.models import CertifiedCity


def new_city(name="เมืองทดสอบ"):
    return CertifiedCity.objects.create(name_th=name, award_year=2565, certified_on=datetime.date(2023, 1, 9))


@pytest.mark.django_db(transaction=True)
def test_a_committed_change_takes_a_new_number_and_a_rollback_does_not():
    before = freshness.version()
    assert freshness.version() == before  # stable while nothing changes
    city = new_city()
    after_create = freshness.version()
    assert after_create != before
    with pytest.raises(RuntimeError), transaction.atomic():
        city.name_en = "Test city"
        city.save()
        raise RuntimeError
    assert freshness.version() == after_create
    city.delete()
    assert freshness.version() != after_create


@pytest.mark.django_db
def test_one_new_number_per_transaction_however_many_records_change(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        for name in ("เมืองหนึ่ง", "เมืองสอง", "เมืองสาม"):
            new_city(name)
    assert callbacks.count(freshness._take_new_number) == 1
