"""Signed electronic results and their public verification.

:func:`dossier_draft_upload` keeps the draft result the handler prepares; when the approver
approves (``services.dossier_approve``), :func:`result_issue_from_draft` signs exactly that draft
with the agency's certificate (PAdES, pyHanko): no result is uploaded after approval. The
visible signature shows a QR code to the public page ``verify:result`` with the dossier code and
the agency; the QR area is also a link. The signed bytes are stored as the dossier's one result
file and their SHA-256 goes into the ledger.

:func:`result_verify` answers "is this the result the agency issued?": the stored PDF's
signature (intact, covering the whole file, signed by the configured certificate), the stored
bytes against the digest recorded at issue and in the ledger (the entry's hash recomputed and
its Merkle inclusion proved, against a signed checkpoint when one covers it), and optionally a
PDF the visitor holds, byte for byte. It never returns the applicant's personal data.

Key material: ``TINHSO_SIGNING_KEY_FILE`` / ``TINHSO_SIGNING_CERT_FILE`` (PEM, passphrase in
``TINHSO_SIGNING_KEY_PASSPHRASE``); an agency with its own certificate signs with it instead
(``<electronic id>.key.pem`` / ``.cert.pem`` in ``TINHSO_SIGNING_AGENCY_DIR``, the nearest
agency above a division that has one otherwise), and verification trusts those certificates.
Without key files, only when ``TINHSO_SIGNING_DEMO`` is on (the default in debug runs; on in
the test settings), a self-signed demo certificate is generated once under
``DATA_DIR/signing/`` and reused. Verification trusts the current certificate and
the PEM files in ``TINHSO_SIGNING_TRUSTED_CERTS`` (earlier certificates, after a rotation).

The stamp embeds the TrueType font ``TINHSO_STAMP_FONT`` (a subset), so the agency's name and
the texts keep their Vietnamese diacritics; without a usable font it falls back to a built-in
PDF font and plain ASCII.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import logging
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import filetype
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tinhso.core.errors import Conflict, DomainError, NotAllowed, NotFound
from tinhso.core.uploads import pdf_content_check
from tinhso.ledger import merkle
from tinhso.ledger.canonical import entry_hash, payload_digest
from tinhso.ledger.models import Checkpoint, Entry
from tinhso.ledger.selectors import LedgerIntegrityError, checkpoint_signature_valid, entry_inclusion_proof
from tinhso.ledger.services import ledger_append
from tinhso.onestop import rules
from tinhso.onestop.dossiers.events import delegation_payload
from tinhso.onestop.dossiers.locks import dossier_lock
from tinhso.onestop.dossiers.states import DRAFT_STATES
from tinhso.onestop.files.services import check_dossier_visible, clean_filename, max_upload_mb, store_new_file
from tinhso.onestop.models import Dossier, DossierEvent, DossierFile, DossierState, FileKind
from tinhso.onestop.notices.services import dossier_notify
from tinhso.org.delegation.selectors import signature_block

if TYPE_CHECKING:
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign.signers import SimpleSigner

    from tinhso.org.models import Agency, Delegation, Person

logger = logging.getLogger(__name__)

RESULT_ACTION = "services.dossier.result_issued"
SIGNATURE_FIELD = "KetQuaGiaiQuyet"
DEMO_COMMON_NAME = "Tỉnh số – chứng thư thử nghiệm"
DEMO_YEARS = 5
# Where the visible signature sits on the last page: x, y from the lower left, width, height (pt).
STAMP_BOX = (36, 36, 400, 110)
STAMP_FONT_SIZE = 9
# What the stamp may need: Basic Latin and Latin-1/Extended (names), combining marks and the
# Vietnamese block, dashes and quotes, the đồng sign.
STAMP_FONT_CODEPOINTS = [
    *range(0x20, 0x7F),
    *range(0xA0, 0x250),
    *range(0x300, 0x324),
    *range(0x1EA0, 0x1EFA),
    *range(0x2010, 0x2028),
    0x20AB,
]


# --- key material ----------------------------------------------------------------------------


def demo_signing_allowed() -> bool:
    """Whether results may be signed with the generated demo certificate (TINHSO_SIGNING_DEMO)."""
    return bool(settings.TINHSO_SIGNING_DEMO)


def demo_material_paths() -> tuple[Path, Path]:
    folder = Path(settings.DATA_DIR) / "signing"
    return folder / "demo-key.pem", folder / "demo-cert.pem"


def _demo_material() -> tuple[Path, Path]:
    """The demo key and self-signed certificate, generated on first use (debug and tests only)."""
    key_path, cert_path = demo_material_paths()
    if key_path.exists() and cert_path.exists():
        return key_path, cert_path
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Tỉnh số"),
            x509.NameAttribute(NameOID.COMMON_NAME, DEMO_COMMON_NAME),
        ]
    )
    # Real time on purpose: certificate validity is judged against the real clock.
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365 * DEMO_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    key_path.parent.mkdir(parents=True, exist_ok=True)
    suffix = secrets.token_hex(4)
    tmp_key, tmp_cert = key_path.with_suffix(f".{suffix}"), cert_path.with_suffix(f".{suffix}")
    fd = os.open(tmp_key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
    tmp_cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    # Certificate first: a reader that finds the key finds its certificate too.
    os.replace(tmp_cert, cert_path)
    os.replace(tmp_key, key_path)
    logger.warning("Generated a self-signed demo signing certificate under %s", key_path.parent)
    return key_path, cert_path


# An electronic id used as a file name: letters, digits and inner dots only (no path).
_AGENCY_FILE_CODE = re.compile(r"[A-Za-z0-9]+(?:\.[A-Za-z0-9]+)*")


def agency_signing_material(agency: Agency | None) -> tuple[Path, Path, bytes | None] | None:
    """The agency's own key and certificate: ``<electronic id>.key.pem`` and
    ``<electronic id>.cert.pem`` in ``TINHSO_SIGNING_AGENCY_DIR``, for ``agency`` or, failing
    that, the nearest agency above it that has them (a division signs with its department's).
    ``None`` when no agency on the way has its own: the platform's certificate signs then."""
    folder = settings.TINHSO_SIGNING_AGENCY_DIR
    if not folder or agency is None or not agency.path:
        return None
    from tinhso.org.models import Agency as AgencyModel

    ids = list(reversed(agency.ancestor_ids))  # the agency first, then upwards
    codes = dict(AgencyModel.objects.filter(pk__in=ids).exclude(code="").values_list("pk", "code"))
    for pk in ids:
        code = codes.get(pk, "")
        if not _AGENCY_FILE_CODE.fullmatch(code):
            continue
        key_path, cert_path = Path(folder) / f"{code}.key.pem", Path(folder) / f"{code}.cert.pem"
        if key_path.is_file() and cert_path.is_file():
            passphrase = settings.TINHSO_SIGNING_KEY_PASSPHRASE
            return key_path, cert_path, passphrase.encode() if passphrase else None
    return None


def signing_material(agency: Agency | None = None) -> tuple[Path, Path, bytes | None]:
    """Key file, certificate file and passphrase: ``agency``'s own (see
    :func:`agency_signing_material`), else the configured ones, or the demo ones."""
    own = agency_signing_material(agency)
    if own is not None:
        return own
    key_file, cert_file = settings.TINHSO_SIGNING_KEY_FILE, settings.TINHSO_SIGNING_CERT_FILE
    if key_file and cert_file:
        passphrase = settings.TINHSO_SIGNING_KEY_PASSPHRASE
        return Path(key_file), Path(cert_file), passphrase.encode() if passphrase else None
    if not demo_signing_allowed():
        raise ImproperlyConfigured(
            "Result signing needs the agency's key and certificate: set TINHSO_SIGNING_KEY_FILE and "
            "TINHSO_SIGNING_CERT_FILE (PEM files; TINHSO_SIGNING_KEY_PASSPHRASE if the key is encrypted), "
            "or set TINHSO_SIGNING_DEMO=1 to sign with a generated self-signed demo certificate "
            "(development only)."
        )
    key_path, cert_path = _demo_material()
    return key_path, cert_path, None


def _signer(agency: Agency | None = None) -> SimpleSigner:
    from pyhanko.sign.signers import SimpleSigner

    key_path, cert_path, passphrase = signing_material(agency)
    signer = SimpleSigner.load(str(key_path), str(cert_path), key_passphrase=passphrase)
    if signer is None:
        raise ImproperlyConfigured(f"Cannot load the result signing key/certificate from {key_path}, {cert_path}.")
    return signer


def trust_root() -> asn1_x509.Certificate:
    """The certificate results are signed with now."""
    from pyhanko.keys import load_cert_from_pemder

    _key_path, cert_path, _passphrase = signing_material()
    return load_cert_from_pemder(str(cert_path))


def trust_roots() -> list[asn1_x509.Certificate]:
    """Every certificate a result may be signed with: the current one and, from
    ``TINHSO_SIGNING_TRUSTED_CERTS``, earlier ones (a PEM file may hold several)."""
    from pyhanko.keys import load_certs_from_pemder

    roots = [trust_root()]
    agency_certs = (
        sorted(Path(settings.TINHSO_SIGNING_AGENCY_DIR).glob("*.cert.pem"))
        if settings.TINHSO_SIGNING_AGENCY_DIR
        else []
    )
    for path in [*agency_certs, *settings.TINHSO_SIGNING_TRUSTED_CERTS]:
        try:
            roots.extend(load_certs_from_pemder([str(path)]))
        except Exception as error:
            raise ImproperlyConfigured(
                f"TINHSO_SIGNING_TRUSTED_CERTS: cannot read a PEM/DER certificate from {path} ({error})."
            ) from error
    return roots


# --- PDF checks ------------------------------------------------------------------------------


def ascii_fold(text: str) -> str:
    """The built-in PDF font has no Vietnamese glyphs: "Sở Tư pháp" → "So Tu phap"."""
    text = text.replace("đ", "d").replace("Đ", "D").replace("–", "-").replace("—", "-")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).encode("ascii", "ignore").decode()


