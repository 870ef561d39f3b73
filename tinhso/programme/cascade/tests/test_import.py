"""A commune imports its own plan under the province's scheme: linked by code, rolled up."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tinhso.core.errors import NotAllowed
from tinhso.ledger.models import Entry
from tinhso.programme import services
from tinhso.programme.access import programme_scope
from tinhso.programme.cascade.selectors import task_rollup
from tinhso.programme.cascade.services import plan_derive, plan_import
from tinhso.programme.models import Programme, Task, TaskReport

pytestmark = pytest.mark.django_db


def _plan_text(*rows: tuple[str, str, str]) -> bytes:
    lines = [
        "ỦY BAN NHÂN DÂN XÃ TIỀN HẢI",
        "KẾ HOẠCH Chuyển đổi số năm 2026",
        "PHỤ LỤC 01",
        "DANH MỤC NHIỆM VỤ",
        "\t".join(["STT", "Trụ cột", "Mã nhiệm vụ", "Tên nhiệm vụ", "Đơn vị chủ trì", "Đơn vị phối hợp"]),
    ]
    lines += [
        "\t".join([str(n), "Chính quyền số", code, name, lead, ""]) for n, (code, name, lead) in enumerate(rows, 1)
    ]
    return "\n".join(lines).encode()


PLAN = _plan_text(
    ("CQS2", "Số hóa hồ sơ tại bộ phận một cửa của xã", "UBND xã Tiền Hải"),
    ("CQS8", "Lắp wifi miễn phí tại nhà văn hóa các thôn", "UBND xã Tiền Hải"),
)


def test_a_commune_imports_its_plan_under_the_scheme_and_it_rolls_up(cascade: dict[str, Any]) -> None:
    c = cascade
    focal, owner = c["focal_tien_hai"], c["agencies"]["hy.ubndx.tien_hai"]
    outcome = plan_import(actor=focal, parent=c["scheme"], owner=owner, year=2026, filename="ke-hoach.txt", data=PLAN)
    assert outcome.saved, outcome.rejected
    assert outcome.programme_id is not None
    plan = Programme.objects.get(pk=outcome.programme_id)
    assert (plan.parent, plan.owner, plan.period_start) == (c["scheme"], owner, 2026)
    tasks = {task.code: task for task in Task.objects.filter(programme=plan)}
    assert tasks["CQS2"].source_task == c["communes_task"]  # the scheme's code: linked
    assert tasks["CQS8"].source_task is None  # the commune's own
    assert tasks["CQS2"].lead_agency == owner
    assert Entry.objects.filter(action="programme.plan.import").count() == 1

    report = TaskReport.objects.get(task=tasks["CQS2"], round__period="2026-H1")
    scope = programme_scope(focal, plan)
    services.task_report_save(actor=focal, scope=scope, report=report, status="done", percent_done=100)
    services.report_submit(actor=focal, scope=scope, report=report)
    services.report_approve(actor=c["dx"], scope=programme_scope(c["dx"], plan), report=report)
    rollup = task_rollup(source_ids=[c["communes_task"].pk])[c["communes_task"].pk]
    assert (rollup.derived, rollup.done, rollup.percent) == (1, 1, Decimal(100))


def test_importing_into_a_derived_plan_keeps_the_derived_tasks(cascade: dict[str, Any]) -> None:
    c = cascade
    owner = c["agencies"]["hy.ubndx.tien_hai"]
    plan = plan_derive(actor=c["dx"], parent=c["scheme"], owner=owner, year=2026).plan
    data = _plan_text(("CQS9", "Tập huấn kỹ năng số cho người dân", "UBND xã Tiền Hải"))
    outcome = plan_import(actor=c["dx"], parent=c["scheme"], owner=owner, year=2026, filename="kh.txt", data=data)
    assert outcome.programme_id == plan.pk
    assert sorted(Task.objects.filter(programme=plan).values_list("code", flat=True)) == ["CQS2", "CQS9", "XHS1"]


def test_another_commune_may_not_import_for_it_and_nothing_is_written(cascade: dict[str, Any]) -> None:
    c = cascade
    before = (Programme.objects.count(), Task.objects.count(), Entry.objects.count())
    with pytest.raises(NotAllowed):
        plan_import(
            actor=c["focal_pho_hien"],
            parent=c["scheme"],
            owner=c["agencies"]["hy.ubndx.tien_hai"],
            year=2026,
            filename="kh.txt",
            data=PLAN,
        )
    assert (Programme.objects.count(), Task.objects.count(), Entry.objects.count()) == before


def test_a_file_without_tasks_is_rejected_and_leaves_no_plan(cascade: dict[str, Any]) -> None:
    c = cascade
    before = (Programme.objects.count(), Entry.objects.count())
    outcome = plan_import(
        actor=c["focal_tien_hai"],
        parent=c["scheme"],
        owner=c["agencies"]["hy.ubndx.tien_hai"],
        year=2026,
        filename="kh.txt",
        data="Kế hoạch không có bảng nào".encode(),
    )
    assert not outcome.saved
    assert outcome.rejected
    assert (Programme.objects.count(), Entry.objects.count()) == before
