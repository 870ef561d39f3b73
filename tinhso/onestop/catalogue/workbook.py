"""The procedure catalogue as a workbook: export, and an all-or-nothing import by code.

Four sheets, one row per record, Vietnamese headers: "Thủ tục", "Thành phần hồ sơ",
"Quy trình", "Tờ khai". Children name their procedure by code. Enumerations are written as
their Vietnamese labels (with drop-downs) and read back from label or stored value, so an
exported workbook imports into exactly the same catalogue.

The import checks every row before it writes anything: one rejected row and nothing is
saved (and nothing is recorded in the ledger). Procedures are matched by code (upsert) and
updated in place, never deleted and recreated: a document requirement is matched by its name
(then by its position, for a renamed one), a workflow step by its order. A requirement the
file no longer lists is deleted, unless dossier files refer to it: then it is retired
(``DocumentRequirement.retired_at``), so no filed component loses what it was filed as. An
import that changes nothing writes nothing and leaves no ledger entry.

Who manages what: a person with ``services.manage_procedure`` manages the procedures whose
agencies all lie within their reach (for the DX office, its province: the permission is
province-wide, see ``tinhso.org.roles``); a system administrator, the whole install. The
export for managing lists only those; an import row naming a procedure or an agency outside
reach is rejected as "not found", exactly as a missing agency.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Choices, Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from tinhso.core.documents import xlsx_append
from tinhso.core.errors import DomainError
from tinhso.core.text import clean, fold
from tinhso.ledger.services import ledger_append
from tinhso.onestop.models import (
    PREFILL_SOURCES,
    AuthorityLevel,
    DocumentRequirement,
    DossierFile,
    OnlineLevel,
    Procedure,
    StepAction,
    WorkflowStep,
)
from tinhso.org.models import Agency
from tinhso.org.roles import Perm, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from tinhso.org.models import Person

SHEET_PROCEDURES = "Thủ tục"
SHEET_DOCUMENTS = "Thành phần hồ sơ"
SHEET_STEPS = "Quy trình"
SHEET_FORM = "Tờ khai"

PROCEDURE_HEADERS = [
    "Mã thủ tục",
    "Tên thủ tục",
    "Lĩnh vực",
    "Cấp thực hiện",
    "Cơ quan thực hiện",
    "Mức độ trực tuyến",
    "Lý do chưa toàn trình",
    "Thời hạn (ngày làm việc)",
    "Phí, lệ phí (đồng)",
    "Ghi chú phí",
    "Kết quả",
    "Căn cứ pháp lý",
    "Giờ chốt tiếp nhận",
]
DOCUMENT_HEADERS = ["Mã thủ tục", "Tên giấy tờ", "Bắt buộc", "Số bản"]
STEP_HEADERS = ["Mã thủ tục", "Thứ tự", "Thao tác", "Tên bước", "Vai trò", "Số ngày"]
FORM_HEADERS = [
    "Mã thủ tục",
    "Tên trường",
    "Nhãn",
    "Kiểu",
    "Bắt buộc",
    "Lựa chọn",
    "Độ dài tối đa",
    "Điền sẵn từ tài khoản",
]

FORM_FIELD_TYPES = ("text", "number", "date", "email", "phone", "personal_id", "select")
YES, NO = "Có", "Không"
SEPARATOR = "; "
_THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")


@dataclass
class CatalogueImportOutcome:
    created: int = 0
    updated: int = 0  # existing procedures the file changes
    unchanged: int = 0  # existing procedures the file leaves as they are
    documents: int = 0
    steps: int = 0
    form_fields: int = 0
    retired: int = 0  # requirements dropped from the file but kept for the files that refer to them
    rejected: list[dict[str, Any]] = field(default_factory=list)
    saved: bool = False

    @property
    def procedures(self) -> int:
        return self.created + self.updated + self.unchanged

    @property
    def changes(self) -> bool:
        return bool(self.created or self.updated)

    def as_payload(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "documents": self.documents,
            "steps": self.steps,
            "form_fields": self.form_fields,
            "retired": self.retired,
        }


# --- who manages what ------------------------------------------------------------------------


def catalogue_agencies(person: Person | AnonymousUser) -> QuerySet[Agency] | None:
    """The agencies whose procedures ``person`` manages; None for the whole install."""
    from tinhso.org.access import agencies_where, reaches_everywhere

    if reaches_everywhere(person, Perm.PROCEDURE_MANAGE):
        return None
    return agencies_where(person, Perm.PROCEDURE_MANAGE)


def _manageable(agencies: QuerySet[Agency] | None) -> QuerySet[Procedure]:
    if agencies is None:
        return Procedure.objects.all()
    links = Procedure.agencies.through.objects.filter(procedure=OuterRef("pk"))
    inside = agencies.values("pk")
    return Procedure.objects.filter(Exists(links.filter(agency__in=inside))).exclude(
        Exists(links.exclude(agency__in=inside))
    )


def procedures_manageable(person: Person | AnonymousUser) -> QuerySet[Procedure]:
    """The procedures ``person`` may export for managing and change by import: every agency
    carrying them within reach (a procedure shared with another province's agency is the
    system administrator's)."""
    from tinhso.onestop import rules

    if not rules.may_manage_procedure(person):
        return Procedure.objects.none()
    return _manageable(catalogue_agencies(person))


# --- export ----------------------------------------------------------------------------------


def _days_text(value: Decimal) -> Decimal | int | float:
    normal = value.normalize()
    return int(normal) if normal == normal.to_integral_value() else float(normal)


def _sheet(book: Workbook, title: str, headers: list[str], widths: list[int]) -> Worksheet:
    sheet = book.create_sheet(title)
    xlsx_append(sheet, headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    return sheet


def _dropdown(sheet: Worksheet, column: str, values: Iterable[str]) -> None:
    listed = ",".join(str(v).replace(",", " ") for v in values)
    validation = DataValidation(type="list", formula1=f'"{listed}"', allow_blank=True)
    validation.error = _("Chọn một giá trị trong danh sách.")
    sheet.add_data_validation(validation)
    validation.add(f"{column}2:{column}5000")


def procedures_export_xlsx(procedures: Iterable[Procedure]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    main = _sheet(book, SHEET_PROCEDURES, PROCEDURE_HEADERS, [26, 50, 24, 12, 36, 18, 36, 12, 14, 30, 30, 40, 12])
    docs = _sheet(book, SHEET_DOCUMENTS, DOCUMENT_HEADERS, [26, 60, 10, 8])
    steps = _sheet(book, SHEET_STEPS, STEP_HEADERS, [26, 8, 16, 40, 26, 10])
    form = _sheet(book, SHEET_FORM, FORM_HEADERS, [26, 20, 36, 14, 10, 36, 12, 16])
    _dropdown(main, "D", [str(label) for label in AuthorityLevel.labels])
    _dropdown(main, "F", [str(label) for label in OnlineLevel.labels])
    for sheet, column in ((docs, "C"), (form, "E")):
        _dropdown(sheet, column, [YES, NO])
    _dropdown(steps, "C", [str(label) for label in StepAction.labels])
    _dropdown(steps, "E", [str(label) for label in Role.labels])
    _dropdown(form, "D", FORM_FIELD_TYPES)
    _dropdown(form, "H", PREFILL_SOURCES)
    for procedure in procedures:
        agencies = sorted(procedure.agencies.all(), key=lambda a: a.key or a.name)
        xlsx_append(
            main,
            [
                procedure.code,
                procedure.name,
                procedure.field,
                procedure.get_authority_level_display(),
                SEPARATOR.join(a.key or a.name for a in agencies),
                procedure.get_online_level_display(),
                procedure.not_full_reason,
                _days_text(procedure.processing_days),
                procedure.fee_vnd,
                procedure.fee_note,
                procedure.result_type,
                procedure.legal_basis,
                procedure.receipt_cutoff_hour,
            ],
        )
        for doc in procedure.documents.all():
            xlsx_append(docs, [procedure.code, doc.name, YES if doc.required else NO, doc.copies])
        for step in procedure.steps.all():
            xlsx_append(
                steps,
                [
                    procedure.code,
                    step.order,
                    step.get_action_display(),
                    step.name,
                    step.get_role_display(),
                    _days_text(step.days),
                ],
            )
        for item in procedure.form_fields or []:
            options = item.get("options") or []
            xlsx_append(
                form,
                [
                    procedure.code,
                    item.get("name", ""),
                    item.get("label", ""),
                    item.get("type", "text"),
                    YES if item.get("required") else NO,
                    SEPARATOR.join(options),
                    item.get("max_length"),
                    item.get("prefill") or None,
                ],
            )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- parsing ---------------------------------------------------------------------------------


class _Rejected(Exception):
    pass


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean(str(value))


def _choice(value: Any, choices: type[Choices], what: str) -> str:
    text = _text(value)
    key = fold(text)
    for stored, label in choices.choices:
        if key in (fold(stored), fold(str(label))):
            return stored
    raise _Rejected(_("%(what)s không hợp lệ: “%(value)s”.") % {"what": what, "value": text})


def _bool(value: Any, what: str) -> bool:
    key = fold(_text(value))
    if key in ("co", "x", "true", "1", "bat buoc"):
        return True
    if key in ("", "khong", "false", "0"):
        return False
    raise _Rejected(_("%(what)s phải là “Có” hoặc “Không”: “%(value)s”.") % {"what": what, "value": _text(value)})


def _days(value: Any, what: str) -> Decimal:
    text = _text(value).replace(",", ".")
    try:
        days = Decimal(text)
    except InvalidOperation:
        raise _Rejected(_("%(what)s phải là một số: “%(value)s”.") % {"what": what, "value": text}) from None
    if not days.is_finite():
        raise _Rejected(_("%(what)s phải là một số: “%(value)s”.") % {"what": what, "value": text})
    if days < 0:
        raise _Rejected(_("%(what)s không được âm: %(value)s.") % {"what": what, "value": text})
    if days != days.quantize(Decimal("0.01")):
        raise _Rejected(_("%(what)s chỉ lấy đến hai chữ số thập phân: %(value)s.") % {"what": what, "value": text})
    return days.quantize(Decimal("0.01"))


def _int(value: Any, what: str, *, blank: int | None = None) -> int | None:
    if value is None or value == "":
        return blank
    if isinstance(value, bool):
        raise _Rejected(_("%(what)s phải là số nguyên: “%(value)s”.") % {"what": what, "value": value})
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise _Rejected(_("%(what)s phải là số nguyên: “%(value)s”.") % {"what": what, "value": value})
        number = int(value)
    else:
        text = _text(value).replace(" ", "")
        if _THOUSANDS.match(text):  # "200.000", as Vietnamese write amounts
            text = text.replace(".", "")
        if not text.isdigit():
            raise _Rejected(_("%(what)s phải là số nguyên: “%(value)s”.") % {"what": what, "value": _text(value)})
        number = int(text)
    if number < 0:
        raise _Rejected(_("%(what)s không được âm: %(value)s.") % {"what": what, "value": number})
    return number


def _rows(book: Any, title: str, width: int) -> list[tuple[int, list[Any]]]:
    if title not in book.sheetnames:
        return []
    out = []
    for number, row in enumerate(book[title].iter_rows(min_row=2, values_only=True), start=2):
        cells = list(row[:width]) + [None] * max(0, width - len(row))
        if any(cell not in (None, "") for cell in cells):
            out.append((number, cells))
    return out


def _specs_from_xlsx(data: bytes) -> list[dict[str, Any]]:
    """Turn the workbook into the same procedure specs the demo file holds."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise DomainError(_("Không đọc được tệp Excel (.xlsx).")) from exc
    if SHEET_PROCEDURES not in book.sheetnames:
        raise DomainError(_("Tệp thiếu trang “%(sheet)s”.") % {"sheet": SHEET_PROCEDURES})
    specs: list[dict[str, Any]] = []
    for number, c in _rows(book, SHEET_PROCEDURES, len(PROCEDURE_HEADERS)):
        specs.append(
            {
                "code": c[0],
                "name": c[1],
                "field": c[2],
                "authority_level": c[3],
                "agencies": c[4],
                "online_level": c[5],
                "not_full_reason": c[6],
                "processing_days": c[7],
                "fee_vnd": c[8],
                "fee_note": c[9],
                "result_type": c[10],
                "legal_basis": c[11],
                "receipt_cutoff_hour": c[12],
                "documents": [],
                "steps": [],
                "form_fields": [],
                "_where": (SHEET_PROCEDURES, number),
            }
        )
    children: list[tuple[str, str, int, dict[str, Any], Any]] = []
    for number, c in _rows(book, SHEET_DOCUMENTS, len(DOCUMENT_HEADERS)):
        children.append(("documents", SHEET_DOCUMENTS, number, {"name": c[1], "required": c[2], "copies": c[3]}, c[0]))
    for number, c in _rows(book, SHEET_STEPS, len(STEP_HEADERS)):
        children.append(
            (
                "steps",
                SHEET_STEPS,
                number,
                {"order": c[1], "action": c[2], "name": c[3], "role": c[4], "days": c[5]},
                c[0],
            )
        )
    for number, c in _rows(book, SHEET_FORM, len(FORM_HEADERS)):
        children.append(
            (
                "form_fields",
                SHEET_FORM,
                number,
                {
                    "name": c[1],
                    "label": c[2],
                    "type": c[3],
                    "required": c[4],
                    "options": c[5],
                    "max_length": c[6],
                    "prefill": c[7],
                },
                c[0],
            )
        )
    by_code: dict[str, dict[str, Any]] = {}
    for spec in specs:
        by_code.setdefault(_text(spec["code"]), spec)
    orphans = []
    for kind, sheet, number, item, code in children:
        item["_where"] = (sheet, number)
        owner = by_code.get(_text(code))
        if owner is None:
            orphans.append(
                {
                    "sheet": sheet,
                    "row": number,
                    "code": _text(code),
                    "reason": _("Mã thủ tục “%(code)s” không có trong trang “%(sheet)s”.")
                    % {"code": _text(code), "sheet": SHEET_PROCEDURES},
                }
            )
        else:
            owner[kind].append(item)
    if orphans:
        specs.append({"_orphans": orphans})
    return specs


# --- validation ------------------------------------------------------------------------------


@dataclass
class _Clean:
    values: dict[str, Any]
    agencies: list[Agency]
    documents: list[dict[str, Any]]
    steps: list[dict[str, Any]]
    form_fields: list[dict[str, Any]]


def _agency_lookup(agencies: QuerySet[Agency] | None) -> tuple[dict[str, Agency], dict[str, Agency]]:
    by_key: dict[str, Agency] = {}
    by_name: dict[str, Agency] = {}
    for agency in (Agency.objects.all() if agencies is None else agencies).order_by("path"):
        if agency.key:
            by_key[agency.key] = agency
        for name in (agency.name, agency.short_name):
            if name:
                by_name.setdefault(fold(name), agency)
    return by_key, by_name


def _validate(
    specs: list[dict[str, Any]], agencies_in_reach: QuerySet[Agency] | None
) -> tuple[list[_Clean], list[dict[str, Any]]]:
    rejected: list[dict[str, Any]] = []
    cleaned: list[_Clean] = []
    by_key, by_name = _agency_lookup(agencies_in_reach)
    seen: dict[str, int | str] = {}
    codes = [_text(spec.get("code")) for spec in specs if "_orphans" not in spec]
    out_of_reach = (
        set(
            Procedure.objects.filter(code__in=codes)
            .exclude(pk__in=_manageable(agencies_in_reach).values("pk"))
            .values_list("code", flat=True)
        )
        if agencies_in_reach is not None
        else set()
    )

    def reject(where: tuple[str, int | str], code: str, reason: str) -> None:
        rejected.append({"sheet": where[0], "row": where[1], "code": code, "reason": reason})

    for spec in specs:
        if "_orphans" in spec:
            rejected.extend(spec["_orphans"])
            continue
        where = spec["_where"]
        code = _text(spec.get("code"))
        ok = True
        try:
            if not code:
                raise _Rejected(_("Thiếu mã thủ tục."))
            if code in seen:
                raise _Rejected(
                    _("Mã thủ tục “%(code)s” trùng với dòng %(row)s của tệp.") % {"code": code, "row": seen[code]}
                )
            seen[code] = where[1]
            if code in out_of_reach:
                raise _Rejected(
                    _("Không tìm thấy thủ tục có mã “%(code)s” trong phạm vi bạn quản lý.") % {"code": code}
                )
            name = _text(spec.get("name"))
            if not name:
                raise _Rejected(_("Thiếu tên thủ tục."))
            field_name = _text(spec.get("field"))
            if not field_name:
                raise _Rejected(_("Thiếu lĩnh vực."))
            level = _choice(spec.get("authority_level"), AuthorityLevel, _("Cấp thực hiện"))
            online = _choice(spec.get("online_level"), OnlineLevel, _("Mức độ trực tuyến"))
            reason = _text(spec.get("not_full_reason"))
            if online != OnlineLevel.FULL and not reason:
                raise _Rejected(_("Thủ tục không cung cấp toàn trình phải công khai lý do."))
            days = _days(spec.get("processing_days"), _("Thời hạn giải quyết"))
            fee = _int(spec.get("fee_vnd"), _("Phí, lệ phí"), blank=0)
            cutoff = _int(spec.get("receipt_cutoff_hour"), _("Giờ chốt tiếp nhận"))
            if cutoff is not None and not 0 < cutoff < 24:
                raise _Rejected(_("Giờ chốt tiếp nhận phải từ 1 đến 23: %(value)s.") % {"value": cutoff})
            raw_agencies = spec.get("agencies")
            names = raw_agencies if isinstance(raw_agencies, list) else _text(raw_agencies).split(";")
            agencies: list[Agency] = []
            for raw in names:
                text = _text(raw)
                if not text:
                    continue
                agency = by_key.get(text) or by_name.get(fold(text))
                if agency is None:
                    raise _Rejected(_("Không tìm thấy cơ quan “%(agency)s”.") % {"agency": text})
                agencies.append(agency)
            if not agencies:
                raise _Rejected(_("Thiếu cơ quan thực hiện."))
            result_type = _text(spec.get("result_type"))
            if not result_type:
                raise _Rejected(_("Thiếu kết quả giải quyết."))
        except _Rejected as exc:
            reject(where, code, str(exc))
            continue
        documents, steps, form_fields = [], [], []
        for position, item in enumerate(spec.get("documents", []), start=1):
            try:
                doc_name = _text(item.get("name"))
                if not doc_name:
                    raise _Rejected(_("Thiếu tên giấy tờ."))
                copies = _int(item.get("copies"), _("Số bản"), blank=1)
                documents.append(
                    {
                        "name": doc_name,
                        "required": _bool(item.get("required", True), _("Bắt buộc")),
                        "copies": copies,
                        "order": position,
                    }
                )
            except _Rejected as exc:
                ok = False
                reject(item.get("_where", where), code, str(exc))
        orders: set[int] = set()
        total = Decimal(0)
        for item in spec.get("steps", []):
            item_where = item.get("_where", where)
            try:
                order = _int(item.get("order"), _("Thứ tự bước"))
                if not order:
                    raise _Rejected(_("Thiếu thứ tự bước."))
                if order in orders:
                    raise _Rejected(_("Bước %(order)s bị trùng.") % {"order": order})
                orders.add(order)
                role_text = _text(item.get("role"))
                try:
                    role = _choice(role_text, Role, _("Vai trò"))
                except _Rejected:
                    raise _Rejected(
                        _("Vai trò “%(role)s” không có trong danh mục vai trò.") % {"role": role_text}
                    ) from None
                step_days = _days(item.get("days"), _("Số ngày của bước"))
                total += step_days
                steps.append(
                    {
                        "order": order,
                        "action": _choice(item.get("action"), StepAction, _("Thao tác")),
                        "name": _text(item.get("name")) or _("Bước %(order)s") % {"order": order},
                        "role": role,
                        "days": step_days,
                    }
                )
            except _Rejected as exc:
                ok = False
                reject(item_where, code, str(exc))
        if total > days:
            ok = False
            reject(
                where,
                code,
                _("Tổng thời gian các bước quy trình (%(total)s ngày) vượt thời hạn giải quyết (%(days)s ngày).")
                % {"total": _days_text(total), "days": _days_text(days)},
            )
        names_seen: set[str] = set()
        for item in spec.get("form_fields", []):
            try:
                fname = _text(item.get("name"))
                if not fname:
                    raise _Rejected(_("Thiếu tên trường tờ khai."))
                if fname in names_seen:
                    raise _Rejected(_("Trường tờ khai “%(name)s” bị trùng.") % {"name": fname})
                names_seen.add(fname)
                ftype = _text(item.get("type")) or "text"
                if ftype not in FORM_FIELD_TYPES:
                    raise _Rejected(_("Kiểu trường “%(type)s” không hợp lệ.") % {"type": ftype})
                raw_options = item.get("options")
                options = (
                    [_text(o) for o in raw_options]
                    if isinstance(raw_options, list)
                    else [_text(o) for o in _text(raw_options).split(";")]
                )
                options = [o for o in options if o]
                if ftype == "select" and not options:
                    raise _Rejected(_("Trường lựa chọn “%(name)s” cần danh sách lựa chọn.") % {"name": fname})
                prefill = _text(item.get("prefill"))
                if prefill and prefill not in PREFILL_SOURCES:
                    raise _Rejected(
                        _("Nguồn điền sẵn “%(source)s” không hợp lệ (chọn một trong: %(choices)s).")
                        % {"source": prefill, "choices": ", ".join(PREFILL_SOURCES)}
                    )
                field_spec = {
                    "name": fname,
                    "label": _text(item.get("label")) or fname,
                    "type": ftype,
                    "required": _bool(item.get("required", False), _("Bắt buộc")),
                    "options": options,
                    "max_length": _int(item.get("max_length"), _("Độ dài tối đa")),
                }
                if prefill:
                    field_spec["prefill"] = prefill
                form_fields.append(field_spec)
            except _Rejected as exc:
                ok = False
                reject(item.get("_where", where), code, str(exc))
        if ok:
            cleaned.append(
                _Clean(
                    values={
                        "name": name,
                        "field": field_name,
                        "authority_level": level,
                        "online_level": online,
                        "not_full_reason": "" if online == OnlineLevel.FULL else reason,
                        "processing_days": days,
                        "receipt_cutoff_hour": cutoff,
                        "fee_vnd": fee,
                        "fee_note": _text(spec.get("fee_note")),
                        "result_type": result_type,
                        "legal_basis": _text(spec.get("legal_basis")),
                        "code": code,
                    },
                    agencies=agencies,
                    documents=documents,
                    steps=steps,
                    form_fields=form_fields,
                )
            )
    return cleaned, rejected


@dataclass
class _Plan:
    """What saving one cleaned procedure would change, worked out before anything is written."""

    procedure: Procedure
    created: bool
    fields: dict[str, Any]
    agencies: list[Agency] | None  # None: unchanged
    documents_update: list[tuple[DocumentRequirement, dict[str, Any]]]
    documents_create: list[dict[str, Any]]
    documents_delete: list[DocumentRequirement]
    documents_retire: list[DocumentRequirement]
    steps_update: list[tuple[WorkflowStep, dict[str, Any]]]
    steps_create: list[dict[str, Any]]
    steps_delete: list[WorkflowStep]

    @property
    def changed(self) -> bool:
        return bool(
            self.created
            or self.fields
            or self.agencies is not None
            or self.documents_update
            or self.documents_create
            or self.documents_delete
            or self.documents_retire
            or self.steps_update
            or self.steps_create
            or self.steps_delete
        )


def _differences(obj: Any, values: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in values.items() if getattr(obj, name) != value}


def _plan_documents(
    plan: _Plan, current: list[DocumentRequirement], wanted: list[dict[str, Any]], referenced: set[int]
) -> None:
    """Match the file's requirements to the stored ones by name, then the rest by position."""
    left = sorted(current, key=lambda d: (d.retired_at is not None, d.order, d.pk))
    unmatched: list[dict[str, Any]] = []
    for spec in wanted:
        found = next((d for d in left if fold(d.name) == fold(spec["name"])), None)
        if found is None:
            unmatched.append(spec)
            continue
        left.remove(found)
        plan.documents_update.append((found, spec))
    for spec in unmatched:
        found = next((d for d in left if d.retired_at is None and d.order == spec["order"]), None)
        if found is None:
            plan.documents_create.append(spec)
        else:
            left.remove(found)
            plan.documents_update.append((found, spec))
    plan.documents_update = [
        (d, diff)
        for d, spec in plan.documents_update
        if (diff := {**_differences(d, spec), **({"retired_at": None} if d.retired_at is not None else {})})
    ]
    for document in left:
        if document.pk in referenced:
            if document.retired_at is None:
                plan.documents_retire.append(document)
        else:
            plan.documents_delete.append(document)


def _plan(item: _Clean, procedure: Procedure | None, referenced: set[int]) -> _Plan:
    values = {key: value for key, value in item.values.items() if key != "code"}
    values["form_fields"] = item.form_fields
    if procedure is None:
        procedure = Procedure(code=item.values["code"])
        return _Plan(
            procedure=procedure,
            created=True,
            fields=values,
            agencies=item.agencies,
            documents_update=[],
            documents_create=item.documents,
            documents_delete=[],
            documents_retire=[],
            steps_update=[],
            steps_create=item.steps,
            steps_delete=[],
        )
    wanted_agencies = {agency.pk for agency in item.agencies}
    plan = _Plan(
        procedure=procedure,
        created=False,
        fields=_differences(procedure, values),
        agencies=item.agencies if wanted_agencies != {a.pk for a in procedure.agencies.all()} else None,
        documents_update=[],
        documents_create=[],
        documents_delete=[],
        documents_retire=[],
        steps_update=[],
        steps_create=[],
        steps_delete=[],
    )
    _plan_documents(plan, list(DocumentRequirement.every.filter(procedure=procedure)), item.documents, referenced)
    steps = {step.order: step for step in procedure.steps.all()}
    for spec in item.steps:
        step = steps.pop(spec["order"], None)
        if step is None:
            plan.steps_create.append(spec)
        elif diff := _differences(step, spec):
            plan.steps_update.append((step, diff))
    plan.steps_delete = list(steps.values())
    return plan


def _apply(plan: _Plan, now: Any) -> None:
    procedure = plan.procedure
    if plan.fields:
        for name, value in plan.fields.items():
            setattr(procedure, name, value)
        procedure.save()
    if plan.agencies is not None:
        procedure.agencies.set(plan.agencies)
    if plan.documents_delete:
        DocumentRequirement.every.filter(pk__in=[d.pk for d in plan.documents_delete]).delete()
    if plan.documents_retire:
        DocumentRequirement.every.filter(pk__in=[d.pk for d in plan.documents_retire]).update(retired_at=now)
    for document, diff in plan.documents_update:
        DocumentRequirement.every.filter(pk=document.pk).update(**diff)
    DocumentRequirement.objects.bulk_create(
        DocumentRequirement(procedure=procedure, **d) for d in plan.documents_create
    )
    if plan.steps_delete:
        WorkflowStep.objects.filter(pk__in=[s.pk for s in plan.steps_delete]).delete()
    for step, diff in plan.steps_update:
        WorkflowStep.objects.filter(pk=step.pk).update(**diff)
    WorkflowStep.objects.bulk_create(WorkflowStep(procedure=procedure, **s) for s in plan.steps_create)


def procedures_import_specs(
    *, actor: Person | None, specs: list[dict[str, Any]], dry_run: bool = False, source: str = "xlsx"
) -> CatalogueImportOutcome:
    """Validate every spec; save them all (upsert by code, in place) or none.

    ``actor`` None is the platform itself (demo data, commands): the whole install. A person
    changes only the procedures and names only the agencies within their reach
    (:func:`procedures_manageable`); any other row is rejected.
    """
    reach = None if actor is None else catalogue_agencies(actor)
    cleaned, rejected = _validate(specs, reach)
    outcome = CatalogueImportOutcome(rejected=rejected)
    existing = {
        p.code: p
        for p in Procedure.objects.filter(code__in=[c.values["code"] for c in cleaned]).prefetch_related(
            "agencies", "steps"
        )
    }
    referenced = set(
        DossierFile.objects.filter(requirement__procedure__in=list(existing.values()))
        .values_list("requirement_id", flat=True)
        .distinct()
    )
    plans = []
    for item in cleaned:
        plan = _plan(item, existing.get(item.values["code"]), referenced)
        plans.append(plan)
        if plan.created:
            outcome.created += 1
        elif plan.changed:
            outcome.updated += 1
        else:
            outcome.unchanged += 1
        outcome.retired += len(plan.documents_retire)
        outcome.documents += len(item.documents)
        outcome.steps += len(item.steps)
        outcome.form_fields += len(item.form_fields)
    if rejected or dry_run or not cleaned:
        return outcome
    if outcome.changes:
        now = timezone.now()
        with transaction.atomic():
            for plan in plans:
                if plan.changed:
                    _apply(plan, now)
            ledger_append(
                actor=actor,
                action="services.procedure.import",
                object_type="services.procedure",
                payload={
                    **outcome.as_payload(),
                    "source": source,
                    "codes": sorted(p.procedure.code for p in plans if p.changed),
                },
            )
    outcome.saved = True
    return outcome


def procedures_import_xlsx(*, actor: Person | None, data: bytes, dry_run: bool = False) -> CatalogueImportOutcome:
    return procedures_import_specs(actor=actor, specs=_specs_from_xlsx(data), dry_run=dry_run)
