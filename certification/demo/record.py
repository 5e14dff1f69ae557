"""The demo's data: the two public award batches as the public record gives them, what the portal
needs and the record does not give (assumed, and said so beside each table), the sample organisations,
users, zones and applications (marked as sample data), and a complete proposal and plan."""

import datetime
from typing import NamedTuple

from cities.enums import CityType, OrganisationType

from ..enums import Body, Role, Status

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

# --- The two public award batches.
#
# What the public record gives is kept as it is; what the portal needs and the record does not give is
# filled in and said so here. Invented areas, organisations and zones are `is_sample` and say
# "ข้อมูลตัวอย่าง" / "sample data" in their names. Attributes of real areas the record does not give
# (city type, domains, population served, the dates a zone was declared) cannot be flagged one by one:
# they are assumed, as listed beside each table, and docs/demo-data.md repeats the list.

# (year, ceremony date, place Thai, place English, presenter Thai, presenter English)
# The record gives neither the place nor the presenter of the 2564 ceremony.
ROUNDS = [
    (2564, datetime.date(2021, 12, 24), "", "", "", ""),
    (2565, datetime.date(2023, 1, 9), "ทำเนียบรัฐบาล", "Government House", "นายกรัฐมนตรี", "The Prime Minister"),
]  # fmt: skip

# Who signs a round's documents (name and position as printed). The record does not name them: the
# names are invented and say so, the positions are generic, shortened to fit the signature line.
SIGNATORIES = [
    ("นายสมมติ ลงนาม (ข้อมูลตัวอย่าง)", "ประธานกรรมการขับเคลื่อนฯ"),
    ("นางสมมุติ ลงชื่อ (ข้อมูลตัวอย่าง)", "ผู้อำนวยการ สศด."),
]

# The decisions of each batch: (body, meeting number, date, agenda, resolution, state it moves to).
# 2565 is the record: the subcommittee's meeting 1/2565 in August 2022 approved the 15 plans (the day,
# 25 August, is assumed: the record gives the month) and the committee's meeting 1/2565 of 9 November
# 2022 endorsed them. For 2564 the record gives only the ceremony: both meetings and their dates are
# assumed, and their agendas say so, so that nobody reads them as fact.
TIMELINE = {
    2564: [
        (Body.SUBCOMMITTEE, 1, datetime.date(2021, 10, 28),
         "พิจารณาแผนพัฒนาเมืองอัจฉริยะและคัดเลือกพื้นที่เพื่อรับตราสัญลักษณ์ ประจำปี 2564 "
         "(วันที่ประชุมเป็นข้อมูลสมมติ)",
         "เห็นชอบแผนพัฒนาเมืองอัจฉริยะ 15 พื้นที่ และคัดเลือกให้ได้รับตราสัญลักษณ์เมืองอัจฉริยะประเทศไทย "
         "ประจำปี 2564", Status.SUBCOMMITTEE_APPROVED),
        (Body.COMMITTEE, 1, datetime.date(2021, 11, 25),
         "พิจารณาการมอบตราสัญลักษณ์เมืองอัจฉริยะประเทศไทย ประจำปี 2564 (วันที่ประชุมเป็นข้อมูลสมมติ)",
         "ให้ความเห็นชอบการมอบตราสัญลักษณ์เมืองอัจฉริยะประเทศไทยแก่ 15 พื้นที่ ประจำปี 2564",
         Status.ENDORSED),
    ],
    2565: [
        (Body.SUBCOMMITTEE, 1, datetime.date(2022, 8, 25),
         "พิจารณาแผนพัฒนาเมืองอัจฉริยะและคัดเลือกพื้นที่เพื่อรับตราสัญลักษณ์ ประจำปี 2565 "
         "(ประชุมเดือนสิงหาคม 2565 วันที่เป็นข้อมูลสมมติ)",
         "เห็นชอบแผนพัฒนาเมืองอัจฉริยะ 15 พื้นที่ และคัดเลือกให้ได้รับตราสัญลักษณ์เมืองอัจฉริยะประเทศไทย "
         "ประจำปี 2565", Status.SUBCOMMITTEE_APPROVED),
        (Body.COMMITTEE, 1, datetime.date(2022, 11, 9),
         "พิจารณาการมอบตราสัญลักษณ์เมืองอัจฉริยะประเทศไทย ประจำปี 2565",
         "ให้ความเห็นชอบการมอบตราสัญลักษณ์เมืองอัจฉริยะประเทศไทยแก่ 15 พื้นที่ ประจำปี 2565",
         Status.ENDORSED),
    ],
}  # fmt: skip

