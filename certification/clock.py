"""Service-level clocks: how many working days an application has spent in its state, and which
applications are past the target of CERTIFICATION_STATE_TARGET_DAYS."""

import datetime

from django.conf import settings
from django.db.models import Q
from django.utils import timezone


def holidays():
    return {datetime.date.fromisoformat(d) for d in settings.CERTIFICATION_HOLIDAYS}


def is_working_day(day, days_off):
    return day.weekday() < 5 and day not in days_off


def working_days_between(start, end, days_off=None):
    """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
    days_off = holidays() if days_off is None else days_off
    count, day = 0, start
    while day < end:
        day += datetime.timedelta(days=1)
        count += is_working_day(day, days_off)
    return count


def working_days_before(end, n, days_off=None):
    """The date ``n`` working days before ``end``."""
    days_off = holidays() if days_off is None else days_off
    day = end
    while n > 0:
        day -= datetime.timedelta(days=1)
        n -= is_working_day(day, days_off)
    return day


def working_days_after(start, n, days_off=None):
    """The date ``n`` working days after ``start``."""
    days_off = holidays() if days_off is None else days_off
    day = start
    while n > 0:
        day += datetime.timedelta(days=1)
        n -= is_working_day(day, days_off)
    return day


def target_date(application):
    """The day by which the application should leave its state (its target in working days counted from
    the day it entered it), or None for a state without a target."""
    target = target_days(application)
    if target is None:
        return None
    return working_days_after(timezone.localtime(application.state_entered_at).date(), target)


def days_in_state(application, today=None):
    today = today or timezone.localdate()
    return working_days_between(timezone.localtime(application.state_entered_at).date(), today)


def target_days(application):
    return settings.CERTIFICATION_STATE_TARGET_DAYS.get(application.status)


def is_overdue(application, today=None):
    target = target_days(application)
    return target is not None and days_in_state(application, today) > target


def overdue_q(today=None):
    """A filter for applications past their state's target, computed in the database."""
    today = today or timezone.localdate()
    days_off = holidays()
    condition = Q(pk__in=[])
    for state, target in settings.CERTIFICATION_STATE_TARGET_DAYS.items():
        # Overdue when entered before the day that lies `target` working days before today.
        cutoff = working_days_before(today, target, days_off)
        start = timezone.make_aware(datetime.datetime.combine(cutoff, datetime.time.min))
        condition |= Q(status=state, state_entered_at__lt=start)
    return condition