def pdf_check(data: bytes, *, field: str = "pdf") -> None:
    """A :class:`DomainError` unless ``data`` is a readable, unencrypted PDF within the size limit."""
    if not data:
        raise DomainError(_("Tệp rỗng, không có nội dung."), field=field, code="empty")
    if len(data) > settings.TINHSO_UPLOAD_MAX_BYTES:
        raise DomainError(
            _("Tệp vượt quá dung lượng cho phép (tối đa %(mb)s MB).") % {"mb": max_upload_mb()},
            field=field,
            code="too_large",
        )
    kind = filetype.guess(data[:8192])
    if kind is None or kind.mime != "application/pdf":
        raise DomainError(_("Tệp không phải định dạng PDF."), field=field, code="not_pdf")
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        encrypted = reader.encrypted
        pages = int(reader.root["/Pages"]["/Count"])
    except Exception:
        raise DomainError(_("Tệp PDF bị hỏng hoặc không đọc được."), field=field, code="bad_pdf") from None
    if encrypted:
        raise DomainError(_("Tệp PDF đang được đặt mật khẩu, không thể ký số."), field=field, code="encrypted_pdf")
    if pages < 1:
        raise DomainError(_("Tệp PDF không có trang nào."), field=field, code="bad_pdf")


def verification_url(token: str) -> str:
    return settings.TINHSO_PUBLIC_URL + reverse("verify:result", args=[token])


