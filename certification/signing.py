"""Signatures that make each document prove itself: PAdES (ETSI.CAdES.detached) signatures by the
issuing body's key, added by pyHanko to the rendered PDF/A file as an incremental update, and the
check of a PDF that anyone drops on ``/verify/``.

The key and its certificate come from a PKCS#12 file (``DOCUMENT_SIGNING_PKCS12``, its passphrase in
``DOCUMENT_SIGNING_PASSPHRASE``), loaded once per worker process. Without one, documents are not signed
and the pre-flight check says so. ``make run`` (``seed_demo``) and the test suite generate a
demonstration certificate when none exists at the configured path: its subject says DEMO, and so do
the documents it signs (the signature's reason and the subject in the document's metadata).

Speed. pyHanko builds the CMS signature with asn1crypto, whose assembly of the same few structures
(the signer's certificate, the signing-certificate-v2 attribute) took 15 to 25 ms a document, as
long as the rendering itself; the signature proper takes a twentieth of a millisecond.
``TemplateSigner`` builds the CMS once per process with pyHanko, then for each document puts the
document's digest into the signed attributes, signs them and puts the signature in (under a
millisecond). pyHanko still prepares the PDF, computes the digest and embeds the result, and its own
validation checks every signature in the tests.
"""

import asyncio
import concurrent.futures
import datetime
import functools
import hashlib
import io
import logging
import os
import secrets
import tempfile
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from asn1crypto import cms
from cryptography import x509 as crypto_x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

logger = logging.getLogger(__name__)

SIGNATURE_FIELD = "Signature"
DEMO_MARK = "DEMO"
DEMO_SUBJECT = "Smart City Thailand document signing DEMO (not for official use)"
DEMO_NOTE = (
    "DEMO: signed with a local demonstration certificate, not by the issuing body "
    "(เอกสารสาธิต ลงนามด้วยใบรับรองสาธิต ไม่ใช่ของหน่วยงานผู้ออก)"
)
REASON = "ออกโดยโครงการเมืองอัจฉริยะประเทศไทย (issued by the Smart City Thailand programme)"
DIGEST = "sha256"


