"""The programme API at its interface: the reporting cycle end to end, who reads and writes what
(404 alike for missing and out of reach, 403 for a visible object the user may not change),
Vietnamese 4xx for bad input (never a 500), the ledger behind every write, and the schema."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import include, path
from django.utils import timezone

from tinhso.ledger.models import Entry
from tinhso.programme.models import Comment, Programme, ReportingRound, ReportState, TargetReport, Task, TaskReport

from .conftest import evidence_pdf

pytestmark = pytest.mark.django_db

BASE = "/api/programme/"
MISSING = 999_999
PDF = evidence_pdf()

# The programme API alone, for validating its part of the schema (see test_schema_has_no_warnings).
urlpatterns = [path("api/programme/", include("tinhso.programme.api_urls"))]

As = Callable[[str], Client]


@pytest.fixture
def as_(scheme: dict[str, Any]) -> As:
    """as_("focal_dost") → a client logged in as that person of the scheme."""
    clients: dict[str, Client] = {}

    def client_for(who: str) -> Client:
        if who not in clients:
            clients[who] = Client()
            clients[who].force_login(scheme[who])
        return clients[who]

    return client_for


@pytest.fixture
def round_(scheme: dict[str, Any], as_: As) -> ReportingRound:
    """2025-H1, opened by the DX office through the API, due a month from today."""
    due = timezone.localdate() + dt.timedelta(days=30)
    response = _post(
        as_("dx"), f"programmes/{scheme['programme'].pk}/rounds/", {"period": "2025-H1", "due_date": due.isoformat()}
    )
    assert response.status_code == 201, response.content
    return ReportingRound.objects.get(pk=response.json()["id"])


@pytest.fixture
def reports(scheme: dict[str, Any], round_: ReportingRound) -> dict[str, TaskReport | TargetReport]:
    return {
        "platform": TaskReport.objects.get(round=round_, task=scheme["platform"]),
        "finance_task": TaskReport.objects.get(round=round_, task=scheme["finance_task"]),
        "online": TargetReport.objects.get(round=round_, target=scheme["online"]),
        "economy_share": TargetReport.objects.get(round=round_, target=scheme["economy_share"]),
    }


def _post(client: Client, url: str, data: Any = None) -> Any:
    return client.post(BASE + url, {} if data is None else data, content_type="application/json")


def _patch(client: Client, url: str, data: Any) -> Any:
    return client.patch(BASE + url, data, content_type="application/json")


def _upload(client: Client, url: str, name: str = "bien-ban.pdf", content: bytes = PDF) -> Any:
    return client.post(BASE + url, {"file": SimpleUploadedFile(name, content, "application/pdf")})


def _new_actions(since: int) -> list[str]:
    return list(Entry.objects.filter(pk__gt=since).order_by("pk").values_list("action", flat=True))


def _last_sequence() -> int:
    return Entry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0  # append order


# --- the cycle --------------------------------------------------------------------------------


def test_full_cycle_through_the_api(scheme: dict[str, Any], as_: As, settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path
    programme = scheme["programme"].pk
    dx, dost, finance = as_("dx"), as_("focal_dost"), as_("focal_finance")
    start = _last_sequence()
    due = timezone.localdate() + dt.timedelta(days=30)

    opened = _post(dx, f"programmes/{programme}/rounds/", {"period": "2025-h1", "due_date": due.isoformat()})
    assert opened.status_code == 201
    round_id = opened.json()["id"]
    assert {key: opened.json()[key] for key in ("period", "status", "cutoff_date", "due_date")} == {
        "period": "2025-H1",
        "status": "open",
        "cutoff_date": "2025-06-14",
        "due_date": due.isoformat(),
    }
    assert [r["period"] for r in dx.get(f"{BASE}programmes/{programme}/rounds/").json()] == ["2025-H1"]

    # Each agency finds what it must report in its inbox.
    inbox = dost.get(f"{BASE}programmes/{programme}/inbox/").json()
    assert inbox["round"]["id"] == round_id
    assert [r["task"]["code"] for r in inbox["pending_task_reports"]] == ["CQS1"]
    assert [r["target"]["code"] for r in inbox["pending_target_reports"]] == ["MT1"]
    platform, online = inbox["pending_task_reports"][0]["id"], inbox["pending_target_reports"][0]["id"]
    inbox = finance.get(f"{BASE}programmes/{programme}/inbox/").json()
    finance_task, share = inbox["pending_task_reports"][0]["id"], inbox["pending_target_reports"][0]["id"]

    saved = _patch(
        dost,
        f"task-reports/{platform}/",
        {
            "status": "done",
            "percent_done": 100,
            "narrative": "Đã vận hành LGSP",
            "links": ["https://hungyen.gov.vn/lgsp"],
        },
    )
    assert saved.status_code == 200
    assert {key: saved.json()[key] for key in ("state", "status", "percent_done", "links")} == {
        "state": "draft",
        "status": "done",
        "percent_done": 100,
        "links": ["https://hungyen.gov.vn/lgsp"],
    }
    evidence = _upload(dost, f"task-reports/{platform}/evidence/")
    assert evidence.status_code == 201
    assert evidence.json()["original_name"] == "bien-ban.pdf"
    submitted = _post(dost, f"task-reports/{platform}/submit/")
    assert (submitted.status_code, submitted.json()["state"], submitted.json()["late"]) == (200, "submitted", False)
    assert [f["original_name"] for f in submitted.json()["files"]] == ["bien-ban.pdf"]

    saved = _patch(
        dost,
        f"target-reports/{online}/",
        {"level_values": {"province": 92, "commune": "58,5"}, "as_of": "2025-06-14", "source": "Cổng DVC tỉnh"},
    )
    assert saved.status_code == 200
    assert saved.json()["level_values"] == {"province": "92", "commune": "58.5"}
    assert _post(dost, f"target-reports/{online}/submit/").status_code == 200

    assert (
        _patch(finance, f"task-reports/{finance_task}/", {"status": "in_progress", "percent_done": 70}).status_code
        == 200
    )
    assert _post(finance, f"task-reports/{finance_task}/submit/").status_code == 200
    assert _patch(finance, f"target-reports/{share}/", {"value": 18, "as_of": "2025-06-14"}).status_code == 200
    assert _post(finance, f"target-reports/{share}/submit/").status_code == 200

    # The DX office sees every report of the round; an agency only its own.
    everything = dx.get(f"{BASE}rounds/{round_id}/reports/").json()
    assert sorted((r["task"]["code"], r["state"]) for r in everything["task_reports"]) == [
        ("CQS1", "submitted"),
        ("KTS1", "submitted"),
    ]
    assert sorted((r["target"]["code"], r["state"]) for r in everything["target_reports"]) == [
        ("MT1", "submitted"),
        ("MT2", "submitted"),
    ]
    own = finance.get(f"{BASE}rounds/{round_id}/reports/").json()
    assert ([r["task"]["code"] for r in own["task_reports"]], [r["target"]["code"] for r in own["target_reports"]]) == (
        ["KTS1"],
        ["MT2"],
    )

    # One report goes back with a comment, is corrected and sent again.
    returned = _post(dx, f"target-reports/{share}/return/", {"comment": "Thiếu nguồn số liệu"})
    assert (returned.status_code, returned.json()["state"], returned.json()["review_comment"]) == (
        200,
        "returned",
        "Thiếu nguồn số liệu",
    )
    inbox = finance.get(f"{BASE}programmes/{programme}/inbox/").json()
    assert [(r["id"], r["state"]) for r in inbox["pending_target_reports"]] == [(share, "returned")]
    corrected = _patch(finance, f"target-reports/{share}/", {"value": "21.5", "source": "Cục Thống kê"})
    assert {key: corrected.json()[key] for key in ("value", "as_of", "source")} == {
        "value": "21.5000",
        "as_of": "2025-06-14",
        "source": "Cục Thống kê",
    }  # as_of kept: PATCH is partial
    assert _post(finance, f"target-reports/{share}/submit/").json()["state"] == "submitted"

    for url in (
        f"task-reports/{platform}",
        f"task-reports/{finance_task}",
        f"target-reports/{online}",
        f"target-reports/{share}",
    ):
        approved = _post(dx, f"{url}/approve/")
        assert (approved.status_code, approved.json()["state"]) == (200, "approved")

    progress = dx.get(f"{BASE}programmes/{programme}/progress/", {"round": round_id}).json()
    assert progress["sentence"] == "1/2 mục tiêu hoàn thành, 1/2 nhiệm vụ hoàn thành"
    assert progress["overall"] == {
        "targets": {"met": 1, "not_met": 1},
        "targets_total": 2,
        "tasks": {"done": 1, "in_progress": 1},
        "tasks_total": 2,
    }
    assert [(p["pillar"], p["label"], p["targets"], p["tasks"]) for p in progress["by_pillar"]] == [
        ("digital_government", "Chính quyền số", {"not_met": 1}, {"done": 1}),
        ("digital_economy", "Kinh tế số", {"met": 1}, {"in_progress": 1}),
    ]
    assert [(a["agency"]["name"], a["targets"], a["tasks"]) for a in progress["by_agency"]] == [
        ("Sở Khoa học và Công nghệ tỉnh Hưng Yên", {"not_met": 1}, {"done": 1}),
        ("Sở Tài chính tỉnh Hưng Yên", {"met": 1}, {"in_progress": 1}),
    ]
    assert progress["budget_by_phase"] == [{"phase": "2021-2025", "amount_million_vnd": "17500.500"}]
    assert progress["reports"] == {
        "expected": 4,
        "received": 4,
        "on_time": 4,
        "completeness_percent": 100.0,
        "timeliness_percent": 100.0,
    }
    # online: commune 58.5 < 60 → not met; economy share 21.5 > 20 → met.
    assert [(row["target"]["code"], row["outcome"], row["report"]["value"]) for row in progress["targets"]] == [
        ("MT1", "not_met", None),
        ("MT2", "met", "21.5000"),
    ]
    assert [(row["task"]["code"], row["outcome"], row["report"]["percent_done"]) for row in progress["tasks"]] == [
        ("CQS1", "done", 100),
        ("KTS1", "in_progress", 70),
    ]
    assert dx.get(f"{BASE}programmes/{programme}/trend/").json() == [
        {"period": "2025-H1", "targets_met": 1, "targets_total": 2, "tasks_done": 1, "tasks_total": 2}
    ]

    # Every write is in the ledger, in order.
    save, submit = "programme.task_report.save", "programme.task_report.submit"
    target_save, target_submit = "programme.target_report.save", "programme.target_report.submit"
    assert _new_actions(start) == [
        "programme.round.open",
        save,
        "programme.evidence.add",
        submit,
        target_save,
        target_submit,
        save,
        submit,
        target_save,
        target_submit,
        "programme.target_report.return",
        target_save,
        target_submit,
        "programme.task_report.approve",
        "programme.task_report.approve",
        "programme.target_report.approve",
        "programme.target_report.approve",
    ]


def test_progress_defaults_to_the_latest_round_and_counts_approved_reports_only(
    scheme: dict[str, Any],
    as_: As,
    reports: dict[str, Any],
) -> None:
    programme = scheme["programme"].pk
    before = as_("leader").get(f"{BASE}programmes/{programme}/progress/").json()
    assert before["round"]["period"] == "2025-H1"
    assert before["sentence"] == "0/2 mục tiêu hoàn thành, 0/2 nhiệm vụ hoàn thành"
    assert before["overall"]["targets"] == {"no_data": 2}
    assert before["reports"] == {
        "expected": 4,
        "received": 0,
        "on_time": 0,
        "completeness_percent": 0.0,
        "timeliness_percent": 0.0,
    }
    # A focal point's progress covers what it may see: its own task and the one it partners in.
    mine = as_("focal_finance").get(f"{BASE}programmes/{programme}/progress/").json()
    assert [row["task"]["code"] for row in mine["tasks"]] == ["CQS1", "KTS1"]
    assert [row["target"]["code"] for row in mine["targets"]] == ["MT2"]


def test_a_round_is_closed_once_and_then_nothing_changes(
    scheme: dict[str, Any],
    as_: As,
    round_: ReportingRound,
    reports: dict[str, Any],
) -> None:
    start = _last_sequence()
    closed = _post(as_("dx"), f"rounds/{round_.pk}/close/")
    assert (closed.status_code, closed.json()["status"]) == (200, "closed")
    assert _new_actions(start) == ["programme.round.close"]
    start = _last_sequence()
    again = _post(as_("dx"), f"rounds/{round_.pk}/close/")
    assert (again.status_code, again.json()) == (409, {"detail": "Kỳ báo cáo đã đóng.", "code": "round_closed"})
    late = _patch(as_("focal_dost"), f"task-reports/{reports['platform'].pk}/", {"status": "done", "percent_done": 100})
    assert late.status_code == 409
    assert late.json()["detail"] == "Kỳ báo cáo 2025-H1 đã đóng: không thể thay đổi báo cáo."
    assert _new_actions(start) == []
    inbox = as_("focal_dost").get(f"{BASE}programmes/{scheme['programme'].pk}/inbox/").json()
    assert (inbox["round"], inbox["pending_task_reports"]) == (None, [])


def test_wrong_states_are_conflicts(as_: As, reports: dict[str, Any]) -> None:
    draft = reports["platform"].pk
    approve = _post(as_("dx"), f"task-reports/{draft}/approve/")
    assert (approve.status_code, approve.json()) == (
        409,
        {"detail": "Chỉ duyệt được báo cáo đã gửi.", "code": "wrong_state"},
    )
    submit_empty = _post(as_("focal_dost"), f"target-reports/{reports['online'].pk}/submit/")
    assert (submit_empty.status_code, submit_empty.json()) == (
        400,
        {"detail": "Vui lòng nhập giá trị đạt được trước khi gửi.", "code": "invalid", "field": "value"},
    )
    assert _post(as_("focal_dost"), f"task-reports/{draft}/submit/").status_code == 200
    resubmit = _post(as_("focal_dost"), f"task-reports/{draft}/submit/")
    assert resubmit.status_code == 409
    edit = _patch(as_("focal_dost"), f"task-reports/{draft}/", {"narrative": "sửa sau khi gửi"})
    assert edit.status_code == 409
    assert edit.json()["detail"] == "Báo cáo đã gửi, không sửa được nữa (trừ khi được trả lại)."


# --- reading ----------------------------------------------------------------------------------


def test_programme_list_and_detail(scheme: dict[str, Any], as_: As) -> None:
    programme = scheme["programme"]
    listed = as_("focal_finance").get(f"{BASE}programmes/").json()
    assert [(p["id"], p["title"], p["owner"]["name"]) for p in listed] == [
        (programme.pk, "Đề án chuyển đổi số tỉnh Thái Bình", "Ủy ban nhân dân tỉnh Hưng Yên")
    ]
    detail = as_("dx").get(f"{BASE}programmes/{programme.pk}/").json()
    assert detail["decision_number"] == "54/QĐ-UBND"
    assert detail["province_name"] == "Tỉnh Thái Bình"
    assert [(p["pillar"], p["label"]) for p in detail["pillars"]] == [
        ("digital_government", "Chính quyền số"),
        ("digital_economy", "Kinh tế số"),
    ]
    assert (detail["can_manage"], detail["can_read_all"]) == (True, True)
    leader = as_("leader").get(f"{BASE}programmes/{programme.pk}/").json()
    assert (leader["can_manage"], leader["can_read_all"]) == (False, True)
    assert as_("focal_health").get(f"{BASE}programmes/").json() == []


def test_task_list_filters(scheme: dict[str, Any], as_: As, reports: dict[str, Any]) -> None:
    url = f"{BASE}programmes/{scheme['programme'].pk}/tasks/"
    dx = as_("dx")

    def codes(client: Client, **params: Any) -> list[str]:
        response = client.get(url, params)
        assert response.status_code == 200, response.content
        return [row["task"]["code"] for row in response.json()]

    assert codes(dx) == ["CQS1", "KTS1"]
    assert codes(dx, pillar="digital_economy") == ["KTS1"]
    assert codes(dx, agency=scheme["finance_task"].lead_agency_id) == ["KTS1"]
    assert codes(dx, q="thanh toan khong dung tien mat") == ["KTS1"]  # without diacritics
    assert codes(dx, q="NỀN TẢNG") == ["CQS1"]
    assert codes(dx, status="no_report") == ["CQS1", "KTS1"]
    assert codes(dx, late=1) == []
    assert codes(as_("focal_dost")) == ["CQS1"]  # an agency lists only what it leads or partners in

    # CQS1 ran to 2023: approved "in progress" in 2025 makes it late.
    platform = reports["platform"].pk
    _patch(as_("focal_dost"), f"task-reports/{platform}/", {"status": "in_progress", "percent_done": 60})
    _post(as_("focal_dost"), f"task-reports/{platform}/submit/")
    _post(dx, f"task-reports/{platform}/approve/")
    assert codes(dx, late=1) == ["CQS1"]
    assert codes(dx, status="late", round=reports["platform"].round_id) == ["CQS1"]
    report = dx.get(url, {"late": "1"}).json()[0]["report"]
    assert {key: report[key] for key in ("id", "state", "status", "percent_done", "late")} == {
        "id": platform,
        "state": "approved",
        "status": "in_progress",
        "percent_done": 60,
        "late": False,
    }


def test_task_detail_has_budgets_partners_history_and_comments(
    scheme: dict[str, Any],
    as_: As,
    reports: dict[str, Any],
) -> None:
    task = scheme["platform"]
    comment = _post(as_("focal_finance"), f"tasks/{task.pk}/comments/", {"text": "  Đề nghị bổ sung  hạ tầng "})
    assert comment.status_code == 201
    assert {key: comment.json()[key] for key in ("author", "agency", "text")} == {
        "author": "Người Thử",
        "agency": {"id": task.partner_agencies.get().pk, "name": "Sở Tài chính tỉnh Hưng Yên"},
        "text": "Đề nghị bổ sung hạ tầng",
    }
    detail = as_("dx").get(f"{BASE}tasks/{task.pk}/").json()
    assert (detail["code"], detail["pillar"], detail["lead_agency"]["name"], detail["lead_agency_text"]) == (
        "CQS1",
        "digital_government",
        "Sở Khoa học và Công nghệ tỉnh Hưng Yên",
        "Sở TT&TT",
    )
    assert detail["budgets"] == [{"phase": "2021-2025", "amount_million_vnd": "15000.000"}]
    assert [a["name"] for a in detail["partner_agencies"]] == ["Sở Tài chính tỉnh Hưng Yên"]
    assert [(r["id"], r["round"]["period"], r["state"], r["agency"]["name"]) for r in detail["reports"]] == [
        (reports["platform"].pk, "2025-H1", "draft", "Sở Khoa học và Công nghệ tỉnh Hưng Yên")
    ]
    assert [c["text"] for c in detail["comments"]] == ["Đề nghị bổ sung hạ tầng"]
    leader = as_("leader").get(f"{BASE}tasks/{task.pk}/").json()
    assert (leader["reports"], [c["text"] for c in leader["comments"]]) == ([], ["Đề nghị bổ sung hạ tầng"])


def test_target_list_and_detail(scheme: dict[str, Any], as_: As, reports: dict[str, Any]) -> None:
    programme, target = scheme["programme"].pk, scheme["online"]
    rows = as_("dx").get(f"{BASE}programmes/{programme}/targets/").json()
    assert [(row["target"]["code"], row["outcome"]) for row in rows] == [("MT1", "no_data"), ("MT2", "no_data")]
    assert [
        row["target"]["code"] for row in as_("focal_dost").get(f"{BASE}programmes/{programme}/targets/").json()
    ] == ["MT1"]
    detail = as_("focal_dost").get(f"{BASE}targets/{target.pk}/").json()
    assert [(m["year"], m["comparator"], m["value"], m["level"]) for m in detail["milestones"]] == [
        (2025, ">=", "60.0000", "commune"),
        (2025, ">=", "90.0000", "province"),
    ]
    assert [(r["id"], r["state"]) for r in detail["reports"]] == [(reports["online"].pk, "draft")]
    commented = _post(as_("focal_dost"), f"targets/{target.pk}/comments/", {"text": "Số liệu từ Cổng DVC"})
    assert commented.status_code == 201
    assert [c["text"] for c in as_("dx").get(f"{BASE}targets/{target.pk}/").json()["comments"]] == [
        "Số liệu từ Cổng DVC"
    ]


# --- who may do what --------------------------------------------------------------------------


def _reading_urls(scheme: dict[str, Any], reports: dict[str, Any]) -> list[tuple[str, str]]:
    """(url of an existing object of the DX office's programme, the same url with a missing id)."""
    programme, round_id = scheme["programme"].pk, reports["platform"].round_id
    return [
        (f"programmes/{programme}/", f"programmes/{MISSING}/"),
        (f"programmes/{programme}/progress/", f"programmes/{MISSING}/progress/"),
        (f"programmes/{programme}/trend/", f"programmes/{MISSING}/trend/"),
        (f"programmes/{programme}/tasks/", f"programmes/{MISSING}/tasks/"),
        (f"programmes/{programme}/targets/", f"programmes/{MISSING}/targets/"),
        (f"programmes/{programme}/inbox/", f"programmes/{MISSING}/inbox/"),
        (f"programmes/{programme}/rounds/", f"programmes/{MISSING}/rounds/"),
        (f"rounds/{round_id}/reports/", f"rounds/{MISSING}/reports/"),
        (f"tasks/{scheme['platform'].pk}/", f"tasks/{MISSING}/"),
        (f"tasks/{scheme['finance_task'].pk}/", f"tasks/{MISSING}/"),
        (f"targets/{scheme['online'].pk}/", f"targets/{MISSING}/"),
        (f"task-reports/{reports['platform'].pk}/", f"task-reports/{MISSING}/"),
        (f"target-reports/{reports['online'].pk}/", f"target-reports/{MISSING}/"),
    ]


def test_outsiders_get_the_same_404_as_for_a_missing_object(
    scheme: dict[str, Any],
    as_: As,
    reports: dict[str, Any],
    subtests: Any,
) -> None:
    """An agency with nothing in the programme, and the DX office of another province (Thanh
    Hóa), cannot tell the programme's objects from missing ones."""
    for who in ("focal_health", "dx_thanh_hoa"):
        client = as_(who)
        assert client.get(f"{BASE}programmes/").json() == []
        for url, missing in _reading_urls(scheme, reports):
            with subtests.test(who=who, url=url):
                response, expected = client.get(BASE + url), as_("dx").get(BASE + missing)
                assert expected.status_code == 404
                assert (response.status_code, response.json()) == (404, expected.json())


def test_an_agency_cannot_read_or_change_another_agencys_task_target_or_report(
    scheme: dict[str, Any],
    as_: As,
    reports: dict[str, Any],
) -> None:
    finance = as_("focal_finance")  # partner on CQS1 only; MT1 and its report belong to Sở KH&CN
    online, not_found = reports["online"].pk, {"detail": "Không tìm thấy báo cáo.", "code": "not_found"}
    start = _last_sequence()
    assert (
        finance.get(f"{BASE}targets/{scheme['online'].pk}/").json()
        == finance.get(f"{BASE}targets/{MISSING}/").json()
        == {"detail": "Không tìm thấy chỉ tiêu.", "code": "not_found"}
    )
    for response in (
        finance.get(f"{BASE}target-reports/{online}/"),
        _patch(finance, f"target-reports/{online}/", {"value": 95}),
        _post(finance, f"target-reports/{online}/submit/"),
        _upload(finance, f"target-reports/{online}/evidence/"),
        _post(finance, f"targets/{scheme['online'].pk}/comments/", {"text": "x"}),
    ):
        assert response.status_code == 404
        assert response.json() in (not_found, {"detail": "Không tìm thấy chỉ tiêu.", "code": "not_found"})
    health = as_("focal_health")
    for response in (
        _patch(health, f"task-reports/{reports['platform'].pk}/", {"status": "done", "percent_done": 100}),
        _post(health, f"task-reports/{reports['platform'].pk}/submit/"),
        _post(health, f"tasks/{scheme['platform'].pk}/comments/", {"text": "x"}),
    ):
        assert response.status_code == 404
    assert _new_actions(start) == []
    for report in reports.values():
        report.refresh_from_db()
        assert report.state == ReportState.DRAFT
    assert (reports["online"].value, reports["platform"].status) == (None, "not_started")


def test_a_partner_reads_and_comments_but_does_not_report(
    scheme: dict[str, Any],
    as_: As,
    reports: dict[str, Any],
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    finance, platform = as_("focal_finance"), reports["platform"].pk  # Sở Tài chính partners on CQS1
    task_url = f"{BASE}tasks/{scheme['platform'].pk}/"
    assert finance.get(task_url).status_code == 200
    # The lead's draft is its own business, until it is sent.
    assert finance.get(f"{BASE}task-reports/{platform}/").json() == {
        "detail": "Không tìm thấy báo cáo.",
        "code": "not_found",
    }
    assert finance.get(task_url).json()["reports"] == []
    _patch(as_("focal_dost"), f"task-reports/{platform}/", {"status": "in_progress", "percent_done": 40})
    _post(as_("focal_dost"), f"task-reports/{platform}/submit/")
    assert finance.get(f"{BASE}task-reports/{platform}/").json()["percent_done"] == 40
    assert [r["id"] for r in finance.get(task_url).json()["reports"]] == [platform]

    start = _last_sequence()
    assert _post(finance, f"tasks/{scheme['platform'].pk}/comments/", {"text": "Đề nghị bổ sung"}).status_code == 201
    forbidden = {"detail": "Chỉ đơn vị chủ trì (theo dõi) được báo cáo nội dung này.", "code": "forbidden"}
    for response in (
        _patch(finance, f"task-reports/{platform}/", {"status": "done", "percent_done": 100}),
        _post(finance, f"task-reports/{platform}/submit/"),
        _upload(finance, f"task-reports/{platform}/evidence/"),
    ):
        assert (response.status_code, response.json()) == (403, forbidden)
    assert _new_actions(start) == ["programme.comment.add"]
    reports["platform"].refresh_from_db()
    assert (reports["platform"].state, reports["platform"].percent_done, reports["platform"].files.count()) == (
        ReportState.SUBMITTED,
        40,
        0,
    )


def test_leaders_read_everything_and_change_nothing(
    scheme: dict[str, Any],
    as_: As,
    reports: dict[str, Any],
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    leader, programme, round_id = as_("leader"), scheme["programme"].pk, reports["platform"].round_id
    assert leader.get(f"{BASE}task-reports/{reports['platform'].pk}/").status_code == 404  # a draft
    # Sent reports: leaders read them, and only the permission stands between them and a change.
    dost = as_("focal_dost")
    _patch(dost, f"task-reports/{reports['platform'].pk}/", {"status": "in_progress", "percent_done": 5})
    _post(dost, f"task-reports/{reports['platform'].pk}/submit/")
    _patch(dost, f"target-reports/{reports['online'].pk}/", {"value": 91})
    _post(dost, f"target-reports/{reports['online'].pk}/submit/")
    for url, _missing in _reading_urls(scheme, reports):
        assert leader.get(BASE + url).status_code == 200, url
    seen = leader.get(f"{BASE}rounds/{round_id}/reports/").json()
    assert (
        [r["task"]["code"] for r in seen["task_reports"]],
        [r["target"]["code"] for r in seen["target_reports"]],
    ) == (["CQS1"], ["MT1"])  # drafts stay with their agencies
    start = _last_sequence()
    platform, finance_task = reports["platform"].pk, reports["finance_task"].pk
    for response in (
        _post(leader, f"programmes/{programme}/rounds/", {"period": "2025-H2"}),
        _post(leader, f"rounds/{round_id}/close/"),
        _patch(leader, f"task-reports/{finance_task}/", {"status": "done", "percent_done": 100}),
        _post(leader, f"task-reports/{finance_task}/submit/"),
        _upload(leader, f"task-reports/{finance_task}/evidence/"),
        _post(leader, f"task-reports/{platform}/return/", {"comment": "Chưa đạt"}),
        _post(leader, f"task-reports/{platform}/approve/"),
        _patch(leader, f"target-reports/{reports['online'].pk}/", {"value": 1}),
        _post(leader, f"programmes/{programme}/agency-mappings/", {"text": "Sở TT&TT", "agency": None}),
        leader.post(f"{BASE}programmes/import/", {"file": SimpleUploadedFile("de-an.txt", b"x")}),
    ):
        assert response.status_code == 403, response.content
        assert response.json()["code"] == "forbidden"
    assert _new_actions(start) == []
    assert ReportingRound.objects.filter(programme=programme).count() == 1
    assert [r.state for r in TaskReport.objects.order_by("task__order")] == [ReportState.SUBMITTED, ReportState.DRAFT]
    assert TargetReport.objects.get(pk=reports["online"].pk).state == ReportState.SUBMITTED


def test_leaders_cannot_comment(scheme: dict[str, Any], as_: As) -> None:
    response = _post(as_("leader"), f"tasks/{scheme['platform'].pk}/comments/", {"text": "Chỉ đạo"})
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_agency_name_mapping(scheme: dict[str, Any], as_: As, demo_agencies: dict[str, Any]) -> None:
    url = f"programmes/{scheme['programme'].pk}/agency-mappings/"
    start = _last_sequence()
    mapped = _post(as_("dx"), url, {"text": "Sở  TT&TT ", "agency": demo_agencies["hy.skhcn"].pk})
    assert mapped.status_code == 200
    assert {key: mapped.json()[key] for key in ("text", "agency")} == {
        "text": "Sở TT&TT",
        "agency": {"id": demo_agencies["hy.skhcn"].pk, "name": "Sở Khoa học và Công nghệ tỉnh Hưng Yên"},
    }
    generic = _post(as_("dx"), url, {"text": "Các cơ quan liên quan", "agency": None})
    assert (generic.status_code, generic.json()["agency"]) == (200, None)
    assert _new_actions(start) == ["programme.agency_mapping.set"] * 2
    elsewhere = _post(as_("dx"), url, {"text": "Sở KH&CN", "agency": demo_agencies["th.skhcn"].pk})
    assert (elsewhere.status_code, elsewhere.json()) == (
        400,
        {"detail": "Không tìm thấy cơ quan, đơn vị.", "code": "not_found", "field": "agency"},
    )
    assert _post(as_("focal_dost"), url, {"text": "Sở TT&TT", "agency": None}).status_code == 403


# --- bad input --------------------------------------------------------------------------------


BAD_REPORT_INPUT: list[tuple[str, Any, dict[str, str]]] = [
    (
        "task-reports/{platform}/",
        "{status: done",
        {"detail": "Không đọc được dữ liệu gửi lên: sai định dạng JSON hoặc biểu mẫu.", "code": "parse_error"},
    ),
    (
        "task-reports/{platform}/",
        ["done", 100],
        {"detail": "Dữ liệu gửi lên phải là một đối tượng JSON.", "code": "invalid"},
    ),
    ("task-reports/{platform}/", "null", {"detail": "Dữ liệu gửi lên phải là một đối tượng JSON.", "code": "invalid"}),
    (
        "task-reports/{platform}/",
        {"percent_done": "abc"},
        {"detail": "Phần trăm hoàn thành phải là một số nguyên.", "code": "invalid", "field": "percent_done"},
    ),
    (
        "task-reports/{platform}/",
        {"percent_done": 12.5},
        {"detail": "Phần trăm hoàn thành phải là một số nguyên.", "code": "invalid", "field": "percent_done"},
    ),
    (
        "task-reports/{platform}/",
        {"status": "in_progress", "percent_done": 140},
        {"detail": "Phần trăm hoàn thành phải từ 0 đến 100.", "code": "invalid", "field": "percent_done"},
    ),
    (
        "task-reports/{platform}/",
        {"status": "xong"},
        {"detail": "Tình trạng “xong” không hợp lệ.", "code": "invalid_choice", "field": "status"},
    ),
    (
        "task-reports/{platform}/",
        {"status": None},
        {"detail": "Tình trạng không được để trống.", "code": "null", "field": "status"},
    ),
    (
        "task-reports/{platform}/",
        {"narrative": ["a"]},
        {"detail": "Thuyết minh phải là một chuỗi ký tự.", "code": "invalid", "field": "narrative"},
    ),
    (
        "task-reports/{platform}/",
        {"narrative": "a\u0000b"},
        {"detail": "Thuyết minh không được chứa ký tự NUL.", "code": "nul_character", "field": "narrative"},
    ),
    (
        "task-reports/{platform}/",
        {"links": ["https://hungyen.gov.vn"] * 51},
        {"detail": "Liên kết minh chứng có tối đa 50 mục.", "code": "max_length", "field": "links"},
    ),
    (
        "task-reports/{platform}/",
        {"links": "https://hungyen.gov.vn"},
        {"detail": "Liên kết minh chứng phải là một danh sách.", "code": "not_a_list", "field": "links"},
    ),
    (
        "task-reports/{platform}/",
        {"links": [{"url": "https://hungyen.gov.vn"}]},
        {"detail": "Liên kết minh chứng phải là một chuỗi ký tự.", "code": "invalid", "field": "links.0"},
    ),
    (
        "task-reports/{platform}/",
        {"links": ["ftp://hungyen.gov.vn"]},
        {
            "detail": "Liên kết “ftp://hungyen.gov.vn” phải bắt đầu bằng http:// hoặc https://.",
            "code": "invalid",
            "field": "links",
        },
    ),
    (
        "target-reports/{online}/",
        {"value": "abc"},
        {"detail": "Giá trị “abc” không phải là số.", "code": "invalid", "field": "value"},
    ),
    (
        "target-reports/{online}/",
        {"value": "-3"},
        {"detail": "Giá trị không được âm.", "code": "invalid", "field": "value"},
    ),
    (
        "target-reports/{online}/",
        {"value": 1e308},
        {"detail": "Giá trị quá lớn (tối đa 14 chữ số trước dấu thập phân).", "code": "too_large", "field": "value"},
    ),
    (
        "target-reports/{online}/",
        {"level_values": {"province": "100000000000000"}},
        {
            "detail": "Giá trị theo cấp quá lớn (tối đa 14 chữ số trước dấu thập phân).",
            "code": "too_large",
            "field": "level_values.province",
        },
    ),
    (
        "target-reports/{online}/",
        {"value": {"province": 1}},
        {"detail": "Giá trị phải là một số.", "code": "invalid", "field": "value"},
    ),
    (
        "target-reports/{online}/",
        {"level_values": "92"},
        {"detail": "Giá trị theo cấp phải là một đối tượng JSON.", "code": "not_a_dict", "field": "level_values"},
    ),
    (
        "target-reports/{online}/",
        {"level_values": {"xa": 5}},
        {"detail": "Cấp “xa” không hợp lệ.", "code": "invalid", "field": "level_values"},
    ),
    (
        "target-reports/{online}/",
        {"level_values": {"commune": "sáu mươi"}},
        {"detail": "Giá trị “sáu mươi” không phải là số.", "code": "invalid", "field": "level_values"},
    ),
    (
        "target-reports/{online}/",
        {"as_of": "14/06/2025"},
        {"detail": "Ngày số liệu phải là một ngày theo định dạng YYYY-MM-DD.", "code": "invalid", "field": "as_of"},
    ),
    (
        "target-reports/{online}/",
        {"as_of": "2099-01-01"},
        {"detail": "Ngày số liệu không được sau hạn nộp của kỳ báo cáo.", "code": "invalid", "field": "as_of"},
    ),
    (
        "target-reports/{online}/",
        {"source": "x" * 501},
        {"detail": "Nguồn số liệu không được dài quá 500 ký tự.", "code": "max_length", "field": "source"},
    ),
]


def test_bad_report_input_gets_a_vietnamese_400(as_: As, reports: dict[str, Any], subtests: Any) -> None:
    start = _last_sequence()
    for url, body, expected in BAD_REPORT_INPUT:
        with subtests.test(url=url, body=body):
            target = BASE + url.format(platform=reports["platform"].pk, online=reports["online"].pk)
            response = as_("focal_dost").patch(target, body, content_type="application/json")
            assert (response.status_code, response.json()) == (400, expected)
    assert _new_actions(start) == []


BAD_DX_OFFICE_INPUT: list[tuple[str, Any, dict[str, str]]] = [
    (
        "programmes/{programme}/rounds/",
        {},
        {"detail": "Vui lòng nhập kỳ báo cáo.", "code": "required", "field": "period"},
    ),
    (
        "programmes/{programme}/rounds/",
        {"period": "giua-nam"},
        {
            "detail": "Kỳ báo cáo “GIUA-NAM” không hợp lệ (ví dụ 2025-H1, 2025-H2, 2025).",
            "code": "invalid",
            "field": "period",
        },
    ),
    (
        "programmes/{programme}/rounds/",
        {"period": "99999-H1"},
        {
            "detail": "Kỳ báo cáo “99999-H1” không hợp lệ (ví dụ 2025-H1, 2025-H2, 2025).",
            "code": "invalid",
            "field": "period",
        },
    ),
    (
        "programmes/{programme}/rounds/",
        {"period": "0000"},
        {
            "detail": "Kỳ báo cáo “0000” không hợp lệ (ví dụ 2025-H1, 2025-H2, 2025).",
            "code": "invalid",
            "field": "period",
        },
    ),
    (
        "programmes/{programme}/rounds/",
        {"period": 2025.5},
        {"detail": "Kỳ báo cáo phải là một chuỗi ký tự.", "code": "invalid", "field": "period"},
    ),
    (
        "programmes/{programme}/rounds/",
        {"period": "2026-H1", "due_date": "mai"},
        {
            "detail": "Hạn nộp báo cáo phải là một ngày theo định dạng YYYY-MM-DD.",
            "code": "invalid",
            "field": "due_date",
        },
    ),
    (
        "programmes/{programme}/rounds/",
        {"period": "2026-H1", "due_date": "2026-01-01"},
        {"detail": "Hạn nộp báo cáo không được trước ngày chốt số liệu.", "code": "invalid", "field": "due_date"},
    ),
    (
        "programmes/{programme}/agency-mappings/",
        {"text": "Sở TT&TT", "agency": "abc"},
        {"detail": "Cơ quan phải là một số nguyên.", "code": "invalid", "field": "agency"},
    ),
    (
        "programmes/{programme}/agency-mappings/",
        {"text": "Sở TT&TT", "agency": MISSING},
        {"detail": "Không tìm thấy cơ quan, đơn vị.", "code": "not_found", "field": "agency"},
    ),
    (
        "programmes/{programme}/agency-mappings/",
        {"text": " ", "agency": None},
        {"detail": "Tên như văn bản không được để trống.", "code": "blank", "field": "text"},
    ),
    (
        "programmes/{programme}/agency-mappings/",
        {"text": "Sở TT&TT"},
        {"detail": "Vui lòng nhập cơ quan.", "code": "required", "field": "agency"},
    ),
    ("tasks/{task}/comments/", {}, {"detail": "Vui lòng nhập nội dung ý kiến.", "code": "required", "field": "text"}),
    (
        "tasks/{task}/comments/",
        {"text": "   "},
        {"detail": "Nội dung ý kiến không được để trống.", "code": "invalid", "field": "text"},
    ),
    (
        "task-reports/{report}/return/",
        {"comment": ""},
        {"detail": "Vui lòng ghi rõ lý do trả lại báo cáo.", "code": "invalid", "field": "comment"},
    ),
    (
        "task-reports/{report}/return/",
        {"comment": ["a"]},
        {"detail": "Lý do trả lại phải là một chuỗi ký tự.", "code": "invalid", "field": "comment"},
    ),
]


def test_bad_dx_office_input_gets_a_vietnamese_400(
    scheme: dict[str, Any],
    as_: As,
    reports: dict[str, Any],
    subtests: Any,
) -> None:
    start = _last_sequence()
    for url, body, expected in BAD_DX_OFFICE_INPUT:
        with subtests.test(url=url, body=body):
            target = url.format(
                programme=scheme["programme"].pk, task=scheme["platform"].pk, report=reports["platform"].pk
            )
            response = _post(as_("dx"), target, body)
            assert (response.status_code, response.json()) == (400, expected)
    assert _new_actions(start) == []


BAD_IDS: list[tuple[str, str]] = [
    ("programmes/abc/", "Không tìm thấy đề án."),
    ("programmes/-1/progress/", "Không tìm thấy đề án."),
    ("programmes/99999999999999999999999/tasks/", "Không tìm thấy đề án."),
    ("tasks/1.5/", "Không tìm thấy nhiệm vụ."),
    ("targets/%20/", "Không tìm thấy chỉ tiêu."),
    ("rounds/abc/reports/", "Không tìm thấy kỳ báo cáo."),
    ("rounds/99999999999999999999999/reports/", "Không tìm thấy kỳ báo cáo."),
    ("task-reports/abc/", "Không tìm thấy báo cáo."),
    ("target-reports/0x10/", "Không tìm thấy báo cáo."),
]


def test_non_integer_and_unknown_ids_get_a_json_404(as_: As, subtests: Any) -> None:
    for url, detail in BAD_IDS:
        with subtests.test(url=url):
            response = as_("dx").get(BASE + url)
            assert (response.status_code, response.json()) == (404, {"detail": detail, "code": "not_found"})


BAD_FILTERS: list[tuple[dict[str, Any], int, dict[str, str]]] = [
    ({"round": "abc"}, 400, {"detail": "Kỳ báo cáo phải là một số nguyên.", "code": "invalid", "field": "round"}),
    ({"round": MISSING}, 404, {"detail": "Không tìm thấy kỳ báo cáo.", "code": "not_found", "field": "round"}),
    (
        {"pillar": "kinh-te-so"},
        400,
        {"detail": "Trụ cột “kinh-te-so” không hợp lệ.", "code": "invalid_choice", "field": "pillar"},
    ),
    (
        {"status": "xong"},
        400,
        {"detail": "Tình trạng “xong” không hợp lệ.", "code": "invalid_choice", "field": "status"},
    ),
    ({"agency": "sở"}, 400, {"detail": "Đơn vị chủ trì phải là một số nguyên.", "code": "invalid", "field": "agency"}),
    ({"late": "maybe"}, 400, {"detail": "Chậm tiến độ phải là true hoặc false.", "code": "invalid", "field": "late"}),
]


def test_bad_filters_get_a_vietnamese_4xx(scheme: dict[str, Any], as_: As, subtests: Any) -> None:
    for params, status, expected in BAD_FILTERS:
        with subtests.test(params=params):
            response = as_("dx").get(f"{BASE}programmes/{scheme['programme'].pk}/tasks/", params)
            assert (response.status_code, response.json()) == (status, expected)


def test_a_round_of_another_programme_is_not_found_in_this_one(
    scheme: dict[str, Any],
    as_: As,
    round_: ReportingRound,
) -> None:
    from tinhso.programme import services

    other = services.programme_create(
        actor=None,
        title="Kế hoạch chuyển đổi số 2026",
        owner=scheme["programme"].owner,
        province=scheme["programme"].province,
        period_start=2026,
        period_end=2030,
    )
    response = as_("dx").get(f"{BASE}programmes/{other.pk}/progress/", {"round": round_.pk})
    assert (response.status_code, response.json()["detail"]) == (404, "Không tìm thấy kỳ báo cáo.")


def test_evidence_must_be_a_document_sent_as_a_form(
    as_: As,
    reports: dict[str, Any],
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.MEDIA_ROOT = tmp_path
    url, dost = f"task-reports/{reports['platform'].pk}/evidence/", as_("focal_dost")
    start = _last_sequence()
    missing = dost.post(BASE + url, {})
    assert (missing.status_code, missing.json()) == (
        400,
        {"detail": "Vui lòng chọn tệp minh chứng.", "code": "required", "field": "file"},
    )
    exe = _upload(dost, url, "virus.exe", b"MZ\x90\x00")
    assert (exe.status_code, exe.json()) == (
        400,
        {"detail": "Chỉ nhận minh chứng dạng PDF, Word, Excel, PNG hoặc JPEG.", "code": "invalid", "field": "file"},
    )
    empty = _upload(dost, url, "rong.pdf", b"")
    assert (empty.status_code, empty.json()["detail"]) == (400, "Tệp minh chứng rỗng.")
    as_json = _post(dost, url, {"file": "bien-ban.pdf"})
    assert (as_json.status_code, as_json.json()) == (
        415,
        {
            "detail": "Định dạng dữ liệu “application/json” không được hỗ trợ; vui lòng gửi multipart/form-data.",
            "code": "unsupported_media_type",
        },
    )
    as_text = dost.patch(f"{BASE}task-reports/{reports['platform'].pk}/", "percent_done=5", content_type="text/plain")
    assert as_text.status_code == 415
    assert _new_actions(start) == []


def test_login_is_required(scheme: dict[str, Any]) -> None:
    response = Client().get(f"{BASE}programmes/{scheme['programme'].pk}/")
    assert (response.status_code, response.json()) == (
        403,
        {"detail": "Vui lòng đăng nhập.", "code": "not_authenticated"},
    )


# --- import -----------------------------------------------------------------------------------


def test_import_needs_the_dx_office(scheme: dict[str, Any], as_: As) -> None:
    """Refused before the file is read: no reader is needed to say no."""
    for who in ("leader", "focal_dost"):
        response = as_(who).post(f"{BASE}programmes/import/", {"file": SimpleUploadedFile("de-an.txt", b"x")})
        assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    missing = as_("dx").post(f"{BASE}programmes/import/", {"programme": 5})
    assert (missing.status_code, missing.json()) == (
        400,
        {"detail": "Vui lòng chọn tệp đề án.", "code": "required", "field": "file"},
    )
    unknown = as_("dx").post(
        f"{BASE}programmes/import/", {"programme": MISSING, "file": SimpleUploadedFile("de-an.txt", b"x")}
    )
    assert (unknown.status_code, unknown.json()["detail"]) == (404, "Không tìm thấy đề án.")
    other_province = as_("dx_thanh_hoa").post(
        f"{BASE}programmes/import/",
        {"programme": scheme["programme"].pk, "file": SimpleUploadedFile("de-an.txt", b"x")},
    )
    assert other_province.status_code == 404


TASK_HEADER = (
    "Mã nhiệm vụ\tNhiệm vụ\tNội dung\tĐơn vị chủ trì\tĐơn vị phối hợp\tLộ trình\tKinh phí (triệu đồng)\tNguồn vốn\n"
)
PASTED_TASKS = (
    "PHỤ LỤC 5: DANH MỤC NHIỆM VỤ BỔ SUNG GIAI ĐOẠN 2026-2030\n"
    + TASK_HEADER
    + "CQS90\tNền tảng LGSP\tNâng cấp\tSở TT&TT\tSở Tài chính\t2026-2027\t1.500,5\tNgân sách tỉnh\n"
)
DUPLICATE_TASKS = (
    "PHỤ LỤC 01: DANH MỤC NHIỆM VỤ GIAI ĐOẠN 2021-2025\n"
    + TASK_HEADER
    + "CQS7\tNền tảng LGSP\tXây dựng\tSở TT&TT\tSở Tài chính\t2022-2023\t1.500\tNgân sách tỉnh\n"
    + "CQS7\tNền tảng khác\tXây dựng\tSở TT&TT\tSở Tài chính\t2022-2023\t200\tNgân sách tỉnh\n"
)
NEW_DECISION = (
    "Số: 12/QĐ-UBND\n\nThái Bình, ngày 5 tháng 4 năm 2022\n\nQUYẾT ĐỊNH\n\n"
    "Phê duyệt Kế hoạch chuyển đổi số tỉnh Thái Bình năm 2022\n\nỦY BAN NHÂN DÂN TỈNH THÁI BÌNH\n\n"
    "PHỤ LỤC 01: DANH MỤC NHIỆM VỤ GIAI ĐOẠN 2021-2025\n"
    + TASK_HEADER
    + "CQS1\tNền tảng LGSP\tXây dựng\tSở TT&TT\tSở Tài chính\t2022-2023\t1.500\tNgân sách tỉnh\n"
)


def _import(client: Client, text: str, **fields: Any) -> Any:
    upload = SimpleUploadedFile("de-an.txt", text.encode(), "text/plain")
    return client.post(f"{BASE}programmes/import/", {"file": upload, **fields})


def test_import_into_a_programme_previewed_then_saved(scheme: dict[str, Any], as_: As) -> None:
    programme = scheme["programme"]
    start = _last_sequence()
    preview = _import(as_("dx"), PASTED_TASKS, programme=programme.pk, dry_run="true")
    assert (preview.status_code, preview.json()) == (
        200,
        {
            "programme": programme.pk,
            "targets": 0,
            "tasks": 1,
            "indicators": 0,
            "rejected": [],
            "unmatched_agencies": [],
            "warnings": [],
            "tasks_by_appendix": {"5": 1},
            "targets_by_year": {},
            "dry_run": True,
            "saved": False,
        },
    )
    assert not Task.objects.filter(code="CQS90").exists()
    assert _new_actions(start) == []
    saved = _import(as_("dx"), PASTED_TASKS, programme=programme.pk)
    assert (saved.status_code, saved.json()["dry_run"], saved.json()["saved"]) == (200, False, True)
    assert Task.objects.get(programme=programme, code="CQS90").lead_agency.key == "hy.skhcn"
    assert _new_actions(start) == ["programme.import"]


def test_an_import_with_rejected_rows_saves_nothing_and_lists_them(scheme: dict[str, Any], as_: As) -> None:
    start = _last_sequence()
    for dry_run in (True, False):
        response = _import(as_("dx"), DUPLICATE_TASKS, programme=scheme["programme"].pk, dry_run=str(dry_run))
        assert response.status_code == 400
        assert {key: response.json()[key] for key in ("dry_run", "saved", "rejected")} == {
            "dry_run": dry_run,
            "saved": False,
            "rejected": [
                {
                    "source": "Phụ lục 01, dòng 4",
                    "row": 4,
                    "reason": "Dòng 4: mã nhiệm vụ “CQS7” trùng với dòng 3",
                    "raw": "CQS7\tNền tảng khác\tXây dựng\tSở TT&TT\tSở Tài chính\t2022-2023\t200\tNgân sách tỉnh",
                }
            ],
        }
    assert not Task.objects.filter(code="CQS7").exists()
    assert _new_actions(start) == []


def test_a_new_programme_is_imported_only_by_the_dx_office_of_its_province(scheme: dict[str, Any], as_: As) -> None:
    """A Thái Bình decision is carried on by Hưng Yên: Thanh Hóa's DX office may not import it."""
    start = _last_sequence()
    refused = _import(as_("dx_thanh_hoa"), NEW_DECISION)
    assert (refused.status_code, refused.json()) == (
        403,
        {"detail": "Đề án trong tệp thuộc tỉnh khác, bạn không được nhập.", "code": "forbidden"},
    )
    assert not Programme.objects.filter(decision_number="12/QĐ-UBND").exists()
    assert _new_actions(start) == []
    created = _import(as_("dx"), NEW_DECISION)
    assert (created.status_code, created.json()["saved"], created.json()["tasks"]) == (200, True, 1)
    programme = Programme.objects.get(pk=created.json()["programme"])
    assert (programme.decision_number, programme.owner.key, programme.province.code) == ("12/QĐ-UBND", "hy.ubnd", "34")
    assert _new_actions(start) == ["programme.create", "programme.import"]


# --- schema -----------------------------------------------------------------------------------


def test_openapi_schema_lists_the_endpoints_in_vietnamese() -> None:
    schema = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = schema["paths"]
    assert {
        "/api/programme/programmes/",
        "/api/programme/programmes/{programme_id}/",
        "/api/programme/programmes/{programme_id}/progress/",
        "/api/programme/programmes/{programme_id}/trend/",
        "/api/programme/programmes/{programme_id}/tasks/",
        "/api/programme/programmes/{programme_id}/targets/",
        "/api/programme/programmes/{programme_id}/inbox/",
        "/api/programme/programmes/{programme_id}/rounds/",
        "/api/programme/programmes/{programme_id}/agency-mappings/",
        "/api/programme/programmes/import/",
        "/api/programme/tasks/{task_id}/",
        "/api/programme/tasks/{task_id}/comments/",
        "/api/programme/targets/{target_id}/",
        "/api/programme/targets/{target_id}/comments/",
        "/api/programme/rounds/{round_id}/reports/",
        "/api/programme/rounds/{round_id}/close/",
        "/api/programme/task-reports/{report_id}/",
        "/api/programme/task-reports/{report_id}/submit/",
        "/api/programme/task-reports/{report_id}/return/",
        "/api/programme/task-reports/{report_id}/approve/",
        "/api/programme/task-reports/{report_id}/evidence/",
        "/api/programme/target-reports/{report_id}/",
        "/api/programme/target-reports/{report_id}/submit/",
        "/api/programme/target-reports/{report_id}/return/",
        "/api/programme/target-reports/{report_id}/approve/",
        "/api/programme/target-reports/{report_id}/evidence/",
    } <= set(paths)
    assert paths["/api/programme/task-reports/{report_id}/submit/"]["post"]["summary"] == (
        "Gửi báo cáo nhiệm vụ (đơn vị chủ trì)"
    )
    assert paths["/api/programme/rounds/{round_id}/close/"]["post"]["parameters"][0]["schema"] == {"type": "integer"}
    upload = paths["/api/programme/task-reports/{report_id}/evidence/"]["post"]["requestBody"]["content"]
    assert set(upload) == {"multipart/form-data"}
    assert {"200", "400", "403", "404", "409"} <= set(
        paths["/api/programme/task-reports/{report_id}/"]["patch"]["responses"]
    )


def test_schema_has_no_warnings(tmp_path: Path) -> None:
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"), "--urlconf", __name__
    )


def test_evidence_with_active_content_is_refused_with_the_reason(
    as_: As,
    reports: dict[str, Any],
    settings: Any,
    tmp_path: Path,
) -> None:
    from tinhso.core.tests.test_uploads import pyhanko_pdf

    settings.MEDIA_ROOT = tmp_path
    url, dost = f"task-reports/{reports['platform'].pk}/evidence/", as_("focal_dost")
    start = _last_sequence()
    scripted = _upload(dost, url, "bien-ban.pdf", pyhanko_pdf(open_action={"/S": "/JavaScript", "/JS": "app.alert(1)"}))
    assert scripted.status_code == 400
    assert scripted.json() == {
        "detail": "Tệp PDF có mã JavaScript nên không được chấp nhận. Hãy in lại tài liệu thành PDF (chức năng “In” → "
        "“Lưu dưới dạng PDF”) hoặc quét lại, rồi tải lên lại.",
        "code": "active_content",
        "field": "file",
    }
    assert _new_actions(start) == []
    assert list(tmp_path.rglob("*.*")) == []
    renamed = _upload(dost, url, "payload.exe", PDF)
    assert (renamed.status_code, renamed.json()["original_name"]) == (201, "payload.pdf")
