"""The printable forms of the one-stop shop, as Word documents and PDF.

The forms are those of Circular 01/2018/TT-VPCP, carried over by Decree 118/2025/NĐ-CP and
Circular 03/2025/TT-VPCP (which adds the notice that processing stopped): the receipt and
appointment slip, the request to supplement a dossier, the refusal, the apology with a new
return date, the stop notice, and the process-control sheet (phiếu kiểm soát quá trình giải
quyết hồ sơ) that follows the dossier from hand to hand inside the administration. Each is
laid out as Decree 30/2020 lays out administrative documents (``tinhso.core.documents``):
issuing body top-left, national title and motto top-right, place and date, title, body,
signatures.

A form is a picture of the dossier's history, not of its present: each one is dated and filled
from the event that gave rise to it (the receipt from the receipt, the apology from the
apology…), so printing it again later gives the same document. :func:`form_available` says
whether that event happened. The process-control sheet is the exception: it is the history
itself, each handover with its time and whether the step kept to its share of the processing
time, so it grows as the dossier moves; it is an internal document (``OFFICE_FORMS``), for
the officers, not the applicant. Forms are administrative documents, written in Vietnamese
whatever language the person who prints them uses. The applicant's personal data is printed in
full only for those who read it in full (:func:`rules.may_read_personal_data`), masked for anyone
else who may print the form, as on the dossier's page.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH

from tinhso.core.documents import (
    TEXT_WIDTH_MM,
    Column,
    Issuer,
    add_data_row,
    add_run,
    cant_split,
    data_table,
    docx_to_pdf,
    format_paragraph,
    heading,
    keep_together,
    new_document,
    no_borders,
    place_of,
    set_widths,
    vn_date,
    vn_number,
    write,
)
from tinhso.core.errors import Conflict, NotFound
from tinhso.onestop.dossiers.personal import PersonalData
from tinhso.onestop.dossiers.selectors import EVENT_LABELS, dossier_timeline
from tinhso.onestop.models import Channel, Dossier, DossierEvent, DossierState, FileKind, StepAction
from tinhso.org.delegation.selectors import signature_block
from tinhso.org.models import AgencyKind, UnitLevel

if TYPE_CHECKING:
    from tinhso.core.workdays import WorkCalendar
    from tinhso.org.models import Agency, Person

FORM_KINDS = ("receipt", "supplement_request", "refusal", "apology", "stop_notice", "process_control")
# Forms kept inside the administration: officers within reach print them, the applicant does not.
OFFICE_FORMS = frozenset({"process_control"})
FORMATS = ("docx", "pdf")

RECEIPT_ACTIONS = ("receive", "receive_at_counter")

# Plain-ASCII file names (the Vietnamese ones, with diacritics, go in the header's filename*).
FILE_STEMS = {
    "receipt": "giay-tiep-nhan-ho-so-va-hen-tra-ket-qua",
    "supplement_request": "phieu-yeu-cau-bo-sung-hoan-thien-ho-so",
    "refusal": "phieu-tu-choi-tiep-nhan-giai-quyet-ho-so",
    "apology": "phieu-xin-loi-va-hen-lai-ngay-tra-ket-qua",
    "stop_notice": "thong-bao-dung-xu-ly-ho-so",
    "process_control": "phieu-kiem-soat-qua-trinh-giai-quyet-ho-so",
}


def form_title(kind: str) -> str:
    """The form's name as printed on it (in the active language; the forms use Vietnamese)."""
    titles = {
        "receipt": _("Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
        "supplement_request": _("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
        "refusal": _("Phiếu từ chối tiếp nhận, giải quyết hồ sơ"),
        "apology": _("Phiếu xin lỗi và hẹn lại ngày trả kết quả"),
        "stop_notice": _("Thông báo về việc dừng xử lý hồ sơ"),
        "process_control": _("Phiếu kiểm soát quá trình giải quyết hồ sơ"),
    }
    return titles[kind]


def form_filenames(dossier: Dossier, kind: str, fmt: str) -> tuple[str, str]:
    """(ASCII name, Vietnamese name) of the downloaded file, both carrying the dossier code."""
    with translation.override("vi"):
        title = form_title(kind)
    return f"{FILE_STEMS[kind]}-{dossier.code}.{fmt}", f"{title} {dossier.code}.{fmt}".replace(",", "")


# --- what the history allows -------------------------------------------------------------------


def _last_event(dossier: Dossier, *actions: str) -> DossierEvent | None:
    return (
        DossierEvent.objects.filter(dossier=dossier, action__in=actions)
        .select_related("actor", "agency")
        .order_by("-at", "-pk")
        .first()
    )


def form_available(dossier: Dossier, kind: str) -> bool:
    """Whether the dossier's history gives rise to the form: the receipt once received, the
    supplement request once one was made, the refusal and the stop notice when the dossier was
    refused or stopped, the apology once a new return date was given."""
    if kind in ("receipt", "process_control"):
        return dossier.received_at is not None
    if kind == "supplement_request":
        return _last_event(dossier, "request_supplement") is not None
    if kind == "refusal":
        return (
            bool(dossier.refusal_reason)
            and dossier.state in (DossierState.REFUSED, DossierState.RESULT_RETURNED)
            and _last_event(dossier, "refuse") is not None
        )
    if kind == "apology":
        return _last_event(dossier, "apologise") is not None
    if kind == "stop_notice":
        return dossier.state == DossierState.STOPPED and _last_event(dossier, "stop") is not None
    return False


def _check(dossier: Dossier, kind: str) -> None:
    if kind not in FORM_KINDS:
        raise NotFound(_("Không có mẫu phiếu này."), code="unknown_form")
    if not form_available(dossier, kind):
        reasons = {
            "receipt": _("Hồ sơ chưa được tiếp nhận nên chưa có giấy tiếp nhận và hẹn trả kết quả."),
            "process_control": _("Hồ sơ chưa được tiếp nhận nên chưa có phiếu kiểm soát quá trình giải quyết."),
            "supplement_request": _("Hồ sơ chưa có yêu cầu bổ sung, hoàn thiện nào."),
            "refusal": _("Hồ sơ không bị từ chối giải quyết nên không có phiếu từ chối."),
            "apology": _("Hồ sơ chưa được hẹn lại ngày trả kết quả nên không có phiếu xin lỗi."),
            "stop_notice": _("Hồ sơ không bị dừng xử lý nên không có thông báo dừng xử lý."),
        }
        raise Conflict(reasons[kind], code="form_unavailable")


# --- words ---------------------------------------------------------------------------------------


def vn_time(moment: dt.datetime) -> str:
    """ "09:05" in the province's time."""
    return timezone.localtime(moment).strftime("%H:%M")


def vn_moment(moment: dt.datetime | None) -> str:
    """ "09:05 ngày 02/03/2026" in the province's time ("…" when unknown)."""
    if moment is None:
        return "…"
    return _("%(time)s ngày %(date)s") % {"time": vn_time(moment), "date": vn_date(timezone.localtime(moment).date())}


def vn_day(moment: dt.datetime | None) -> str:
    return vn_date(timezone.localtime(moment).date()) if moment is not None else "…"


def _days(value: object) -> str:
    return vn_number(str(value))


def _issuer(agency: Agency) -> Issuer:
    """The issuing body as Decree 30 heads it: the body above it, unless it is a people's
    committee, then itself; the place is the province's (a commune's body: the commune's)."""
    collective = agency.kind == AgencyKind.PEOPLES_COMMITTEE
    parent = agency.parent.name if agency.parent is not None and not collective else ""
    unit = agency.unit
    place = place_of(unit.name if unit.level == UnitLevel.COMMUNE else unit.province.name)
    # The narrow heading column must not break a place name ("… TỈNH HƯNG / YÊN").
    glued = place.replace(" ", "\u00a0")
    return Issuer(
        parent_name=parent.replace(place, glued),
        name=agency.name.replace(place, glued),
        place=place,
        collective=collective,
    )


def _person_name(person: Person | None) -> str:
    return person.get_full_name() if person is not None else ""


def _supplement_reason(note: str, number: int) -> str:
    """The request as the officer wrote it: from the second request on, the event's note starts
    with "Yêu cầu bổ sung lần thứ n: " (in the language of whoever asked), which the form
    already says."""
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            prefix = _("Yêu cầu bổ sung lần thứ %(n)s: %(reason)s") % {"n": number, "reason": ""}
        if note.startswith(prefix):
            return note[len(prefix) :]
    return note


def _apology_dates(dossier: Dossier) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The return dates before and after the apology, as the ledger recorded them at the time;
    the dossier's first and current due dates when the entry's payload was erased."""
    from tinhso.ledger.models import EntryPayload

    payload = (
        EntryPayload.objects.filter(
            entry__action="services.dossier.apologise",
            entry__object_type=Dossier._meta.label_lower,
            entry__object_id=str(dossier.pk),
        )
        .order_by("-entry_id")
        .first()
    )
    data = payload.data if payload is not None else {}
    try:
        old = dt.datetime.fromisoformat(data["old_due_at"])
        new = dt.datetime.fromisoformat(data["new_due_at"])
    except (KeyError, TypeError, ValueError):
        return dossier.original_due_at, dossier.due_at
    return old, new


# --- layout pieces -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Signer:
    """A signature column: capacity in capitals, how to sign, and the printed name; signed under
    a delegation, ``authority`` above the capacity ("KT. GIÁM ĐỐC", "TUQ. CHỦ TỊCH": Decree 30)."""

    title: str
    note: str
    name: str = ""
    authority: str = ""


def _title(document: DocxDocument, dossier: Dossier, title: str, subtitle: str = "") -> None:
    """The title, and under it the dossier code, as the Circular's forms place it."""
    write(document, title, size=14, bold=True, caps=True, before=18, keep_with_next=True)
    if subtitle:
        write(document, subtitle, size=14, italic=True, keep_with_next=True)
    paragraph = write(document, _("Mã hồ sơ: "), before=3, after=12, keep_with_next=True)
    add_run(paragraph, dossier.code, bold=True)


def _line(document: DocxDocument, label: str, value: str = "", *, bold_value: bool = True) -> None:
    """ "Label: value", the value set off in bold as the filled-in part of the form."""
    paragraph = format_paragraph(document.add_paragraph(), align=WD_ALIGN_PARAGRAPH.JUSTIFY, after=4)
    add_run(paragraph, f"{label}: " if value else label)
    if value:
        add_run(paragraph, value, bold=bold_value)


def _text(document: DocxDocument, text: str, *, italic: bool = False, first_line: float = 0) -> None:
    for line in [part.strip() for part in text.splitlines() if part.strip()] or [text]:
        write(document, line, italic=italic, align=WD_ALIGN_PARAGRAPH.JUSTIFY, first_line=first_line, after=4)


def _signatures(document: DocxDocument, right: Signer, left: Signer | None = None) -> None:
    """Signature columns side by side, kept on one page; the blank lines are the room for the
    handwritten or digital signature (and the seal where the form asks for one)."""
    write(document, after=6)
    table = document.add_table(rows=1, cols=2)
    no_borders(table)
    set_widths(table, (TEXT_WIDTH_MM / 2, TEXT_WIDTH_MM / 2))
    cant_split(table.rows[0])
    for cell, signer in zip(table.rows[0].cells, (left, right), strict=True):
        if signer is None:
            continue
        if signer.authority:
            write(cell, signer.authority, size=13, bold=True, caps=True, reuse_first=True)
        write(cell, signer.title, size=13, bold=True, caps=True, reuse_first=not signer.authority)
        write(cell, signer.note, size=13, italic=True)
        for _index in range(4):
            write(cell, size=13)
        write(cell, signer.name, size=13, bold=True)


def _new(dossier: Dossier, agency: Agency, issued_at: dt.datetime | None) -> DocxDocument:
    document = new_document()
    day = timezone.localtime(issued_at).date() if issued_at is not None else timezone.localdate()
    heading(document, _issuer(agency), "", day)  # no document number (số ký hiệu): the dossier code identifies the form
    return document


def _procedure(dossier: Dossier) -> str:
    return dossier.procedure.name


def _officer_signer(event: DossierEvent | None, dossier: Dossier, default_title: str, note: str) -> Signer:
    """The officer who acted, by name and title; nobody's name when the applicant acted."""
    actor = event.actor if event is not None else None
    if actor is None or (dossier.applicant_id is not None and actor.pk == dossier.applicant_id):
        return Signer(default_title, note)
    assert event is not None
    if event.delegation is not None:  # acted under a delegation: both people on the paper
        block = signature_block(actor, event.delegation, default_title)
        return Signer(block.title, note, block.name, authority=block.authority)
    return Signer(actor.title.strip() or default_title, note, _person_name(actor))


# --- the forms -----------------------------------------------------------------------------------


def _components(dossier: Dossier, personal: PersonalData) -> list[tuple[str, str, str]]:
    """(name, form, copies) of what the applicant handed in: the files, and on paper each
    required document that has no file (a counter or postal dossier is received complete)."""
    rows: list[tuple[str, str, str]] = []
    covered: set[int] = set()
    for item in dossier.files.filter(kind=FileKind.COMPONENT).select_related("requirement").order_by("pk"):
        if item.requirement_id is not None:
            covered.add(item.requirement_id)
        name = item.requirement.name if item.requirement is not None else personal.file_name(item)
        rows.append((name, _("Bản điện tử (đã số hóa)") if item.digitised else _("Bản điện tử"), "01"))
    if dossier.channel != Channel.ONLINE:
        for requirement in dossier.procedure.documents.filter(required=True).order_by("order", "pk"):
            if requirement.pk not in covered:
                rows.append((requirement.name, _("Bản giấy"), f"{requirement.copies:02d}"))
    if not rows:
        paper = dossier.channel != Channel.ONLINE
        rows.append((_("Tờ khai"), _("Bản giấy") if paper else _("Bản điện tử"), "01"))
    return rows


def _receipt(dossier: Dossier, personal: PersonalData) -> DocxDocument:
    event = _last_event(dossier, *RECEIPT_ACTIONS)
    received_at = dossier.received_at
    document = _new(dossier, dossier.receiving_agency, received_at)
    _title(document, dossier, form_title("receipt"))
    _line(document, _("%(agency)s tiếp nhận hồ sơ của") % {"agency": dossier.receiving_agency.name}, personal.name)
    if personal.phone:
        _line(document, _("Số điện thoại"), personal.phone)
    if personal.email:
        _line(document, _("Thư điện tử"), personal.email)
    _line(document, _("Nội dung yêu cầu giải quyết"), _procedure(dossier))
    _line(document, _("Mã thủ tục"), dossier.procedure.code)
    _line(document, _("Hình thức nộp hồ sơ"), str(Channel(dossier.channel).label))
    _line(document, _("1. Thành phần hồ sơ nộp gồm:"))
    center = WD_ALIGN_PARAGRAPH.CENTER
    columns = (
        Column(_("STT"), 13, center),
        Column(_("Tên giấy tờ"), 94),
        Column(_("Hình thức"), 36, center),
        Column(_("Số lượng"), 22, center),
    )
    table = data_table(document, columns)
    for index, (name, form, copies) in enumerate(_components(dossier, personal), start=1):
        add_data_row(table, columns, (str(index), name, form, copies))
    keep_together(table)
    write(document, after=4)
    _line(document, _("2. Số lượng hồ sơ"), _("01 (bộ)"))
    _line(
        document,
        _("3. Thời gian giải quyết hồ sơ theo quy định"),
        _("%(days)s ngày làm việc") % {"days": _days(dossier.procedure.processing_days)},
    )
    _line(document, _("4. Thời gian nhận hồ sơ"), vn_moment(received_at))
    # The appointment as given at receipt (a reprint is the same slip); where a supplement or an
    # apology moved it since, the dossier's page and the apology form say so.
    appointment = dossier.original_due_at or dossier.due_at
    _line(document, _("5. Thời gian trả kết quả giải quyết hồ sơ"), vn_moment(appointment))
    _line(document, _("6. Nơi trả kết quả"), dossier.receiving_agency.name)
    if dossier.fee_vnd:
        _line(document, _("7. Phí, lệ phí"), _("%(amount)s đồng") % {"amount": vn_number(dossier.fee_vnd)})
    officer = _officer_signer(event, dossier, _("Người tiếp nhận hồ sơ"), _("(Ký và ghi rõ họ tên)"))
    applicant = None
    if dossier.channel != Channel.ONLINE:  # handed in: the applicant signs the slip at the desk
        applicant = Signer(_("Người nộp hồ sơ"), _("(Ký và ghi rõ họ tên)"), personal.name)
    _signatures(document, officer, applicant)
    return document


def _supplement_request(dossier: Dossier, personal: PersonalData) -> DocxDocument:
    event = _last_event(dossier, "request_supplement")
    assert event is not None
    number = DossierEvent.objects.filter(dossier=dossier, action="request_supplement").count()
    agency = event.agency or dossier.handling_agency
    document = _new(dossier, agency, event.at)
    _title(document, dossier, form_title("supplement_request"), _("(Lần thứ %(n)s)") % {"n": number})
    _line(document, _("Hồ sơ của"), personal.name)
    _line(document, _("Nội dung yêu cầu giải quyết"), _procedure(dossier))
    _line(document, _("Ngày tiếp nhận hồ sơ"), vn_day(dossier.received_at))
    _line(document, _("Yêu cầu bổ sung, hoàn thiện hồ sơ lần thứ %(n)s gồm những nội dung sau:") % {"n": number})
    _text(document, _supplement_reason(event.note, number), first_line=12.7)
    _text(
        document,
        _(
            "Thời gian chờ bổ sung, hoàn thiện hồ sơ không tính vào thời gian giải quyết hồ sơ. "
            "Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, ông/bà liên hệ với %(agency)s "
            "để được hướng dẫn./."
        )
        % {"agency": agency.name},
    )
    _signatures(document, _officer_signer(event, dossier, _("Người hướng dẫn"), _("(Ký và ghi rõ họ tên)")))
    return document


def _refusal(dossier: Dossier, personal: PersonalData) -> DocxDocument:
    event = _last_event(dossier, "refuse")
    assert event is not None
    agency = event.agency or dossier.handling_agency
    document = _new(dossier, agency, dossier.decided_at or event.at)
    _title(document, dossier, form_title("refusal"))
    _line(document, _("%(agency)s tiếp nhận hồ sơ của") % {"agency": dossier.receiving_agency.name}, personal.name)
    _line(document, _("Nội dung yêu cầu giải quyết"), _procedure(dossier))
    _line(document, _("Ngày tiếp nhận hồ sơ"), vn_day(dossier.received_at))
    _text(
        document,
        _(
            "Sau khi xem xét hồ sơ, đối chiếu với các quy định hiện hành, %(agency)s từ chối giải quyết "
            "hồ sơ này với lý do cụ thể như sau:"
        )
        % {"agency": agency.name},
    )
    _text(document, dossier.refusal_reason, first_line=12.7)
    _text(document, _("Xin thông báo để ông/bà được biết và thực hiện./."))
    _signatures(document, _officer_signer(event, dossier, _("Lãnh đạo cơ quan"), _("(Ký và ghi rõ họ tên)")))
    return document


def _apology(dossier: Dossier, personal: PersonalData) -> DocxDocument:
    event = _last_event(dossier, "apologise")
    assert event is not None
    agency = event.agency or dossier.handling_agency
    old_due, new_due = _apology_dates(dossier)
    document = _new(dossier, agency, event.at)
    _title(document, dossier, form_title("apology"))
    _line(
        document,
        _("Ngày %(day)s, %(agency)s tiếp nhận giải quyết hồ sơ của ông/bà/tổ chức")
        % {"day": vn_day(dossier.received_at), "agency": dossier.receiving_agency.name},
        personal.name,
    )
    _line(document, _("Nội dung yêu cầu giải quyết"), _procedure(dossier))
    _line(document, _("Thời gian hẹn trả kết quả giải quyết hồ sơ"), vn_moment(old_due))
    _text(
        document,
        _("Tuy nhiên, %(agency)s chưa thể trả kết quả giải quyết hồ sơ của ông/bà/tổ chức đúng hẹn.")
        % {"agency": agency.name},
    )
    _line(document, _("Lý do"), event.note, bold_value=False)
    _text(
        document,
        _(
            "Sự chậm trễ này đã gây phiền hà cho ông/bà/tổ chức. %(agency)s xin lỗi ông/bà/tổ chức và sẽ "
            "trả kết quả giải quyết hồ sơ vào %(moment)s."
        )
        % {"agency": agency.name, "moment": vn_moment(new_due)},
    )
    _text(document, _("Xin trân trọng cảm ơn sự hợp tác của ông/bà/tổ chức./."))
    _signatures(document, _officer_signer(event, dossier, _("Lãnh đạo cơ quan"), _("(Ký, ghi rõ họ tên và đóng dấu)")))
    return document


def _stop_notice(dossier: Dossier, personal: PersonalData) -> DocxDocument:
    event = _last_event(dossier, "stop")
    assert event is not None
    agency = event.agency or dossier.handling_agency
    document = _new(dossier, agency, event.at)
    _title(document, dossier, _("Thông báo"), _("Về việc dừng xử lý hồ sơ"))
    _text(
        document,
        _("Theo đề nghị của ông/bà/tổ chức %(name)s, %(agency)s thông báo dừng xử lý hồ sơ sau:")
        % {"name": personal.name, "agency": agency.name},
        first_line=12.7,
    )
    _line(document, _("Nội dung yêu cầu giải quyết"), _procedure(dossier))
    if dossier.received_at is not None:
        _line(document, _("Ngày tiếp nhận hồ sơ"), vn_day(dossier.received_at))
    _line(document, _("Lý do dừng xử lý"), event.note, bold_value=False)
    _line(document, _("Thời điểm dừng xử lý"), vn_moment(event.at))
    _text(document, _("%(agency)s thông báo để ông/bà/tổ chức được biết./.") % {"agency": agency.name}, first_line=12.7)
    _signatures(document, _officer_signer(event, dossier, _("Lãnh đạo cơ quan"), _("(Ký và ghi rõ họ tên)")))
    return document


# The process-control sheet: one row per handover, from the receipt on.
HANDOVERS = frozenset(
    {
        "receive",
        "receive_at_counter",
        "forward",
        "assign",
        "submit_for_approval",
        "approve",
        "refuse",
        "transfer",
        "request_supplement",
        "supplement",
        "return_result",
        "stop",
        "cancel",
    }
)
# The workflow step a handover ends, whose share of the processing time it is judged against.
STEP_ENDED = {
    "forward": StepAction.FORWARD,
    "assign": StepAction.ASSIGN,
    "submit_for_approval": StepAction.REVIEW,
    "approve": StepAction.APPROVE,
}
TO_APPLICANT = frozenset({"request_supplement", "return_result", "stop", "cancel"})


def _holder(personal: PersonalData, person: Person | None, agency: Agency | None) -> str:
    name = personal.person_name(person)
    return ", ".join(part for part in (name, agency.name if agency is not None else "") if part) or "…"


def _timeliness(done: dt.datetime, deadline: dt.datetime) -> str:
    """Trước hạn: handed on a working day before the one the time ran out; đúng hạn: by the
    deadline; quá hạn: after it (as the one-stop shop judges a returned dossier)."""
    if done > deadline:
        return _("Quá hạn")
    if timezone.localtime(done).date() < timezone.localtime(deadline).date():
        return _("Trước hạn")
    return _("Đúng hạn")


def _step_result(
    event: DossierEvent,
    start: dt.datetime,
    pauses: list[tuple[dt.datetime, dt.datetime]],
    shares: dict[str, Decimal],
    cal: WorkCalendar,
) -> str:
    """How the step that ``event`` ends kept to its share of the processing time ("" when the
    workflow gives it none), the working time spent waiting for supplements excluded."""
    action = (
        StepAction.REVIEW
        if event.action == "refuse" and event.from_state == DossierState.UNDER_REVIEW
        else StepAction.APPROVE
        if event.action == "refuse"
        else STEP_ENDED.get(event.action)
    )
    share = shares.get(action, Decimal(0)) if action is not None else Decimal(0)
    if share <= 0:
        return ""
    spent = cal.elapsed_working_days(start, event.at, pauses)
    if spent > share:
        return _("Quá hạn")
    return _timeliness(event.at, cal.shift(event.at, share - spent))


def _dossier_result(dossier: Dossier, returned_at: dt.datetime) -> str:
    """The whole dossier against its return date; after an apology, against the date it replaced
    (a new date given for a late dossier does not make it on time)."""
    deadline = _apology_dates(dossier)[0] if dossier.due_reset_count else dossier.due_at
    return _timeliness(returned_at, deadline) if deadline is not None else ""


def _process_control(dossier: Dossier, personal: PersonalData) -> DocxDocument:
    from tinhso.core.workdays import calendar

    cal = calendar()
    events = [event for event in dossier_timeline(dossier) if event.action != "submit_online"]
    pauses: list[tuple[dt.datetime, dt.datetime]] = []
    for event in events:
        if event.action == "request_supplement":
            pauses.append((event.at, event.at))
        elif event.action == "supplement" and pauses:
            pauses[-1] = (pauses[-1][0], event.at)
    shares: dict[str, Decimal] = {}
    for step in dossier.procedure.steps.all():
        shares[step.action] = shares.get(step.action, Decimal(0)) + step.days
    applicant = _("%(name)s (tổ chức, cá nhân)") % {"name": personal.name}
    # Who took the dossier after each event: the next one to act on it (an apology moves nothing,
    # nor does the draft result or its signing, done by whoever holds the dossier).
    taker_after: dict[int, DossierEvent | None] = {}
    following: DossierEvent | None = None
    for event in reversed(events):
        taker_after[event.pk] = following
        if event.actor is not None and event.action not in ("apologise", "draft_result", "result_issued"):
            following = event
    handovers = [event for event in events if event.action in HANDOVERS]
    handlers = list(
        dict.fromkeys(
            event.agency.name
            for event in events
            if event.agency is not None and event.agency.pk != dossier.receiving_agency_id
        )
    )
    if dossier.handling_agency_id != dossier.receiving_agency_id and dossier.handling_agency.name not in handlers:
        handlers.append(dossier.handling_agency.name)

    document = _new(dossier, dossier.receiving_agency, dossier.received_at)
    _title(document, dossier, form_title("process_control"), _("(Kèm theo Giấy tiếp nhận hồ sơ và hẹn trả kết quả)"))
    _line(document, _("Người nộp hồ sơ"), personal.name)
    _line(document, _("Nội dung yêu cầu giải quyết"), _procedure(dossier))
    _line(document, _("Cơ quan tiếp nhận hồ sơ"), dossier.receiving_agency.name)
    _line(document, _("Cơ quan giải quyết hồ sơ"), "; ".join(handlers) or dossier.receiving_agency.name)
    _line(
        document,
        _("Thời hạn giải quyết"),
        _("%(days)s ngày làm việc, hẹn trả kết quả %(moment)s")
        % {"days": _days(dossier.procedure.processing_days), "moment": vn_moment(dossier.original_due_at)},
    )
    center = WD_ALIGN_PARAGRAPH.CENTER
    columns = (
        Column(_("STT"), 11, center),
        Column(_("Giao, nhận hồ sơ"), 62),
        Column(_("Thời gian"), 27, center),
        Column(_("Kết quả (trước hạn/ đúng hạn/ quá hạn)"), 27, center),
        Column(_("Ghi chú"), 38),
    )
    table = data_table(document, columns)
    start = dossier.received_at
    assert start is not None  # form_available
    for index, event in enumerate(handovers, start=1):
        after = taker_after[event.pk]
        if event.action in ("receive", "receive_at_counter"):
            giver, taker = applicant, _holder(personal, event.actor, event.agency)
        elif event.action == "supplement":
            giver = (
                applicant
                if event.actor is None or event.actor.pk == dossier.applicant_id
                else _holder(personal, event.actor, event.agency)
            )
            taker = _holder(personal, after.actor, after.agency) if after else dossier.handling_agency.name
        else:
            giver = _holder(personal, event.actor, event.agency)
            taker = (
                applicant
                if event.action in TO_APPLICANT
                else _holder(personal, after.actor, after.agency)
                if after
                else "…"
            )
        if event.action == "return_result":
            result = _dossier_result(dossier, event.at)
        elif event.action in STEP_ENDED or event.action == "refuse":
            result = _step_result(event, start, pauses, shares, cal)
        else:
            result = ""
        note = f"{EVENT_LABELS.get(event.action, event.action)}."
        if event.note and event.action not in ("refuse", "stop", "cancel"):  # those reasons are on their own forms
            note = f"{note} {event.note}"
        add_data_row(
            table,
            columns,
            (
                str(index),
                [_("Giao: %(who)s") % {"who": giver}, _("Nhận: %(who)s") % {"who": taker}],
                [vn_time(event.at), vn_day(event.at)],
                result,
                note,
            ),
        )
        if event.action not in ("request_supplement", "supplement"):  # the wait is a pause inside the step
            start = event.at
    write(document, after=4)
    last = vn_moment(events[-1].at if events else None)
    _text(
        document,
        _(
            "Phiếu lập từ nhật ký xử lý hồ sơ trên hệ thống, đến %(moment)s; mỗi lần giao, nhận hồ sơ "
            "đã được ghi vào sổ cái của hệ thống."
        )
        % {"moment": last},
        italic=True,
    )
    return document


BUILDERS = {
    "receipt": _receipt,
    "supplement_request": _supplement_request,
    "refusal": _refusal,
    "apology": _apology,
    "stop_notice": _stop_notice,
    "process_control": _process_control,
}


# --- public API ----------------------------------------------------------------------------------


def dossier_form_docx(dossier: Dossier, kind: str, *, full: bool) -> bytes:
    """The form ``kind`` of ``dossier`` as a .docx, with the applicant's personal data in full or
    masked (``full``: :func:`rules.may_read_personal_data` of whoever prints it). Raises
    :class:`NotFound` for an unknown kind and :class:`Conflict` when the dossier's history does
    not give rise to the form."""
    _check(dossier, kind)
    with translation.override("vi"):
        document = BUILDERS[kind](dossier, PersonalData(dossier, full=full))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def dossier_form_pdf(dossier: Dossier, kind: str, *, full: bool) -> bytes:
    """The same form as PDF, made by LibreOffice (``DocumentConversionError`` if it cannot)."""
    return docx_to_pdf(dossier_form_docx(dossier, kind, full=full))


__all__ = [
    "FORMATS",
    "FORM_KINDS",
    "OFFICE_FORMS",
    "dossier_form_docx",
    "dossier_form_pdf",
    "form_available",
    "form_filenames",
    "form_title",
]