def _outside_event_loops(function, *args):
    """Runs one of pyHanko's synchronous calls, each of which starts an event loop of its own: in this
    thread, or in a thread of its own when this one already runs a loop (an ASGI server's, or
    Playwright's in the browser tests), where Python refuses to start another."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args)
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(function, *args).result()


class SigningUnavailable(RuntimeError):
    """A signing certificate is configured but cannot be used (missing file, wrong passphrase)."""


class TemplateSigner(signers.SimpleSigner):
    """pyHanko's signer, with the CMS structure built once and reused: see the module docstring. Any
    signature this shortcut does not cover (another digest, a timestamp, other attributes) goes the
    ordinary way."""

    _template = None  # (the CMS's DER, the placeholder digest in it)

    async def async_sign(
        self,
        data_digest,
        digest_algorithm,
        dry_run=False,
        use_pades=False,
        timestamper=None,
        signed_attr_settings=None,
        is_pdf_sig=True,
        encap_content_info=None,
    ):
        extra = signed_attr_settings is not None and (
            signed_attr_settings.cades_signed_attrs is not None
            or getattr(signed_attr_settings, "adobe_revinfo_attr", None) is not None
        )
        if digest_algorithm != DIGEST or not use_pades or timestamper or encap_content_info or extra:
            return await super().async_sign(
                data_digest, digest_algorithm, dry_run, use_pades, timestamper,
                signed_attr_settings, is_pdf_sig, encap_content_info,
            )  # fmt: skip
        template, placeholder = await self._cms_template()
        content_info = cms.ContentInfo.load(template)
        signer_info = content_info["content"]["signer_infos"][0]
        attributes = signer_info["signed_attrs"].dump()
        # The attributes are signed as a SET (tag 0x31); the SignerInfo holds them tagged [0].
        signed = b"\x31" + attributes[1:].replace(placeholder, data_digest)
        signer_info["signed_attrs"] = cms.CMSAttributes.load(signed)
        signer_info["signature"] = await self.async_sign_raw(signed, DIGEST, dry_run)
        return content_info

    async def _cms_template(self):
        if self._template is None:
            placeholder = secrets.token_bytes(32)
            built = await super().async_sign(placeholder, DIGEST, use_pades=True)
            template = built.dump()
            if built["content"]["signer_infos"][0]["signed_attrs"].dump().count(placeholder) != 1:
                raise SigningUnavailable("The signed attributes could not be prepared")
            self._template = (template, placeholder)
        return self._template

    def reserved_bytes(self):
        """Room for the CMS in the file, in hexadecimal digits (as pyHanko counts it): the template's
        size with a margin for the longest signature."""
        template, _ = _outside_event_loops(asyncio.run, self._cms_template())
        return (len(template) + 128) * 2 // 256 * 256 + 256


@dataclass(frozen=True)
class Identity:
    signer: TemplateSigner
    subject: str
    fingerprint: str  # SHA-256 of the certificate, hex
    is_demo: bool
    reserved: int


def identity():
    """The configured signing identity of this process, or None when no certificate is configured.
    Raises SigningUnavailable when one is configured but cannot be read."""
    path = settings.DOCUMENT_SIGNING_PKCS12
    if not path:
        return None
    try:
        stamp = os.stat(path).st_mtime_ns
    except FileNotFoundError as error:
        raise SigningUnavailable(f"The signing certificate {path} does not exist") from error
    return _load(path, stamp, settings.DOCUMENT_SIGNING_PASSPHRASE)


@functools.lru_cache(maxsize=2)
def _load(path, stamp, passphrase):
    try:
        loaded = signers.SimpleSigner.load_pkcs12(
            path, passphrase=passphrase.encode() if passphrase else None
        )
    except Exception as error:  # pyHanko raises several kinds, or returns None
        raise SigningUnavailable(f"The signing certificate {path} cannot be read: {error}") from error
    if loaded is None:
        raise SigningUnavailable(f"The signing certificate {path} cannot be read (wrong passphrase?)")
    signer = TemplateSigner(
        signing_cert=loaded.signing_cert, signing_key=loaded.signing_key, cert_registry=loaded.cert_registry
    )
    certificate = signer.signing_cert
    subject = certificate.subject.human_friendly
    return Identity(
        signer=signer,
        subject=subject,
        fingerprint=hashlib.sha256(certificate.dump()).hexdigest(),
        is_demo=DEMO_MARK in subject,
        reserved=signer.reserved_bytes(),
    )


def is_configured():
    return bool(settings.DOCUMENT_SIGNING_PKCS12)


def sign(pdf: bytes) -> bytes:
    """The PDF with the issuing body's signature over the whole file (an incremental update), or the
    PDF as it is when no signing certificate is configured."""
    signing = identity()
    if signing is None:
        return pdf
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    if signing.is_demo:
        # The subject, in the document information and the XMP metadata alike (pyHanko keeps the two
        # in step, as PDF/A requires).
        subject = writer.prev.document_meta_view.subject
        writer.document_meta.subject = f"{subject} · {DEMO_NOTE}" if subject else DEMO_NOTE
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        md_algorithm=DIGEST,
        subfilter=SigSeedSubFilter.PADES,
        reason=f"{REASON} · {DEMO_NOTE}" if signing.is_demo else REASON,
    )
    output = io.BytesIO()
    signer = signers.PdfSigner(metadata, signing.signer)
    _outside_event_loops(
        functools.partial(signer.sign_pdf, writer, output=output, bytes_reserved=signing.reserved)
    )
    return output.getvalue()


def make_demo_certificate(path, passphrase, *, days=3650):
    """Writes a self-signed demonstration certificate and its key (ECDSA P-256) as a PKCS#12 file at
    ``path``; its subject says DEMO."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = crypto_x509.Name(
        [
            crypto_x509.NameAttribute(NameOID.COMMON_NAME, DEMO_SUBJECT),
            crypto_x509.NameAttribute(NameOID.ORGANIZATION_NAME, f"Smart City Thailand portal ({DEMO_MARK})"),
            crypto_x509.NameAttribute(NameOID.COUNTRY_NAME, "TH"),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        crypto_x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(crypto_x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(crypto_x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            crypto_x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    encryption = (
        serialization.BestAvailableEncryption(passphrase.encode())
        if passphrase
        else serialization.NoEncryption()
    )
    content = pkcs12.serialize_key_and_certificates(b"demo-signing", key, certificate, None, encryption)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", delete=False) as temporary:
        temporary.write(content)
    os.chmod(temporary.name, 0o600)
    os.replace(temporary.name, path)
    return path


def ensure_demo_certificate():
    """For `make run` and the tests: a demonstration certificate at the configured path when there is
    none yet. Returns the path written, or None."""
    path = settings.DOCUMENT_SIGNING_PKCS12
    if not path or Path(path).exists():
        return None
    logger.info("Generating a demonstration signing certificate at %s", path)
    return make_demo_certificate(path, settings.DOCUMENT_SIGNING_PASSPHRASE)


# --- Checking a PDF that someone hands in (the file drop on /verify/).


class FileVerdict(StrEnum):
    """What a PDF handed in is, as far as its bytes and its signature tell."""

    SIGNED = "signed"  # signed by the programme, covering the whole file, untouched since
    ALTERED = "altered"  # bytes changed inside what the signature covers
    PAGES_ADDED = "pages_added"  # an update added after the signature adds pages
    CHANGED_AFTER_SIGNING = "changed_after_signing"  # an update added after the signature changes content
    FOREIGN = "foreign"  # signed, by someone else
    UNSIGNED = "unsigned"  # no signature at all
    UNREADABLE = "unreadable"  # not a PDF that can be read


@dataclass(frozen=True)
class FileCheck:
    verdict: FileVerdict
    sha256: str
    claimed_serial: str = ""  # the serial the file names itself by (its title), if any
    signer: str = ""  # the subject of the signing certificate, when signed
    pages_added: int = 0


def _page_count(root):
    return int(root["/Pages"]["/Count"])


def _claimed_serial(reader):
    """The title in the document information (the serial, in our documents). Read from the dictionary:
    pyHanko's metadata view, read before a validation, upsets the validation's reading of the file."""
    try:
        return str(reader.trailer_view["/Info"].get_object()["/Title"]).strip()[:32]
    except Exception:  # noqa: BLE001 - a damaged or missing information dictionary names nothing
        return ""


def check_pdf(content: bytes) -> FileCheck:
    """Reads a PDF handed in and says what it is: whether its signature is the programme's, whether
    what the signature covers is intact, and whether anything was added after it. The register's
    side (is this SHA-256 one of ours?) is the caller's."""
    digest = hashlib.sha256(content).hexdigest()
    try:
        reader = PdfFileReader(io.BytesIO(content), strict=False)
        signatures = reader.embedded_signatures
        claimed = _claimed_serial(reader)
    except Exception:  # noqa: BLE001 - whatever pyHanko cannot parse is not a readable PDF
        return FileCheck(FileVerdict.UNREADABLE, digest)
    if not signatures:
        return FileCheck(FileVerdict.UNSIGNED, digest, claimed)
    signature = signatures[0]
    try:
        ours = identity()
    except SigningUnavailable:
        logger.exception("The signing certificate cannot be read to check a file")
        ours = None
    try:
        certificate = signature.signer_cert
        subject = certificate.subject.human_friendly
        if ours is None or hashlib.sha256(certificate.dump()).hexdigest() != ours.fingerprint:
            return FileCheck(FileVerdict.FOREIGN, digest, claimed, subject)
        context = ValidationContext(trust_roots=[certificate], allow_fetching=False)
        status = _outside_event_loops(
            functools.partial(validate_pdf_signature, signature, context, skip_diff=True)
        )
    except Exception:  # noqa: BLE001 - a signature that cannot even be read was tampered with
        return FileCheck(FileVerdict.ALTERED, digest, claimed)
    if not (status.intact and status.valid):
        return FileCheck(FileVerdict.ALTERED, digest, claimed, subject)
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        try:
            added = _page_count(reader.root) - _page_count(
                reader.get_historical_root(signature.signed_revision)
            )
        except Exception:  # noqa: BLE001 - a page tree too damaged to count changed too
            added = 0
        if added > 0:
            return FileCheck(FileVerdict.PAGES_ADDED, digest, claimed, subject, added)
        return FileCheck(FileVerdict.CHANGED_AFTER_SIGNING, digest, claimed, subject)
    return FileCheck(FileVerdict.SIGNED, digest, claimed, subject)
