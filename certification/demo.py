"""Demo data for ``manage.py seed_demo``: users for every role, organisations, and the two public award
batches (B.E. 2564 and 2565). Real areas carry only what the public record says; every invented entry
is marked as sample data."""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from cities.enums import OrganisationType
from cities.models import CertifiedCity, Membership, Organisation, Province

from .enums import Body, DigitStyle, Role
from .models import Application, AwardRound, ChecklistItem, Meeting, Resolution, Section

# Content of a complete proposal and plan, as a browser would post it (sample data; the tests use it too).
COMPLETE_PROPOSAL = {
    "general": {"title": ["ลำปางเมืองน่าอยู่อัจฉริยะ"], "city_type": ["livable"]},
    "area": {
        "area_name": ["เขตเทศบาลนครลำปาง"],
        "provinces": ["52"],
        "area_km2": ["22.17"],
        "population": ["๕๕,๐๐๐"],
        "boundary_description": ["ทิศเหนือจรดแม่น้ำวัง"],
        "boundary_geojson": [""],
    },
    "vision": {"vision": ["เมืองน่าอยู่ของทุกคน"], "goals": ["ลดฝุ่น PM2.5 ร้อยละ 30"]},
    "domains": {"domains": ["ENV", "MOB"]},
}


def services_content(project="ระบบเฝ้าระวังคุณภาพอากาศ"):
    return {
        "projects-TOTAL_FORMS": ["1"],
        "projects-INITIAL_FORMS": ["0"],
        "projects-MIN_NUM_FORMS": ["1"],
        "projects-MAX_NUM_FORMS": ["50"],
        "projects-0-name": [project],
        "projects-0-description": ["เซ็นเซอร์ 50 จุดทั่วเมือง"],
        "projects-0-budget_baht": ["12,500,000"],
        "projects-0-start_year": ["2567"],
        "projects-0-end_year": ["2569"],
        "projects-0-partners": ["มหาวิทยาลัยราชภัฏลำปาง"],
        "indicators-TOTAL_FORMS": ["1"],
        "indicators-INITIAL_FORMS": ["0"],
        "indicators-MIN_NUM_FORMS": ["1"],
        "indicators-MAX_NUM_FORMS": ["100"],
        "indicators-0-project": [project],
        "indicators-0-name": ["ค่าฝุ่น PM2.5 เฉลี่ยรายปี"],
        "indicators-0-unit": ["µg/m³"],
        "indicators-0-baseline": ["38"],
        "indicators-0-target": ["25"],
        "indicators-0-target_year": ["2569"],
    }


COMPLETE_PLAN = {
    "plan_vision": {"vision": ["วิสัยทัศน์ของแผน"], "target_area": ["เขตเทศบาลนครลำปาง 22 ตร.กม."]},
    "infrastructure": {
        "physical": ["ทางจักรยาน"],
        "digital": ["Wi-Fi สาธารณะ"],
        "investment_baht": ["100000000"],
        "timeline": ["2567–2570"],
    },
    "data_platform": {"description": ["แพลตฟอร์มข้อมูลเมือง"], "open_data": ["CKAN"], "security": ["PDPA"]},
    "management": {"model": ["ppp"], "description": ["บริษัทร่วมทุน"], "partners": ["ภาคเอกชนในพื้นที่"]},
}


# (username, password, first name, last name, role group or None, is_superuser)
DEMO_USERS = [
    ("admin", "admin-demo", "ผู้ดูแล", "ระบบ", None, True),
    ("secretariat", "secretariat-demo", "สมชาย", "ใจดี", Role.SECRETARIAT, False),
    ("evaluator1", "evaluator-demo", "สมหญิง", "รักเมือง", Role.EVALUATOR, False),
    ("evaluator2", "evaluator-demo", "วิชัย", "มั่นคง", Role.EVALUATOR, False),
    ("committee", "committee-demo", "ประภา", "สุขใจ", Role.COMMITTEE_SECRETARY, False),
    ("official", "official-demo", "อนันต์", "ศรีสุข", Role.OFFICIAL, False),
    ("applicant", "applicant-demo", "มานี", "มีนา", None, False),
    ("applicant2", "applicant-demo", "ปิติ", "ชูใจ", None, False),
]

