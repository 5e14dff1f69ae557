"""Celery tasks of the certification app: thin, stably named, ids in; the work is a service call."""

import contextlib
import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_process_init
from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings
from django.db import InterfaceError, OperationalError

from .services import monitoring, rendering

logger = logging.getLogger(__name__)

# Errors that may pass by themselves: the database or the file store unreachable for a moment (or
# SQLite busy). Everything else (a template or data error, a refused resource) fails once, visibly.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, OSError)
MAX_RETRIES = 5


@worker_process_init.connect
def load_renderer(**kwargs):
    """Each worker process loads WeasyPrint, the document fonts and the signing key as it starts
    (about half a second),
    rather than with its first document. Not in the parent before it forks: the font configuration
    fills in as it renders (fonts written to a temporary folder and registered once), and processes
    must not share it."""
    from . import signing
    from .documents import warm_up

    try:
        warm_up()  # within Celery's worker_proc_alive_timeout (4 s); it takes about half a second
        signing.identity()  # the signing key, read and prepared once per process
    except Exception:  # the first document will say what is wrong, on its own record
        logger.exception("Loading the renderer failed")


@shared_task(
    name="certification.render_document",
    bind=True,
    acks_late=True,  # safe: rendering twice gives one file (rendering.render_document)
    ignore_result=True,  # the document row is the result
    reject_on_worker_lost=True,
    max_retries=MAX_RETRIES,
    soft_time_limit=settings.DOCUMENT_RENDER_SOFT_TIME_LIMIT,
    time_limit=settings.DOCUMENT_RENDER_TIME_LIMIT,
)
def task_render_document(self, document_id):
    """Renders one document's PDF; retries transient errors with exponential back-off (5 s to 5 min,
    jittered, at most MAX_RETRIES times), and records every other error on the document."""
    try:
        rendering.render_document(document_id)
    except SoftTimeLimitExceeded as error:
        rendering.record_render_error(document_id, error, final=True)
        raise
    except TRANSIENT_ERRORS as error:
        final = self.request.retries >= self.max_retries
        with contextlib.suppress(*TRANSIENT_ERRORS):  # the database may be what is failing
            rendering.record_render_error(document_id, error, final=final)
        if final:
            raise
        countdown = get_exponential_backoff_interval(
            factor=5, retries=self.request.retries, maximum=300, full_jitter=True
        )
        raise self.retry(exc=error, countdown=countdown) from error
    except Exception as error:
        logger.exception("Rendering document %s failed", document_id)
        rendering.record_render_error(document_id, error, final=True)
        raise


@shared_task(name="certification.expire_awards", ignore_result=True)
def task_expire_awards():
    """Every night (CELERY_BEAT_SCHEDULE): awards past their validity become expired."""
    count = monitoring.expire_awards()
    logger.info("%s award(s) expired", count)


@shared_task(name="certification.remind_progress_reports", ignore_result=True)
def task_remind_progress_reports():
    """Every morning (CELERY_BEAT_SCHEDULE): reminders of progress reports due soon, due today, overdue."""
    count = monitoring.send_report_reminders()
    logger.info("%s progress report reminder(s) sent", count)


@shared_task(name="certification.requeue_documents", ignore_result=True)
def task_requeue_documents():
    """Every few minutes (CELERY_BEAT_SCHEDULE): documents whose rendering never reached a worker, or
    whose error may have passed, are sent again (rendering.requeue_unfinished)."""
    count = rendering.requeue_unfinished()
    if count:
        logger.info("%s unfinished document(s) sent again", count)
