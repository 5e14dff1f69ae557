"""The applicant area through HTTP: permissions (a matrix over every URL), drafts, conflicts, queries."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from certification.demo.record import SAMPLE_PDF
from certification.enums import AttachmentKind, Status
from certification.models import Application, Attachment, AuditEntry, Section
from certification.services import drafting
from tests.conftest import count_queries
from tests.factories import ApplicationFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db

PDF = SAMPLE_PDF  # a PDF of one blank page


@pytest.fixture
def application():
    application = ApplicationFactory(complete=True)
    drafting.add_attachment(
        application,
        SimpleUploadedFile("ข้อเสนอ.pdf", PDF, "application/pdf"),
        AttachmentKind.PROPOSAL_DOCUMENT,
        actor=application.created_by,
    )
    return application


def urls(application):
    pk = application.pk
    attachment = application.attachments.get()
    get = [
        reverse("apply:detail", args=[pk]),
        reverse("apply:section", args=[pk, "vision"]),
        reverse("apply:attachments", args=[pk]),
        reverse("apply:attachment", args=[pk, attachment.pk]),
        reverse("apply:review", args=[pk]),
        reverse("apply:withdraw", args=[pk]),
    ]
    post = [
        (reverse("apply:section", args=[pk, "vision"]), {"version": "1", "vision": "x", "goals": "y"}),
        (reverse("apply:autosave", args=[pk, "vision"]), {"version": "1", "vision": "x"}),
        (reverse("apply:attachments", args=[pk]), {"kind": "supporting"}),
        (reverse("apply:attachment_delete", args=[pk, attachment.pk]), {}),
        (reverse("apply:submit", args=[pk]), {}),
        (reverse("apply:withdraw", args=[pk]), {"confirm": "on"}),
    ]
    return get, post


def state(application):
    """Everything an outsider's request could have changed."""
    return (
        Application.objects.filter(pk=application.pk).values_list("status", "title").get(),
        sorted(Section.objects.filter(application=application).values_list("key", "version")),
        sorted(Attachment.objects.filter(application=application).values_list("pk", flat=True)),
        AuditEntry.objects.filter(application=application).count(),
    )


@pytest.mark.parametrize("who", ["member of another organisation", "staff member"])
def test_outsiders_get_404_on_every_applicant_url_and_change_nothing(client, application, who):
    if who == "staff member":
        outsider = UserFactory(role="Secretariat")
    else:
        outsider = member_of(ApplicationFactory().organisation)
    client.force_login(outsider)
    before = state(application)
    get, post = urls(application)
    for url in get:
        response = client.get(url)
        assert response.status_code == 404, url
        assert application.title not in response.content.decode()
    for url, data in post:
        response = client.post(url, data)
        assert response.status_code == 404, url
    assert state(application) == before