# (Thai name, English name, type, province code, is_sample)
ORGANISATIONS = [
    ("เทศบาลเมืองตัวอย่าง (ข้อมูลตัวอย่าง)", "Sample Town Municipality (sample data)",
     OrganisationType.TOWN_MUNICIPALITY, "52", True),
    ("บริษัท พัฒนาเมืองตัวอย่าง จำกัด (ข้อมูลตัวอย่าง)", "Sample City Development Co., Ltd. (sample data)",
     OrganisationType.CITY_DEVELOPMENT_COMPANY, "20", True),
    ("เทศบาลนครเชียงราย", "Chiang Rai City Municipality", OrganisationType.CITY_MUNICIPALITY, "57", False),
    ("เทศบาลเมืองปัตตานี", "Pattani Town Municipality", OrganisationType.TOWN_MUNICIPALITY, "94", False),
    ("มหาวิทยาลัยเชียงใหม่", "Chiang Mai University", OrganisationType.UNIVERSITY, "50", False),
]  # fmt: skip

# Which demo applicant belongs to which organisation (as its admin).
MEMBERSHIPS = [
    ("applicant", "เทศบาลเมืองตัวอย่าง (ข้อมูลตัวอย่าง)"),
    ("applicant2", "บริษัท พัฒนาเมืองตัวอย่าง จำกัด (ข้อมูลตัวอย่าง)"),
]

# (year, ceremony date, presenter Thai, presenter English)
ROUNDS = [
    (2564, datetime.date(2021, 12, 24), "", ""),
    (2565, datetime.date(2023, 1, 9), "นายกรัฐมนตรี", "The Prime Minister"),
]

# (award year, Thai name, English name, province codes, organisation Thai name or "", is_sample)
# The public record names 13 of the 15 areas of 2564 and 9 of the 15 of 2565; the rest are samples,
# placed so that the totals match it: 15 areas in 11 provinces, 15 in 14, 30 in 23 altogether.
CERTIFIED_CITIES = [
    (2564, "ภูเก็ตเมืองอัจฉริยะ", "Phuket Smart City", ["83"], "", False),
    (2564, "ขอนแก่นเมืองอัจฉริยะ", "Khon Kaen Smart City", ["40"], "", False),
    (2564, "แม่เมาะเมืองน่าอยู่อัจฉริยะ", "Mae Moh livable city", ["52"], "", False),
    (2564, "สามย่านสมาร์ทซิตี้", "Sam Yan Smart City", ["10"], "", False),
    (2564, "วังจันทร์วัลเลย์", "Wangchan Valley", ["21"], "", False),
    (2564, "ย่านพระราม 4", "Rama IV district", ["10"], "", False),
    (2564, "คลองผดุงกรุงเกษม", "Khlong Phadung Krung Kasem", ["10"], "", False),
    (2564, "มักกะสัน", "Makkasan", ["10"], "", False),
    (2564, "เมืองเก่าเชียงใหม่", "Chiang Mai old city", ["50"], "", False),
    (2564, "มหาวิทยาลัยเชียงใหม่", "Chiang Mai University", ["50"], "มหาวิทยาลัยเชียงใหม่", False),
    (2564, "เมืองศรีตรัง", "Si Trang city", ["92"], "", False),
    (2564, "เมืองยะลา", "Yala city", ["95"], "", False),
    (2564, "ฉะเชิงเทรา", "Chachoengsao", ["24"], "", False),
    (2564, "พื้นที่ตัวอย่าง ชลบุรี (ข้อมูลตัวอย่าง)", "Sample area, Chon Buri (sample data)", ["20"], "", True),
    (2564, "พื้นที่ตัวอย่าง นครสวรรค์ (ข้อมูลตัวอย่าง)", "Sample area, Nakhon Sawan (sample data)", ["60"], "", True),
    (2565, "นครระยองเมืองอัจฉริยะและน่าอยู่", "Rayong City", ["21"], "", False),
    (2565, "ขันสองโมเดล", "Khan Song model", ["20"], "", False),
    (2565, "พื้นที่จังหวัดพิษณุโลก", "Phitsanulok province area", ["65"], "", False),
    (2565, "นครพิษณุโลก", "Phitsanulok City", ["65"], "", False),
    (2565, "เชียงรายเมืองอัจฉริยะ", "Chiang Rai City", ["57"], "เทศบาลนครเชียงราย", False),
    (2565, "เมืองน่านสู่เมืองอัจฉริยะ", "Nan", ["55"], "", False),
    (2565, "โคราชเมืองอัจฉริยะ", "Korat Smart City", ["30"], "", False),
    (2565, "กระบี่เมืองอัจฉริยะ", "Krabi", ["81"], "", False),
    (2565, "ปัตตานีเมืองอัจฉริยะ", "Pattani", ["94"], "เทศบาลเมืองปัตตานี", False),
    (2565, "พื้นที่ตัวอย่าง สงขลา (ข้อมูลตัวอย่าง)", "Sample area, Songkhla (sample data)", ["90"], "", True),
    (2565, "พื้นที่ตัวอย่าง อุดรธานี (ข้อมูลตัวอย่าง)", "Sample area, Udon Thani (sample data)", ["41"], "", True),
    (2565, "พื้นที่ตัวอย่าง อุบลราชธานี (ข้อมูลตัวอย่าง)", "Sample area, Ubon Ratchathani (sample data)", ["34"], "", True),
    (2565, "พื้นที่ตัวอย่าง นครศรีธรรมราช (ข้อมูลตัวอย่าง)", "Sample area, Nakhon Si Thammarat (sample data)", ["80"], "", True),
    (2565, "พื้นที่ตัวอย่าง สุราษฎร์ธานี (ข้อมูลตัวอย่าง)", "Sample area, Surat Thani (sample data)", ["84"], "", True),
    (2565, "พื้นที่ตัวอย่าง สุโขทัย (ข้อมูลตัวอย่าง)", "Sample area, Sukhothai (sample data)", ["64"], "", True),
]  # fmt: skip