# --- signing ---------------------------------------------------------------------------------


def stamp_font_path() -> Path | None:
    """The stamp's TrueType/OpenType font, or ``None`` (then a built-in font and ASCII text)."""
    configured = settings.TINHSO_STAMP_FONT
    if not configured:
        return None
    path = Path(configured)
    if not path.is_file():
        logger.warning("TINHSO_STAMP_FONT %s is not a file: the signature stamp is written without diacritics", path)
        return None
    return path


@functools.lru_cache(maxsize=4)
def _font_program(path: str, mtime_ns: int) -> bytes:
    """The stamp font cut down to Latin and Vietnamese, rescaled to 1000 units per em.

    pyHanko 0.38 writes the embedded font's glyph widths in the font's own units, where PDF
    expects thousandths of an em: a 2048-unit TrueType font (DejaVu, Liberation) would come out
    with every letter spaced twice too wide. Done once per font file and process (about 1 s).
    """
    from fontTools import subset, ttLib
    from fontTools.ttLib.scaleUpem import scale_upem

    font = ttLib.TTFont(path)
    options = subset.Options()
    options.hinting = False  # instructions are not rescaled; a PDF reader does not need them
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=STAMP_FONT_CODEPOINTS)
    subsetter.subset(font)
    if font["head"].unitsPerEm != 1000:
        scale_upem(font, 1000)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _font_engine_factory(font: Path, size: int) -> Any:
    from pyhanko.pdf_utils.font.api import FontEngineFactory
    from pyhanko.pdf_utils.font.opentype import GlyphAccumulator

    program = _font_program(str(font), font.stat().st_mtime_ns)

    class StampFont(FontEngineFactory):
        def create_font_engine(self, writer: Any, obj_stream: Any = None) -> GlyphAccumulator:
            if obj_stream is None and writer.stream_xrefs:
                obj_stream = writer.prepare_object_stream()
            return GlyphAccumulator(
                writer=writer,
                font_handle=io.BytesIO(program),
                font_size=size,
                bcp47_lang_code="vi",
                obj_stream=obj_stream,
            )

    return StampFont()


