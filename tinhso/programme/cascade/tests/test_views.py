"""The DX office's table (flags for each case, light on queries, export), the derive action and
an agency's plan page."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import at
from tinhso.ledger.models import Entry
from tinhso.org.models import AdministrativeUnit, AgencyKind, Person
from tinhso.org.tests.factories import AgencyFactory
from tinhso.programme import services
from tinhso.programme.access import programme_scope
from tinhso.programme.cascade.selectors import cascade_status, status_rows
from tinhso.programme.cascade.services import plan_derive, plan_derive_all
from tinhso.programme.models import Programme, ReportState, TargetReport, Task, TaskReport

pytestmark = pytest.mark.django_db


def _client(person: Person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def _send_all(c: dict[str, Any], plan: Programme, focal: Person, *, approve: bool) -> None:
    scope = programme_scope(focal, plan)
    for report in TaskReport.objects.filter(task__programme=plan):
        services.task_report_save(actor=focal, scope=scope, report=report, status="in_progress", percent_done=40)
        services.report_submit(actor=focal, scope=scope, report=report)
    for target_report in TargetReport.objects.filter(target__programme=plan):
        services.target_report_save(actor=focal, scope=scope, report=target_report, value="55", as_of=None)
        services.report_submit(actor=focal, scope=scope, report=target_report)
    if approve:
        dx_scope = programme_scope(c["dx"], plan)
        for model in (TaskReport, TargetReport):
            for sent in model.objects.filter(round__programme=plan, state=ReportState.SUBMITTED):
                services.report_approve(actor=c["dx"], scope=dx_scope, report=sent)


@pytest.fixture
def plans(cascade: dict[str, Any], make_person: Any) -> dict[str, Any]:
    """Tiền Hải has reported everything (and it is approved), Thái Bình has a plan and sent
    nothing, Trần Hưng Đạo has no plan."""
    c = cascade
    a = c["agencies"]
    tien_hai = plan_derive(actor=c["dx"], parent=c["scheme"], owner=a["hy.ubndx.tien_hai"], year=2026).plan
    thai_binh = plan_derive(actor=c["dx"], parent=c["scheme"], owner=a["hy.ubndx.thai_binh"], year=2026).plan
    _send_all(c, tien_hai, c["focal_tien_hai"], approve=True)
    return {**c, "tien_hai": tien_hai, "thai_binh": thai_binh}


def _flags(status: Any) -> dict[str, tuple[bool, bool, bool, Decimal]]:
    return {str(row.agency.key): (row.has_plan, row.reported, row.late, row.progress) for row in status.rows}


def test_the_flags_for_each_case_before_and_after_the_deadline(plans: dict[str, Any], clock: Any) -> None:
    c = plans
    status = cascade_status(parent=c["scheme"], year=2026)
    assert status.round == c["round"]
    assert _flags(status) == {
        "hy.ubndx.tien_hai": (True, True, False, Decimal(40)),
        "hy.ubndx.thai_binh": (True, False, False, Decimal(0)),
        "hy.ubndx.tran_hung_dao": (False, False, False, Decimal(0)),
    }
    clock.set(at("2026-07-02"))  # the round was due on 30/6
    flags = _flags(cascade_status(parent=c["scheme"], year=2026))
    assert flags["hy.ubndx.tien_hai"][2] is False  # everything approved
    assert flags["hy.ubndx.thai_binh"][2] is True
    assert flags["hy.ubndx.tran_hung_dao"][2] is False  # no plan: not late, "no plan"


def test_sent_but_not_approved_after_the_deadline_is_late(cascade: dict[str, Any], clock: Any) -> None:
    c = cascade
    plan = plan_derive(actor=c["dx"], parent=c["scheme"], owner=c["agencies"]["hy.ubndx.tien_hai"], year=2026).plan
    _send_all(c, plan, c["focal_tien_hai"], approve=False)
    assert _flags(cascade_status(parent=c["scheme"], year=2026))["hy.ubndx.tien_hai"][:3] == (True, True, False)
    clock.set(at("2026-07-02"))
    assert _flags(cascade_status(parent=c["scheme"], year=2026))["hy.ubndx.tien_hai"][:3] == (True, True, True)


def test_filters_and_sorts(plans: dict[str, Any]) -> None:
    status = cascade_status(parent=plans["scheme"], year=2026)

    def keys(**kwargs: Any) -> list[str]:
        return [str(row.agency.key) for row in status_rows(status, **kwargs)]

    assert keys(show="chua-co") == ["hy.ubndx.tran_hung_dao"]
    assert keys(show="chua-bao-cao") == ["hy.ubndx.thai_binh"]
    assert keys(sort="-tien-do")[0] == "hy.ubndx.tien_hai"
    assert keys(query="tien hai") == ["hy.ubndx.tien_hai"]


def test_the_page_shows_the_table_with_a_constant_number_of_queries(
    plans: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    c = plans
    client = _client(c["dx"])
    url = reverse("programme:cascade", args=[c["scheme"].pk]) + "?nam=2026"
    with CaptureQueriesContext(connection) as three:
        response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    assert reverse("programme:plan", args=[c["tien_hai"].pk]) in body
    assert "Trần Hưng Đạo" in body and "Phố Hiến" not in body  # noqa: PT018 - the same page

    # More communes of the territory, each with its plan: the same number of queries.
    for code in ("12439", "12445", "12985", "12991", "13003"):
        old = AdministrativeUnit.objects.get(level="commune", code=code, valid_to__isnull=False)
        new = old.successions_out.get().successor
        AgencyFactory.create(
            name=f"Ủy ban nhân dân {new.name}",
            kind=AgencyKind.PEOPLES_COMMITTEE,
            unit=new,
            parent=c["agencies"]["hy.ubnd"],
        )
    outcome = plan_derive_all(actor=c["dx"], parent=c["scheme"], year=2026)
    assert outcome.created >= 3
    with django_assert_max_num_queries(len(three.captured_queries)):
        assert client.get(url).status_code == 200
    assert len(three.captured_queries) <= 34  # the table, and the header (session, user, roles, unread count)


def test_the_export_lists_every_row(plans: dict[str, Any]) -> None:
    from openpyxl import load_workbook

    response = _client(plans["dx"]).get(reverse("programme:cascade_xlsx", args=[plans["scheme"].pk]) + "?nam=2026")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = {row[0]: row[1:] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["Ủy ban nhân dân xã Tiền Hải"] == ("Có", "Có", "Chưa", 40)
    assert rows["Ủy ban nhân dân phường Trần Hưng Đạo"] == ("Chưa", "Chưa", "Chưa", 0)


def test_the_table_is_refused_to_a_commune_and_hidden_from_another_province(plans: dict[str, Any]) -> None:
    url = reverse("programme:cascade", args=[plans["scheme"].pk])
    assert _client(plans["leader"]).get(url).status_code == 200
    assert _client(plans["dx_thanh_hoa"]).get(url).status_code == 404
    assert _client(plans["focal_tien_hai"]).get(url).status_code in (403, 404)


def test_derive_one_agency_from_the_page(cascade: dict[str, Any]) -> None:
    c = cascade
    url = reverse("programme:cascade_derive", args=[c["scheme"].pk])
    owner = c["agencies"]["hy.ubndx.tran_hung_dao"]
    response = _client(c["dx"]).post(url, {"nam": "2026", "co-quan": owner.pk})
    assert response.status_code == 302
    assert Programme.objects.filter(parent=c["scheme"], owner=owner, period_start=2026).exists()
    again = _client(c["dx"]).post(url, {"nam": "2026", "co-quan": owner.pk})
    assert again.status_code == 409


def test_derive_all_from_the_page_runs_in_the_background(
    cascade: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    c = cascade
    url = reverse("programme:cascade_derive", args=[c["scheme"].pk])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = _client(c["dx"]).post(url, {"nam": "2026"})
    assert response.status_code == 302
    assert len(callbacks) == 1
    assert Programme.objects.filter(parent=c["scheme"]).count() == 3


@pytest.mark.parametrize("who", ["leader", "focal_tien_hai", "focal_finance", "dx_thanh_hoa"])
def test_derive_is_refused_and_writes_nothing(cascade: dict[str, Any], who: str) -> None:
    c = cascade
    entries, programmes = Entry.objects.count(), Programme.objects.count()
    owner = c["agencies"]["hy.ubndx.tran_hung_dao"]
    response = _client(c[who]).post(
        reverse("programme:cascade_derive", args=[c["scheme"].pk]), {"nam": "2026", "co-quan": owner.pk}
    )
    assert response.status_code in (403, 404)
    assert (Entry.objects.count(), Programme.objects.count()) == (entries, programmes)


def test_a_bad_year_is_a_400(cascade: dict[str, Any]) -> None:
    url = reverse("programme:cascade_derive", args=[cascade["scheme"].pk])
    assert _client(cascade["dx"]).post(url, {"nam": "hai nghìn"}).status_code == 400
    assert _client(cascade["dx"]).post(url, {"nam": "2040"}).status_code == 400


def test_a_commune_reads_its_own_plan_page_by_page(plans: dict[str, Any], django_assert_max_num_queries: Any) -> None:
    c = plans
    plan = c["tien_hai"]
    for number in range(25):
        Task.objects.create(
            programme=plan, code=f"R{number:02d}", order=100 + number, name=f"Việc {number}", lead_agency=plan.owner
        )
    client = _client(c["focal_tien_hai"])
    url = reverse("programme:plan", args=[plan.pk])
    # the plan's tasks and reports, and the header's reads (roles and delegations, the unread count)
    with django_assert_max_num_queries(30):
        first = client.get(url)
    assert first.status_code == 200
    assert first.content.decode().count('class="list-group-item') == 20
    second = client.get(url + "?trang=2")
    assert second.content.decode().count('class="list-group-item') == 7
    assert len(first.content) < 40_000
    assert _client(c["dx"]).get(url).status_code == 200
    assert _client(c["focal_pho_hien"]).get(url).status_code == 404
