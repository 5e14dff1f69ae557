"""Two web processes (gunicorn, production settings) and two Celery workers sharing one database, one
broker, one cache and one file store, as docs/deployment.md runs N web and M worker hosts: a session, an
upload, the login throttle and the rendered documents are the same whichever process serves them."""

import re
import subprocess
from contextlib import ExitStack, contextmanager

import pytest
import requests

from certification.demo.record import SAMPLE_PDF
from certification.enums import DocumentKind, DocumentStatus, Role, Status
from certification.models import Document
from certification.services import awards
from tests.certification.awards_helpers import awarded, round_2565
from tests.conftest import (
    PROJECT_DIR,
    celery_worker_process,
    free_port,
    project_env,
    wait_for,
    worker_database_env,
)
from tests.factories import ApplicationFactory, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("reference_data")]

PASSWORD = "Rain-over-Khon-Kaen-42"


def deployment_env():
    return {
        **worker_database_env(),
        "DJANGO_SETTINGS_MODULE": "tests.deployment_settings",
        "SECRET_KEY": "deployment-test-" + "k" * 60,
        "SECURE_SSL_REDIRECT": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "CELERY_PREFETCH_MULTIPLIER": "1",  # one document at a time each, so that both workers take some
    }


@contextmanager
def gunicorn(log_path, port, env):
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [str(PROJECT_DIR / ".venv" / "bin" / "gunicorn"), "smartcity.wsgi", "--workers", "1",
             "--bind", f"127.0.0.1:{port}", "--error-logfile", "-"],
            cwd=PROJECT_DIR, env=project_env(**env), stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            assert wait_for(lambda: _answers(port), timeout=60), log_path.read_text()[-3000:]
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            process.wait(timeout=30)


def _answers(port):
    try:
        return requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200
    except requests.ConnectionError:
        return False


class Browser:
    """One person's browser, going to whichever web process it is sent to, with its cookies."""

    def __init__(self):
        self.cookies = {}

    def request(self, method, url, **kwargs):
        response = requests.request(
            method, url, cookies=self.cookies, allow_redirects=False, timeout=30, **kwargs
        )
        self.cookies.update(response.cookies.get_dict())
        return response

    def form_token(self, url):
        page = self.request("GET", url)
        assert page.status_code == 200, (url, page.status_code)
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)

    def log_in(self, base, username, password):
        token = self.form_token(f"{base}/accounts/login/")
        return self.request(
            "POST", f"{base}/accounts/login/",
            data={"username": username, "password": password, "csrfmiddlewaretoken": token},
        )  # fmt: skip


def test_two_web_processes_and_two_workers_share_everything(tmp_path):
    applicant = UserFactory(username="malee@example.org", email="malee@example.org")
    applicant.set_password(PASSWORD)
    applicant.save()
    draft = ApplicationFactory(complete=True, created_by=applicant)
    draft.organisation.memberships.filter(user=applicant).update(is_admin=True)
    from cities.models import Membership

    Membership.objects.get_or_create(organisation=draft.organisation, user=applicant)
    env = deployment_env()
    with ExitStack() as stack:
        web_a = stack.enter_context(gunicorn(tmp_path / "web-a.log", free_port(), env))
        web_b = stack.enter_context(gunicorn(tmp_path / "web-b.log", free_port(), env))
        for name in ("worker-1", "worker-2"):
            stack.enter_context(celery_worker_process(tmp_path / f"{name}.log", **env))
        assert wait_for(
            lambda: all(" ready." in (tmp_path / f"{n}.log").read_text() for n in ("worker-1", "worker-2")),
            timeout=90,
        )

        # Logged in on A, the session holds on B.
        browser = Browser()
        assert browser.log_in(web_a, "malee@example.org", PASSWORD).status_code == 302
        assert browser.request("GET", f"{web_b}/apply/{draft.pk}/").status_code == 200

        # Uploaded through A, downloaded through B.
        token = browser.form_token(f"{web_a}/apply/{draft.pk}/attachments/")
        uploaded = browser.request(
            "POST", f"{web_a}/apply/{draft.pk}/attachments/",
            data={"kind": "supporting", "csrfmiddlewaretoken": token},
            files={"file": ("แผน.pdf", SAMPLE_PDF, "application/pdf")},
        )  # fmt: skip
        assert uploaded.status_code == 302, uploaded.text[-2000:]
        attachment = draft.attachments.get()
        download = browser.request("GET", f"{web_b}/apply/{draft.pk}/attachments/{attachment.pk}/")
        assert (download.status_code, download.content) == (200, SAMPLE_PDF)

        # The login throttle counts failures on both: three on A and two on B lock the account's pair.
        stranger = Browser()
        for base in (web_a, web_a, web_a, web_b, web_b):
            stranger.log_in(base, "malee@example.org", "wrong-password")
        refused = Browser().log_in(web_a, "malee@example.org", PASSWORD)
        assert refused.status_code == 200 and "เข้าสู่ระบบไม่สำเร็จหลายครั้งเกินไป" in refused.text

        # Documents issued anywhere are rendered by both workers, into the one file store.
        award_round = round_2565()
        for number in range(4):
            awarded(award_round, f"เมืองที่ {number + 1}")
        own = ApplicationFactory(organisation=draft.organisation, created_by=applicant, complete=True,
                                 status=Status.ENDORSED)  # fmt: skip
        award = awards.award(own, award_round, actor=UserFactory(role=Role.SECRETARIAT))
        assert wait_for(
            lambda: Document.objects.filter(status=DocumentStatus.READY).count() == 10, timeout=180
        )
        logs = [(tmp_path / f"{n}.log").read_text() for n in ("worker-1", "worker-2")]
        assert all("succeeded" in log for log in logs), "one worker rendered nothing"
        serial = award.documents.get(kind=DocumentKind.AWARD_CERTIFICATE).serial
        pdf = browser.request("GET", f"{web_b}/apply/certificates/{serial}/pdf/")
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        assert browser.request("GET", f"{web_a}/apply/certificates/{serial}/pdf/").content == pdf.content
