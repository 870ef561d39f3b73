"""Who a scheme concerns: every task's and target's agencies (groups such as "UBND các xã,
phường" or a named pre-2025 district included) resolved to today's agencies, and routed by
level. A read, shared by the derivation (``services``) and the DX office's table
(``selectors``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q
from django.utils import timezone

from tinhso.core.text import fold
from tinhso.org.models import AdministrativeUnit, Agency, AgencyKind, UnitLevel, UnitSuccession
from tinhso.org.selectors import agency_successor_on

from ..matching import collective_kind, programme_provinces
from ..models import Level, Milestone, Programme, Target, Task
from ..selectors import milestones_in_force

COMMUNES, DEPARTMENTS = "communes", "departments"
KINDS = (COMMUNES, DEPARTMENTS)


# --- who the scheme concerns ------------------------------------------------------------------


def _current_communes(old: Q, day: dt.date) -> set[int]:
    """Today's communes that succeeded the old communes matching ``old`` (on AdministrativeUnit).

    Three plain indexed reads rather than one query joining units, successions and units again:
    on a freshly loaded database PostgreSQL's planner, without statistics yet, chose nested loops
    over the ten thousand units for that join and took minutes."""
    predecessors = list(AdministrativeUnit.objects.filter(old, level=UnitLevel.COMMUNE).values_list("pk", flat=True))
    successors = set(
        UnitSuccession.objects.filter(predecessor__in=predecessors, effective_date__lte=day).values_list(
            "successor_id", flat=True
        )
    )
    return set(
        AdministrativeUnit.objects.valid_on(day)
        .filter(level=UnitLevel.COMMUNE, pk__in=successors)
        .values_list("pk", flat=True)
    )


def territory_communes(province: AdministrativeUnit, day: dt.date) -> set[int]:
    """The communes (unit ids, valid on ``day``) of the territory of ``province`` as it was: its
    own communes if it is still valid, else the communes that succeeded its old communes."""
    if province.is_valid_on(day):
        return set(
            AdministrativeUnit.objects.valid_on(day)
            .filter(level=UnitLevel.COMMUNE, parent=province)
            .values_list("pk", flat=True)
        )
    return _current_communes(Q(parent__parent=province), day)


@dataclass
class Fanout:
    """Who gets what of ``parent`` for ``year``: by agency id, the scheme's tasks and its targets
    with the milestones that apply to that agency. Built once, used for every plan of a bulk
    derivation."""

    parent: Programme
    year: int
    today: dt.date
    communes: dict[int, Agency] = field(default_factory=dict)  # UBND of each commune of the territory
    departments: dict[int, Agency] = field(default_factory=dict)  # today's departments of the province
    tasks: dict[int, list[Task]] = field(default_factory=lambda: defaultdict(list))
    targets: dict[int, list[tuple[Target, list[Milestone]]]] = field(default_factory=lambda: defaultdict(list))

    def candidates(self, kind: str) -> list[Agency]:
        agencies = self.communes if kind == COMMUNES else self.departments
        return sorted(agencies.values(), key=lambda agency: agency.name_folded)


def _window(year: int) -> Q:
    """Tasks running in ``year``: started by then and not ended before (or yearly)."""
    started = Q(timeline_start__isnull=True) | Q(timeline_start__lte=year)
    running = Q(timeline_end__isnull=True) | Q(timeline_end__gte=year) | Q(recurring=True)
    return started & running


def territory_agencies(parent: Programme, today: dt.date) -> tuple[dict[int, Agency], dict[int, Agency]]:
    """The agencies a scheme may give a plan to, by id: the UBND of each commune of its
    territory, and today's departments of the province carrying it on. Three queries."""
    provinces_today = [unit for unit in programme_provinces(parent.province, today) if unit.is_valid_on(today)]
    communes = territory_communes(parent.province, today)
    active = Agency.objects.active().select_related("unit")
    commune_agencies = {
        agency.pk: agency
        for agency in active.filter(kind=AgencyKind.PEOPLES_COMMITTEE, unit__in=communes, unit__level=UnitLevel.COMMUNE)
    }
    departments = {
        agency.pk: agency
        for agency in active.filter(
            kind=AgencyKind.DEPARTMENT,
            unit__in=provinces_today,
            parent__kind=AgencyKind.PEOPLES_COMMITTEE,
            parent__parent__isnull=True,
        )
    }
    return commune_agencies, departments


