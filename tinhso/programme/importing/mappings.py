"""Column mappings: what each column of a table the importer could not classify is, said once
by the DX office and remembered for the province (:class:`~tinhso.programme.models.ColumnMapping`).

The readers stay free of the ORM: :func:`mappings_for` turns the saved rows into the plain
``{signature: (MappedColumn | None, ...)}`` that ``readers.parse_file`` takes. Every write goes
through :func:`column_mapping_save`, which checks, saves and records a ledger event.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tinhso.core.errors import DomainError, NotAllowed
from tinhso.core.text import clean
from tinhso.ledger.services import ledger_append
from tinhso.org.models import AdministrativeUnit, Person, UnitLevel
from tinhso.org.units import unit_successors_on

from ..access import manages_province
from ..models import ColumnMapping
from .amounts import phase_of
from .headers import MAPPABLE_ROLES, Header, MappedColumn, Role, Row, classify, header_from_mapping, header_signature
from .report import Place
from .shapes import Cell

IGNORE = "ignore"
ROLE_LABELS: dict[str, Any] = {
    IGNORE: gettext_lazy("Bỏ qua cột này"),
    "code": gettext_lazy("Mã nhiệm vụ / STT"),
    "name": gettext_lazy("Tên nhiệm vụ"),
    "content": gettext_lazy("Nội dung nhiệm vụ"),
    "lead": gettext_lazy("Đơn vị chủ trì (theo dõi)"),
    "partners": gettext_lazy("Đơn vị phối hợp"),
    "timeline": gettext_lazy("Thời gian thực hiện"),
    "deliverable": gettext_lazy("Kết quả, sản phẩm"),
    "note": gettext_lazy("Ghi chú"),
    "budget": gettext_lazy("Kinh phí (ghi giai đoạn)"),
    "funding": gettext_lazy("Nguồn vốn"),
    "target": gettext_lazy("Tên chỉ tiêu"),
    "year": gettext_lazy("Mục tiêu đến năm (ghi năm)"),
    "unit": gettext_lazy("Đơn vị tính"),
}
assert set(ROLE_LABELS) == {IGNORE, *MAPPABLE_ROLES}
# Roles a table may give to several columns: budgets per phase, targets per year, notes.
_REPEATABLE = {"budget", "year", "note", "partners"}
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")

Mapped = tuple[MappedColumn | None, ...]


def role_choices() -> list[tuple[str, str]]:
    return [(role, str(label)) for role, label in ROLE_LABELS.items()]


def suggested(header: Sequence[str]) -> list[dict[str, Any]]:
    """A first guess for the form, per column: its index and title, the role the title
    suggests (else "ignore"), and the phase or year it names."""
    guesses = []
    for index, title in enumerate(header):
        role = classify(title) or IGNORE
        role = role if role in ROLE_LABELS else ("code" if role == "number" else IGNORE)
        years = _YEAR.findall(title)
        extra = (phase_of(title) or "") if role == "budget" else (years[-1] if years and role == "year" else "")
        guesses.append({"index": index, "title": title, "role": role, "extra": extra})
    return guesses


def columns_from_form(data: Mapping[str, Any], header: Sequence[str]) -> Mapped:
    """The posted form (``col_<i>`` a role, ``extra_<i>`` a phase or year) as mapped columns;
    a :class:`DomainError` with a Vietnamese message for anything the importer could not use."""
    width = len(header)
    indexes = set()
    for key in data:
        found = re.fullmatch(r"(col|extra)_(\d{1,4})", key)
        if found:
            indexes.add(int(found.group(2)))
        elif key.startswith(("col_", "extra_")):
            raise DomainError(_("Cột không hợp lệ: %(key)s.") % {"key": key[:20]}, field="columns")
    if any(index >= width for index in indexes):
        raise DomainError(
            _("Bảng chỉ có %(width)d cột; cột số %(index)d không có.") % {"width": width, "index": max(indexes) + 1},
            field="columns",
        )
    columns: list[MappedColumn | None] = []
    used: dict[str, int] = {}
    for index in range(width):
        role = str(data.get(f"col_{index}") or IGNORE)
        extra = clean(str(data.get(f"extra_{index}") or ""))
        if role not in ROLE_LABELS:
            raise DomainError(
                _("Vai trò “%(role)s” của cột %(index)d không có trong danh sách.")
                % {"role": role[:40], "index": index + 1},
                field="columns",
            )
        if role == IGNORE:
            columns.append(None)
            continue
        if role in used and role not in _REPEATABLE:
            raise DomainError(
                _("Cột %(first)d và cột %(second)d cùng là “%(role)s”: mỗi vai trò này chỉ chọn cho một cột.")
                % {"first": used[role] + 1, "second": index + 1, "role": ROLE_LABELS[role]},
                field="columns",
            )
        used.setdefault(role, index)
        columns.append(_mapped(role, extra, header[index], index))  # type: ignore[arg-type]
    _check_usable(header, columns)
    return tuple(columns)


def _mapped(role: Role, extra: str, title: str, index: int) -> MappedColumn:
    if role == "year":
        years = _YEAR.findall(extra or title)
        if not years:
            raise DomainError(
                _("Cột %(index)d là mục tiêu theo năm: ghi năm (ví dụ 2025).") % {"index": index + 1}, field="columns"
            )
        return MappedColumn(role, year=int(years[-1]))
    if role == "budget" and extra:
        phase = phase_of(extra)
        if phase is None:
            raise DomainError(
                _("Giai đoạn “%(text)s” của cột %(index)d không đọc được (ví dụ 2022-2025).")
                % {"text": extra[:40], "index": index + 1},
                field="columns",
            )
        return MappedColumn(role, phase=phase)
    return MappedColumn(role)


def _check_usable(header: Sequence[str], columns: Sequence[MappedColumn | None]) -> None:
    """The mapping must make a table the readers can read: tasks need a code, a name and a lead;
    targets a name and at least one year."""
    built: Header = header_from_mapping(Row(tuple(Cell(text) for text in header), Place("text", 1)), columns)
    roles = {column.role for column in built.columns}
    if not roles:
        raise DomainError(_("Chọn vai trò cho ít nhất một cột."), field="columns")
    if "target" in roles and "name" in roles:
        raise DomainError(
            _("Một bảng là bảng nhiệm vụ hoặc bảng chỉ tiêu: không chọn cả “Tên nhiệm vụ” và “Tên chỉ tiêu”."),
            field="columns",
        )
    missing = built.missing()
    if built.kind == "tasks" and "target" in roles:
        missing = [str(ROLE_LABELS["year"])]
    if missing:
        raise DomainError(_("Bảng còn thiếu cột: %(columns)s.") % {"columns": ", ".join(missing)}, field="columns")


def _as_json(columns: Iterable[MappedColumn | None]) -> list[dict[str, Any] | None]:
    return [None if c is None else {"role": c.role, "phase": c.phase, "year": c.year} for c in columns]


def _from_json(columns: Iterable[dict[str, Any] | None]) -> Mapped:
    return tuple(
        None if c is None else MappedColumn(c["role"], phase=c.get("phase"), year=c.get("year")) for c in columns
    )


def today_province(province: AdministrativeUnit) -> AdministrativeUnit:
    """The province carrying ``province`` on today (itself if it goes on): mappings are kept
    for it, so that the schemes of two merged provinces share them."""
    current = [unit for unit in unit_successors_on(province, timezone.localdate()) if unit.level == UnitLevel.PROVINCE]
    return current[0] if current else province


def mappings_for(province: AdministrativeUnit, signatures: Iterable[str]) -> dict[str, Mapped]:
    """The saved mappings of the province for these header signatures."""
    import hashlib

    digests = {hashlib.sha256(signature.encode()).hexdigest() for signature in signatures}
    rows = ColumnMapping.objects.filter(province=today_province(province), digest__in=digests)
    return {row.signature: _from_json(row.columns) for row in rows}


@transaction.atomic
def column_mapping_save(
    *, actor: Person, province: AdministrativeUnit, header: Sequence[str], columns: Mapped
) -> ColumnMapping:
    """Remember ``columns`` for the tables of ``header``'s shape in ``province`` (today's
    province is used); only the province's DX office may."""
    province = today_province(province)
    if not manages_province(actor, province.pk):
        raise NotAllowed(
            _("Chỉ cơ quan chuyên trách chuyển đổi số của tỉnh được khai báo cột cho bảng."), code="forbidden"
        )
    signature = header_signature(header)
    if not signature or len(columns) != len(header):
        raise DomainError(_("Khai báo cột không khớp với bảng."), field="columns")
    mapping = ColumnMapping.objects.filter(province=province, signature=signature).first() or ColumnMapping(
        province=province, signature=signature
    )
    created = mapping.pk is None
    mapping.header = [clean(text) for text in header]
    mapping.columns = _as_json(columns)
    mapping.saved_by = actor
    mapping.save()
    ledger_append(
        actor=actor,
        action="programme.column_mapping.save",
        obj=mapping,
        payload={"province": province.code, "header": mapping.header, "columns": mapping.columns, "created": created},
    )
    return mapping