# When each batch's areas were acknowledged as promotion zones: not in the record, assumed.
ZONE_DECLARED = {2564: datetime.date(2021, 3, 25), 2565: datetime.date(2021, 11, 25)}
REAL_ZONE_RESOLUTION = "มติคณะกรรมการขับเคลื่อนการพัฒนาเมืองอัจฉริยะ (ครั้งที่ประชุมไม่ปรากฏในข้อมูลสาธารณะ)"


class Area(NamedTuple):
    year: int
    name_th: str
    name_en: str
    provinces: list[str]
    organisation: str  # the applicant's Thai name where the record names it; else a sample developer
    is_sample: bool
    city_type: str
    domains: str
    population: int


LIVABLE, NEW = CityType.LIVABLE, CityType.NEW

# The public record names 13 of the 15 areas of 2564 and 9 of the 15 of 2565; the rest are samples,
# placed so that the totals match it: 15 areas in 11 provinces, 15 in 14, 30 in 23 altogether.
# Assumed for every area (the record does not say): the city type (Livable City except the Wangchan
# Valley and Makkasan developments; Mae Moh's and Rayong's names say "น่าอยู่", livable), the domains
# (Smart Environment, which the rules require, and others chosen for the demo), and the population
# served. The record says the 2565 batch serves more than 16 million people: the per-area split below
# (about each province's registered population, a municipality's for Phitsanulok City) is assumed and
# sums to 17.0 million; the 2564 figures are assumed outright.
AREAS = [
    Area(2564, "ภูเก็ตเมืองอัจฉริยะ", "Phuket Smart City", ["83"], "", False, LIVABLE, "ENV,ECO,LIV,GOV", 417_000),
    Area(2564, "ขอนแก่นเมืองอัจฉริยะ", "Khon Kaen Smart City", ["40"], "", False, LIVABLE, "ENV,MOB,LIV,ECO", 1_800_000),
    Area(2564, "แม่เมาะเมืองน่าอยู่อัจฉริยะ", "Mae Moh livable city", ["52"], "", False, LIVABLE, "ENV,ENE,LIV", 38_000),
    Area(2564, "สามย่านสมาร์ทซิตี้", "Sam Yan Smart City", ["10"], "", False, LIVABLE, "ENV,ENE,MOB", 30_000),
    Area(2564, "วังจันทร์วัลเลย์", "Wangchan Valley", ["21"], "", False, NEW, "ENV,ENE,ECO,PEO", 5_000),
    Area(2564, "ย่านพระราม 4", "Rama IV district", ["10"], "", False, LIVABLE, "ENV,MOB,ENE", 60_000),
    Area(2564, "คลองผดุงกรุงเกษม", "Khlong Phadung Krung Kasem", ["10"], "", False, LIVABLE, "ENV,LIV,GOV", 80_000),
    Area(2564, "มักกะสัน", "Makkasan", ["10"], "", False, NEW, "ENV,MOB,ECO", 20_000),
    Area(2564, "เมืองเก่าเชียงใหม่", "Chiang Mai old city", ["50"], "", False, LIVABLE, "ENV,LIV,ECO", 30_000),
    Area(2564, "มหาวิทยาลัยเชียงใหม่", "Chiang Mai University", ["50"], "มหาวิทยาลัยเชียงใหม่", False, LIVABLE, "ENV,ENE,PEO", 40_000),
    Area(2564, "เมืองศรีตรัง", "Si Trang city", ["92"], "", False, LIVABLE, "ENV,LIV,GOV", 60_000),
    Area(2564, "เมืองยะลา", "Yala city", ["95"], "", False, LIVABLE, "ENV,LIV,GOV", 60_000),
    Area(2564, "ฉะเชิงเทรา", "Chachoengsao", ["24"], "", False, LIVABLE, "ENV,ECO,MOB", 720_000),
    Area(2564, "พื้นที่ตัวอย่าง ชลบุรี (ข้อมูลตัวอย่าง)", "Sample area, Chon Buri (sample data)", ["20"], "", True, LIVABLE, "ENV,ECO", 100_000),
    Area(2564, "พื้นที่ตัวอย่าง นครสวรรค์ (ข้อมูลตัวอย่าง)", "Sample area, Nakhon Sawan (sample data)", ["60"], "", True, LIVABLE, "ENV,LIV", 90_000),
    Area(2565, "นครระยองเมืองอัจฉริยะและน่าอยู่", "Rayong City", ["21"], "", False, LIVABLE, "ENV,LIV,MOB", 751_000),
    Area(2565, "ขันสองโมเดล", "Khan Song model", ["20"], "", False, LIVABLE, "ENV,ECO,PEO", 1_594_000),
    Area(2565, "พื้นที่จังหวัดพิษณุโลก", "Phitsanulok province area", ["65"], "", False, LIVABLE, "ENV,ECO,GOV", 851_000),
    Area(2565, "นครพิษณุโลก", "Phitsanulok City", ["65"], "", False, LIVABLE, "ENV,MOB,LIV", 65_000),
    Area(2565, "เชียงรายเมืองอัจฉริยะ", "Chiang Rai City", ["57"], "เทศบาลนครเชียงราย", False, LIVABLE, "ENV,ECO,LIV", 1_298_000),
    Area(2565, "เมืองน่านสู่เมืองอัจฉริยะ", "Nan", ["55"], "", False, LIVABLE, "ENV,ECO,PEO", 478_000),
    Area(2565, "โคราชเมืองอัจฉริยะ", "Korat Smart City", ["30"], "", False, LIVABLE, "ENV,MOB,ECO,GOV", 2_634_000),
    Area(2565, "กระบี่เมืองอัจฉริยะ", "Krabi", ["81"], "", False, LIVABLE, "ENV,ECO,LIV", 478_000),
    Area(2565, "ปัตตานีเมืองอัจฉริยะ", "Pattani", ["94"], "เทศบาลเมืองปัตตานี", False, LIVABLE, "ENV,LIV,GOV", 728_000),
    Area(2565, "พื้นที่ตัวอย่าง สงขลา (ข้อมูลตัวอย่าง)", "Sample area, Songkhla (sample data)", ["90"], "", True, LIVABLE, "ENV,ECO", 1_433_000),
    Area(2565, "พื้นที่ตัวอย่าง อุดรธานี (ข้อมูลตัวอย่าง)", "Sample area, Udon Thani (sample data)", ["41"], "", True, LIVABLE, "ENV,MOB", 1_586_000),
    Area(2565, "พื้นที่ตัวอย่าง อุบลราชธานี (ข้อมูลตัวอย่าง)", "Sample area, Ubon Ratchathani (sample data)", ["34"], "", True, LIVABLE, "ENV,LIV", 1_878_000),
    # "นครศรีฯ", the usual short form: the full name is too long for the plaque's line.
    Area(2565, "พื้นที่ตัวอย่าง นครศรีฯ (ข้อมูลตัวอย่าง)", "Sample area, Nakhon Si Thammarat (sample data)", ["80"], "", True, LIVABLE, "ENV,ECO", 1_560_000),
    Area(2565, "พื้นที่ตัวอย่าง สุราษฎร์ธานี (ข้อมูลตัวอย่าง)", "Sample area, Surat Thani (sample data)", ["84"], "", True, LIVABLE, "ENV,ECO,LIV", 1_072_000),
    Area(2565, "พื้นที่ตัวอย่าง สุโขทัย (ข้อมูลตัวอย่าง)", "Sample area, Sukhothai (sample data)", ["64"], "", True, LIVABLE, "ENV,PEO", 594_000),
]  # fmt: skip

