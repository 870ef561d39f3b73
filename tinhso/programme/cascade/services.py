"""Deriving a commune's or a department's yearly plan from the province's scheme.

A scheme assigns tasks to groups as documents write them ("UBND các xã, phường", "UBND cấp
xã", "Các sở, ban, ngành", "UBND các huyện, thành phố") and splits targets by level (cấp tỉnh
/ cấp huyện / cấp xã). :func:`plan_derive` gives one agency its share for one year:

- a task whose lead or partners name the agency, directly or through a group, becomes one task
  of the agency's plan (``source_task`` points back), led by the agency;
- a target goes to the plans its levels concern: a commune-level milestone to every commune of
  the scheme's territory; a district-level one (the tier was abolished on 1/7/2025) to the
  communes that succeeded the districts' communes, followed through the units' successions; a
  province-level one (or one without a level) to the tracking and partner agencies;
- the territory is the scheme's issuing province as it was: a 2022 scheme of Thái Bình, now
  carried by Hưng Yên, concerns the communes that succeeded Thái Bình's communes, not those of
  the former Hưng Yên;
- the scheme's open rounds of that year are opened in the plan with the same dates, with one
  draft report per task and target, so the agency reports in its own plan.

Deriving again adds only what is new in the scheme (tasks, targets, rounds); when nothing is
new it is refused (409) and nothing is written. :func:`plan_derive_all` derives for every
commune (or department) at once, one transaction per plan, and runs in the background
(``tasks.plan_derive_all_enqueue``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core.errors import Conflict, DomainError, NotAllowed
from tinhso.ledger.services import ledger_append
from tinhso.org.models import Agency, Person

from .. import rules
from ..access import programme_scope
from ..importing.pipeline import ImportOutcome, import_parsed
from ..importing.readers import parse_file
from ..matching import programme_provinces
from ..models import (
    Milestone,
    Pillar,
    Programme,
    ReportingRound,
    RoundStatus,
    Target,
    TargetReport,
    Task,
    TaskReport,
)
from .fanout import COMMUNES, KINDS, Fanout, fanout_build

# --- deriving ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeriveOutcome:
    plan: Programme
    created: bool
    tasks: int
    targets: int
    rounds: int


def _check(actor: Person | None, parent: Programme) -> None:
    """``actor`` None is a trusted operator (the demo, a command), as for the importer."""
    if actor is not None and not rules.may_derive_plan(programme_scope(actor, parent), parent):
        raise NotAllowed(
            _("Chỉ cơ quan chuyên trách chuyển đổi số của tỉnh hoặc cơ quan chủ quản được giao kế hoạch."),
            code="forbidden",
        )


def _check_year(parent: Programme, year: int) -> None:
    if not isinstance(year, int) or not parent.period_start <= year <= parent.period_end:
        raise DomainError(
            _("Năm kế hoạch phải trong giai đoạn %(start)s–%(end)s của kế hoạch cấp trên.")
            % {"start": parent.period_start, "end": parent.period_end},
            field="year",
        )


def _check_owner(parent: Programme, owner: Agency, today: dt.date) -> None:
    provinces = {unit.pk for unit in programme_provinces(parent.province, today) if unit.is_valid_on(today)}
    if owner.pk == parent.owner_id or not owner.is_active_on(today) or owner.unit.province.pk not in provinces:
        raise DomainError(
            _("%(agency)s không thuộc tỉnh đang thực hiện kế hoạch cấp trên, không giao kế hoạch được.")
            % {"agency": owner.name},
            field="owner",
            code="wrong_province",
        )


@transaction.atomic
def plan_derive(
    *, actor: Person | None, parent: Programme, owner: Agency, year: int, fanout: Fanout | None = None
) -> DeriveOutcome:
    """Create (or complete) ``owner``'s plan of ``year`` from ``parent``: see the module."""
    _check(actor, parent)
    _check_year(parent, year)
    today = timezone.localdate()
    _check_owner(parent, owner, today)
    parent = Programme.objects.select_for_update().select_related("province").get(pk=parent.pk)
    if fanout is None or fanout.parent.pk != parent.pk or fanout.year != year:
        fanout = fanout_build(parent, year, today)
    tasks, targets = fanout.tasks.get(owner.pk, []), fanout.targets.get(owner.pk, [])
    if not tasks and not targets:
        raise DomainError(
            _("Kế hoạch cấp trên không giao nhiệm vụ hay chỉ tiêu nào năm %(year)s cho %(agency)s.")
            % {"year": year, "agency": owner.name},
            field="owner",
            code="nothing_to_derive",
        )
    plan = Programme.objects.filter(parent=parent, owner=owner, period_start=year).first()
    created = plan is None
    if plan is None:
        plan = Programme.objects.create(
            parent=parent,
            title=_("Kế hoạch chuyển đổi số năm %(year)s của %(agency)s") % {"year": year, "agency": owner.name},
            owner=owner,
            province=owner.unit.province,
            period_start=year,
            period_end=year,
            issuer=owner.name,
        )
    added_tasks = _derive_tasks(plan, owner, year, tasks)
    added_targets = _derive_targets(plan, owner, targets)
    added_rounds, added_reports = _open_rounds(plan, parent, year, actor)
    if not created and not (added_tasks or added_targets or added_rounds or added_reports):
        raise Conflict(
            _("%(agency)s đã có kế hoạch năm %(year)s theo kế hoạch cấp trên; không có gì mới để giao.")
            % {"agency": owner.name, "year": year},
            code="already_derived",
        )
    ledger_append(
        actor=actor,
        action="programme.plan.derive",
        obj=plan,
        payload={
            "parent": parent.pk,
            "owner": owner.pk,
            "year": year,
            "created": created,
            "tasks": added_tasks,
            "targets": added_targets,
            "rounds": added_rounds,
            "reports": added_reports,
        },
    )
    return DeriveOutcome(plan, created, added_tasks, added_targets, added_rounds)


