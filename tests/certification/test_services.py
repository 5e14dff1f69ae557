import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from certification import selectors
from certification.demo.record import SAMPLE_PDF
from certification.enums import AttachmentKind, Role, Status
from certification.models import Application, ApplicationVersion, AuditEntry, Section
from certification.services import core, drafting, review
from tests.factories import COMPLETE_PLAN, ApplicationFactory, UserFactory, member_of, services_content

pytestmark = pytest.mark.django_db

PDF = SAMPLE_PDF  # a PDF of one blank page


def attach(application, kind=AttachmentKind.PROPOSAL_DOCUMENT, actor=None):
    actor = actor or application.created_by
    return drafting.add_attachment(
        application, SimpleUploadedFile("ข้อเสนอ.pdf", PDF, "application/pdf"), kind, actor=actor
    )


@pytest.fixture
def secretariat():
    return UserFactory(role=Role.SECRETARIAT)


def test_a_complete_proposal_is_submitted_with_a_version_and_an_audit_entry():
    application = ApplicationFactory(complete=True)
    attach(application)
    drafting.submit(application, actor=application.created_by)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert application.submitted_at is not None
    version = ApplicationVersion.objects.get(application=application)
    assert (version.number, version.stage) == (1, "proposal")
    titles = [s["title"] for s in version.snapshot["sections"]]
    assert titles == ["ข้อเสนอโครงการและประเภทเมือง", "พื้นที่เป้าหมาย", "วิสัยทัศน์และเป้าหมาย", "ด้านของเมืองอัจฉริยะ"]
    area = dict(map(tuple, version.snapshot["sections"][1]["items"]))
    assert area["จังหวัด"] == "ลำปาง"
    assert area["จำนวนประชากรที่ได้รับบริการ"] == "55,000"  # typed with Thai digits and a separator
    assert [a["name"] for a in version.snapshot["attachments"]] == ["ข้อเสนอ.pdf"]
    actions = list(AuditEntry.objects.filter(application=application).values_list("action", flat=True))
    assert actions == ["certification.attachment.added", "certification.application.submitted"]


def test_submitting_twice_keeps_one_version():
    application = ApplicationFactory(complete=True)
    attach(application)
    drafting.submit(application, actor=application.created_by)
    with pytest.raises(core.WorkflowError, match="ใบสมัครนี้ส่งแล้ว"):
        drafting.submit(application, actor=application.created_by)
    assert application.versions.count() == 1


def test_completeness_names_every_missing_part():
    application = ApplicationFactory(sections={"general": {"title": ["ทดสอบ"], "city_type": ["livable"]}})
    drafting.save_section(
        application, "area", {"area_name": ["เขตทดสอบ"]}, actor=application.created_by, expected_version=0
    )
    problems = selectors.completeness_problems(application)
    assert problems[0].startswith("“พื้นที่เป้าหมาย” ยังไม่ครบ: จังหวัด, พื้นที่ (ตร.กม.)")
    assert "“วิสัยทัศน์และเป้าหมาย” ยังไม่ครบ" in problems
    assert "“ด้านของเมืองอัจฉริยะ” ยังไม่ครบ" in problems
    assert problems[-1] == "แนบเอกสารข้อเสนอโครงการ"
    with pytest.raises(core.IncompleteApplication):
        drafting.submit(application, actor=application.created_by)
    application.refresh_from_db()
    assert application.status == Status.DRAFT
    assert not application.versions.exists()


@pytest.mark.parametrize(
    ("city_type", "domains", "error"),
    [
        ("livable", ["ECO", "MOB"], "ต้องเลือกด้านสิ่งแวดล้อมอัจฉริยะ"),
        ("livable", ["ENV"], "เลือกอย่างน้อย 2 ด้าน"),
        ("new", ["ENV", "ECO"], "เลือกอย่างน้อย 3 ด้าน"),
        ("livable", ["ENV", "ECO"], None),
        ("new", ["ENV", "ECO", "MOB"], None),
    ],
)
def test_domain_rules_follow_the_city_type(city_type, domains, error):
    application = ApplicationFactory(city_type=city_type)
    section, form = drafting.save_section(
        application, "domains", {"domains": domains}, actor=application.created_by, expected_version=0
    )
    assert section.is_complete is (error is None)
    assert section.data == {"domains": domains}  # saved as typed, even when incomplete
    if error:
        assert error in form.errors["domains"][0]
    else:
        application.refresh_from_db()
        assert application.domains == domains


def test_domain_rules_are_settings(settings):
    settings.CERTIFICATION_MIN_DOMAINS = {"livable": 1, "new": 1}
    application = ApplicationFactory()
    section, _form = drafting.save_section(
        application, "domains", {"domains": ["ENV"]}, actor=application.created_by, expected_version=0
    )
    assert section.is_complete