# The 36 promotion zones that were still preparing their plans at the 2565 ceremony. The record gives
# only their number: every zone here is sample data (name, province, organisation, domains, city type,
# population, the day it was declared), spread over the regions.
PREPARING_ZONE_PROVINCES = [
    "11", "12", "13", "14", "16", "19", "73",  # Central
    "22", "23", "25", "27",  # East
    "31", "32", "33", "36", "43", "45", "47", "48",  # Northeast
    "51", "53", "54", "56", "58", "62", "63",  # North
    "70", "71", "76", "77",  # West
    "82", "85", "86", "91", "93", "96",  # South
]  # fmt: skip
SAMPLE_ZONE_RESOLUTION = "มติคณะกรรมการขับเคลื่อนการพัฒนาเมืองอัจฉริยะ (ข้อมูลตัวอย่าง)"
OTHER_DOMAINS = ["ECO", "MOB", "ENE", "PEO", "LIV", "GOV"]
ZONE_DEVELOPER_TYPES = [
    OrganisationType.TOWN_MUNICIPALITY,
    OrganisationType.SUBDISTRICT_MUNICIPALITY,
    OrganisationType.CITY_MUNICIPALITY,
    OrganisationType.PROVINCIAL_ADMINISTRATIVE_ORGANISATION,
    OrganisationType.PRIVATE_COMPANY,
    OrganisationType.UNIVERSITY,
]