def _stamp_style(font: Path | None, template: str) -> Any:
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import QRStampStyle

    if font is None:
        return QRStampStyle(stamp_text=template, border_width=1)
    size = STAMP_FONT_SIZE
    return QRStampStyle(
        stamp_text=template,
        border_width=1,
        text_box_style=TextBoxStyle(font=_font_engine_factory(font, size), font_size=size, leading=size + 2),
    )


def _sign(
    pdf: bytes,
    *,
    url: str,
    code: str,
    agency: str,
    signer_agency: Agency | None = None,
    signed_as: list[str] | None = None,
) -> bytes:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.generic import pdf_name, pdf_string
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    last = int(writer.root["/Pages"]["/Count"]) - 1
    page_ref, _resources = writer.find_page_for_modification(last)
    media_box = [float(value) for value in page_ref.get_object()["/MediaBox"]]
    x, y, width, height = STAMP_BOX
    box = (media_box[0] + x, media_box[1] + y, media_box[0] + x + width, media_box[1] + y + height)
    # The signature widget is not clickable in most readers: a link over it opens the page.
    link = generic.DictionaryObject(
        {
            pdf_name("/Type"): pdf_name("/Annot"),
            pdf_name("/Subtype"): pdf_name("/Link"),
            pdf_name("/Rect"): generic.ArrayObject([generic.FloatObject(v) for v in box]),
            pdf_name("/Border"): generic.ArrayObject([generic.NumberObject(0)] * 3),
            pdf_name("/A"): generic.DictionaryObject(
                {
                    pdf_name("/S"): pdf_name("/URI"),
                    pdf_name("/URI"): pdf_string(url),
                }
            ),
        }
    )
    writer.register_annotation(page_ref, writer.add_object(link))
    font = stamp_font_path()
    # Without an embedded font the built-in one has no Vietnamese glyphs: plain ASCII then.
    plain = (lambda text: text) if font is not None else ascii_fold
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=_("Kết quả giải quyết thủ tục hành chính"),
        location=_("Việt Nam"),
    )
    template = _(
        "Mã hồ sơ: %(code)s\nCơ quan: %(agency)s\nKý số: %(when)s\nQuét mã QR hoặc truy cập:\n"
        "%(url_base)s\n%(url_token)s"
    )
    # Signed under a delegation: the Decree 30 block ("KT. GIÁM ĐỐC", the signer's title and
    # name) under the agency, as parameters (a name is text, never part of the template).
    signed_params = {f"signed_{n}": plain(line) for n, line in enumerate(signed_as or [])}
    if signed_params:
        head, tail = template.split("\n", 2)[:2], template.split("\n", 2)[2]
        template = "\n".join([*head, *(f"%({key})s" for key in signed_params), tail])
    style = _stamp_style(font, plain(template))
    signer = signers.PdfSigner(
        meta,
        signer=_signer(signer_agency),
        stamp_style=style,
        # PDF coordinates are real numbers; pyHanko annotates the box as integers but draws any.
        new_field_spec=fields.SigFieldSpec(SIGNATURE_FIELD, on_page=last, box=box),  # type: ignore[arg-type]
    )
    when = timezone.localtime().strftime("%d/%m/%Y %H:%M (GMT%z)")
    # The address on two lines, so the text stays legible in the stamp.
    cut = url.rstrip("/").rindex("/") + 1
    out = signer.sign_pdf(
        writer,
        appearance_text_params={
            "url": url,
            "url_base": url[:cut],
            "url_token": url[cut:],
            "code": plain(code),
            "agency": plain(agency),
            "when": when,
            **signed_params,
        },
    )
    return out.getvalue()