@transaction.atomic
def seed_demo() -> dict[str, int]:
    """Creates or updates the demo data; running it again changes nothing. Returns counts by kind."""
    User = get_user_model()
    users = {}
    for username, password, first, last, role, is_superuser in DEMO_USERS:
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.com",
                "is_staff": is_superuser or role is not None,
                "is_superuser": is_superuser,
                "is_active": True,
            },
        )
        if not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        if role is not None:
            user.groups.add(Group.objects.get(name=role))
        users[username] = user

    organisations = {}
    for name_th, name_en, org_type, province_code, is_sample in ORGANISATIONS:
        organisations[name_th], _ = Organisation.objects.update_or_create(
            name_th=name_th,
            province_id=province_code,
            defaults={"name_en": name_en, "org_type": org_type, "is_sample": is_sample},
        )
    for username, org_name in MEMBERSHIPS:
        Membership.objects.update_or_create(
            user=users[username], organisation=organisations[org_name], defaults={"is_admin": True}
        )

    ceremony = {}
    for year, ceremony_date, presenter_th, presenter_en in ROUNDS:
        AwardRound.objects.update_or_create(
            year=year,
            defaults={
                "ceremony_date": ceremony_date,
                "presenter_th": presenter_th,
                "presenter_en": presenter_en,
                "digit_style": DigitStyle.THAI,
            },
        )
        ceremony[year] = ceremony_date

    provinces = Province.objects.in_bulk()
    for year, name_th, name_en, province_codes, org_name, is_sample in CERTIFIED_CITIES:
        city, _ = CertifiedCity.objects.update_or_create(
            award_year=year,
            name_th=name_th,
            defaults={
                "name_en": name_en,
                "organisation": organisations.get(org_name),
                "certified_on": ceremony[year],
                "is_sample": is_sample,
            },
        )
        city.provinces.set([provinces[code] for code in province_codes])

    applications = seed_workflow_samples(users, organisations)

    return {
        "users": len(users),
        "organisations": len(organisations),
        "award rounds": len(ROUNDS),
        "certified cities": len(CERTIFIED_CITIES),
        "sample applications": applications,
    }


