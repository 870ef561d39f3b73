"""A province confirms or corrects its own list of agencies from Excel.

The shipped list (``tinhso.org.agencies``) is generated from the national rules where no
province-specific source was at hand. A province's DX office (or a system administrator)
downloads its list as a template, corrects names, parents, dates and sources, fills in each
agency's electronic id (mã định danh điện tử, Circular 4/2025/TT-VPCP: dossier codes need it),
adds missing agencies, and uploads the file. Every row is checked first; if any row is
rejected nothing is written and every rejected row is reported. Otherwise, in one transaction,
each changed agency goes through the agency services (their ledger events), every listed
agency is marked confirmed today, and one more ledger event records the import.

Scope: a DX office works on the province of the agency its role is held on; a system
administrator on any province. A province outside the user's reach is answered as not found.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from tinhso.core.errors import DomainError, NotFound
from tinhso.core.sheets import cell_day, cell_text, sheet_rows
from tinhso.core.text import clean, fold
from tinhso.ledger.services import ledger_append

from . import services
from .models import AdministrativeUnit, Agency, AgencyKind, AgencyQuerySet, Person, RoleAssignment, UnitLevel
from .roles import GLOBAL_ROLES, Perm, roles_with

SHEET = "Cơ quan"
HEADERS = [
    "Khóa",
    "Tên cơ quan",
    "Tên viết tắt",
    "Loại",
    "Khóa cơ quan cấp trên",
    "Mã định danh điện tử",
    "Hoạt động từ",
    "Hoạt động đến",
    "Căn cứ",
]
MAX_ROWS = 5000
# Circular 4/2025/TT-VPCP agency ids: dot-separated groups of letters and digits
# ("H33.01", "000.00.00.H33", "H15.50.05.13").
CODE_PATTERN = re.compile(r"^[A-Z0-9]{1,6}(\.[A-Z0-9]{1,6}){1,6}$")
KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,59}$")


# --- scope ----------------------------------------------------------------------------------


def confirm_provinces(person: Person | Any) -> QuerySet[AdministrativeUnit]:
    """Today's provinces whose agency list ``person`` may confirm (``Perm.AGENCY_CONFIRM``): all
    for a role held without an agency (system administrator), else the province of each agency a
    granting role (DX office) is held on."""
    provinces = AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE, valid_to__isnull=True)
    if not getattr(person, "is_authenticated", False) or not person.is_active:
        return provinces.none()
    granting = RoleAssignment.objects.active().filter(person=person, role__in=roles_with(Perm.AGENCY_CONFIRM))
    if granting.filter(agency__isnull=True, role__in=GLOBAL_ROLES).exists():
        return provinces.order_by("name")
    codes = set()
    for assignment in granting.filter(agency__isnull=False).select_related("agency__unit__parent__parent"):
        if assignment.agency is None:  # excluded by the filter
            continue
        unit = assignment.agency.unit.province
        if unit.valid_to is None:
            codes.add(unit.code)
    return provinces.filter(code__in=codes).order_by("name")


def confirm_province(person: Person | Any, code: str | None) -> AdministrativeUnit:
    """The province ``code`` if ``person`` may confirm its list; NotFound otherwise, alike."""
    province = confirm_provinces(person).filter(code=clean(code or "")).first()
    if province is None:
        raise NotFound(_("Không tìm thấy tỉnh, thành phố."), code="not_found")
    return province


def province_agencies(province: AdministrativeUnit) -> AgencyQuerySet:
    """The agencies of today's ``province``: those in its unit and in its communes."""
    return Agency.objects.filter(Q(unit=province) | Q(unit__parent=province))


# --- the template ---------------------------------------------------------------------------


def _kind_labels() -> dict[str, str]:
    return {str(value): str(label) for value, label in AgencyKind.choices}


