"""Thai first, English beside it: the default, the switcher, and translations that are complete — the
portal's own strings and Django's (admin, accounts, forms, the admin's JavaScript)."""

import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from tests.conftest import PROJECT_DIR, project_env

LOCALE_DIR = PROJECT_DIR / "locale" / "th" / "LC_MESSAGES"
PO_FILE = LOCALE_DIR / "django.po"
JS_PO_FILE = LOCALE_DIR / "djangojs.po"
THAI = re.compile(r"[\u0E00-\u0E7F]")
# What a reader is told by attributes: input hints, tooltips, names for screen readers, button labels.
READ_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")

pytestmark = pytest.mark.django_db


class VisibleText(HTMLParser):
    """Collects the text a reader sees (not scripts, styles or attribute values); with ``attributes``,
    also what the attributes a reader is told by say (``READ_ATTRIBUTES``, and the labels of buttons)."""

    def __init__(self, attributes=False):
        super().__init__()
        self.attributes = attributes
        self.skip = 0
        self.texts = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "title"):
            self.skip += 1
        if self.attributes:
            values = dict(attrs)
            self.texts += [" ".join(values[name].split()) for name in READ_ATTRIBUTES if values.get(name)]
            if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
                self.texts.append(values["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "title"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip and data.strip():
            self.texts.append(" ".join(data.split()))


def visible_text(response, attributes=False):
    parser = VisibleText(attributes)
    parser.feed(response.content.decode())
    return parser.texts


# A stored file's name (a signature image: "signatures/<random>.png") is data, not text to translate.
STORED_FILE = re.compile(r"[\w-]+/[0-9a-f]{32}\.(png|jpg|jpeg|svg|pdf)")


def untranslated(texts, allowed=()):
    """The texts with no Thai and a word of three Latin letters or more."""
    on_purpose = UNTRANSLATED_ON_PURPOSE | set(allowed)
    return [
        t
        for t in texts
        if not THAI.search(t)
        and re.search(r"[A-Za-z]{3,}", t)
        and t not in on_purpose
        and not STORED_FILE.fullmatch(t)
    ]


def test_pages_are_thai_by_default_even_for_english_browsers(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="th">' in html
    assert "การรับรองเมืองอัจฉริยะประเทศไทย" in html
    assert response["Content-Language"] == "th"


def test_language_switcher_is_on_the_page_with_csrf(client):
    html = client.get("/").content.decode()
    assert 'action="/i18n/setlang/"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'value="th" lang="th"' in html
    assert 'value="en" lang="en"' in html


def test_switching_to_english_and_back(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    english = client.get("/")
    assert '<html lang="en">' in english.content.decode()
    assert "Smart City Thailand certification" in english.content.decode()
    assert english["Content-Language"] == "en"

    client.post("/i18n/setlang/", {"language": "th", "next": "/"})
    assert '<html lang="th">' in client.get("/").content.decode()


def test_an_unknown_language_keeps_thai(client):
    client.cookies["language"] = "xx"
    assert '<html lang="th">' in client.get("/").content.decode()
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert response.status_code == 302
    assert '<html lang="th">' in client.get("/").content.decode()


def test_setlang_does_not_redirect_to_another_host(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"


# Words that stay as they are on Thai pages: the other language's name, codes and proper names.
UNTRANSLATED_ON_PURPOSE = {"English", "ENV", "ECO", "MOB", "ENE", "PEO", "LIV", "GOV", "GeoThai", "Sarabun"}


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password_reset/",
        "/accounts/password_reset/done/",
        "/accounts/reset/done/",
        "/accounts/reset/MQ/set-password/",  # a link that does not work
        "/admin/login/",
    ],
)
def test_thai_pages_show_no_untranslated_english(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert untranslated(visible_text(response, attributes=True)) == []


def test_the_password_rules_of_the_signup_page_are_thai(client):
    html = client.get("/accounts/signup/").content.decode()
    assert "รหัสผ่านต้องมีอย่างน้อย 8 ตัวอักษร" in html
    assert "รหัสผ่านต้องไม่คล้ายกับข้อมูลส่วนตัวอื่นของท่านมากเกินไป" in html
    assert "รหัสผ่านต้องไม่ใช่รหัสผ่านที่มีผู้ใช้กันทั่วไป" in html
    assert "รหัสผ่านต้องไม่เป็นตัวเลขทั้งหมด" in html
    response = client.post(
        "/accounts/signup/",
        {"name": "สมชาย ใจดี", "email": "somchai@example.org", "password1": "1234567", "password2": "1234567"},
    )
    html = response.content.decode()
    assert "รหัสผ่านนี้สั้นเกินไป ต้องมีอย่างน้อย 8 ตัวอักษร" in html
    assert "รหัสผ่านนี้มีผู้ใช้กันมากเกินไป คาดเดาได้ง่าย" in html
    assert "รหัสผ่านนี้เป็นตัวเลขทั้งหมด" in html
    response = client.post(
        "/accounts/signup/",
        {
            "name": "สมชาย",
            "email": "somchai.kaewmala@example.org",
            "password1": "somchai.kaewmala",
            "password2": "somchai.kaewmala",
        },
    )
    assert "รหัสผ่านคล้ายกับชื่อผู้ใช้มากเกินไป" in response.content.decode()  # the address is the username
    assert untranslated(visible_text(response, attributes=True)) == []
    assert get_user_model().objects.count() == 0


# --- The admin in Thai, as the demo secretariat


@pytest.fixture
def demo(settings):
    settings.DEBUG = True  # seed_demo refuses to run otherwise
    call_command("seed_demo", verbosity=0)


@pytest.fixture
def secretariat(client, demo):
    assert client.login(username="secretariat", password="secretariat-demo")
    return client


def admin_pages():
    from certification.models import AwardRound, Meeting

    meeting = Meeting.objects.order_by("pk").first()
    award_round = AwardRound.objects.get(year=2565)
    return {
        "index": reverse("admin:index"),
        "changelist with filters and counts": reverse("admin:certification_meeting_changelist")
        + "?_facets=1",
        "changelist with filters": reverse("admin:certification_meeting_changelist"),
        "changelist searched, nothing found": reverse("admin:certification_meeting_changelist") + "?q=ไม่มีคำนี้",
        "add form": reverse("admin:certification_meeting_add"),
        "change form": reverse("admin:certification_meeting_change", args=[meeting.pk]),
        "change form with dates": reverse("admin:certification_awardround_change", args=[award_round.pk]),
        "history": reverse("admin:certification_awardround_history", args=[award_round.pk]),
        "password change": reverse("admin:password_change"),
        "app index": reverse("admin:app_list", args=["certification"]),
    }


@pytest.mark.parametrize(
    "page",
    [
        "index",
        "changelist with filters and counts",
        "changelist with filters",
        "changelist searched, nothing found",
        "add form",
        "change form",
        "change form with dates",
        "history",
        "password change",
        "app index",
    ],
)
def test_thai_admin_pages_show_no_untranslated_english(secretariat, page):
    response = secretariat.get(admin_pages()[page])
    assert response.status_code == 200
    assert untranslated(visible_text(response, attributes=True)) == []


# Django's own strings the Thai admin used to show in English, or in bad Thai ("None available" was
# ไม่ว่าง, "busy").
DJANGO_ENGLISH = [
    "Show counts", "Hide counts", "Clear all filters", "Toggle theme", "Start typing to filter",
    "Filter navigation items", "None available", "Skip to main content", "Breadcrumbs", "Sidebar",
    "Toggle navigation", "Select all objects on this page", "Select this object for an action",
    "0 of ", "Model name", "Add link", "Change or view list link", "ไม่ว่าง", "to change", "Hold down",
    "alt=\"True\"", "alt=\"False\"", "alt=\"Search\"", "sorting", "Yes, I’m sure",
]  # fmt: skip


def test_djangos_own_strings_are_thai_in_the_admin(secretariat):
    pages = admin_pages()
    html = "".join(secretariat.get(url).content.decode() for url in pages.values())
    html += secretariat.get(reverse("admin:cities_certifiedcity_changelist")).content.decode()
    assert [english for english in DJANGO_ENGLISH if english in html] == []
    changelist = secretariat.get(pages["changelist with filters"]).content.decode()
    for thai in [
        "แสดงจำนวน",  # Show counts
        "ตัวกรอง",
        "พิมพ์เพื่อกรองรายการ…",  # the sidebar's filter
        "กรองรายการในเมนูนำทาง",
        "สลับธีม (ธีมปัจจุบัน: อัตโนมัติ)",
        "สลับธีม (ธีมปัจจุบัน: สว่าง)",
        "สลับธีม (ธีมปัจจุบัน: มืด)",
        "ข้ามไปยังเนื้อหาหลัก",
        "เลือกการประชุมที่จะแก้ไข",  # Select meeting to change
        "เพิ่มการประชุม",  # Add meeting
    ]:
        assert thai in changelist, thai
    # The actions bar, on a list with actions.
    applications = secretariat.get(reverse("admin:certification_application_changelist")).content.decode()
    count = applications.count('name="_selected_action"')
    assert count > 0
    for thai in [
        "คำสั่ง:",
        'title="ดำเนินการตามคำสั่งที่เลือก"',
        ">ดำเนินการ<",  # Go
        'aria-label="เลือกทุกรายการในหน้านี้เพื่อดำเนินการ"',
        f"เลือก 0 จาก {count} รายการ",
    ]:
        assert thai in applications, thai
    assert "ซ่อนจำนวน" in secretariat.get(pages["changelist with filters and counts"]).content.decode()
    assert "ยังไม่มี" in secretariat.get(pages["index"]).content.decode()  # None available (recent actions)
    searched = secretariat.get(pages["changelist searched, nothing found"]).content.decode()
    assert "พบ 0 รายการ" in searched  # 0 results
    assert 'alt="ค้นหา"' in searched
    cities = secretariat.get(reverse("admin:cities_certifiedcity_changelist")).content.decode()
    assert 'alt="ใช่"' in cities and 'alt="ไม่ใช่"' in cities  # the sample-data column's icons


def test_file_sizes_are_written_with_thai_units_on_thai_pages():
    from django.template.defaultfilters import filesizeformat
    from django.utils import translation

    sizes = [500, 8_400, 20 * 1024 * 1024, 3 * 1024**3]
    with translation.override("th"):
        assert [filesizeformat(size) for size in sizes] == [
            "500\xa0ไบต์", "8.2\xa0กิโลไบต์", "20.0\xa0เมกะไบต์", "3.0\xa0กิกะไบต์",
        ]  # fmt: skip
    with translation.override("en"):
        assert filesizeformat(8_400) == "8.2\xa0KB"


def test_permissions_are_named_in_the_pages_language(client, demo):
    from django.contrib.auth.models import Group

    assert client.login(username="admin", password="admin-demo")
    url = reverse("admin:auth_group_change", args=[Group.objects.order_by("pk").first().pk])
    options = re.findall(r"<option value=\"\d+\"[^>]*>([^<]+)</option>", client.get(url).content.decode())
    assert "การดูแลระบบ | บันทึกการแก้ไข | เพิ่มบันทึกการแก้ไขได้" in options
    assert "การรับรอง | การประชุม | แก้ไขการประชุมได้" in options
    assert [option for option in options if "Can " in option] == []
    client.cookies["language"] = "en"
    options = re.findall(r"<option value=\"\d+\"[^>]*>([^<]+)</option>", client.get(url).content.decode())
    assert "Administration | log entry | Can add log entry" in options


def test_a_delete_confirmation_lists_no_link_rows(client, demo):
    from cities.models import CertifiedCity

    assert client.login(username="admin", password="admin-demo")
    city = CertifiedCity.objects.filter(provinces__isnull=False).order_by("pk").first()
    response = client.get(reverse("admin:cities_certifiedcity_delete", args=[city.pk]))
    html = response.content.decode()
    assert "relationship" not in html and "_provinces object" not in html
    assert {str(name): count for name, count in response.context["model_count"]} == {
        "เมืองอัจฉริยะที่ได้รับการรับรอง": 1,
        "ดัชนีความก้าวหน้า": 2,  # the demo's sample progress of 2565 and 2566 (Phuket)
    }
    assert untranslated(visible_text(response, attributes=True)) == []


def test_the_admins_success_messages_are_thai(secretariat):
    from certification.enums import Body
    from certification.models import Meeting

    data = {
        "body": Body.COMMITTEE,
        "year": "2569",
        "number": "9",
        "date": "17/3/2569",
        "agenda": "",
        "resolutions-TOTAL_FORMS": "0",
        "resolutions-INITIAL_FORMS": "0",
    }
    response = secretariat.post(reverse("admin:certification_meeting_add"), data, follow=True)
    meeting = Meeting.objects.get(body=Body.COMMITTEE, year=2569, number=9)
    assert [str(m) for m in response.context["messages"]] == [
        f'เพิ่มการประชุม “<a href="{reverse("admin:certification_meeting_change", args=[meeting.pk])}">'
        f"{meeting}</a>” เรียบร้อยแล้ว"
    ]
    change = reverse("admin:certification_meeting_change", args=[meeting.pk])
    response = secretariat.post(change, {**data, "date": "18/3/2569", "_continue": "1"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        f'แก้ไขการประชุม “<a href="{change}">{meeting}</a>” เรียบร้อยแล้ว ท่านแก้ไขต่อได้ด้านล่าง'
    ]
    assert Meeting.objects.get(pk=meeting.pk).date.isoformat() == "2026-03-18"


def test_the_admins_password_change_page_is_thai(secretariat):
    url = reverse("admin:password_change")
    html = secretariat.get(url).content.decode()
    assert "เพื่อความปลอดภัย โปรดกรอกรหัสผ่านเดิม แล้วกรอกรหัสผ่านใหม่สองครั้งเพื่อตรวจสอบว่าพิมพ์ถูกต้อง" in html
    assert "รหัสผ่านต้องมีอย่างน้อย 8 ตัวอักษร" in html
    data = {"old_password": "secretariat-demo", "new_password1": "12345", "new_password2": "12345"}
    html = secretariat.post(url, data).content.decode()
    assert "รหัสผ่านนี้สั้นเกินไป ต้องมีอย่างน้อย 8 ตัวอักษร" in html
    assert "รหัสผ่านนี้เป็นตัวเลขทั้งหมด" in html
    data = {
        "old_password": "wrong",
        "new_password1": "Kaeng-Krachan-2569",
        "new_password2": "Kaeng-Krachan-2569",
    }
    assert "รหัสผ่านเดิมไม่ถูกต้อง โปรดกรอกอีกครั้ง" in secretariat.post(url, data).content.decode()
    assert secretariat.login(username="secretariat", password="secretariat-demo")  # nothing changed


def javascript_catalog(client):
    """The messages of the admin's JavaScript catalog (none when the page's language is English)."""
    response = client.get(reverse("admin:jsi18n"))
    assert response.status_code == 200
    found = re.search(r"const newcatalog = (\{.*?\n  \});", response.content.decode(), flags=re.S)
    return json.loads(found[1]) if found else {}


def listed_javascript_messages():
    """The catalog keys of the messages smartcity/django_strings.js lists ("context\x04id" with a
    context)."""
    keys = []
    for line in JS_SOURCE.read_text().splitlines():
        if match := re.fullmatch(r"(n?gettext|pgettext)\((.*)\);", line):
            function, arguments = match[1], json.loads(f"[{match[2]}]")
            keys.append(f"{arguments[0]}\x04{arguments[1]}" if function == "pgettext" else arguments[0])
    return keys


def test_the_admins_javascript_speaks_thai(secretariat):
    catalog = javascript_catalog(secretariat)
    assert catalog["%(sel)s of %(cnt)s selected"] == ["เลือก %(sel)s จาก %(cnt)s รายการ"]
    assert catalog["Choose all %s"] == "เลือก%sทั้งหมด"
    assert catalog["abbrev. month January\x04Jan"] == "ม.ค."
    keys = listed_javascript_messages()
    assert len(keys) == 76
    assert [
        key for key in keys if not THAI.search(json.dumps(catalog.get(key, ""), ensure_ascii=False))
    ] == []
    secretariat.cookies["language"] = "en"
    assert javascript_catalog(secretariat) == {}


JS_SOURCE = PROJECT_DIR / "smartcity" / "django_strings.js"


@pytest.mark.parametrize("po_file", [PO_FILE, JS_PO_FILE], ids=["django", "djangojs"])
def test_translations_are_complete(po_file):
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po_file)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"\d+ translated messages\.", result.stderr.strip()), result.stderr


def msgids(po_text):
    entries = re.findall(r'^msgid ((?:".*"\n)+)', po_text, flags=re.M)
    return {"".join(re.findall(r'"(.*)"', entry)) for entry in entries} - {""}


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_translation_file_is_up_to_date_with_the_code(tmp_path, domain):
    """makemessages on a copy of the project (as `make makemessages` runs it) finds no string the
    committed .po lacks, and no stale one."""
    copy = tmp_path / "project"
    shutil.copytree(
        PROJECT_DIR,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "var", "tests", "bench", "__pycache__", "*.mo", "node_modules"
        ),
    )
    command = ["makemessages", f"--domain={domain}", "--locale=th", "--no-obsolete", "--no-location"]
    result = subprocess.run(
        [sys.executable, "manage.py", *command, "--ignore=static/vendor"],
        cwd=copy,
        env=project_env(DJANGO_SETTINGS_MODULE="smartcity.settings.test"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    regenerated = msgids((copy / f"locale/th/LC_MESSAGES/{domain}.po").read_text())
    committed = msgids((LOCALE_DIR / f"{domain}.po").read_text())
    assert regenerated - committed == set(), "strings not in the .po yet: run `make makemessages`"
    assert committed - regenerated == set(), "stale strings in the .po: run `make makemessages`"
    if domain == "djangojs":
        assert "Choose all %s" in regenerated  # the admin's messages, from smartcity/django_strings.js