def minimal_pdf(*objects, version=b"1.4"):
    """A PDF file of the given objects (``1 0 obj`` first, the catalog), with the cross-reference table
    and trailer a reader looks for."""
    body = b"%PDF-" + version + b"\n"
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj" % number + content + b"endobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return body + b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


# A minimal, valid PDF of one blank page: the sample applications' attached document.
SAMPLE_PDF = minimal_pdf(
    b"<</Type/Catalog/Pages 2 0 R>>",
    b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
    b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>",
)

# Meetings of B.E. 2569 for walking the samples through the committees: sample data, not real meetings.
SAMPLE_MEETINGS = [
    (Body.WORKING_GROUP, datetime.date(2026, 2, 10), "พิจารณาแผนพัฒนาเมืองอัจฉริยะ (ข้อมูลตัวอย่าง)"),
    (Body.SUBCOMMITTEE, datetime.date(2026, 3, 17), "เห็นชอบแผนพัฒนาเมืองอัจฉริยะ (ข้อมูลตัวอย่าง)"),
    (Body.COMMITTEE, datetime.date(2026, 4, 21), "รับทราบเขตส่งเสริมและให้ความเห็นชอบ (ข้อมูลตัวอย่าง)"),
]

# --- After the award: progress reports and requests for renewal of the 2564 batch. All sample data: the
# record gives no area's progress (it says only that in 2025 sixteen cities were renewed on more than
# 50 % progress of their plans). Assumed: the 2564 round's reports fell due on 31 October (2565, 2566).
REPORT_DUE_2564 = datetime.date(2022, 10, 31)
# (year, submitted on, assessed on)
REPORT_DATES_2564 = [
    (2565, datetime.date(2022, 10, 25), datetime.date(2022, 11, 21)),
    (2566, datetime.date(2023, 10, 27), datetime.date(2023, 11, 15)),
]
# Area (Thai name) → per year: the secretariat's scores (vision, infrastructure, data platform, services,
# management) and the plan's assessed progress (%).
PROGRESS_2564 = {
    "ภูเก็ตเมืองอัจฉริยะ": [((76, 70, 82, 74, 68), 41), ((84, 78, 88, 82, 75), 68)],
    "ขอนแก่นเมืองอัจฉริยะ": [((80, 74, 70, 78, 72), 45), ((86, 80, 76, 84, 78), 72)],
    "แม่เมาะเมืองน่าอยู่อัจฉริยะ": [((70, 66, 60, 68, 64), 35), ((74, 70, 66, 72, 70), 55)],
    "สามย่านสมาร์ทซิตี้": [((82, 80, 78, 80, 76), 52), ((88, 84, 84, 86, 80), 76)],
    "เมืองยะลา": [((68, 62, 58, 64, 60), 30), ((70, 66, 62, 66, 64), 50)],
    "ฉะเชิงเทรา": [((62, 58, 55, 60, 58), 28), ((66, 60, 58, 62, 60), 42)],
    "พื้นที่ตัวอย่าง ชลบุรี (ข้อมูลตัวอย่าง)": [((72, 68, 64, 70, 66), 38), ((78, 74, 70, 76, 72), 61)],
    "พื้นที่ตัวอย่าง นครสวรรค์ (ข้อมูลตัวอย่าง)": [((60, 56, 52, 58, 54), 25), ((64, 60, 56, 60, 58), 40)],
}
# Requests for renewal from the 2566 report, made before the awards expired (24 December 2023) and still
# waiting for the committee: two above the 50 % threshold, one at it and one below, so that the admin
# shows both outcomes. Recorded by the secretariat from the organisations' letters.
RENEWAL_REQUESTED_2564 = datetime.date(2023, 11, 30)
RENEWAL_REQUESTS_2564 = [
    "ภูเก็ตเมืองอัจฉริยะ",
    "สามย่านสมาร์ทซิตี้",
    "เมืองยะลา",
    "พื้นที่ตัวอย่าง นครสวรรค์ (ข้อมูลตัวอย่าง)",
]