def _pillar(plan: Programme, source: Pillar | None, cache: dict[str, Pillar]) -> Pillar | None:
    if source is None:
        return None
    if source.code not in cache:
        cache[source.code], _created = Pillar.objects.get_or_create(
            programme=plan, code=source.code, defaults={"order": source.order}
        )
    return cache[source.code]


def _derive_tasks(plan: Programme, owner: Agency, year: int, sources: list[Task]) -> int:
    done = dict(Task.objects.filter(programme=plan, source_task__isnull=False).values_list("source_task_id", "pk"))
    pillars: dict[str, Pillar] = {}
    made: list[tuple[Task, Task]] = []
    for source in sources:
        if source.pk in done:
            continue
        task = Task.objects.create(
            programme=plan,
            source_task=source,
            pillar=_pillar(plan, source.pillar, pillars),
            code=source.code,
            appendix=source.appendix,
            name=source.name,
            content_items=source.content_items,
            lead_agency=owner,
            lead_agency_text=owner.name,
            timeline_start=year,
            timeline_end=year,
            funding_source=source.funding_source,
            phase=source.phase,
            kind=source.kind,
            deliverable=source.deliverable,
            order=source.order,
        )
        done[source.pk] = task.pk
        made.append((source, task))
    for source, task in made:  # the scheme's hierarchy, where both ends came into the plan
        if source.parent_id in done:
            task.parent_id = done[source.parent_id]
            task.save(update_fields=["parent"])
    return len(made)


def _derive_targets(plan: Programme, owner: Agency, sources: list[tuple[Target, list[Milestone]]]) -> int:
    done = set(
        Target.objects.filter(programme=plan, source_target__isnull=False).values_list("source_target_id", flat=True)
    )
    pillars: dict[str, Pillar] = {}
    added = 0
    for source, milestones in sources:
        if source.pk in done:
            continue
        target = Target.objects.create(
            programme=plan,
            source_target=source,
            pillar=_pillar(plan, source.pillar, pillars),
            code=source.code,
            text=source.text,
            indicator=source.indicator,
            baseline_value=source.baseline_value,
            baseline_year=source.baseline_year,
            unit=source.unit,
            tracking_agency=owner,
            tracking_agency_text=owner.name,
            order=source.order,
        )
        Milestone.objects.bulk_create(
            Milestone(
                target=target,
                year=milestone.year,
                comparator=milestone.comparator,
                value=milestone.value,
                unit=milestone.unit,
                level=milestone.level,
                text=milestone.text,
            )
            for milestone in milestones
        )
        added += 1
    return added