def fanout_build(parent: Programme, year: int, today: dt.date | None = None) -> Fanout:
    """Resolve every task's and target's agencies of ``parent`` (groups included) to today's
    agencies, and route them. A constant number of queries, whatever the number of communes."""
    today = today or timezone.localdate()
    out = Fanout(parent=parent, year=year, today=today)
    out.communes, out.departments = territory_agencies(parent, today)
    issuing = parent.province
    # Old district UBNDs by name, for a text naming one ("UBND huyện Tiền Hải"): its communes'
    # successors. Only an issuing province that had districts has them.
    districts: dict[str, int] = {}
    for agency in Agency.objects.filter(
        kind=AgencyKind.PEOPLES_COMMITTEE, unit__level=UnitLevel.DISTRICT, unit__parent=issuing
    ):
        for name in (agency.name, agency.short_name):
            if name:
                districts[fold(name)] = agency.unit_id
    district_communes: dict[int, set[int]] = {}

    def communes_of_district(unit_id: int) -> set[int]:
        if unit_id not in district_communes:
            units = _current_communes(Q(parent_id=unit_id), today)
            district_communes[unit_id] = {pk for pk, agency in out.communes.items() if agency.unit_id in units}
        return district_communes[unit_id]

    def group(text: str) -> set[int]:
        kind = collective_kind(text)
        if kind in ("communes", "districts"):
            return set(out.communes)
        if kind == "departments":
            return set(out.departments)
        unit_id = districts.get(fold(text.strip(" .;,")))
        return communes_of_district(unit_id) if unit_id is not None else set()

    successors: dict[int, int] = {}

    def current(agency: Agency) -> int:
        if agency.is_active_on(today):
            return agency.pk
        if agency.pk not in successors:
            successors[agency.pk] = agency_successor_on(agency=agency, day=today).pk
        return successors[agency.pk]

    def is_commune(agency_id: int, agency: Agency | None) -> bool:
        return agency_id in out.communes or (agency is not None and agency.unit.level == UnitLevel.COMMUNE)

    partners = Prefetch("partner_agencies", queryset=Agency.objects.select_related("unit"))
    tasks = (
        Task.objects.filter(_window(year), programme=parent)
        .select_related("lead_agency__unit", "pillar")
        .prefetch_related(partners)
        .order_by("order", "pk")
    )
    for task in tasks:
        concerned: set[int] = set()
        if task.lead_agency is not None:
            concerned.add(current(task.lead_agency))
        concerned |= group(task.lead_agency_text) if task.lead_agency_text else set()
        concerned |= {current(agency) for agency in task.partner_agencies.all()}
        for text in task.partner_agencies_text:
            concerned |= group(text)
        concerned.discard(parent.owner_id)
        for agency_id in concerned:
            out.tasks[agency_id].append(task)

    targets = (
        Target.objects.filter(programme=parent)
        .select_related("tracking_agency__unit", "pillar")
        .prefetch_related(partners, Prefetch("milestones", queryset=Milestone.objects.order_by("year", "level")))
        .order_by("order", "pk")
    )
    for target in targets:
        in_force = milestones_in_force(target, year)
        levels: dict[int, set[str]] = defaultdict(set)
        named: dict[int, Agency | None] = {}
        if target.tracking_agency is not None:
            named[current(target.tracking_agency)] = target.tracking_agency
        for agency in target.partner_agencies.all():
            named[current(agency)] = agency
        for text in [target.tracking_agency_text, *target.partner_agencies_text]:
            for agency_id in group(text) if text else set():
                named.setdefault(agency_id, None)
        named.pop(parent.owner_id, None)
        for agency_id, agency in named.items():
            if is_commune(agency_id, agency):
                levels[agency_id] |= {"", Level.COMMUNE, Level.DISTRICT}
            else:
                levels[agency_id] |= {"", Level.PROVINCE}
        present = {milestone.level for milestone in in_force}
        if Level.COMMUNE in present:
            for agency_id in out.communes:
                levels[agency_id].add(Level.COMMUNE)
        if Level.DISTRICT in present:
            unit_id = districts.get(fold(target.tracking_agency_text)) if target.tracking_agency_text else None
            reach = communes_of_district(unit_id) if unit_id is not None else set(out.communes)
            for agency_id in reach:
                levels[agency_id].add(Level.DISTRICT)
        for agency_id, wanted in levels.items():
            milestones = [milestone for milestone in in_force if milestone.level in wanted]
            # A named agency without a milestone of its level still follows a target that has
            # none in force; a province department does not carry a commune-level target.
            if milestones or (agency_id in named and not in_force):
                out.targets[agency_id].append((target, milestones))
    return out