# --- draft and issue --------------------------------------------------------------------------

DRAFT_ACTION = "services.dossier.draft_result"


def dossier_draft(dossier: Dossier) -> DossierFile | None:
    """The draft result of ``dossier`` (at most one), or None."""
    return DossierFile.objects.filter(dossier_id=dossier.pk, kind=FileKind.DRAFT).first()


def _upload_bytes(upload: Any) -> bytes:
    if upload is None:
        raise DomainError(_("Vui lòng chọn tệp PDF dự thảo kết quả."), field="file", code="required")
    size = getattr(upload, "size", None)
    if size is not None and size > settings.TINHSO_UPLOAD_MAX_BYTES:
        raise DomainError(
            _("Tệp vượt quá dung lượng cho phép (tối đa %(mb)s MB).") % {"mb": max_upload_mb()},
            field="file",
            code="too_large",
        )
    upload.seek(0)
    data = upload.read(settings.TINHSO_UPLOAD_MAX_BYTES + 1)
    if len(data) > settings.TINHSO_UPLOAD_MAX_BYTES:
        raise DomainError(
            _("Tệp vượt quá dung lượng cho phép (tối đa %(mb)s MB).") % {"mb": max_upload_mb()},
            field="file",
            code="too_large",
        )
    return data


@transaction.atomic
def dossier_draft_upload(*, actor: Person, dossier: Dossier, upload: Any) -> DossierFile:
    """The assigned handler uploads the draft result (PDF), replacing the one before, so that the
    approver sees what they approve; on approval exactly this file is signed and issued.

    The draft is internal: the applicant never sees it. A replaced draft's row goes and its
    stored file is removed once the transaction commits; the ledger keeps both digests.
    """
    check_dossier_visible(actor, dossier)
    dossier = dossier_lock(dossier)
    if dossier.state not in DRAFT_STATES:
        raise Conflict(
            _(
                "Hồ sơ đang ở trạng thái “%(state)s”: chỉ tải lên dự thảo kết quả khi hồ sơ đang thẩm định hoặc chờ "
                "phê duyệt."
            )
            % {"state": DossierState(dossier.state).label},
            code="wrong_state",
        )
    if not rules.may_upload_draft(actor, dossier):
        raise NotAllowed(
            _("Chỉ chuyên viên được phân công thụ lý hồ sơ được tải lên dự thảo kết quả."), code="forbidden"
        )
    data = _upload_bytes(upload)
    pdf_check(data, field="file")
    pdf_content_check(data, field="file")  # refused now, not when the approver signs it
    previous = dossier_draft(dossier)
    replaced = None
    if previous is not None:
        replaced = {"file": previous.pk, "sha256": previous.sha256}
        old_name = previous.file.name
        previous.delete()
        if old_name:
            storage = previous.file.storage
            transaction.on_commit(lambda: storage.delete(old_name))
    row = DossierFile(
        dossier=dossier,
        kind=FileKind.DRAFT,
        original_name=clean_filename(getattr(upload, "name", ""), "pdf"),
        content_type="application/pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        digitised=False,
        signed=False,
        owner=None,
        uploaded_by=actor,
    )

    def record() -> None:
        DossierEvent.objects.create(
            dossier=dossier,
            action="draft_result",
            from_state=dossier.state,
            to_state=dossier.state,
            actor=actor,
            agency=dossier.handling_agency,
            note=_("Thay dự thảo kết quả.") if replaced else _("Tải lên dự thảo kết quả."),
            at=timezone.now(),
        )
        ledger_append(
            actor=actor,
            action=DRAFT_ACTION,
            obj=row,
            payload={
                "code": dossier.code,
                "file": row.pk,
                "sha256": row.sha256,
                "size": row.size,
                "replaced": replaced,
                "handling_agency": dossier.handling_agency_id,
            },
        )

    store_new_file(row, ContentFile(data), "pdf", record)
    return row