def agencies_template_xlsx(province: AdministrativeUnit) -> bytes:
    """The province's agencies in force today, one row each, in tree order: the file to correct."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    labels = _kind_labels()
    agencies = province_agencies(province).active().select_related("parent").order_by("path")
    for number, agency in enumerate(agencies, start=2):
        values = [
            agency.key or "",
            agency.name,
            agency.short_name,
            labels.get(agency.kind, agency.kind),
            agency.parent.key if agency.parent_id and agency.parent.key else "",
            agency.code,
            agency.valid_from.strftime("%d/%m/%Y") if agency.valid_from else "",
            agency.valid_to.strftime("%d/%m/%Y") if agency.valid_to else "",
            agency.source,
        ]
        for column, value in enumerate(values, start=1):
            if value:
                cell = sheet.cell(row=number, column=column, value=value)
                cell.data_type = "s"  # text stays text: a name starting with "=" is no formula
    for index, width in enumerate((24, 60, 24, 26, 24, 22, 14, 14, 60), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    guide = book.create_sheet(_("Hướng dẫn"))
    for line in (
        _("Sửa trang “%(sheet)s” rồi tải lên: mỗi dòng một cơ quan.") % {"sheet": SHEET},
        _("Khóa: giữ nguyên để sửa cơ quan đã có; để trống (hoặc ghi khóa mới) để thêm cơ quan."),
        _("Loại: một trong %(kinds)s.") % {"kinds": "; ".join(labels.values())},
        _("Khóa cơ quan cấp trên: khóa của một cơ quan trong tỉnh (trên trang này hoặc đã có)."),
        _(
            "Mã định danh điện tử: theo Thông tư 4/2025/TT-VPCP, ví dụ H33.01 hoặc 000.00.00.H33; "
            "bắt buộc để tiếp nhận hồ sơ."
        ),
        _("Ngày ghi theo dạng dd/mm/yyyy. Căn cứ: văn bản quy định cơ quan."),
        _(
            "Tệp chỉ được nhập khi không còn dòng nào bị từ chối; mọi cơ quan có trong tệp được ghi là "
            "đã được tỉnh xác nhận."
        ),
    ):
        guide.append([line])
    guide.column_dimensions["A"].width = 120
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- the import -----------------------------------------------------------------------------


@dataclass
class ConfirmOutcome:
    province: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    confirmed: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)
    saved: bool = False


@dataclass
class _Row:
    number: int
    key: str
    name: str
    short_name: str
    kind: str
    parent_key: str
    code: str
    valid_from: dt.date | None
    valid_to: dt.date | None
    source: str
    agency: Agency | None = None


def _parse(number: int, cells: list[Any], kinds: dict[str, str]) -> tuple[_Row | None, list[str]]:
    errors = []
    key, name, short_name, kind_text, parent_key, code = (cell_text(cell) for cell in cells[:6])
    code = code.upper()
    if key and not KEY_PATTERN.match(key):
        errors.append(
            _("Khóa “%(key)s” chỉ gồm chữ thường không dấu, số, dấu chấm, gạch (tối đa 60 ký tự).") % {"key": key}
        )
    if not name:
        errors.append(_("Thiếu tên cơ quan."))
    elif len(name) > 255:
        errors.append(_("Tên cơ quan dài quá 255 ký tự."))
    if len(short_name) > 80:
        errors.append(_("Tên viết tắt dài quá 80 ký tự."))
    kind = kinds.get(fold(kind_text))
    if kind is None:
        errors.append(_("Loại cơ quan “%(kind)s” không hợp lệ.") % {"kind": kind_text})
    if code and not CODE_PATTERN.match(code):
        errors.append(
            _("Mã định danh điện tử “%(code)s” không đúng dạng (ví dụ H33.01 hoặc 000.00.00.H33).") % {"code": code}
        )
    days: list[dt.date | None] = []
    for cell, label in ((cells[6], _("Hoạt động từ")), (cells[7], _("Hoạt động đến"))):
        try:
            days.append(cell_day(cell))
        except ValueError:
            errors.append(
                _("Ngày “%(value)s” (cột %(column)s) không đúng dạng dd/mm/yyyy.")
                % {"value": cell_text(cell), "column": label}
            )
            days.append(None)
    if days[0] and days[1] and days[1] < days[0]:
        errors.append(_("Ngày kết thúc hoạt động không được trước ngày bắt đầu."))
    source = cell_text(cells[8])
    if len(source) > 300:
        errors.append(_("Căn cứ dài quá 300 ký tự."))
    if errors:
        return None, errors
    return _Row(number, key, name, short_name, kind or "", parent_key, code, days[0], days[1], source), []


def _check(rows: list[_Row], province: AdministrativeUnit, reject: Any) -> None:
    """Cross-row checks: keys, parents, cycles and electronic ids, against the database."""
    in_province = {agency.key: agency for agency in province_agencies(province).exclude(key__isnull=True)}
    seen: dict[str, int] = {}
    for row in rows:
        if row.key and row.key in seen:
            reject(row, _("Khóa “%(key)s” lặp lại (đã có ở dòng %(line)d).") % {"key": row.key, "line": seen[row.key]})
        elif row.key:
            seen[row.key] = row.number
            row.agency = in_province.get(row.key)
            if row.agency is None and Agency.objects.filter(key=row.key).exists():
                reject(row, _("Khóa “%(key)s” đã được dùng cho cơ quan khác.") % {"key": row.key})
    file_keys = {row.key for row in rows if row.key}
    for row in rows:
        if not row.parent_key:
            continue
        if row.parent_key == row.key:
            reject(row, _("Cơ quan không thể là cấp trên của chính nó."))
        elif row.parent_key not in in_province and row.parent_key not in file_keys:
            reject(row, _("Không có cơ quan cấp trên có khóa “%(key)s” trong tỉnh.") % {"key": row.parent_key})
    # A cycle through the new parents (A under B, B under A), following the file then the database.
    parent_of = {
        key: (agency.parent.key if agency.parent_id and agency.parent else "") for key, agency in in_province.items()
    }
    parent_of.update({row.key: row.parent_key for row in rows if row.key})
    for row in rows:
        key, steps = row.key, 0
        while key and steps <= len(parent_of):
            key = parent_of.get(key) or ""
            steps += 1
            if key and key == row.key:
                reject(row, _("Cơ quan cấp trên “%(key)s” tạo vòng lặp trong cây cơ quan.") % {"key": row.parent_key})
                break
    # Electronic ids: unique within the file and against every agency not listed in it.
    codes: dict[str, int] = {}
    listed = [row.agency.pk for row in rows if row.agency is not None]
    taken = dict(Agency.objects.exclude(code="").exclude(pk__in=listed).values_list("code", "name"))
    for row in rows:
        if not row.code:
            continue
        if row.code in codes:
            reject(
                row,
                _("Mã định danh “%(code)s” lặp lại (đã có ở dòng %(line)d).")
                % {"code": row.code, "line": codes[row.code]},
            )
        elif row.code in taken:
            reject(
                row,
                _("Mã định danh “%(code)s” đã được dùng cho “%(name)s”.") % {"code": row.code, "name": taken[row.code]},
            )
        codes.setdefault(row.code, row.number)


def agencies_confirm_xlsx(
    *,
    actor: Person | Any,
    province: AdministrativeUnit,
    data: bytes,
    dry_run: bool = False,
) -> ConfirmOutcome:
    """Check every row of the workbook; unless ``dry_run`` or a row is rejected, apply it.
    ``actor`` must be allowed to confirm the province's list (:func:`.rules.may_confirm_agency_list`);
    None is a trusted operator (a command)."""
    if actor is not None:
        confirm_province(actor, province.code)  # NotFound alike outside the actor's reach
    kinds = {fold(label): value for value, label in _kind_labels().items()}
    kinds.update({fold(value): value for value in AgencyKind.values})
    outcome = ConfirmOutcome(province=province.code)
    rows: list[_Row] = []

    def reject(row: _Row | int, reason: str, key: str = "") -> None:
        number = row if isinstance(row, int) else row.number
        outcome.rejected.append(
            {"row": number, "key": key or ("" if isinstance(row, int) else row.key), "reason": reason}
        )

    for number, cells in sheet_rows(data, sheet=SHEET, headers=HEADERS, max_rows=MAX_ROWS):
        parsed, errors = _parse(number, cells, kinds)
        for error in errors:
            reject(number, error, cell_text(cells[0]))
        if parsed is not None:
            rows.append(parsed)
    outcome.rows = len(rows) + len({item["row"] for item in outcome.rejected})
    _check(rows, province, reject)
    outcome.rejected.sort(key=lambda item: item["row"])
    for row in rows:
        if row.agency is None:
            outcome.created += 1
        elif _changes(row):
            outcome.updated += 1
    outcome.confirmed = len(rows)
    if outcome.rejected or dry_run:
        return outcome
    _apply(actor, province, rows, outcome, hashlib.sha256(data).hexdigest())
    return outcome


def _changes(row: _Row) -> dict[str, dict[str, Any]]:
    agency = row.agency
    assert agency is not None
    current = {
        "name": agency.name,
        "short_name": agency.short_name,
        "kind": agency.kind,
        "parent": agency.parent.key if agency.parent_id and agency.parent else "",
        "code": agency.code,
        "valid_from": agency.valid_from,
        "valid_to": agency.valid_to,
        "source": agency.source,
    }
    wanted = {
        "name": row.name,
        "short_name": row.short_name,
        "kind": row.kind,
        "parent": row.parent_key,
        "code": row.code,
        "valid_from": row.valid_from or agency.valid_from,
        "valid_to": row.valid_to or agency.valid_to,
        "source": row.source or agency.source,
    }
    return {name: {"from": current[name], "to": wanted[name]} for name in wanted if wanted[name] != current[name]}


@transaction.atomic
def _apply(
    actor: Person | Any, province: AdministrativeUnit, rows: list[_Row], outcome: ConfirmOutcome, digest: str
) -> None:
    today = timezone.localdate()
    by_key = {agency.key: agency for agency in province_agencies(province).exclude(key__isnull=True)}
    # Electronic ids move between agencies in one file: clear the changed ones first so that the
    # uniqueness check of each update sees the final state.
    moving = [row for row in rows if row.agency is not None and row.agency.code and row.agency.code != row.code]
    for row in moving:
        assert row.agency is not None
        row.agency = services.agency_update(actor=actor, agency=row.agency, code="")
    pending = [row for row in rows if row.agency is None]
    root = (
        province_agencies(province)
        .filter(unit=province, parent__isnull=True, kind=AgencyKind.PEOPLES_COMMITTEE, key__isnull=False)
        .first()
    )
    prefix = root.key.split(".")[0] if root and root.key else f"p{province.code}"
    existing_rows = [row for row in rows if row.agency is not None]
    # New agencies, parents first: a row waits until its parent exists.
    while pending:
        progressed = False
        for row in list(pending):
            if row.parent_key and row.parent_key not in by_key:
                continue
            parent = by_key.get(row.parent_key) if row.parent_key else None
            agency = services.agency_create(
                actor=actor,
                name=row.name,
                kind=row.kind,
                unit=parent.unit if parent else province,
                parent=parent,
                short_name=row.short_name,
                code=row.code,
                valid_from=row.valid_from,
                valid_to=row.valid_to,
                key=row.key or None,
                source=row.source or _("Tỉnh bổ sung"),
                confirmed_on=today,
            )
            if not row.key:
                agency.key = f"{prefix}.n{agency.pk}"
                agency.save(update_fields=["key"])
            by_key[agency.key] = agency
            outcome.changes.append({"key": agency.key, "created": True})
            pending.remove(row)
            progressed = True
        if not progressed:  # _check rules this out; never write half a tree
            raise DomainError(_("Không xác định được cơ quan cấp trên của các dòng mới."))
    unchanged = []
    for row in existing_rows:
        assert row.agency is not None
        agency = Agency.objects.select_related("parent").get(pk=row.agency.pk)
        row.agency = agency
        changes = _changes(row)
        if not changes:
            unchanged.append(agency.pk)
            continue
        if "name" in changes:
            agency = services.agency_rename(actor=actor, agency=agency, new_name=row.name, effective_date=today)
        parent = by_key.get(row.parent_key) if row.parent_key else None
        services.agency_update(
            actor=actor,
            agency=agency,
            parent=parent,
            set_parent="parent" in changes,
            short_name=row.short_name,
            code=row.code,
            kind=row.kind,
            valid_from=row.valid_from,
            valid_to=row.valid_to,
            source=row.source or None,
            confirmed_on=today,
        )
        outcome.changes.append({"key": row.key, "changed": changes})
    # Listed and right as they are: confirmed, recorded by the import's own event below.
    Agency.objects.filter(pk__in=unchanged).update(confirmed_on=today)
    ledger_append(
        actor=actor,
        action="org.agencies.confirm",
        object_type="org.agency",
        object_id=province.code,
        payload={
            "province": province.code,
            "rows": outcome.rows,
            "created": outcome.created,
            "updated": outcome.updated,
            "confirmed": outcome.confirmed,
            "sha256": digest,
            "changes": outcome.changes,
        },
    )
    outcome.saved = True
