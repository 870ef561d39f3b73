"""Field-level accuracy of an import preview against a layout's expected values.

A task counts its code (found or not), name, pillar, lead (today's agency, by name), partners
(the set of today's agencies), timeline start and end, budget (every phase and amount) and
funding; a target its name, pillar, lead, partners when given, and each expected milestone
(year, comparator, value and unit together). A key missing from the expected values is not counted (e.g. the
partners of a task given to "UBND các xã, phường": hundreds of communes). A row the preview
lacks counts every one of its fields as wrong; the layout's province and the number of tables
left unclassified count one field each.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from tinhso.core.text import fold


@dataclass
class Score:
    name: str
    right: int = 0
    expected: int = 0
    rows_found: int = 0
    rows_expected: int = 0
    extra_rows: int = 0
    wrong: list[str] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.right / self.expected if self.expected else 1.0

    def check(self, label: str, got: Any, want: Any, *, missing: bool = False) -> None:
        self.expected += 1
        if got == want and not missing:
            self.right += 1
        else:
            self.wrong.append(f"{label}: got {got!r}, expected {want!r}")


def expected_of(layout: Path) -> dict[str, Any]:
    return json.loads(layout.with_suffix(".expected.json").read_text(encoding="utf-8"))


def _amounts(budget: dict[str, Any] | None) -> dict[str, Decimal]:
    return {phase: Decimal(str(value)) for phase, value in (budget or {}).items()}


def _lead_name(lead: dict[str, Any] | None) -> str | None:
    return lead.get("agency_name") if lead else None


def _partner_names(partners: dict[str, Any] | None) -> list[str]:
    return sorted(agency["name"] for agency in (partners or {}).get("agencies", []))


def score(name: str, expected: dict[str, Any], outcome: dict[str, Any]) -> Score:
    """``outcome`` is ``ImportOutcome.as_json()`` of a dry run."""
    result = Score(name)
    preview = outcome.get("preview") or {"tasks": [], "targets": [], "unclassified": []}
    result.check("province", outcome.get("province"), expected["province"])
    if "unclassified" in expected:
        result.check("unclassified tables", len(preview.get("unclassified", [])), expected["unclassified"])
    tasks = {task["code"]: task for task in preview["tasks"]}
    result.rows_expected += len(expected["tasks"]) + len(expected["targets"])
    for want in expected["tasks"]:
        found = tasks.pop(want["code"], None)
        result.rows_found += found is not None
        got = found or {}
        label = f"task {want['code']}" + ("" if found else " (missing)")

        def check(what: str, value: Any, wanted: Any) -> None:
            result.check(f"{label} {what}", value, wanted, missing=found is None)  # noqa: B023

        check("code", got.get("code"), want["code"])
        check("name", got.get("name"), want["name"])
        check("pillar", got.get("pillar"), want["pillar"])
        check("lead", _lead_name(got.get("lead")), want["lead"])
        if "partners" in want:
            check("partners", _partner_names(got.get("partners")), sorted(want["partners"]))
        timeline = got.get("timeline") or {}
        start, end = want["timeline"] if want["timeline"] else (None, None)
        check("start", timeline.get("start"), start)
        check("end", timeline.get("end"), end)
        check("budget", _amounts(got.get("budget")), _amounts(want["budget"]))
        check("funding", got.get("funding"), want["funding"])
    result.extra_rows += len(tasks)
    targets = {fold(target["name"]): target for target in preview["targets"]}
    for want in expected["targets"]:
        found = targets.pop(fold(want["name"]), None)
        result.rows_found += found is not None
        got = found or {}
        label = f"target “{want['name'][:30]}”"
        result.check(f"{label} name", got.get("name"), want["name"])
        result.check(f"{label} pillar", got.get("pillar"), want["pillar"], missing=found is None)
        result.check(f"{label} lead", _lead_name(got.get("lead")), want["lead"], missing=found is None)
        if "partners" in want:
            result.check(
                f"{label} partners",
                _partner_names(got.get("partners")),
                sorted(want["partners"]),
                missing=found is None,
            )
        milestones = {m["year"]: m for m in got.get("milestones", []) if m.get("level") is None}
        for year, comparator, value, unit in want["milestones"]:
            m = milestones.get(year)
            found = (
                None
                if m is None
                else (m["comparator"], Decimal(str(m["value"])) if m["value"] is not None else None, m["unit"])
            )
            result.check(f"{label} {year}", found, (comparator, Decimal(value), unit))
    result.extra_rows += len(targets)
    return result