def test_two_editors_of_one_section_get_a_conflict_instead_of_overwriting():
    application = ApplicationFactory()
    alice = application.created_by
    bob = member_of(application.organisation)
    drafting.save_section(application, "vision", {"vision": ["ฉบับแรก"]}, actor=alice, expected_version=0)
    # Both opened version 1; Bob saves first.
    drafting.save_section(application, "vision", {"vision": ["ฉบับของบ๊อบ"]}, actor=bob, expected_version=1)
    with pytest.raises(core.EditConflict) as conflict:
        drafting.save_section(
            application, "vision", {"vision": ["ฉบับของอลิซ"]}, actor=alice, expected_version=1
        )
    assert conflict.value.section.updated_by == bob
    section = Section.objects.get(application=application, key="vision")
    assert (section.data, section.version) == ({"vision": ["ฉบับของบ๊อบ"]}, 2)


def test_invalid_geojson_keeps_the_draft_and_says_why():
    application = ApplicationFactory()
    content = {
        "area_name": ["เขตทดสอบ"],
        "boundary_geojson": ['{"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,0]]]}'],
    }
    section, form = drafting.save_section(
        application, "area", content, actor=application.created_by, expected_version=0
    )
    assert section.data == content
    assert "อยู่นอกประเทศไทย" in form.errors["boundary_geojson"][0]


def test_an_outsider_cannot_save_a_section():
    application = ApplicationFactory()
    with pytest.raises(core.WorkflowError):
        drafting.save_section(
            application, "vision", {"vision": ["x"]}, actor=UserFactory(), expected_version=0
        )
    assert not Section.objects.filter(application=application, key="vision").exists()


def submitted_proposal():
    application = ApplicationFactory(complete=True)
    attach(application)
    drafting.submit(application, actor=application.created_by)
    return application


def test_return_reopens_only_the_flagged_sections_and_resubmission_keeps_both_versions(secretariat):
    application = submitted_proposal()
    core.transition(application, Status.SCREENING, actor=secretariat)
    review.return_for_changes(
        application, actor=secretariat, requests={"vision": "ระบุเป้าหมายเป็นตัวเลข"}, note="ตรวจรอบแรก"
    )
    application.refresh_from_db()
    assert application.status == Status.RETURNED
    applicant = application.created_by
    # A section that was not flagged stays closed.
    with pytest.raises(core.WorkflowError):
        drafting.save_section(application, "area", {"area_name": ["อื่น"]}, actor=applicant, expected_version=1)
    vision = Section.objects.get(application=application, key="vision")
    assert (vision.reopened, vision.reviewer_request) == (True, "ระบุเป้าหมายเป็นตัวเลข")
    # The answer is required before resubmitting.
    drafting.save_section(
        application,
        "vision",
        {"vision": ["เมืองน่าอยู่ของทุกคน"], "goals": ["ลดฝุ่น PM2.5 ร้อยละ 40 ภายในปี 2570"]},
        actor=applicant,
        expected_version=vision.version,
    )
    assert selectors.completeness_problems(application) == ["ตอบคำขอของผู้พิจารณาใน “วิสัยทัศน์และเป้าหมาย”"]
    drafting.save_section(
        application,
        "vision",
        {"vision": ["เมืองน่าอยู่ของทุกคน"], "goals": ["ลดฝุ่น PM2.5 ร้อยละ 40 ภายในปี 2570"]},
        actor=applicant,
        expected_version=vision.version + 1,
        response="ปรับเป้าหมายเป็นร้อยละ 40",
    )
    drafting.submit(application, actor=applicant)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    first, second = application.versions.order_by("number")
    assert (first.number, second.number) == (1, 2)
    changes = selectors.diff_versions(first.snapshot, second.snapshot)
    assert [(c["section"], c["label"], c["old"], c["new"]) for c in changes] == [
        ("วิสัยทัศน์และเป้าหมาย", "เป้าหมาย", "ลดฝุ่น PM2.5 ร้อยละ 30", "ลดฝุ่น PM2.5 ร้อยละ 40 ภายในปี 2570")
    ]
    assert str(changes[0]["html"]) == "ลดฝุ่น PM2.5 ร้อยละ <del>30</del><ins>40 ภายในปี 2570</ins>"
    reopened = [s for s in second.snapshot["sections"] if s["applicant_response"]]
    assert [(s["key"], s["applicant_response"]) for s in reopened] == [("vision", "ปรับเป้าหมายเป็นร้อยละ 40")]
    assert not Section.objects.filter(application=application, reopened=True).exists()


