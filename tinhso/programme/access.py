"""Who sees and does what in a programme.

- The DX office (``programme.manage_programme``) and leaders manage / read the whole programme
  of their province: their role sits on one agency (Sở KH&CN, UBND tỉnh) but the programme is the
  province's, so for them the reach is the province, not the agency subtree.
- Any other agency sees the tasks it leads and the targets it tracks (and reports on them),
  and reads and comments on those it partners in; nothing else.

Tasks and targets are fetched through :func:`access_task` / :func:`access_target`, which
answer "not found" alike for a missing object and one the user may not see. Who may do what
once there is :mod:`tinhso.programme.rules`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from tinhso.core.errors import NotAllowed, NotFound
from tinhso.org.access import agencies_where, roles_in_force
from tinhso.org.models import Agency, Delegation, Person
from tinhso.org.roles import Perm, Role

from . import rules
from .models import Programme, Target, Task
from .rules import ProgrammeScope

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

PROVINCE_WIDE_ROLES = (Role.DX_OFFICE, Role.LEADER, Role.SYSTEM_ADMIN)


def _province_roles(person: Person | AnonymousUser) -> dict[str, dict[int | None, Delegation | None]]:
    """Province-wide roles of ``person``: role → province unit ids (None = every province), each
    with the delegation it is held through (None: held in one's own right, which wins)."""
    reach: dict[str, dict[int | None, Delegation | None]] = {}
    for held in roles_in_force(person, PROVINCE_WIDE_ROLES):
        province = held.agency.unit.province.pk if held.agency else None
        provinces = reach.setdefault(held.role, {})
        if province not in provinces or held.delegation is None:
            provinces[province] = held.delegation
    return reach


def _reaches(provinces: Mapping[int | None, object], programme: Programme) -> bool:
    return None in provinces or programme.owner.unit.province.pk in provinces


def _through(provinces: Mapping[int | None, Delegation | None], programme: Programme) -> Delegation | None:
    """The delegation a reach of ``programme`` relies on, None when it is one's own."""
    if None in provinces:
        return provinces[None]
    return provinces.get(programme.owner.unit.province.pk)


def programme_scope(person: Person | AnonymousUser, programme: Programme) -> ProgrammeScope:
    roles = _province_roles(person)
    manage = _reaches(roles.get(Role.DX_OFFICE, {}), programme)
    read_all = manage or any(_reaches(roles.get(role, {}), programme) for role in (Role.LEADER, Role.SYSTEM_ADMIN))
    report = frozenset(agencies_where(person, Perm.PROGRAMME_REPORT).values_list("pk", flat=True))
    read = frozenset(agencies_where(person, Perm.PROGRAMME_VIEW).values_list("pk", flat=True))
    return ProgrammeScope(
        manage=manage,
        read_all=read_all,
        report_agencies=report,
        read_agencies=read | report,
        manage_delegation=_through(roles.get(Role.DX_OFFICE, {}), programme) if manage else None,
    )


def manages_province(person: Person | AnonymousUser, province_id: int) -> bool:
    """Whether ``person`` manages the programmes of that province (the DX office's reach, as in
    :func:`programme_scope`): for what belongs to a province rather than to one programme."""
    reach = _province_roles(person).get(Role.DX_OFFICE, {})
    return None in reach or province_id in reach


def programmes_visible(person: Person | AnonymousUser) -> QuerySet[Programme]:
    """Programmes ``person`` can open (province-wide roles, or a task/target of their agencies)."""
    if not person.is_authenticated:
        return Programme.objects.none()
    roles = _province_roles(person)
    provinces = set().union(*(set(reach) for reach in roles.values())) if roles else set()
    mine = agencies_where(person, Perm.PROGRAMME_VIEW)
    condition = (
        Q(tasks__lead_agency__in=mine)
        | Q(tasks__partner_agencies__in=mine)
        | Q(targets__tracking_agency__in=mine)
        | Q(targets__partner_agencies__in=mine)
    )
    if None in provinces:
        return Programme.objects.all()
    if provinces:
        in_province = [
            programme.pk
            for programme in Programme.objects.select_related("owner__unit__parent")
            if programme.owner.unit.province.pk in provinces
        ]
        condition |= Q(pk__in=in_province)
    return Programme.objects.filter(condition).distinct()


def access_programme(person: Person | AnonymousUser, programme_id: int | str) -> tuple[Programme, ProgrammeScope]:
    try:
        pk = int(programme_id)
    except (TypeError, ValueError):
        raise NotFound(_("Không tìm thấy đề án."), code="not_found") from None
    programme = Programme.objects.select_related("owner__unit__parent", "province").filter(pk=pk).first()
    if programme is None:
        raise NotFound(_("Không tìm thấy đề án."), code="not_found")
    scope = programme_scope(person, programme)
    if not scope.read_all and not programmes_visible(person).filter(pk=programme.pk).exists():
        raise NotFound(_("Không tìm thấy đề án."), code="not_found")
    return programme, scope


def tasks_visible(scope: ProgrammeScope, programme: Programme) -> QuerySet[Task]:
    tasks = Task.objects.filter(programme=programme)
    if scope.read_all:
        return tasks
    return tasks.filter(Q(lead_agency__in=scope.read_agencies) | Q(partner_agencies__in=scope.read_agencies)).distinct()


def targets_visible(scope: ProgrammeScope, programme: Programme) -> QuerySet[Target]:
    targets = Target.objects.filter(programme=programme)
    if scope.read_all:
        return targets
    return targets.filter(
        Q(tracking_agency__in=scope.read_agencies) | Q(partner_agencies__in=scope.read_agencies)
    ).distinct()


def access_task(person: Person | AnonymousUser, task_id: int | str) -> tuple[Task, ProgrammeScope]:
    """A task the person may read; :class:`NotFound` alike for missing and out of reach."""
    try:
        pk = int(task_id)
    except (TypeError, ValueError):
        raise NotFound(_("Không tìm thấy nhiệm vụ."), code="not_found") from None
    task = Task.objects.select_related("programme__owner__unit__parent", "lead_agency", "pillar").filter(pk=pk).first()
    if task is None:
        raise NotFound(_("Không tìm thấy nhiệm vụ."), code="not_found")
    scope = programme_scope(person, task.programme)
    if not tasks_visible(scope, task.programme).filter(pk=task.pk).exists():
        raise NotFound(_("Không tìm thấy nhiệm vụ."), code="not_found")
    return task, scope


def access_target(person: Person | AnonymousUser, target_id: int | str) -> tuple[Target, ProgrammeScope]:
    try:
        pk = int(target_id)
    except (TypeError, ValueError):
        raise NotFound(_("Không tìm thấy chỉ tiêu."), code="not_found") from None
    target = Target.objects.select_related("programme__owner__unit__parent", "tracking_agency").filter(pk=pk).first()
    if target is None:
        raise NotFound(_("Không tìm thấy chỉ tiêu."), code="not_found")
    scope = programme_scope(person, target.programme)
    if not targets_visible(scope, target.programme).filter(pk=target.pk).exists():
        raise NotFound(_("Không tìm thấy chỉ tiêu."), code="not_found")
    return target, scope


def require_manage(scope: ProgrammeScope) -> None:
    if not rules.may_manage_programme(scope):
        raise NotAllowed(_("Chỉ cơ quan chuyên trách chuyển đổi số được thực hiện thao tác này."), code="forbidden")


def require_reporter(scope: ProgrammeScope, agency: Agency | None) -> None:
    """Only the lead (tracking) agency reports; partners read and comment."""
    if not rules.may_report(scope, agency):
        raise NotAllowed(_("Chỉ đơn vị chủ trì (theo dõi) được báo cáo nội dung này."), code="forbidden")