def _open_rounds(plan: Programme, parent: Programme, year: int, actor: Person | None) -> tuple[int, int]:
    """The parent's open rounds of ``year`` in the plan (same period and dates), and a draft
    report for every task and target of the plan that lacks one in them."""
    rounds_added = reports_added = 0
    mine = {round_.period: round_ for round_ in ReportingRound.objects.filter(programme=plan)}
    for source in ReportingRound.objects.filter(programme=parent, status=RoundStatus.OPEN, period_end__year=year):
        round_ = mine.get(source.period)
        if round_ is None:
            round_ = ReportingRound.objects.create(
                programme=plan,
                period=source.period,
                period_start=source.period_start,
                period_end=source.period_end,
                cutoff_date=source.cutoff_date,
                due_date=source.due_date,
                opened_by=actor,
            )
            rounds_added += 1
        if round_.status != RoundStatus.OPEN:
            continue
        has_task = set(TaskReport.objects.filter(round=round_).values_list("task_id", flat=True))
        task_reports = [
            TaskReport(round=round_, task_id=pk, agency_id=agency)
            for pk, agency in Task.objects.filter(programme=plan, lead_agency__isnull=False).values_list(
                "pk", "lead_agency_id"
            )
            if pk not in has_task
        ]
        has_target = set(TargetReport.objects.filter(round=round_).values_list("target_id", flat=True))
        target_reports = [
            TargetReport(round=round_, target_id=pk, agency_id=agency)
            for pk, agency in Target.objects.filter(programme=plan, tracking_agency__isnull=False).values_list(
                "pk", "tracking_agency_id"
            )
            if pk not in has_target
        ]
        TaskReport.objects.bulk_create(task_reports)
        TargetReport.objects.bulk_create(target_reports)
        reports_added += len(task_reports) + len(target_reports)
    return rounds_added, reports_added


@dataclass
class DeriveAllOutcome:
    created: int = 0
    completed: int = 0  # existing plans that received what was new
    unchanged: int = 0
    skipped: int = 0  # agencies the scheme gives nothing that year
    plans: list[int] = field(default_factory=list)


def plan_derive_all(*, actor: Person | None, parent: Programme, year: int, kind: str = COMMUNES) -> DeriveAllOutcome:
    """Derive ``year``'s plan for every commune of the scheme's territory (or every department
    of the province): one transaction per plan, so a plan done stays done if a later one fails;
    running it again completes what is missing and changes nothing else."""
    _check(actor, parent)
    _check_year(parent, year)
    if kind not in KINDS:
        raise DomainError(_("Loại đơn vị không hợp lệ."), field="kind")
    fanout = fanout_build(parent, year)
    outcome = DeriveAllOutcome()
    for agency in fanout.candidates(kind):
        try:
            result = plan_derive(actor=actor, parent=parent, owner=agency, year=year, fanout=fanout)
        except Conflict:
            outcome.unchanged += 1
            continue
        except DomainError as error:
            if error.code != "nothing_to_derive":
                raise
            outcome.skipped += 1
            continue
        if result.created:
            outcome.created += 1
        else:
            outcome.completed += 1
        outcome.plans.append(result.plan.pk)
    return outcome


def plan_derive_all_check(*, actor: Person, parent: Programme, year: int, kind: str = COMMUNES) -> None:
    """Refuse now what :func:`plan_derive_all` would refuse, before it is queued."""
    _check(actor, parent)
    _check_year(parent, year)
    if kind not in KINDS:
        raise DomainError(_("Loại đơn vị không hợp lệ."), field="kind")


