"""A person leaving hands their open work to a successor in one step: the one-stop shop's open
dossiers and the programme's returned reports move together, or nothing moves."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tinhso.core.errors import DomainError, NotAllowed
from tinhso.ledger.models import Entry
from tinhso.onestop.models import Dossier, DossierEvent, DossierState
from tinhso.onestop.tests.factories import ProcedureFactory
from tinhso.org.models import AdministrativeUnit, Person, RoleAssignment
from tinhso.org.officers import services
from tinhso.org.roles import Role
from tinhso.programme import services as programme_services
from tinhso.programme.models import ReportingRound, ReportState, Task, TaskReport

pytestmark = pytest.mark.django_db


def _dossier(code: str, agency: Any, procedure: Any, assignee: Any, state: str) -> Dossier:
    return Dossier.objects.create(
        code=code,
        procedure=procedure,
        receiving_agency=agency,
        handling_agency=agency,
        channel="online",
        state=state,
        applicant_name="Nguyễn Văn An",
        assignee=assignee,
        submitted_at=dt.datetime(2026, 3, 2, 8, tzinfo=dt.UTC),
    )


@pytest.fixture
def work(demo_agencies: dict[str, Any], make_person: Any, admins: dict[str, Any]) -> SimpleNamespace:
    a = demo_agencies
    centre = a["hy.ttpvhcc"]
    leaving = make_person("thuly.nghi", Role.HANDLER, centre)
    RoleAssignment.objects.create(person=leaving, role=Role.FOCAL_POINT, agency=centre, valid_from=dt.date(2025, 1, 1))
    successor = make_person("thuly.moi", Role.HANDLER, centre)
    RoleAssignment.objects.create(
        person=successor, role=Role.FOCAL_POINT, agency=centre, valid_from=dt.date(2025, 1, 1)
    )
    unqualified = make_person("motcua.moi", Role.RECEIVER, centre)
    procedure = ProcedureFactory.create(agencies=[centre])
    open_ones = [
        _dossier("HO-1", centre, procedure, leaving, DossierState.ASSIGNED),
        _dossier("HO-2", centre, procedure, leaving, DossierState.UNDER_REVIEW),
    ]
    done = _dossier("HO-3", centre, procedure, leaving, DossierState.RESULT_RETURNED)
    programme = programme_services.programme_create(
        actor=None,
        title="Kế hoạch chuyển đổi số tỉnh Hưng Yên",
        owner=a["hy.ubnd"],
        province=AdministrativeUnit.objects.get(level="province", code="33", valid_to__isnull=True),
        period_start=2026,
        period_end=2030,
    )
    task = Task.objects.create(programme=programme, code="T1", name="Số hóa hồ sơ", lead_agency=centre, order=1)
    round_ = ReportingRound.objects.create(
        programme=programme,
        period="2026-H1",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 6, 30),
        cutoff_date=dt.date(2026, 6, 15),
        due_date=dt.date(2026, 6, 30),
    )
    report = TaskReport.objects.create(
        round=round_, agency=centre, task=task, state=ReportState.RETURNED, submitted_by=leaving
    )
    return SimpleNamespace(
        leaving=leaving,
        successor=successor,
        unqualified=unqualified,
        open=open_ones,
        done=done,
        report=report,
        admin=admins["centre_admin"],
        dx=admins["dx"],
        dx_th=admins["dx_th"],
    )


def test_the_handover_page_counts_the_open_work_of_each_kind(work: SimpleNamespace) -> None:
    counts = {item.name: item.count for item in services.open_work_count(work.leaving)}
    assert counts == {"services.dossiers": 2, "programme.reports": 1}
    client = Client()
    client.force_login(work.admin)
    page = client.get(reverse("org:officer_handover", args=[work.leaving.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Hồ sơ thủ tục hành chính đang thụ lý: <strong>2</strong>" in text
    assert "Báo cáo đề án được trả lại để bổ sung: <strong>1</strong>" in text


def test_a_handover_moves_dossiers_and_reports_in_one_step_with_a_ledger_event(
    work: SimpleNamespace, clock: Any
) -> None:
    before = Entry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    moved = services.person_handover(actor=work.admin, person=work.leaving, successor=work.successor, leave=True)
    assert moved == {"services.dossiers": 2, "programme.reports": 1}
    assert set(Dossier.objects.filter(assignee=work.successor).values_list("code", flat=True)) == {"HO-1", "HO-2"}
    assert Dossier.objects.get(code="HO-3").assignee == work.leaving  # closed work stays with who did it
    assert [d.state for d in Dossier.objects.filter(code__in=["HO-1", "HO-2"]).order_by("code")] == [
        DossierState.ASSIGNED,
        DossierState.UNDER_REVIEW,
    ]
    assert DossierEvent.objects.filter(action="handover").count() == 2
    work.report.refresh_from_db()
    assert work.report.submitted_by == work.successor
    entries = Entry.objects.filter(pk__gt=before)
    handover = entries.get(action="org.person.handover")
    assert handover.object_id == str(work.leaving.pk)
    assert handover.payload.data["moved"] == {"services.dossiers": 2, "programme.reports": 1}
    assert handover.payload.data["successor"] == work.successor.pk
    assert entries.filter(action="services.dossier.handover").count() == 2
    assert entries.filter(action="programme.task_report.handover").count() == 1
    # Leaving: the account is locked and every role ends today.
    work.leaving.refresh_from_db()
    assert not work.leaving.is_active
    assert not RoleAssignment.objects.active().filter(person=work.leaving).exists()


def test_a_successor_without_the_needed_role_gets_a_clear_refusal_and_nothing_moves(work: SimpleNamespace) -> None:
    entries = Entry.objects.count()
    with pytest.raises(DomainError) as refused:
        services.person_handover(actor=work.admin, person=work.leaving, successor=work.unqualified)
    assert refused.value.code == "handover_refused"
    assert "không phải chuyên viên thụ lý của Trung tâm Phục vụ hành chính công tỉnh Hưng Yên (2 hồ sơ" in (
        refused.value.message
    )
    assert "không phải cán bộ báo cáo" in refused.value.message
    assert Dossier.objects.filter(assignee=work.leaving).count() == 3
    work.report.refresh_from_db()
    assert work.report.submitted_by == work.leaving
    assert Entry.objects.count() == entries
    assert work.leaving.is_active


def test_the_page_shows_the_refusal_and_moves_nothing(work: SimpleNamespace) -> None:
    client = Client()
    client.force_login(work.admin)
    url = reverse("org:officer_handover", args=[work.leaving.pk])
    refused = client.post(url, {"successor": work.unqualified.pk})
    assert refused.status_code == 400
    assert "Không bàn giao được" in refused.content.decode()
    assert Dossier.objects.filter(assignee=work.leaving).count() == 3
    done = client.post(url, {"successor": work.successor.pk})
    assert done.status_code == 200
    assert Dossier.objects.filter(assignee=work.successor).count() == 2


def test_only_those_who_manage_both_accounts_may_hand_over(work: SimpleNamespace) -> None:
    assert services.person_handover(actor=work.dx, person=work.leaving, successor=work.successor) == {
        "services.dossiers": 2,
        "programme.reports": 1,
    }
    entries = Entry.objects.count()
    for outsider in (work.dx_th, work.successor):
        with pytest.raises(NotAllowed):
            services.person_handover(actor=outsider, person=work.successor, successor=work.leaving)
    assert Entry.objects.count() == entries
    client = Client()
    client.force_login(work.dx_th)
    assert client.get(reverse("org:officer_handover", args=[work.leaving.pk])).status_code == 404
    assert client.get(reverse("org:officer_handover", args=[10**9])).status_code == 404


def test_nobody_hands_their_own_work_or_to_themselves(work: SimpleNamespace) -> None:
    assert services.handover_refusals(work.leaving, work.leaving) == ["Người nhận bàn giao phải là người khác."]
    with pytest.raises(NotAllowed):
        services.person_handover(actor=work.leaving, person=work.leaving, successor=work.successor)
    assert Person.objects.get(pk=work.leaving.pk).is_active


def test_the_successor_may_also_work_beyond_the_administrators_agencies(
    work: SimpleNamespace, demo_agencies: dict[str, Any]
) -> None:
    RoleAssignment.objects.create(
        person=work.successor, role=Role.HANDLER, agency=demo_agencies["hy.stp"], valid_from=dt.date(2025, 1, 1)
    )
    moved = services.person_handover(actor=work.admin, person=work.leaving, successor=work.successor)
    assert moved == {"services.dossiers": 2, "programme.reports": 1}