def test_the_plan_has_the_five_components_with_a_services_section_per_domain():
    from certification.sections import sections_for

    application = ApplicationFactory(promotion_zone=True)
    keys = [spec.key for spec in sections_for(application)]
    assert keys == [
        "plan_vision",
        "infrastructure",
        "data_platform",
        "services_ENV",
        "services_MOB",
        "management",
    ]


def test_a_complete_plan_is_submitted():
    application = ApplicationFactory(promotion_zone=True)
    applicant = application.created_by
    for key, content in {
        **COMPLETE_PLAN,
        "services_ENV": services_content(),
        "services_MOB": services_content("รถโดยสารไฟฟ้า"),
    }.items():
        section, form = drafting.save_section(application, key, content, actor=applicant, expected_version=0)
        assert section.is_complete, (key, getattr(form, "errors", None))
    attach(application, AttachmentKind.PLAN_DOCUMENT)
    drafting.submit(application, actor=applicant)
    application.refresh_from_db()
    assert application.status == Status.PLAN_SUBMITTED
    snapshot = application.versions.get().snapshot
    env = next(s for s in snapshot["sections"] if s["key"] == "services_ENV")
    assert env["items"][0] == [
        "โครงการ: ระบบเฝ้าระวังคุณภาพอากาศ",
        "เซ็นเซอร์ 50 จุดทั่วเมือง · 12,500,000 บาท · 2567–2569 · มหาวิทยาลัยราชภัฏลำปาง",
    ]


def test_an_indicator_must_name_a_listed_project():
    application = ApplicationFactory(promotion_zone=True)
    content = services_content()
    content["indicators-0-project"] = ["โครงการที่ไม่มี"]
    section, form = drafting.save_section(
        application, "services_ENV", content, actor=application.created_by, expected_version=0
    )
    assert not section.is_complete
    assert form.indicators.forms[0].errors["project"] == ["ระบุชื่อโครงการหนึ่งที่อยู่ในรายการด้านบน"]


def test_withdraw_is_recorded_and_final(secretariat):
    application = ApplicationFactory()
    drafting.withdraw(application, actor=application.created_by, reason="ยุบรวมกับโครงการอื่น")
    application.refresh_from_db()
    assert application.status == Status.WITHDRAWN
    entry = AuditEntry.objects.get(application=application, action="certification.application.withdrawn")
    assert entry.data == {"before": "draft", "after": "withdrawn", "note": "ยุบรวมกับโครงการอื่น"}
    with pytest.raises(core.WorkflowError):
        core.transition(application, Status.SUBMITTED, actor=application.created_by)


def test_an_applicant_cannot_make_staff_moves():
    application = submitted_proposal()
    with pytest.raises(core.WorkflowError):
        core.transition(application, Status.SCREENING, actor=application.created_by)
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED


def test_a_thai_change_is_marked_whole_never_a_vowel_apart_from_its_consonant():
    from certification.selectors import _inline_diff

    assert str(_inline_diff("วิสัยทัศน์ของแผน", "วิสัยทัศน์ฉบับปรับปรุง")) == (
        "วิสัยทัศน์<del>ของแผน</del><ins>ฉบับปรับปรุง</ins>"
    )
    assert str(_inline_diff("เมืองน่าอยู่ เปลอดฝุ่น", "เมืองแผนน่าอยู่ ปลอดฝุ่น")) == (
        "เมือง<ins>แผน</ins>น่าอยู่ <del>เป</del><ins>ป</ins>ลอดฝุ่น"
    )
    # Texts with little in common are shown whole, the old one then the new one.
    assert (
        str(_inline_diff("เมืองน่าอยู่", "แผนใหม่ทั้งหมด <b>"))
        == "<del>เมืองน่าอยู่</del> <ins>แผนใหม่ทั้งหมด &lt;b&gt;</ins>"
    )


def test_a_save_that_arrives_after_the_submission_is_refused_and_writes_nothing():
    """The editor's page still holds the application as a draft when its last autosave reaches the
    server after a colleague submitted: the save finds the application submitted and the frozen
    version keeps what was submitted."""
    application = ApplicationFactory(complete=True)
    attach(application)
    stale = Application.objects.get(pk=application.pk)  # as the autosave's request loaded it
    section = application.sections.get(key="vision")
    drafting.submit(application, actor=application.created_by)
    with pytest.raises(core.WorkflowError):
        drafting.save_section(
            stale,
            "vision",
            {"vision": ["เขียนหลังส่งแล้ว"], "goals": ["-"]},
            actor=application.created_by,
            expected_version=section.version,
        )
    section.refresh_from_db()
    assert "เขียนหลังส่งแล้ว" not in str(section.data)
