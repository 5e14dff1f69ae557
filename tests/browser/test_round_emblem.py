"""An official prepares a round's documents in a real browser: the round's emblem is refused when it is
not a picture and printed once it is one, and the pre-flight check names the document whose text
cannot fit, though it is already rendered."""

import io
import subprocess

import pytest
from PIL import Image

from certification.enums import DocumentStatus, Role
from tests.browser.conftest import staff_page
from tests.certification.awards_helpers import awarded, round_2565
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


def emblem_png():
    picture = io.BytesIO()
    Image.new("RGB", (90, 30), "#1d4e89").save(picture, "PNG")
    return picture.getvalue()


def upload_emblem(page, content, name):
    page.set_input_files("#id_emblem", files=[{"name": name, "mimeType": "image/png", "buffer": content}])
    with page.expect_navigation():
        page.locator("input[name=_continue]").click()


def test_an_official_sets_the_rounds_emblem_and_reads_the_preflight(browser, live_server, tmp_path):
    award_round = round_2565()
    long_area = "เขตพื้นที่พัฒนาเมืองอัจฉริยะเพื่อความยั่งยืน" * 16
    award = awarded(award_round, area_name=long_area)
    award.documents.update(status=DocumentStatus.READY)  # printed already: the check still looks at it

    page = staff_page(browser, live_server, UserFactory(role=Role.OFFICIAL))
    page.goto(f"{live_server.url}/admin/certification/awardround/{award_round.pk}/change/")
    upload_emblem(page, b"MZ\x90\x00 not a picture", "emblem.png")
    assert "ตราสัญลักษณ์ต้องเป็นภาพวาด SVG หรือภาพ PNG" in page.locator(".errorlist").inner_text()
    upload_emblem(page, emblem_png(), "emblem.png")
    assert page.locator(".errorlist").count() == 0
    award_round.refresh_from_db()
    assert award_round.emblem.name.startswith("emblems/")

    page.goto(f"{live_server.url}/admin/certification/awardround/{award_round.pk}/documents/")
    problems = page.locator("#preflight").inner_text()
    assert f"SCT-2565-001: “{long_area} จังหวัดลำปาง” ยาวเกินพื้นที่ แม้ใช้ตัวอักษรขนาด 12 พอยต์ 2 บรรทัด" in problems

    # The preview opens in the browser's PDF viewer; the same session fetches the file behind the link.
    preview = page.get_by_role("link", name="เกียรติบัตร").get_attribute("href")
    response = page.request.get(live_server.url + preview)
    assert response.headers["content-type"] == "application/pdf"
    path = tmp_path / "preview.pdf"
    path.write_bytes(response.body())
    images = subprocess.run(["pdfimages", "-list", path], capture_output=True, text=True, check=True).stdout
    assert ["90", "30"] in [row.split()[3:5] for row in images.splitlines()[2:]]  # the emblem, printed
    text = subprocess.run(["pdftotext", "-raw", path, "-"], capture_output=True, text=True, check=True).stdout
    assert "ให้ไว้ ณ วันที่ ๙ มกราคม พ.ศ. ๒๕๖๖" in text