def test_anonymous_visitors_are_sent_to_log_in(client, application):
    get, post = urls(application)
    for url in [*get, *(u for u, _ in post)]:
        response = client.get(url) if url in get else client.post(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/?next=")


def test_an_attachment_of_another_application_is_not_found_under_mine(client, application):
    mine = ApplicationFactory(organisation=application.organisation)
    client.force_login(application.created_by)
    attachment = application.attachments.get()
    assert client.get(reverse("apply:attachment", args=[mine.pk, attachment.pk])).status_code == 404
    assert client.get(reverse("apply:attachment", args=[application.pk, attachment.pk])).status_code == 200


def test_members_see_their_organisation_applications(client, application):
    colleague = member_of(application.organisation)
    client.force_login(colleague)
    get, _post = urls(application)
    for url in get:
        response = client.get(url)
        assert response.status_code == 200, url
    download = client.get(get[3])
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"


def test_attachments_are_not_under_a_public_url(application, settings):
    attachment = application.attachments.get()
    path = attachment.file.path
    assert path.startswith(str(settings.MEDIA_ROOT / "private"))
    assert "ข้อเสนอ" not in path  # stored under a random name
    assert settings.MEDIA_URL in ("", "/")  # no URL serves MEDIA_ROOT


def test_dashboard_and_page_name_the_state_in_the_readers_language_with_next_action(client, application):
    client.force_login(application.created_by)
    html = client.get(reverse("apply:dashboard")).content.decode()
    assert application.title in html
    assert "ฉบับร่าง" in html
    assert "Draft" not in html
    assert "กรอกข้อเสนอโครงการให้ครบและส่ง" in html
    client.cookies["language"] = "en"
    for url in (reverse("apply:dashboard"), reverse("apply:detail", args=[application.pk])):
        html = client.get(url).content.decode()
        assert "Draft" in html
        assert "ฉบับร่าง" not in html


def test_saving_a_draft_keeps_what_was_typed_even_when_invalid(client):
    application = ApplicationFactory()
    client.force_login(application.created_by)
    url = reverse("apply:section", args=[application.pk, "area"])
    response = client.post(
        url, {"version": "0", "area_name": "เขตเมืองเก่า", "area_km2": "ไม่ใช่ตัวเลข", "action": "save"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "บันทึกเมื่อ" in html
    assert 'value="ไม่ใช่ตัวเลข"' in html  # kept, and shown with its error
    assert "กรอกหมายเลข" in html  # Django's Thai "Enter a number."
    section = Section.objects.get(application=application, key="area")
    assert (section.data["area_name"], section.data["area_km2"], section.is_complete) == (
        ["เขตเมืองเก่า"],
        ["ไม่ใช่ตัวเลข"],
        False,
    )
    # Reloaded later, the draft is there, without calling its gaps errors.
    html = client.get(url).content.decode()
    assert 'value="เขตเมืองเก่า"' in html
    assert "invalid-feedback" not in html


def test_autosave_answers_json_and_conflicts_with_409(client):
    application = ApplicationFactory()
    alice, bob = application.created_by, member_of(application.organisation)
    url = reverse("apply:autosave", args=[application.pk, "vision"])
    client.force_login(alice)
    first = client.post(url, {"version": "0", "vision": "ร่างแรก"}, HTTP_ACCEPT="application/json")
    assert first.status_code == 200
    assert first.json()["version"] == 1
    assert first.json()["message"].startswith("บันทึกเมื่อ ")
    client.force_login(bob)
    assert client.post(url, {"version": "1", "vision": "ของบ๊อบ"}).json()["version"] == 2
    client.force_login(alice)
    stale = client.post(url, {"version": "1", "vision": "ของอลิซ"})
    assert stale.status_code == 409
    body = stale.json()
    assert (body["ok"], body["conflict"], body["version"]) == (False, True, 2)
    assert bob.get_full_name() in body["message"]
    assert Section.objects.get(application=application, key="vision").data == {"vision": ["ของบ๊อบ"]}


def test_a_draft_keeps_pasted_text_without_its_nul_characters(client):
    """Text pasted from other programs may carry NUL characters, which PostgreSQL refuses (a server
    error there before): the draft is saved without them."""
    application = ApplicationFactory()
    client.force_login(application.created_by)
    url = reverse("apply:autosave", args=[application.pk, "vision"])
    response = client.post(url, {"version": "0", "vision": "วิสัย\x00ทัศน์"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert Section.objects.get(application=application, key="vision").data == {"vision": ["วิสัยทัศน์"]}


def test_explicit_save_after_someone_else_keeps_my_text_on_the_page(client):
    application = ApplicationFactory()
    drafting.save_section(
        application,
        "vision",
        {"vision": ["ของบ๊อบ"]},
        actor=member_of(application.organisation),
        expected_version=0,
    )
    client.force_login(application.created_by)
    response = client.post(
        reverse("apply:section", args=[application.pk, "vision"]),
        {"version": "0", "vision": "ข้อความยาวของอลิซ"},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "ข้อความยาวของอลิซ" in html
    assert 'id="conflict"' in html
    assert Section.objects.get(application=application, key="vision").data == {"vision": ["ของบ๊อบ"]}


def test_submit_from_the_review_page_and_a_double_click_does_no_harm(client, application):
    client.force_login(application.created_by)
    url = reverse("apply:submit", args=[application.pk])
    first = client.post(url, follow=True)
    second = client.post(url, follow=True)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert application.versions.count() == 1
    assert "ส่งเรียบร้อยแล้ว" in first.content.decode()
    assert "ใบสมัครนี้ส่งแล้ว" in second.content.decode()


def test_submit_refused_lists_what_is_missing(client):
    application = ApplicationFactory()
    client.force_login(application.created_by)
    response = client.post(reverse("apply:submit", args=[application.pk]), follow=True)
    html = response.content.decode()
    assert "“พื้นที่เป้าหมาย” ยังไม่ครบ" in html
    assert "แนบเอกสารข้อเสนอโครงการ" in html
    application.refresh_from_db()
    assert application.status == Status.DRAFT


def test_withdraw_needs_confirmation(client, application):
    client.force_login(application.created_by)
    url = reverse("apply:withdraw", args=[application.pk])
    response = client.post(url, {"reason": "ไม่พร้อม"})
    assert response.status_code == 200
    assert "โปรดทำเครื่องหมายเพื่อยืนยัน" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Status.DRAFT
    client.post(url, {"reason": "ไม่พร้อม", "confirm": "on"})
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN


def test_a_submitted_application_cannot_be_edited(client, application):
    client.force_login(application.created_by)
    drafting.submit(application, actor=application.created_by)
    response = client.post(
        reverse("apply:autosave", args=[application.pk, "vision"]), {"version": "1", "vision": "แก้หลังส่ง"}
    )
    assert response.status_code == 400
    assert response.json()["message"] == "ขณะนี้ไม่สามารถแก้ไขหมวดนี้ได้"
    page = client.get(reverse("apply:section", args=[application.pk, "vision"])).content.decode()
    assert "<fieldset disabled>" in page


def make_applications(organisation, n):
    for _ in range(n):
        a = ApplicationFactory(complete=True, organisation=organisation)
        drafting.save_section(a, "vision", {"vision": ["v"]}, actor=a.created_by, expected_version=1)
        a.sections.filter(key="vision").update(reopened=True, reviewer_request="โปรดแก้ไข")


@pytest.mark.parametrize("page", ["dashboard", "section", "detail", "review"])
def test_pages_run_a_constant_number_of_queries(client, page):
    application = ApplicationFactory(complete=True)
    organisation = application.organisation
    client.force_login(application.created_by)
    url = {
        "dashboard": reverse("apply:dashboard"),
        "section": reverse("apply:section", args=[application.pk, "area"]),
        "detail": reverse("apply:detail", args=[application.pk]),
        "review": reverse("apply:review", args=[application.pk]),
    }[page]
    make_applications(organisation, 1)
    one, _html = count_queries(client, url)
    make_applications(organisation, 3)
    four, _html = count_queries(client, url)
    assert four == one
    assert one < 25
    if page == "dashboard":
        html = client.get(url).content.decode()
        assert html.count("โปรดแก้ไข") == 4


def test_the_review_page_links_each_attachment_to_check_before_submitting(client, application):
    client.force_login(application.created_by)
    attachment = application.attachments.get()
    page = client.get(reverse("apply:review", args=[application.pk])).content.decode()
    link = reverse("apply:attachment", args=[application.pk, attachment.pk])
    assert f'<a href="{link}">ข้อเสนอ.pdf</a>' in page
    assert client.get(link).status_code == 200
