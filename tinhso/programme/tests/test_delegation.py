"""The DX office's powers lent for a period (ủy quyền): the colleague manages the programme while
the delegation is in force, and an approval records on whose behalf it was done."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from tinhso.ledger.models import Entry
from tinhso.org.delegation.services import delegation_create, delegation_revoke
from tinhso.org.roles import Role
from tinhso.programme import services
from tinhso.programme.access import manages_province, programme_scope
from tinhso.programme.models import ReportState, TaskReport
from tinhso.programme.rules import may_manage_programme


def test_a_report_approved_under_a_delegation_names_the_delegator(
    scheme: dict[str, Any], demo_agencies: dict[str, Any], make_person: Any
) -> None:
    programme, dx = scheme["programme"], scheme["dx"]
    colleague = make_person("cds.pho", Role.FOCAL_POINT, demo_agencies["hy.skhcn"], title="Phó Trưởng phòng")
    assert not may_manage_programme(programme_scope(colleague, programme))
    round_ = services.round_open(actor=dx, scope=programme_scope(dx, programme), programme=programme, period="2025-H1")
    report = TaskReport.objects.get(round=round_, task=scheme["platform"])
    focal = scheme["focal_dost"]
    focal_scope = programme_scope(focal, programme)
    services.task_report_save(actor=focal, scope=focal_scope, report=report, status="done", percent_done=100)
    services.report_submit(actor=focal, scope=focal_scope, report=report)

    today = timezone.localdate()
    delegation = delegation_create(
        actor=dx,
        delegate=colleague,
        agency=demo_agencies["hy.skhcn"],
        roles=[Role.DX_OFFICE],
        valid_from=today,
        valid_to=today + dt.timedelta(days=5),
    )
    scope = programme_scope(colleague, programme)
    assert may_manage_programme(scope)
    assert scope.manage_delegation == delegation
    assert programme_scope(dx, programme).manage_delegation is None  # the DX office in its own right
    assert manages_province(colleague, programme.owner.unit.province.pk)

    services.report_approve(actor=colleague, scope=scope, report=report)
    report.refresh_from_db()
    assert (report.state, report.reviewed_by) == (ReportState.APPROVED, colleague)
    entry = Entry.objects.get(action="programme.task_report.approve", object_id=str(report.pk))
    assert entry.actor_id == colleague.pk
    assert entry.payload.data == {"on_behalf_of": dx.pk, "delegation": delegation.pk, "delegation_kind": "TUQ"}

    delegation_revoke(actor=dx, delegation=delegation)
    assert not may_manage_programme(programme_scope(colleague, programme))