def _delegated_lines(actor: Person, delegation: Delegation | None) -> list[str] | None:
    """The stamp's lines for a result approved under a delegation: the Decree 30 block, then who
    lent the power, so that the paper names both people."""
    if delegation is None:
        return None
    return [
        *signature_block(actor, delegation).lines,
        _("Người ủy quyền: %(name)s") % {"name": delegation.delegator.get_full_name()},
    ]


def result_issue_from_draft(
    *, actor: Person, dossier: Dossier, draft: DossierFile, delegation: Delegation | None = None
) -> DossierFile:
    """Sign the approved draft and store it as the result (called by ``services.dossier_approve``
    inside its transaction, the dossier locked and just approved); one result per dossier.
    Approved under ``delegation``, the stamp carries the Decree 30 signature block ("KT." or
    "TUQ." and the delegator's title, then the approver's title and name) and the event and the
    ledger entry both people.

    A second result is refused (409): the QR code printed on the first already points to its
    verification page, and a silent replacement would make that page vouch for another paper.
    """
    if dossier.state != DossierState.APPROVED:
        raise Conflict(
            _("Hồ sơ đang ở trạng thái “%(state)s”, chỉ phát hành kết quả khi hồ sơ đã được phê duyệt.")
            % {"state": DossierState(dossier.state).label},
            code="wrong_state",
        )
    if DossierFile.objects.filter(dossier=dossier, kind=FileKind.RESULT).exists():
        raise Conflict(
            _("Hồ sơ đã có kết quả điện tử được ký số; không thể phát hành lần thứ hai."), code="result_exists"
        )
    pdf = _read(draft)
    if pdf is None or hashlib.sha256(pdf).hexdigest() != draft.sha256:
        raise Conflict(
            _(
                "Không đọc được tệp dự thảo kết quả đã lưu, hoặc tệp đã bị thay đổi. Chuyên viên thụ lý "
                "cần tải lên lại dự thảo."
            ),
            code="draft_unreadable",
        )
    pdf_check(pdf, field="file")
    pdf_content_check(pdf, field="file")  # no script or attachment the agency's signature would vouch for
    token = secrets.token_urlsafe(24)
    signed = _sign(
        pdf,
        url=verification_url(token),
        code=dossier.code,
        agency=dossier.handling_agency.name,
        signer_agency=dossier.handling_agency,
        signed_as=_delegated_lines(actor, delegation),
    )
    digest = hashlib.sha256(signed).hexdigest()
    row = DossierFile(
        dossier=dossier,
        kind=FileKind.RESULT,
        original_name=draft.original_name,
        content_type="application/pdf",
        size=len(signed),
        sha256=digest,
        digitised=True,
        signed=True,
        verification_token=token,
        owner_id=dossier.applicant_id,
        uploaded_by=actor,
    )

    def record() -> None:
        # Not events.dossier_event_record: the ledger entry is about the signed file (its digest), which
        # result_verify looks up; the event and the applicant's notification are the same.
        now = timezone.now()
        DossierEvent.objects.create(
            dossier=dossier,
            action="result_issued",
            from_state=dossier.state,
            to_state=dossier.state,
            actor=actor,
            agency=dossier.handling_agency,
            note=_("Phát hành kết quả điện tử có chữ ký số."),
            at=now,
            delegation=delegation,
        )
        dossier_notify(dossier, "result_issued", actor=actor, at=now)
        ledger_append(
            actor=actor,
            action=RESULT_ACTION,
            obj=row,
            payload={
                "code": dossier.code,
                "file": row.pk,
                "sha256": digest,
                "kind": row.kind,
                "procedure": dossier.procedure.code,
                "handling_agency": dossier.handling_agency_id,
                "draft": draft.pk,
                "draft_sha256": draft.sha256,
                **delegation_payload(delegation),
            },
        )

    store_new_file(row, ContentFile(signed), "pdf", record)
    return row


