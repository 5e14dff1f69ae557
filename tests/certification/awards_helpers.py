"""Shared set-up of the award and document tests."""

import datetime
import io
import subprocess

from django.core.files.base import ContentFile
from PIL import Image

from certification.enums import DigitStyle, Role, Status
from certification.models import AwardRound, Signatory
from certification.services import awards
from tests.factories import COMPLETE_PROPOSAL, ApplicationFactory, UserFactory


def signature_png():
    picture = io.BytesIO()
    image = Image.new("RGB", (120, 40), "white")
    for x in range(10, 110):
        image.putpixel((x, 20 + (x % 7)), (10, 20, 90))
    image.save(picture, "PNG")
    return picture.getvalue()


def round_2565(*, signature=True):
    award_round = AwardRound.objects.create(
        year=2565, ceremony_date=datetime.date(2023, 1, 9), digit_style=DigitStyle.THAI
    )
    signatory = Signatory(round=award_round, order=1, name="นายทดสอบ ลงนาม", position="ประธานกรรมการ")
    if signature:
        signatory.signature.save("chair.png", ContentFile(signature_png()), save=False)
    signatory.save()
    return award_round


def endorsed(title="ลำปางเมืองน่าอยู่อัจฉริยะ", area_name="เขตเทศบาลนครลำปาง"):
    area = {**COMPLETE_PROPOSAL["area"], "area_name": [area_name]}
    return ApplicationFactory(status=Status.ENDORSED, complete=True, title=title, sections={"area": area})


def secretariat():
    return UserFactory(role=Role.SECRETARIAT)


def awarded(award_round, title="ลำปางเมืองน่าอยู่อัจฉริยะ", **kwargs):
    return awards.award(endorsed(title, **kwargs), award_round, actor=secretariat())


def pdftotext(pdf_bytes):
    result = subprocess.run(["pdftotext", "-raw", "-", "-"], input=pdf_bytes, capture_output=True, check=True)
    return result.stdout.decode()


def qr_payloads(pdf_path, tmp_path):
    """The QR codes on the PDF's first page, read by zbarimg from a 200 dpi rendering."""
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-singlefile", str(pdf_path), str(tmp_path / "page")], check=True
    )
    result = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(tmp_path / "page.png")],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.split()


def word_boxes(pdf_bytes):
    """Every word of the PDF's first page with its box in millimetres from the top left of the page
    (``pdftotext -bbox``): [(word, x_min, y_min, x_max, y_max)], and the page's (width, height)."""
    import re

    html = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", "-", "-"],
        input=pdf_bytes,
        capture_output=True,
        check=True,
    ).stdout.decode()
    to_mm = 25.4 / 72
    page = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', html)
    words = [
        (word, *(float(v) * to_mm for v in box))
        for *box, word in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', html
        )
    ]
    return words, (float(page[1]) * to_mm, float(page[2]) * to_mm)


def signature_status(pdf_bytes):
    """pyHanko's own validation of the PDF's first signature, trusting the configured certificate."""
    import concurrent.futures
    import io

    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    from certification import signing

    signature = PdfFileReader(io.BytesIO(pdf_bytes)).embedded_signatures[0]
    context = ValidationContext(trust_roots=[signing.identity().signer.signing_cert], allow_fetching=False)
    # In a thread: pyHanko starts an event loop, which it cannot where the browser tests run Playwright's.
    with concurrent.futures.ThreadPoolExecutor(1) as thread:
        return thread.submit(validate_pdf_signature, signature, context).result()