# A minimal, valid PDF: the sample applications' attached document.
SAMPLE_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)

# Meetings of B.E. 2569 for walking the samples through the committees: sample data, not real meetings.
SAMPLE_MEETINGS = [
    (Body.WORKING_GROUP, datetime.date(2026, 2, 10), "พิจารณาแผนพัฒนาเมืองอัจฉริยะ (ข้อมูลตัวอย่าง)"),
    (Body.SUBCOMMITTEE, datetime.date(2026, 3, 17), "เห็นชอบแผนพัฒนาเมืองอัจฉริยะ (ข้อมูลตัวอย่าง)"),
    (Body.COMMITTEE, datetime.date(2026, 4, 21), "รับทราบเขตส่งเสริมและให้ความเห็นชอบ (ข้อมูลตัวอย่าง)"),
]


def _sample_application(applicant, organisation, title, content, attachment_kind):
    from .services import drafting

    application = drafting.create_application(
        actor=applicant, organisation=organisation, title=title, city_type="livable"
    )
    for key, data in content.items():
        section = Section.objects.filter(application=application, key=key).first()
        drafting.save_section(
            application, key, data, actor=applicant, expected_version=section.version if section else 0
        )
    drafting.add_attachment(
        application, SimpleUploadedFile("sample.pdf", SAMPLE_PDF), attachment_kind, actor=applicant
    )
    drafting.submit(application, actor=applicant)
    return application


def seed_workflow_samples(users, organisations):
    """Two sample applications of the demo applicant — one just submitted, one whose plan is submitted —
    and sample meetings with resolutions, so that the staff can walk them through the admin."""
    from .services import drafting, review

    secretary = users["committee"]
    for body, day, agenda in SAMPLE_MEETINGS:
        meeting, _ = Meeting.objects.get_or_create(
            body=body, year=2569, number=1, defaults={"date": day, "agenda": agenda}
        )
        if not meeting.resolutions.exists():
            review.record_resolution(meeting, actor=secretary, text=agenda)

    applicant = users["applicant"]
    organisation = organisations["เทศบาลเมืองตัวอย่าง (ข้อมูลตัวอย่าง)"]
    titles = ["เมืองตัวอย่างน่าอยู่อัจฉริยะ (ข้อมูลตัวอย่าง)", "ย่านเก่าตัวอย่างอัจฉริยะ (ข้อมูลตัวอย่าง)"]
    existing = set(Application.objects.filter(organisation=organisation).values_list("title", flat=True))
    proposal = {**COMPLETE_PROPOSAL, "general": {"title": [titles[0]], "city_type": ["livable"]}}
    if titles[0] not in existing:
        _sample_application(applicant, organisation, titles[0], proposal, "proposal_document")
    if titles[1] not in existing:
        proposal = {**COMPLETE_PROPOSAL, "general": {"title": [titles[1]], "city_type": ["livable"]}}
        application = _sample_application(applicant, organisation, titles[1], proposal, "proposal_document")
        secretariat = users["secretariat"]
        review.start_screening(application, actor=secretariat)
        checklist = {str(item.pk): {"met": True} for item in ChecklistItem.objects.filter(is_active=True)}
        review.record_screening(application, actor=secretariat, outcome="passed", checklist=checklist)
        committee = Resolution.objects.filter(meeting__body=Body.COMMITTEE, meeting__year=2569).first()
        review.acknowledge_promotion_zone(application, actor=secretary, resolution=committee)
        plan = {
            **COMPLETE_PLAN,
            "services_ENV": services_content(),
            "services_MOB": services_content("รถโดยสารไฟฟ้า"),
        }
        for key, data in plan.items():
            drafting.save_section(application, key, data, actor=applicant, expected_version=0)
        drafting.add_attachment(
            application, SimpleUploadedFile("sample-plan.pdf", SAMPLE_PDF), "plan_document", actor=applicant
        )
        drafting.submit(application, actor=applicant)
    return Application.objects.filter(organisation=organisation, title__in=titles).count()