# --- verify ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    """What the public verification page may say about a result: no personal data."""

    token: str
    dossier_code: str
    procedure_name: str
    agency_name: str
    issued_at: dt.datetime
    signer_subject: str
    signature_valid: bool  # intact, trusted signer, covering the whole file
    unmodified: bool  # the stored bytes are the bytes recorded at issue
    ledger_match: bool  # the ledger entry holds that digest, hashes right and is in the Merkle tree
    ledger_sequence: int | None
    ledger_checkpointed: bool  # the inclusion was proved against a signed checkpoint
    upload_matches: bool | None = None  # the visitor's PDF is byte-identical to the result
    # The ledger entry holds that digest but the sealer has not numbered it yet (seconds after
    # issue): no inclusion proof exists yet; the page says "being recorded", never seals itself.
    ledger_pending: bool = False

    @property
    def valid(self) -> bool:
        return self.signature_valid and self.unmodified and (self.ledger_match or self.ledger_pending)


def _read(row: DossierFile) -> bytes | None:
    try:
        with row.file.storage.open(row.file.name, "rb") as handle:
            return handle.read()
    except (FileNotFoundError, OSError):
        return None


# The attributes of a certificate's subject, named as a Vietnamese reader expects (asn1crypto's
# ``human_friendly`` says "Common Name", "Organization", "Country"). Vietnamese CAs put the tax
# or ID number in UID.
_SUBJECT_LABELS = {
    "common_name": gettext_lazy("Tên"),
    "organization_name": gettext_lazy("Tổ chức"),
    "organizational_unit_name": gettext_lazy("Đơn vị"),
    "country_name": gettext_lazy("Quốc gia"),
    "state_or_province_name": gettext_lazy("Tỉnh/thành phố"),
    "locality_name": gettext_lazy("Địa phương"),
    "street_address": gettext_lazy("Địa chỉ"),
    "email_address": gettext_lazy("Thư điện tử"),
    "title": gettext_lazy("Chức danh"),
    "surname": gettext_lazy("Họ"),
    "given_name": gettext_lazy("Tên riêng"),
    "serial_number": gettext_lazy("Số hiệu"),
    "user_id": gettext_lazy("Mã định danh"),
    "organization_identifier": gettext_lazy("Mã tổ chức"),
    "pseudonym": gettext_lazy("Bí danh"),
    "domain_component": gettext_lazy("Tên miền"),
}


def subject_text(name: Any) -> str:
    """A certificate subject (an asn1crypto ``Name``) as "Tên: …, Tổ chức: …, Quốc gia: …", in
    the order of the certificate; an attribute without a Vietnamese name keeps its OID."""
    parts = []
    for rdn in name.chosen:
        for attribute in rdn:
            kind = attribute["type"].native
            label = _SUBJECT_LABELS.get(kind) or attribute["type"].dotted
            value = attribute["value"].native
            parts.append(f"{label}: {', '.join(map(str, value)) if isinstance(value, list) else value}")
    return "; ".join(parts)


def _signature(data: bytes) -> tuple[bool, str]:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    roots = trust_roots()  # outside the try: a configuration error is raised, not a "forged" verdict
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = [sig for sig in reader.embedded_signatures if sig.field_name == SIGNATURE_FIELD]
        if len(signatures) != 1:
            return False, ""
        context = ValidationContext(trust_roots=roots, allow_fetching=False)
        status = validate_pdf_signature(signatures[0], context)
    except Exception:
        logger.info("Result signature could not be validated", exc_info=True)
        return False, ""
    subject = subject_text(status.signing_cert.subject) if status.signing_cert is not None else ""
    ok = bool(status.bottom_line and status.coverage == SignatureCoverageLevel.ENTIRE_FILE)
    return ok, subject


