"""Renders the sample pictures of docs/samples (and docs/documents.md): a certificate, a plaque and a
promotion-zone certificate of the current template version, from the admin's preview data with two
signatories (one with a signature image, one signing on the line), signed as a worker signs them.

    .venv/bin/python scripts/render_samples.py [dpi]

Uses the test settings (temporary media and a demonstration signing certificate); writes
docs/samples/<kind>.png at 75 dpi unless told otherwise, and the PDFs in the temporary folder.
"""

import io
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartcity.settings.test")
os.environ["ENV_FILE"] = os.devnull

import django  # noqa: E402

django.setup()

from django.core.files.base import ContentFile  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

from certification import documents, layout, signing, snapshots  # noqa: E402
from certification.models import private_storage  # noqa: E402


def signature_image():
    image = Image.new("RGBA", (480, 160), (255, 255, 255, 0))
    points = [(24 + x * 12, 80 + int(36 * math.sin(x / 2.5)) - x % 5) for x in range(36)]
    ImageDraw.Draw(image).line(points, fill=(20, 30, 110, 255), width=5)
    picture = io.BytesIO()
    image.save(picture, "PNG")
    return private_storage().save("signatures/sample-signature.png", ContentFile(picture.getvalue()))


def main(dpi=75):
    signing.ensure_demo_certificate()
    signature = signature_image()
    signatories = [
        {"name": "นายสมมติ ลงนาม (ข้อมูลตัวอย่าง)", "position": "ประธานกรรมการขับเคลื่อนการพัฒนาเมืองอัจฉริยะ",
         "signature": signature},
        {"name": "นางสมมุติ ลงชื่อ (ข้อมูลตัวอย่าง)", "position": "ผู้อำนวยการใหญ่สำนักงานส่งเสริมเศรษฐกิจดิจิทัล",
         "signature": ""},
    ]  # fmt: skip
    out = ROOT / "docs" / "samples"
    for kind in documents.TEMPLATE_DIRS:
        data = snapshots.sample_snapshot(kind)
        data["signatories"] = signatories
        data = snapshots.printed(kind, data, data["digit_style"])
        pdf = signing.sign(documents.render_document_pdf(kind, layout.CURRENT_TEMPLATE_VERSION, data))
        pdf_path = Path(tempfile.gettempdir()) / f"sample-{kind}.pdf"
        pdf_path.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", str(dpi), "-png", "-singlefile", str(pdf_path), str(out / kind)], check=True
        )
        print(out / f"{kind}.png")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
