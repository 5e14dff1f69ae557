"""Thai first, English beside it: the default, the switcher, and translations that are complete."""

import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser

import pytest

from tests.conftest import PROJECT_DIR, project_env

PO_FILE = PROJECT_DIR / "locale" / "th" / "LC_MESSAGES" / "django.po"
THAI = re.compile(r"[\u0E00-\u0E7F]")

pytestmark = pytest.mark.django_db


class VisibleText(HTMLParser):
    """Collects the text a reader sees (not scripts, styles or attribute values)."""

    def __init__(self):
        super().__init__()
        self.skip = 0
        self.texts = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "title"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "title"):
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip and data.strip():
            self.texts.append(" ".join(data.split()))


def visible_text(response):
    parser = VisibleText()
    parser.feed(response.content.decode())
    return parser.texts


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


@pytest.mark.parametrize("path", ["/", "/accounts/login/"])
def test_thai_pages_show_no_untranslated_english(client, path):
    leftovers = [
        text
        for text in visible_text(client.get(path))
        if not THAI.search(text) and re.search(r"[A-Za-z]{3,}", text) and text not in UNTRANSLATED_ON_PURPOSE
    ]
    assert leftovers == []


def test_translations_are_complete():
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(PO_FILE)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"\d+ translated messages\.", result.stderr.strip()), result.stderr


def msgids(po_text):
    entries = re.findall(r'^msgid ((?:".*"\n)+)', po_text, flags=re.M)
    return {"".join(re.findall(r'"(.*)"', entry)) for entry in entries} - {""}


def test_translation_file_is_up_to_date_with_the_code(tmp_path):
    """makemessages on a copy of the project finds no string the committed .po lacks, and no stale one."""
    copy = tmp_path / "project"
    shutil.copytree(
        PROJECT_DIR,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "var", "tests", "bench", "__pycache__", "*.mo", "node_modules"
        ),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--locale=th", "--no-obsolete", "--no-location"],
        cwd=copy,
        env=project_env(DJANGO_SETTINGS_MODULE="smartcity.settings.test"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    regenerated = msgids((copy / "locale/th/LC_MESSAGES/django.po").read_text())
    committed = msgids(PO_FILE.read_text())
    assert regenerated - committed == set(), "strings not in the .po yet: run `make makemessages`"
    assert committed - regenerated == set(), "stale strings in the .po: run `make makemessages`"