def _ledger_check(row: DossierFile, digest: str | None) -> tuple[bool, int | None, bool, bool]:
    """(in the ledger and the Merkle tree, entry's sequence, proved against a signed checkpoint,
    recorded but not sealed yet)."""
    entry = (
        Entry.objects.filter(action=RESULT_ACTION, object_type=DossierFile._meta.label_lower, object_id=str(row.pk))
        .select_related("payload")
        .order_by("pk")
        .first()
    )
    if entry is None:
        return False, None, False, False
    try:
        payload = entry.payload
    except Entry.payload.RelatedObjectDoesNotExist:
        return False, entry.sequence, False, False
    recorded = payload.data.get("sha256") if isinstance(payload.data, dict) else None
    content_sound = (
        payload_digest(payload.canonical_json) == entry.payload_digest
        and digest is not None
        and recorded == digest == row.sha256
    )
    if entry.sequence is None:
        return False, None, False, content_sound
    recomputed = entry_hash(
        sequence=entry.sequence,
        recorded_at=entry.recorded_at,
        actor_id=entry.actor_id,
        actor_label=entry.actor_label,
        action=entry.action,
        object_type=entry.object_type,
        object_id=entry.object_id,
        payload_digest=entry.payload_digest,
        prev_hash=entry.prev_hash or "",
    )
    if not (content_sound and recomputed == entry.entry_hash):
        return False, entry.sequence, False, False
    checkpoint = next(
        (
            cp
            for cp in Checkpoint.objects.filter(tree_size__gte=entry.sequence).order_by("-tree_size")[:3]
            if checkpoint_signature_valid(cp)
        ),
        None,
    )
    try:
        proof = entry_inclusion_proof(entry.sequence, checkpoint.tree_size if checkpoint else None)
    except (LedgerIntegrityError, DomainError):
        return False, entry.sequence, False, False
    root = checkpoint.root_hash if checkpoint else proof.root_hash
    included = merkle.verify_inclusion(
        merkle.leaf_hash(bytes.fromhex(entry.entry_hash or "")),
        proof.leaf_index,
        proof.tree_size,
        [bytes.fromhex(item) for item in proof.audit_path],
        bytes.fromhex(root),
    )
    return included, entry.sequence, included and checkpoint is not None, False


def result_verify(token: str | None, pdf: bytes | None = None) -> Verification:
    """Check the result issued under ``token``; with ``pdf``, also whether it is that result."""
    row = (
        (
            DossierFile.objects.filter(verification_token=token or None, kind=FileKind.RESULT, signed=True)
            .select_related("dossier__procedure", "dossier__handling_agency")
            .first()
        )
        if token
        else None
    )
    if row is None:
        raise NotFound(
            _("Không tìm thấy kết quả cần xác minh. Vui lòng kiểm tra lại đường dẫn hoặc mã QR."), code="not_found"
        )
    if pdf is not None:
        pdf_check(pdf, field="file")
    data = _read(row)
    digest = hashlib.sha256(data).hexdigest() if data is not None else None
    signature_valid, subject = _signature(data) if data is not None else (False, "")
    ledger_match, sequence, checkpointed, pending = _ledger_check(row, digest)
    dossier = row.dossier
    return Verification(
        token=row.verification_token or "",
        dossier_code=dossier.code,
        procedure_name=dossier.procedure.name,
        agency_name=dossier.handling_agency.name,
        issued_at=row.created_at,
        signer_subject=subject,
        signature_valid=signature_valid,
        unmodified=digest is not None and digest == row.sha256,
        ledger_match=ledger_match,
        ledger_sequence=sequence,
        ledger_checkpointed=checkpointed,
        ledger_pending=pending,
        upload_matches=None if pdf is None else (data is not None and pdf == data),
    )