# --- a plan the agency writes itself ---------------------------------------------------------


def _check_import(actor: Person, parent: Programme, owner: Agency) -> None:
    if not rules.may_import_plan(programme_scope(actor, parent), owner):
        raise NotAllowed(
            _("Chỉ cơ quan chuyên trách của tỉnh hoặc chính đơn vị được nhập kế hoạch của đơn vị."), code="forbidden"
        )


def plan_import(
    *,
    actor: Person,
    parent: Programme,
    owner: Agency,
    year: int,
    filename: str,
    data: bytes,
    dry_run: bool = False,
) -> ImportOutcome:
    """Import ``owner``'s own plan of ``year`` (a commune's "Kế hoạch chuyển đổi số năm …")
    under ``parent``, through the programme importer, all or nothing: into its derived plan if
    there is one, else into a new plan with ``parent`` set. Its tasks and targets whose codes are
    the scheme's are linked to them (``source_task``/``source_target``) so that they roll up, and
    the scheme's open rounds of the year are opened in it."""
    _check_import(actor, parent, owner)
    _check_year(parent, year)
    today = timezone.localdate()
    _check_owner(parent, owner, today)
    result = parse_file(filename, data)
    with transaction.atomic():
        plan = Programme.objects.filter(parent=parent, owner=owner, period_start=year).first()
        created = plan is None
        if plan is None:
            plan = Programme.objects.create(
                parent=parent,
                title=result.document_meta.title
                or _("Kế hoạch chuyển đổi số năm %(year)s của %(agency)s") % {"year": year, "agency": owner.name},
                owner=owner,
                province=owner.unit.province,
                period_start=year,
                period_end=year,
                decision_number=result.document_meta.number or "",
                decision_date=result.document_meta.date,
                issuer=owner.name,
            )
        outcome = import_parsed(actor=actor, result=result, filename=filename, programme=plan)
        if not outcome.saved or dry_run:
            outcome.saved = False
            outcome.programme_id = None if created else plan.pk
            transaction.set_rollback(True)
            return outcome
        linked = _link_sources(plan, parent)
        rounds, reports = _open_rounds(plan, parent, year, actor)
        ledger_append(
            actor=actor,
            action="programme.plan.import",
            obj=plan,
            payload={
                "parent": parent.pk,
                "owner": owner.pk,
                "year": year,
                "created": created,
                "tasks": outcome.tasks,
                "targets": outcome.targets,
                "linked": linked,
                "rounds": rounds,
                "reports": reports,
            },
        )
    return outcome


def _link_sources(plan: Programme, parent: Programme) -> int:
    """Link the plan's unlinked tasks and targets to the scheme's of the same code (a task's
    appendix too when the scheme has the code in several appendices); the plan's own are left."""
    by_code: dict[str, list[Task]] = defaultdict(list)
    for task in Task.objects.filter(programme=parent):
        by_code[task.code.upper()].append(task)
    taken = set(Task.objects.filter(programme=plan, source_task__isnull=False).values_list("source_task_id", flat=True))
    linked = 0
    for task in Task.objects.filter(programme=plan, source_task__isnull=True):
        candidates = by_code.get(task.code.upper(), [])
        if len(candidates) > 1:
            candidates = [source for source in candidates if source.appendix == task.appendix]
        if len(candidates) == 1 and candidates[0].pk not in taken:
            task.source_task = candidates[0]
            task.save(update_fields=["source_task"])
            taken.add(candidates[0].pk)
            linked += 1
    targets = {target.code.upper(): target for target in Target.objects.filter(programme=parent)}
    taken = set(
        Target.objects.filter(programme=plan, source_target__isnull=False).values_list("source_target_id", flat=True)
    )
    for target in Target.objects.filter(programme=plan, source_target__isnull=True):
        source = targets.get(target.code.upper())
        if source is not None and source.pk not in taken:
            target.source_target = source
            target.save(update_fields=["source_target"])
            taken.add(source.pk)
            linked += 1
    return linked
