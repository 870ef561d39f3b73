"""The import preview as the upload page shows it: every task and target the import creates,
read from the same preview data as ``programme_import --dry-run --json`` (``ImportOutcome.preview``),
with each agency name and how it was matched put into words."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from tinhso.core.documents import vn_number

from ..models import Comparator, Level, PillarCode


def match_label(how: str) -> tuple[str, str]:
    """(Vietnamese words, Bootstrap tone) for how a name was matched (``matching.Match.how``)."""
    labels = {
        "name": (_("khớp đúng tên"), "success"),
        "abbreviation": (_("khớp tên viết tắt, tên gọi khác"), "success"),
        "mapping": (_("theo ánh xạ đã lưu"), "success"),
        "commune": (_("cơ quan của xã ban hành"), "success"),
        "collective": (_("cụm từ chỉ nhiều cơ quan"), "info"),
        "not_agency": (_("không phải tên cơ quan"), "secondary"),
        "ambiguous": (_("trùng tên nhiều cơ quan, cần chọn"), "warning"),
        "unmatched": (_("chưa khớp"), "danger"),
    }
    return labels.get(how, (how, "secondary"))


@dataclass(frozen=True)
class AgencyLine:
    text: str  # as the document writes it
    agency: str  # the agency it was matched to ("" when none)
    how: str
    label: str
    tone: str


@dataclass(frozen=True)
class TaskLine:
    code: str
    appendix: str
    name: str
    content: list[str]
    pillar: str
    lead: AgencyLine | None
    partners: list[AgencyLine]
    timeline: str
    budgets: list[tuple[str, str]]
    funding: str
    source: str


@dataclass(frozen=True)
class TargetLine:
    code: str
    name: str
    pillar: str
    milestones: list[str]
    tracking: AgencyLine | None
    partners: list[AgencyLine]
    source: str


def _pillar(code: str | None) -> str:
    return str(PillarCode(code).label) if code in PillarCode.values else ""


def _lead(item: Mapping[str, Any] | None) -> AgencyLine | None:
    if not item:
        return None
    label, tone = match_label(item["match"])
    return AgencyLine(item["text"], item.get("agency_name") or "", item["match"], label, tone)


def _partners(item: Mapping[str, Any] | None) -> list[AgencyLine]:
    if not item:
        return []
    lines = []
    for agency in item["agencies"]:
        label, tone = match_label(agency["match"])
        lines.append(AgencyLine(agency["name"], agency["name"], agency["match"], label, tone))
    label, tone = match_label("unmatched")
    lines += [AgencyLine(text, "", "unmatched", label, tone) for text in item["unmatched"]]
    return lines


def _timeline(item: Mapping[str, Any] | None) -> str:
    if not item:
        return ""
    start, end = item.get("start"), item.get("end")
    years = f"{start}–{end}" if start and end and start != end else str(start or end or "")
    return years or item.get("text") or ""


def _milestone(item: Mapping[str, Any]) -> str:
    """ "2025: tối thiểu 80 % (cấp tỉnh)", or the words of the document when it gives no figure."""
    if item.get("value") is None:
        return f"{item['year']}: {item.get('text') or '—'}"
    unit = item.get("unit") or ""
    value = vn_number(Decimal(str(item["value"])))
    text = f"{item['year']}: {Comparator(item['comparator']).label} {value}{'' if unit in ('', '%') else ' '}{unit}"
    if item.get("level"):
        text += f" ({Level(item['level']).label})"
    return text


def task_lines(preview: Mapping[str, list[dict[str, Any]]]) -> list[TaskLine]:
    return [
        TaskLine(
            code=item["code"],
            appendix=item.get("appendix") or "",
            name=item["name"],
            content=list(item.get("content") or []),
            pillar=_pillar(item.get("pillar")),
            lead=_lead(item.get("lead")),
            partners=_partners(item.get("partners")),
            timeline=_timeline(item.get("timeline")),
            budgets=[(phase, vn_number(Decimal(str(amount)))) for phase, amount in (item.get("budget") or {}).items()],
            funding=item.get("funding") or "",
            source=item.get("source") or "",
        )
        for item in preview.get("tasks", [])
    ]


def target_lines(preview: Mapping[str, list[dict[str, Any]]]) -> list[TargetLine]:
    return [
        TargetLine(
            code=item["code"],
            name=item["name"],
            pillar=_pillar(item.get("pillar")),
            milestones=[_milestone(milestone) for milestone in item.get("milestones", [])],
            tracking=_lead(item.get("lead")),
            partners=_partners(item.get("partners")),
            source=item.get("source") or "",
        )
        for item in preview.get("targets", [])
    ]
