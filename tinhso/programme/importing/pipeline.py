"""Saving what the readers parsed: all or nothing, with agency names matched through history.

``programme_import`` is the one entry point used by the upload page, the API and the
``programme_import`` command. A dry run (the preview) does everything but commit; either way
the outcome carries the preview: every task and target it creates (or would create), with how
each agency name was matched, the tables it could not classify, and the province (today's) that
carries the programme on.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core.errors import NotAllowed
from tinhso.core.text import clean, fold
from tinhso.indicators.services import indicator_get_or_create
from tinhso.ledger.services import ledger_append
from tinhso.org.models import AdministrativeUnit, Agency, AgencyKind, Person, UnitLevel
from tinhso.org.units import unit_search, unit_successors_on

from .. import rules
from ..access import programme_scope, require_manage
from ..matching import AgencyMatcher, Match, programme_provinces
from ..models import Budget, Milestone, Pillar, PillarCode, Programme, Target, Task
from . import types as parsed
from .headers import MappedColumn

Mapped = tuple[MappedColumn | None, ...]

PILLAR_BY_PREFIX = {
    "CQS": PillarCode.DIGITAL_GOVERNMENT,
    "KTS": PillarCode.DIGITAL_ECONOMY,
    "XHS": PillarCode.DIGITAL_SOCIETY,
    "NT": PillarCode.FOUNDATION,
}


@dataclass
class UnmatchedAgency:
    text: str
    rows: list[str] = field(default_factory=list)
    reason: str = ""


@dataclass
class ImportOutcome:
    """What an import did (or would do, for a dry run). ``saved`` is False whenever a row was
    rejected: nothing is written then."""

    programme_id: int | None
    targets: int = 0
    tasks: int = 0
    indicators: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    unmatched_agencies: list[UnmatchedAgency] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    tasks_by_appendix: dict[str, int] = field(default_factory=dict)
    targets_by_year: dict[int, int] = field(default_factory=dict)
    dry_run: bool = False
    saved: bool = False
    province: dict[str, str] | None = None
    province_unit: AdministrativeUnit | None = field(default=None, repr=False)  # issuing; not in the JSON
    preview: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {"tasks": [], "targets": [], "unclassified": []}
    )

    def as_json(self) -> dict[str, Any]:
        return {
            "programme": self.programme_id,
            "targets": self.targets,
            "tasks": self.tasks,
            "indicators": self.indicators,
            "rejected": self.rejected,
            "unmatched_agencies": [
                {"text": u.text, "rows": u.rows, "reason": u.reason} for u in self.unmatched_agencies
            ],
            "warnings": self.warnings,
            "tasks_by_appendix": self.tasks_by_appendix,
            "targets_by_year": {str(year): count for year, count in self.targets_by_year.items()},
            "dry_run": self.dry_run,
            "saved": self.saved,
            "province": self.province,
            "preview": self.preview,
        }


class _Rollback(Exception):
    """Raised inside the transaction to undo a dry run or a rejected import."""


def _province_from_meta(meta: parsed.DocumentMeta, on: dt.date) -> AdministrativeUnit | None:
    issuer = fold(meta.issuer or "")
    for marker in ("tinh ", "thanh pho "):
        if marker in issuer:
            name = issuer.split(marker, 1)[1].strip()
            found = unit_search(name, level=UnitLevel.PROVINCE, on=on, limit=1)
            if found:
                return found[0]
    commune = _commune_of(meta, on)
    return commune.parent if commune is not None and commune.parent_id else None


def _commune_of(meta: parsed.DocumentMeta, on: dt.date) -> AdministrativeUnit | None:
    """The commune issuing a commune plan, when its name is that of one commune only (a
    heading "ỦY BAN NHÂN DÂN / XÃ ANH SƠN" need not name the province)."""
    if not meta.commune:
        return None
    name = fold(meta.commune)
    found = [
        unit
        for unit in unit_search(meta.commune, level=UnitLevel.COMMUNE, on=on, limit=5)
        if fold(unit.name) == name or fold(unit.name).endswith(" " + name.split(" ", 1)[-1])
    ]
    exact = [unit for unit in found if fold(unit.name) == name]
    found = exact or found
    return found[0] if len(found) == 1 else None


_COMMUNE_OFFICES = re.compile(
    r"^(van phong (hdnd|hoi dong nhan dan) va (ubnd|uy ban nhan dan)|phong kinh te|phong van hoa|"
    r"trung tam phuc vu hanh chinh cong|ubnd|uy ban nhan dan|cong chuc)\b"
)


def _owner_for(province: AdministrativeUnit) -> Agency | None:
    """The UBND of the province carrying ``province`` on today."""
    current = unit_successors_on(province, timezone.localdate())
    units = [unit.pk for unit in current] or [province.pk]
    return (
        Agency.objects.active()
        .filter(kind=AgencyKind.PEOPLES_COMMITTEE, unit__in=units, parent__isnull=True)
        .order_by("pk")
        .first()
    )


def _document_date(meta: parsed.DocumentMeta, programme: Programme | None) -> dt.date:
    if programme is not None and programme.decision_date:
        return programme.decision_date
    if meta.date:
        return meta.date
    if meta.year:
        return dt.date(meta.year, 12, 31)
    return timezone.localdate()


def _pillar_of(code: str | None, given: str | None) -> str | None:
    if given:
        return given
    for prefix, pillar in PILLAR_BY_PREFIX.items():
        if code and code.upper().startswith(prefix):
            return pillar
    return None


def programme_import(
    *,
    actor: Person | None,
    filename: str,
    data: bytes,
    programme: Programme | None = None,
    dry_run: bool = False,
    columns: Mapping[str, Mapped] | None = None,
) -> ImportOutcome:
    """Parse ``data`` and save its targets and tasks into ``programme`` (created from the
    document's decision when None).

    A table the readers cannot classify is read with the column mapping saved for its header
    shape in the province (``importing.mappings``), or with ``columns`` (by header signature:
    the user's mapping being tried, before it is saved); otherwise it is left out and shown in
    the preview.

    ``actor`` None is a trusted operator (command line, demo). A person must manage the
    programme; for a new one, whose province is known only once the document is read, they
    must hold the DX-office role somewhere before and manage the programme created after —
    otherwise :class:`NotAllowed`, and nothing is saved (not even in a preview)."""
    from .readers import parse_file

    if actor is not None:
        if programme is not None:
            require_manage(programme_scope(actor, programme))
        elif not rules.may_import_programme(actor):
            raise NotAllowed(_("Chỉ cơ quan chuyên trách chuyển đổi số được nhập đề án."), code="forbidden")
    result = parse_file(filename, data)
    if result.unclassified:
        chosen = _column_mappings(result, programme, columns or {})
        if chosen:
            result = parse_file(filename, data, mappings=chosen)
    return import_parsed(actor=actor, result=result, filename=filename, programme=programme, dry_run=dry_run)


def _column_mappings(
    result: parsed.ParseResult, programme: Programme | None, given: Mapping[str, Mapped]
) -> dict[str, Mapped]:
    """The mappings for the unclassified tables of ``result``: the province's saved ones, and
    ``given`` over them. The province is the programme's, else the one the document names."""
    from .mappings import mappings_for

    signatures = {table.signature for table in result.unclassified if table.signature}
    if programme is not None:
        province: AdministrativeUnit | None = programme.province
    else:
        province = _province_from_meta(result.document_meta, _document_date(result.document_meta, None))
    saved = mappings_for(province, signatures) if province is not None else {}
    return {signature: mapped for signature, mapped in {**saved, **given}.items() if signature in signatures}


def import_parsed(
    *,
    actor: Person | None,
    result: parsed.ParseResult,
    filename: str,
    programme: Programme | None = None,
    dry_run: bool = False,
) -> ImportOutcome:
    """The saving half of :func:`programme_import`, for a scheme already read (the caller has
    checked ``actor`` may import, as :func:`programme_import` does)."""
    outcome = ImportOutcome(
        programme_id=programme.pk if programme else None, dry_run=dry_run, warnings=list(result.warnings)
    )
    outcome.rejected = [
        {"source": r.source, "row": r.row, "reason": r.reason, "raw": r.raw[:300]} for r in result.rejections
    ]
    from .mappings import suggested

    outcome.preview["unclassified"] = [
        {
            "source": table.source,
            "header": list(table.header),
            "rows": [list(row) for row in table.rows],
            "message": table.message,
            "signature": table.signature,
            "suggested": suggested(table.header),
        }
        for table in result.unclassified
    ]
    if not result.targets and not result.tasks and not outcome.rejected:
        outcome.rejected.append(
            {
                "source": filename,
                "row": None,
                "raw": "",
                "reason": _("Không tìm thấy bảng nhiệm vụ hay chỉ tiêu nào trong tệp."),
            }
        )
    try:
        with transaction.atomic():
            _save(actor=actor, result=result, programme=programme, outcome=outcome)
            if outcome.rejected or dry_run:
                raise _Rollback
            outcome.saved = True
    except _Rollback:
        if programme is None:
            outcome.programme_id = None
    return outcome


def _save(
    *, actor: Person | None, result: parsed.ParseResult, programme: Programme | None, outcome: ImportOutcome
) -> None:
    meta = result.document_meta
    if programme is None:
        day = _document_date(meta, None)
        province = _province_from_meta(meta, day)
        owner = _owner_for(province) if province else None
        if province is None or owner is None:
            if not outcome.rejected:
                outcome.rejected.append(
                    {
                        "source": "",
                        "row": None,
                        "raw": meta.issuer or "",
                        "reason": _(
                            "Không xác định được tỉnh ban hành đề án từ văn bản; vui lòng chọn đề án để nhập vào."
                        ),
                    }
                )
            return
        from ..services import programme_create

        programme = programme_create(
            actor=actor,
            title=meta.programme_title or meta.title or _("Đề án chuyển đổi số"),
            owner=owner,
            province=province,
            period_start=meta.period_start or day.year,
            period_end=meta.period_end or day.year,
            decision_number=meta.number or "",
            decision_date=meta.date,
            issuer=meta.issuer or "",
        )
        if actor is not None and not programme_scope(actor, programme).manage:
            raise NotAllowed(_("Đề án trong tệp thuộc tỉnh khác, bạn không được nhập."), code="forbidden")
    outcome.programme_id = programme.pk
    outcome.province = _today_province(programme.province)
    outcome.province_unit = programme.province
    matcher = AgencyMatcher(programme_provinces(programme.province), _document_date(meta, programme))
    local = meta.commune  # a commune's plan: "Phòng Kinh tế" is the commune's
    unmatched: dict[str, UnmatchedAgency] = {}

    def resolve(text: str | None, where: str, *, single: bool) -> tuple[list[Agency], str, list[Match]]:
        if not text:
            return [], "", []
        agencies: list[Agency] = []
        matches: list[Match] = []
        for piece in matcher.split(text):
            match: Match = matcher.match(piece)
            if local and (match.how == "unmatched" or len(match.agencies) > 1):
                match = _in_the_commune(matcher, piece, local) or match
            matches.append(match)
            if match.how == "unmatched" or (single and len(match.agencies) > 1):
                entry = unmatched.setdefault(fold(piece), UnmatchedAgency(text=piece))
                entry.rows.append(where)
                entry.reason = (
                    _("Cụm từ chung, cần chọn một cơ quan chủ trì.")
                    if match.agencies
                    else _("Chưa khớp được với cơ quan nào.")
                )
                continue
            agencies.extend(match.agencies)
        return list(dict.fromkeys(agencies)), clean(text), matches

    pillars: dict[str, Pillar] = {p.code: p for p in programme.pillars.all()}

    def pillar(code: str | None) -> Pillar | None:
        if not code:
            return None
        if code not in pillars:
            pillars[code] = Pillar.objects.create(
                programme=programme, code=code, order=list(PillarCode.values).index(code) + 1
            )
        return pillars[code]

    order = Task.objects.filter(programme=programme).count()
    existing = set(Task.objects.filter(programme=programme).values_list("appendix", "code"))
    saved_tasks: dict[tuple[str, str], Task] = {}
    for row in result.tasks:
        order += 1
        key = (row.appendix or "", row.code)
        if key in existing:
            outcome.rejected.append(
                {
                    "source": row.source,
                    "row": None,
                    "raw": row.code,
                    "reason": _("Mã nhiệm vụ %(code)s (phụ lục %(appendix)s) đã có trong đề án.")
                    % {"code": row.code, "appendix": row.appendix or "—"},
                }
            )
            continue
        where = f"{_('Phụ lục')} {row.appendix or '—'}, {row.code}"
        leads, lead_text, lead_matches = resolve(row.lead_agency, where, single=True)
        partners, _text, partner_matches = resolve(", ".join(row.partner_agencies), where, single=False)
        parent = None
        if row.parent_code:
            parent = next(
                (
                    t
                    for (appendix, code), t in saved_tasks.items()
                    if code == row.parent_code and (t.phase == (row.phase or "") or appendix == key[0])
                ),
                None,
            )
        task = Task.objects.create(
            programme=programme,
            pillar=pillar(_pillar_of(row.code, row.pillar)),
            code=row.code,
            parent=parent,
            name=row.name,
            content_items=list(row.content_items),
            lead_agency=leads[0] if len(leads) == 1 else None,
            lead_agency_text=lead_text,
            partner_agencies_text=list(row.partner_agencies),
            timeline_start=row.timeline_start,
            timeline_end=row.timeline_end,
            recurring=row.recurring,
            funding_source=clean(row.funding_source),
            phase=row.phase or "",
            appendix=row.appendix or "",
            kind=row.kind,
            deliverable=clean(row.deliverable),
            note=clean(row.note),
            order=order,
        )
        task.partner_agencies.set([agency for agency in partners if agency not in leads])
        Budget.objects.bulk_create(
            Budget(task=task, phase=b.phase, amount_million_vnd=b.amount_million_vnd) for b in row.budgets
        )
        saved_tasks[key] = task
        existing.add(key)
        outcome.preview["tasks"].append(_task_preview(row, task, leads, lead_matches, partners, partner_matches))
    outcome.tasks = len(saved_tasks)
    outcome.tasks_by_appendix = dict(Counter(task.appendix for task in saved_tasks.values()))

    order = Target.objects.filter(programme=programme).count()
    taken_codes = set(Target.objects.filter(programme=programme).values_list("code", flat=True))
    years: Counter[int] = Counter()
    indicators_created = 0
    for target_row in result.targets:
        order += 1
        if target_row.code in taken_codes:
            outcome.rejected.append(
                {
                    "source": target_row.source,
                    "row": None,
                    "raw": target_row.code,
                    "reason": _("Mã chỉ tiêu %(code)s đã có trong đề án.") % {"code": target_row.code},
                }
            )
            continue
        where = f"{_('Chỉ tiêu')} {target_row.code}"
        tracking, tracking_text, tracking_matches = resolve(target_row.tracking_agency, where, single=True)
        partners, _text, partner_matches = resolve(", ".join(target_row.partner_agencies), where, single=False)
        units = {m.unit for m in target_row.milestones if m.unit}
        indicator, created = indicator_get_or_create(
            actor=actor,
            name=target_row.indicator_hint or target_row.text,
            unit=next(iter(units)) if len(units) == 1 else "",
        )
        indicators_created += created
        target = Target.objects.create(
            programme=programme,
            pillar=pillar(target_row.pillar),
            code=target_row.code,
            text=target_row.text,
            indicator=indicator,
            unit=next(iter(units)) if len(units) == 1 else "",
            order=order,
            tracking_agency=tracking[0] if len(tracking) == 1 else None,
            tracking_agency_text=tracking_text,
            partner_agencies_text=list(target_row.partner_agencies),
        )
        target.partner_agencies.set(partners)
        Milestone.objects.bulk_create(
            Milestone(
                target=target,
                year=m.year,
                comparator=m.comparator,
                value=m.value,
                unit=m.unit,
                level=m.level or "",
                text=m.text,
            )
            for m in target_row.milestones
        )
        years.update({m.year for m in target_row.milestones})
        outcome.preview["targets"].append(
            _target_preview(target_row, target, tracking, tracking_matches, partners, partner_matches)
        )
        taken_codes.add(target_row.code)
        outcome.targets += 1
    outcome.indicators = indicators_created
    outcome.targets_by_year = dict(sorted(years.items()))
    outcome.unmatched_agencies = sorted(unmatched.values(), key=lambda u: fold(u.text))
    ledger_append(
        actor=actor,
        action="programme.import",
        obj=programme,
        payload={
            "tasks": outcome.tasks,
            "targets": outcome.targets,
            "indicators": outcome.indicators,
            "unmatched_agencies": len(outcome.unmatched_agencies),
        },
    )


# --- the preview ---------------------------------------------------------------------------------


def _today_province(province: AdministrativeUnit) -> dict[str, str]:
    """GSO code and name of the province carrying ``province`` on today (itself if it goes on)."""
    current = [unit for unit in unit_successors_on(province, timezone.localdate()) if unit.level == UnitLevel.PROVINCE]
    unit = current[0] if current else province
    return {"code": unit.code, "name": unit.name}


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _agency_item(agency: Agency, how: str) -> dict[str, Any]:
    return {"id": agency.pk, "name": agency.name, "match": how}


def _lead_preview(text: str, agencies: list[Agency], matches: list[Match]) -> dict[str, Any] | None:
    """{"text", "agency_id", "agency_name", "match"}: the agency only when exactly one was found."""
    if not text:
        return None
    one = agencies[0] if len(agencies) == 1 else None
    how = next((m.how for m in matches if one is not None and one in m.agencies), None)
    if how is None:
        how = (
            "ambiguous"
            if len(agencies) > 1 or any(len(m.agencies) > 1 for m in matches)
            else (matches[0].how if matches else "unmatched")
        )
    return {"text": text, "agency_id": one.pk if one else None, "agency_name": one.name if one else None, "match": how}


def _partners_preview(
    names: tuple[str, ...], agencies: list[Agency], matches: list[Match], leads: list[Agency]
) -> dict[str, Any] | None:
    if not names:
        return None
    how = {agency.pk: match.how for match in matches for agency in match.agencies}
    return {
        "text": clean(", ".join(names)),
        "agencies": [_agency_item(agency, how.get(agency.pk, "name")) for agency in agencies if agency not in leads],
        "unmatched": [match.text for match in matches if match.how == "unmatched"],
    }


def _task_preview(
    row: parsed.ParsedTask,
    task: Task,
    leads: list[Agency],
    lead_matches: list[Match],
    partners: list[Agency],
    partner_matches: list[Match],
) -> dict[str, Any]:
    timeline = None
    if row.timeline_start or row.timeline_end or row.timeline_text:
        timeline = {"start": row.timeline_start, "end": row.timeline_end, "text": row.timeline_text or None}
    return {
        "code": row.code,
        "appendix": row.appendix or None,
        "name": row.name,
        "content": list(row.content_items),
        "pillar": task.pillar.code if task.pillar is not None else None,
        "lead": _lead_preview(clean(row.lead_agency), leads, lead_matches),
        "partners": _partners_preview(row.partner_agencies, partners, partner_matches, leads),
        "timeline": timeline,
        "budget": {budget.phase: _number(budget.amount_million_vnd) for budget in row.budgets} or None,
        "funding": clean(row.funding_source) or None,
        "source": row.source,
    }


def _target_preview(
    row: parsed.ParsedTarget,
    target: Target,
    tracking: list[Agency],
    tracking_matches: list[Match],
    partners: list[Agency],
    partner_matches: list[Match],
) -> dict[str, Any]:
    return {
        "code": row.code,
        "name": row.text,
        "pillar": target.pillar.code if target.pillar is not None else None,
        "milestones": [
            {
                "year": m.year,
                "text": m.text or None,
                "value": _number(m.value) if m.value is not None else None,
                "unit": m.unit or None,
                "comparator": m.comparator,
                "level": m.level,
            }
            for m in row.milestones
        ],
        "lead": _lead_preview(clean(row.tracking_agency or ""), tracking, tracking_matches),
        "partners": _partners_preview(row.partner_agencies, partners, partner_matches, tracking),
        "source": row.source,
    }


def _in_the_commune(matcher: AgencyMatcher, piece: str, commune: str) -> Match | None:
    """In a commune's plan, "Văn phòng HĐND và UBND xã" or "Phòng Kinh tế" is the issuing
    commune's office: match it with the commune's name added."""
    folded = fold(piece)
    if not _COMMUNE_OFFICES.match(folded):
        return None
    bare = re.sub(r"\s+(xã|phường|đặc khu)$", "", piece.strip(), flags=re.IGNORECASE)
    match = matcher.match(f"{bare} {commune}")
    if match.how == "unmatched" or len(match.agencies) != 1:
        return None
    return Match(piece, match.agencies, "commune")
