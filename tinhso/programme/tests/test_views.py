"""The programme pages through Django's test client: who sees what, what each form refuses and
that a refusal changes nothing."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import StreamingHttpResponse
from django.test import Client
from django.urls import reverse

from tinhso.ledger.models import Entry
from tinhso.org.roles import Role
from tinhso.programme import services
from tinhso.programme.access import programme_scope
from tinhso.programme.models import (
    AgencyNameMapping,
    Comment,
    Evidence,
    Programme,
    ReportingRound,
    ReportState,
    RoundStatus,
    TargetReport,
    Task,
    TaskReport,
)

from .conftest import evidence_pdf
from .factories import ProgrammeFactory, TargetReportFactory, TaskReportFactory

pytestmark = pytest.mark.django_db

HX: dict[str, Any] = {"HTTP_HX_REQUEST": "true"}  # the client takes extra WSGI environ as keywords


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def _client(person: Any) -> Client:
    client = Client()
    client.force_login(person)
    return client


def _open(scheme: dict[str, Any], period: str = "2025-H1") -> ReportingRound:
    return services.round_open(
        actor=scheme["dx"],
        scope=programme_scope(scheme["dx"], scheme["programme"]),
        programme=scheme["programme"],
        period=period,
    )


def _url(name: str, scheme: dict[str, Any], *args: Any) -> str:
    return reverse(f"programme:{name}", args=[scheme["programme"].pk, *args])


def _text(response: Any) -> str:
    return response.content.decode()


def _page(response: Any) -> str:
    """The page without its per-request CSRF token, to compare two answers."""
    return re.sub(
        r'(csrfmiddlewaretoken" value="|X-CSRFToken": "|name="next" type="hidden" value=")[^"]+', r"\1", _text(response)
    )


# --- access ---------------------------------------------------------------------------------


def test_every_page_requires_login(client: Client, scheme: dict[str, Any]) -> None:
    pk = scheme["programme"].pk
    for url in (
        reverse("programme:index"),
        reverse("programme:import"),
        f"/de-an/{pk}/",
        f"/de-an/{pk}/nhiem-vu/",
        f"/de-an/{pk}/chi-tieu/",
        f"/de-an/{pk}/don-vi/",
        f"/de-an/{pk}/ky-bao-cao/",
        f"/de-an/{pk}/nhiem-vu/{scheme['platform'].pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/tai-khoan/dang-nhap/")


def test_the_list_shows_the_programmes_a_person_takes_part_in(scheme: dict[str, Any]) -> None:
    for who in ("dx", "leader", "focal_dost", "focal_finance"):
        response = _client(scheme[who]).get(reverse("programme:index"))
        assert response.status_code == 200
        assert "Đề án chuyển đổi số tỉnh Thái Bình" in _text(response)
    response = _client(scheme["focal_health"]).get(reverse("programme:index"))
    assert "Đề án chuyển đổi số tỉnh Thái Bình" not in _text(response)
    assert "Bạn chưa tham gia đề án nào" in _text(response)


@pytest.mark.parametrize(
    ("who", "target"),
    [("dx", "online"), ("leader", "online"), ("focal_dost", "online"), ("focal_finance", "economy_share")],
)
def test_each_page_renders_for_those_who_take_part(scheme: dict[str, Any], who: str, target: str) -> None:
    _open(scheme)
    client = _client(scheme[who])
    for url in (
        _url("overview", scheme),
        _url("tasks", scheme),
        _url("targets", scheme),
        _url("inbox", scheme),
        _url("task_detail", scheme, scheme["platform"].pk),
        _url("target_detail", scheme, scheme[target].pk),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'lang="vi"' in _text(response)


def test_another_agencys_task_is_a_404_exactly_like_a_missing_one(scheme: dict[str, Any]) -> None:
    health = _client(scheme["focal_health"])
    dost = _client(scheme["focal_dost"])  # leads CQS1 and MT1, nothing to do with KTS1 / MT2
    missing_task = dost.get(_url("task_detail", scheme, 999_999))
    foreign_task = dost.get(_url("task_detail", scheme, scheme["finance_task"].pk))
    assert missing_task.status_code == foreign_task.status_code == 404
    assert "Không tìm thấy nhiệm vụ." in _text(missing_task)
    assert _page(missing_task) == _page(foreign_task)
    missing_target = dost.get(_url("target_detail", scheme, 999_999))
    foreign_target = dost.get(_url("target_detail", scheme, scheme["economy_share"].pk))
    assert missing_target.status_code == foreign_target.status_code == 404
    assert _page(missing_target) == _page(foreign_target)
    # An agency outside the programme cannot tell it exists.
    for url in (_url("overview", scheme), _url("task_detail", scheme, scheme["platform"].pk)):
        assert health.get(url).status_code == 404
    assert _page(health.get(_url("overview", scheme))) == _page(health.get("/de-an/999999/"))
    assert _client(scheme["dx_thanh_hoa"]).get(_url("overview", scheme)).status_code == 404


def test_a_task_under_another_programmes_address_is_not_found(scheme: dict[str, Any], demo_agencies: Any) -> None:
    other = ProgrammeFactory.create(owner=demo_agencies["hy.ubnd"], province=scheme["programme"].province)
    response = _client(scheme["dx"]).get(reverse("programme:task_detail", args=[other.pk, scheme["platform"].pk]))
    assert response.status_code == 404


# --- overview, lists ------------------------------------------------------------------------


def _approve_all(scheme: dict[str, Any], round_: ReportingRound) -> None:
    people = {"reporter": scheme["focal_dost"], "reviewer": scheme["dx"], "state": ReportState.APPROVED}
    TaskReportFactory.create(round=round_, task=scheme["platform"], status="done", percent_done=100, **people)
    TargetReportFactory.create(
        round=round_,
        target=scheme["online"],
        value=None,
        level_values={"province": "92", "commune": "61"},
        as_of=round_.cutoff_date,
        **people,
    )


def test_the_overview_shows_the_sentence_pillars_and_the_rounds_figures(scheme: dict[str, Any]) -> None:
    round_ = _open(scheme)
    _approve_all(scheme, round_)
    response = _client(scheme["leader"]).get(_url("overview", scheme))
    text = _text(response)
    assert response.status_code == 200
    assert "1/2 mục tiêu hoàn thành, 1/2 nhiệm vụ hoàn thành" in text
    assert 'Kết quả theo báo cáo đã duyệt, kỳ <span class="text-nowrap">2025-H1</span>' in text
    assert "Chính quyền số" in text
    assert "Kinh tế số" in text
    assert "Đầy đủ (đã gửi / phải gửi)" in text
    assert response.context["completeness"] == 50  # 2 of the 4 expected reports sent
    assert [
        (bar.label, bar.targets_met, bar.targets_total, bar.tasks_done, bar.tasks_total)
        for bar in response.context["bars"]
    ] == [("Chính quyền số", 1, 1, 1, 1), ("Kinh tế số", 0, 1, 0, 1)]
    assert "17.500,5" in text  # budget in million VND, Vietnamese separators


def test_the_overview_before_any_round(scheme: dict[str, Any]) -> None:
    response = _client(scheme["dx"]).get(_url("overview", scheme))
    assert response.status_code == 200
    assert "0/2 mục tiêu hoàn thành, 0/2 nhiệm vụ hoàn thành" in _text(response)
    assert "Chưa có kỳ báo cáo nào" in _text(response)


def test_the_trend_chart_appears_once_there_are_two_rounds(scheme: dict[str, Any]) -> None:
    _open(scheme)
    client = _client(scheme["dx"])
    assert "echarts" not in _text(client.get(_url("overview", scheme)))
    _open(scheme, "2025-H2")
    text = _text(client.get(_url("overview", scheme)))
    assert "vendor/echarts/echarts.simple.min.js" in text
    assert '"periods": ["2025-H1", "2025-H2"]' in text
    older = client.get(_url("overview", scheme), {"ky": "2025-h1"})
    assert older.context["round"].period == "2025-H1"


def test_the_task_search_works_without_diacritics_and_refreshes_with_htmx(scheme: dict[str, Any]) -> None:
    client = _client(scheme["dx"])
    page = client.get(_url("tasks", scheme), {"q": "nen tang"})
    assert page.status_code == 200
    assert [line.row.task.code for line in page.context["lines"]] == ["CQS1"]
    assert "<html" in _text(page)
    partial = client.get(_url("tasks", scheme), {"q": "NỀN TẢNG"}, **HX)
    assert "<html" not in _text(partial)
    assert "Nền tảng tích hợp, chia sẻ dữ liệu" in _text(partial)
    assert "Thanh toán không dùng tiền mặt" not in _text(partial)
    assert "HX-Request" in partial["Vary"]


def test_the_task_filters(scheme: dict[str, Any], demo_agencies: Any) -> None:
    round_ = _open(scheme)
    _approve_all(scheme, round_)
    client = _client(scheme["dx"])

    def codes(**query: Any) -> list[str]:
        return [line.row.task.code for line in client.get(_url("tasks", scheme), query).context["lines"]]

    assert codes() == ["CQS1", "KTS1"]
    assert codes(pillar="digital_economy") == ["KTS1"]
    assert codes(agency=demo_agencies["hy.stc"].pk) == ["KTS1"]
    assert codes(status="done") == ["CQS1"]
    assert codes(status="no_report") == ["KTS1"]
    assert codes(late="1") == []
    assert codes(agency="not-a-number", pillar="nonsense") == ["CQS1", "KTS1"]  # mangled filters are ignored


def test_an_agency_lists_only_its_own_and_partnered_tasks(scheme: dict[str, Any]) -> None:
    dost = _client(scheme["focal_dost"]).get(_url("tasks", scheme))
    assert [line.row.task.code for line in dost.context["lines"]] == ["CQS1"]
    finance = _client(scheme["focal_finance"]).get(_url("tasks", scheme))  # leads KTS1, partner on CQS1
    assert [line.row.task.code for line in finance.context["lines"]] == ["CQS1", "KTS1"]
    targets = _client(scheme["focal_dost"]).get(_url("targets", scheme))
    assert [line.row.target.code for line in targets.context["lines"]] == ["MT1"]


# --- details and comments -------------------------------------------------------------------


def test_the_task_detail_shows_the_scheme_text_and_todays_agency(scheme: dict[str, Any]) -> None:
    response = _client(scheme["focal_finance"]).get(_url("task_detail", scheme, scheme["platform"].pk))
    text = _text(response)
    assert "Sở TT&amp;TT" in text  # as written in the scheme
    assert "Sở Khoa học và Công nghệ" in text
    assert "15.000" in text  # budget
    assert response.context["can_comment"]  # a partner comments


def test_the_target_detail_lists_milestones_by_level(scheme: dict[str, Any]) -> None:
    response = _client(scheme["dx"]).get(_url("target_detail", scheme, scheme["online"].pk))
    text = _text(response)
    assert response.context["goals"] == ["tối thiểu 90% (cấp tỉnh, 2025)", "tối thiểu 60% (cấp xã, 2025)"]
    assert "tối thiểu 90% (cấp tỉnh, 2025)" in text


def test_a_partner_comments_on_a_task(scheme: dict[str, Any]) -> None:
    response = _client(scheme["focal_finance"]).post(
        _url("task_comment", scheme, scheme["platform"].pk), {"text": "Đề nghị bổ sung kế hoạch kết nối"}
    )
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert (comment.text, comment.agency.key) == ("Đề nghị bổ sung kế hoạch kết nối", "hy.stc")
    page = _client(scheme["focal_dost"]).get(_url("task_detail", scheme, scheme["platform"].pk))
    assert "Đề nghị bổ sung kế hoạch kết nối" in _text(page)


def test_a_blank_comment_is_refused_with_a_message(scheme: dict[str, Any]) -> None:
    response = _client(scheme["focal_dost"]).post(_url("target_comment", scheme, scheme["online"].pk), {"text": "  "})
    assert response.status_code == 400
    assert "Nội dung ý kiến không được để trống." in _text(response)
    assert not Comment.objects.exists()


def test_a_reader_outside_the_task_may_not_comment(
    scheme: dict[str, Any], make_person: Any, demo_agencies: Any
) -> None:
    # The director of Sở KH&CN reads the whole programme but has no part in Sở Tài chính's task.
    client = _client(make_person("gd.khcn", Role.LEADER, demo_agencies["hy.skhcn"]))
    assert not client.get(_url("task_detail", scheme, scheme["finance_task"].pk)).context["can_comment"]
    response = client.post(_url("task_comment", scheme, scheme["finance_task"].pk), {"text": "Ý kiến"})
    assert response.status_code == 403
    assert "Chỉ đơn vị chủ trì, phối hợp hoặc cơ quan chuyên trách được góp ý." in _text(response)
    assert not Comment.objects.exists()


def test_a_stranger_cannot_comment(scheme: dict[str, Any]) -> None:
    response = _client(scheme["focal_health"]).post(
        _url("task_comment", scheme, scheme["platform"].pk), {"text": "Ý kiến"}
    )
    assert response.status_code == 404
    assert not Comment.objects.exists()


# --- the agency's inbox ---------------------------------------------------------------------


def _task_post(report: TaskReport, action: str = "save", **fields: Any) -> dict[str, Any]:
    prefix = f"nhiem-vu-{report.pk}"
    data = {"status": "in_progress", "percent_done": "40", "narrative": "", "links": "", "action": action, **fields}
    return {f"{prefix}-{name}": value for name, value in data.items()}


def _target_post(report: TargetReport, action: str = "save", **fields: Any) -> dict[str, Any]:
    prefix = f"chi-tieu-{report.pk}"
    data = {"value": "", "as_of": "2025-06-14", "source": "", "narrative": "", "links": "", "action": action, **fields}
    return {f"{prefix}-{name}": value for name, value in data.items()}


def test_the_inbox_lists_what_is_due_with_forms(scheme: dict[str, Any]) -> None:
    round_ = _open(scheme)
    response = _client(scheme["focal_dost"]).get(_url("inbox", scheme))
    text = _text(response)
    items = response.context["items"]
    assert "Nhiệm vụ và chỉ tiêu của đơn vị" in text
    assert [(item.kind, item.report.pk) for item in items] == [
        ("nhiem-vu", TaskReport.objects.get(round=round_, task=scheme["platform"]).pk),
        ("chi-tieu", TargetReport.objects.get(round=round_, target=scheme["online"]).pk),
    ]
    assert f'name="chi-tieu-{items[1].report.pk}-level_province"' in text  # one value per level
    assert f'name="chi-tieu-{items[1].report.pk}-level_commune"' in text
    assert 'value="14/06/2025"' in text  # the as-of date defaults to the cut-off date
    assert "hạn nộp <strong>30/06/2025</strong>" in text
    assert "tối thiểu 90% (cấp tỉnh, 2025); tối thiểu 60% (cấp xã, 2025)" in text


def test_a_leader_has_nothing_to_report(scheme: dict[str, Any]) -> None:
    _open(scheme)
    response = _client(scheme["leader"]).get(_url("inbox", scheme))
    assert response.status_code == 200
    assert response.context["items"] == []
    assert "Bạn không phụ trách báo cáo" in _text(response)


def test_saving_and_submitting_a_task_report_with_evidence(scheme: dict[str, Any]) -> None:
    round_ = _open(scheme)
    report = TaskReport.objects.get(round=round_, task=scheme["platform"])
    client = _client(scheme["focal_dost"])
    url = _url("report_save", scheme, "nhiem-vu", report.pk)
    data = _task_post(report, "save", narrative="Đã vận hành LGSP", links="https://hungyen.gov.vn/lgsp\n\n")
    data[f"nhiem-vu-{report.pk}-evidence"] = SimpleUploadedFile("bien-ban.pdf", evidence_pdf())
    response = client.post(url, data)
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.state, report.status, report.percent_done, report.links) == (
        ReportState.DRAFT,
        "in_progress",
        40,
        ["https://hungyen.gov.vn/lgsp"],
    )
    assert Evidence.objects.get().original_name == "bien-ban.pdf"
    response = client.post(url, _task_post(report, "submit", status="done", percent_done="100"))
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.state, report.status, report.submitted_by) == (ReportState.SUBMITTED, "done", scheme["focal_dost"])
    inbox = client.get(_url("inbox", scheme))
    assert [item.kind for item in inbox.context["items"]] == ["chi-tieu"]
    assert [sent.pk for sent, _badge in inbox.context["sent"]] == [report.pk]
    evidence = Evidence.objects.get()
    assert client.get(_url("evidence", scheme, evidence.pk)).status_code == 200
    assert _client(scheme["focal_health"]).get(_url("evidence", scheme, evidence.pk)).status_code == 404


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"percent_done": "140"}, "Phần trăm hoàn thành phải từ 0 đến 100."),
        ({"percent_done": "nhiều"}, "Phần trăm phải là số nguyên."),
        ({"status": "xong"}, "Lựa chọn “xong” không hợp lệ."),
        ({"status": "done", "percent_done": "80"}, "Nhiệm vụ hoàn thành phải đạt 100%."),
        ({"links": "hungyen.gov.vn"}, "phải bắt đầu bằng http:// hoặc https://"),
    ],
)
def test_bad_task_report_input_is_refused_and_changes_nothing(
    scheme: dict[str, Any], fields: dict[str, str], message: str
) -> None:
    round_ = _open(scheme)
    report = TaskReport.objects.get(round=round_, task=scheme["platform"])
    entries = Entry.objects.count()
    response = _client(scheme["focal_dost"]).post(
        _url("report_save", scheme, "nhiem-vu", report.pk), _task_post(report, "submit", narrative="Đã làm", **fields)
    )
    assert response.status_code == 400
    assert message in _text(response)
    report.refresh_from_db()
    assert (report.state, report.status, report.percent_done, report.narrative) == (
        ReportState.DRAFT,
        "not_started",
        0,
        "",
    )
    assert Entry.objects.count() == entries


def test_a_bad_evidence_file_undoes_the_whole_save(scheme: dict[str, Any]) -> None:
    round_ = _open(scheme)
    report = TaskReport.objects.get(round=round_, task=scheme["platform"])
    data = _task_post(report, "save", narrative="Có minh chứng")
    data[f"nhiem-vu-{report.pk}-evidence"] = SimpleUploadedFile("virus.exe", b"MZ\x90\x00")
    response = _client(scheme["focal_dost"]).post(_url("report_save", scheme, "nhiem-vu", report.pk), data)
    assert response.status_code == 400
    assert "Chỉ nhận minh chứng dạng PDF, Word, Excel, PNG hoặc JPEG." in _text(response)
    report.refresh_from_db()
    assert (report.narrative, report.percent_done) == ("", 0)
    assert not Evidence.objects.exists()


def test_a_target_report_by_level_then_submitted(scheme: dict[str, Any]) -> None:
    round_ = _open(scheme)
    report = TargetReport.objects.get(round=round_, target=scheme["online"])
    client = _client(scheme["focal_dost"])
    url = _url("report_save", scheme, "chi-tieu", report.pk)
    response = client.post(url, _target_post(report, "submit"))
    assert response.status_code == 400
    assert "Vui lòng nhập giá trị đạt được trước khi gửi." in _text(response)
    report.refresh_from_db()
    assert report.state == ReportState.DRAFT
    response = client.post(
        url, _target_post(report, "submit", level_province="92", level_commune="58,5", source="Cổng DVC tỉnh")
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.state, report.level_values, report.source, report.as_of) == (
        ReportState.SUBMITTED,
        {"province": "92", "commune": "58.5"},
        "Cổng DVC tỉnh",
        dt.date(2025, 6, 14),
    )


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"value": "abc"}, "Giá trị “abc” không phải là số."),
        ({"value": "-3"}, "Giá trị không được âm."),
        ({"value": "5", "as_of": "31/12/2025"}, "Ngày số liệu không được sau hạn nộp của kỳ báo cáo."),
        ({"value": "5", "as_of": "hôm qua"}, "Ngày không hợp lệ"),
    ],
)
def test_bad_target_report_input_is_refused_and_changes_nothing(
    scheme: dict[str, Any], fields: dict[str, str], message: str
) -> None:
    round_ = _open(scheme)
    report = TargetReport.objects.get(round=round_, target=scheme["economy_share"])
    response = _client(scheme["focal_finance"]).post(
        _url("report_save", scheme, "chi-tieu", report.pk),
        _target_post(report, "save", source="Cục Thống kê", **fields),
    )
    assert response.status_code == 400
    assert message in _text(response)
    report.refresh_from_db()
    assert (report.value, report.source, report.as_of) == (None, "", None)


def test_a_partner_may_not_report_and_a_stranger_gets_404(scheme: dict[str, Any]) -> None:
    round_ = _open(scheme)
    report = TaskReport.objects.get(round=round_, task=scheme["platform"])  # finance is only a partner
    url = _url("report_save", scheme, "nhiem-vu", report.pk)
    response = _client(scheme["focal_finance"]).post(
        url, _task_post(report, "submit", status="done", percent_done="100")
    )
    assert response.status_code == 403
    assert "Chỉ đơn vị chủ trì (theo dõi) được báo cáo nội dung này." in _text(response)
    missing = _client(scheme["focal_health"]).post(_url("report_save", scheme, "nhiem-vu", 999_999), {})
    foreign = _client(scheme["focal_health"]).post(url, _task_post(report))
    assert missing.status_code == foreign.status_code == 404
    assert "Không tìm thấy đề án." in _text(foreign)
    # An agency that sees the programme but not this task: answered like a missing report.
    other = TaskReport.objects.get(round=round_, task=scheme["finance_task"])
    dost = _client(scheme["focal_dost"])
    assert _page(dost.post(_url("report_save", scheme, "nhiem-vu", other.pk), {})) == _page(
        dost.post(_url("report_save", scheme, "nhiem-vu", 999_999), {})
    )
    report.refresh_from_db()
    assert (report.state, report.status) == (ReportState.DRAFT, "not_started")


def test_a_returned_report_shows_the_comment_first(scheme: dict[str, Any]) -> None:
    round_ = _open(scheme)
    report = TaskReport.objects.get(round=round_, task=scheme["platform"])
    dost = programme_scope(scheme["focal_dost"], scheme["programme"])
    services.task_report_save(
        actor=scheme["focal_dost"], scope=dost, report=report, status="in_progress", percent_done=50
    )
    services.report_submit(actor=scheme["focal_dost"], scope=dost, report=report)
    services.report_return(
        actor=scheme["dx"],
        scope=programme_scope(scheme["dx"], scheme["programme"]),
        report=report,
        comment="Thiếu biên bản nghiệm thu",
    )
    response = _client(scheme["focal_dost"]).get(_url("inbox", scheme))
    items = response.context["items"]
    assert (items[0].report.pk, items[0].returned) == (report.pk, True)
    text = _text(response)
    assert text.index("Thiếu biên bản nghiệm thu") < text.index(f'name="nhiem-vu-{report.pk}-status"')


# --- rounds and review ----------------------------------------------------------------------


def test_the_rounds_page_prefills_the_default_dates(scheme: dict[str, Any]) -> None:
    response = _client(scheme["dx"]).get(_url("rounds", scheme))
    assert response.status_code == 200
    form = response.context["form"]
    period = form.initial["period"]
    dates = services.round_default_dates(period)
    assert (form.initial["cutoff_date"], form.initial["due_date"]) == (dates.cutoff_date, dates.due_date)
    partial = _client(scheme["dx"]).get(_url("round_dates", scheme), {"period": "2025-h2"}, **HX)
    assert 'value="15/12/2025"' in _text(partial)  # typed and shown as dd/mm/yyyy
    assert 'value="14/12/2025"' in _text(partial)
    assert "<html" not in _text(partial)


def test_the_dx_office_opens_a_round(scheme: dict[str, Any]) -> None:
    client = _client(scheme["dx"])
    response = client.post(_url("rounds", scheme), {"period": "2025-h1", "cutoff_date": "", "due_date": "2025-07-05"})
    assert response.status_code == 302
    round_ = ReportingRound.objects.get()
    assert (round_.period, round_.cutoff_date, round_.due_date) == (
        "2025-H1",
        dt.date(2025, 6, 14),
        dt.date(2025, 7, 5),
    )
    page = client.get(_url("rounds", scheme))
    assert [(line.round.period, line.expected, line.received) for line in page.context["lines"]] == [("2025-H1", 4, 0)]
    assert page.context["form"].initial["period"] != "2025-H1"


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"period": "giua-nam"}, 400, "Kỳ báo cáo “GIUA-NAM” không hợp lệ"),
        ({"period": ""}, 400, "Vui lòng nhập thông tin này."),
        (
            {"period": "2025-H1", "cutoff_date": "2025-06-14", "due_date": "2025-06-01"},
            400,
            "Hạn nộp báo cáo không được trước ngày chốt số liệu.",
        ),
        ({"period": "2025-H1", "due_date": "30/02/2025"}, 400, "Ngày không hợp lệ"),
    ],
)
def test_a_bad_round_is_refused(scheme: dict[str, Any], data: dict[str, str], status: int, message: str) -> None:
    response = _client(scheme["dx"]).post(_url("rounds", scheme), data)
    assert response.status_code == status
    assert message in _text(response)
    assert not ReportingRound.objects.exists()


def test_a_round_opened_twice_is_a_conflict(scheme: dict[str, Any]) -> None:
    _open(scheme)
    response = _client(scheme["dx"]).post(_url("rounds", scheme), {"period": "2025-H1"})
    assert response.status_code == 409
    assert "Kỳ báo cáo 2025-H1 đã được mở." in _text(response)
    assert ReportingRound.objects.count() == 1


def test_leaders_read_the_rounds_and_focal_points_may_not(scheme: dict[str, Any]) -> None:
    _open(scheme)
    leader = _client(scheme["leader"])
    page = leader.get(_url("rounds", scheme))
    assert page.status_code == 200
    assert "Mở kỳ báo cáo" not in _text(page)
    refused = leader.post(_url("rounds", scheme), {"period": "2025-H2"})
    assert refused.status_code == 403
    assert "Chỉ cơ quan chuyên trách chuyển đổi số được thực hiện thao tác này." in _text(refused)
    assert ReportingRound.objects.count() == 1
    focal = _client(scheme["focal_dost"]).get(_url("rounds", scheme))
    assert focal.status_code == 403
    assert "Chỉ cơ quan chuyên trách chuyển đổi số và lãnh đạo" in _text(focal)


def _submitted(scheme: dict[str, Any]) -> tuple[ReportingRound, TaskReport]:
    round_ = _open(scheme)
    report = TaskReport.objects.get(round=round_, task=scheme["platform"])
    dost = programme_scope(scheme["focal_dost"], scheme["programme"])
    services.task_report_save(
        actor=scheme["focal_dost"],
        scope=dost,
        report=report,
        status="in_progress",
        percent_done=60,
        narrative="Đang triển khai",
    )
    services.report_submit(actor=scheme["focal_dost"], scope=dost, report=report)
    return round_, report


def test_the_dx_office_approves_with_htmx(scheme: dict[str, Any]) -> None:
    _round, report = _submitted(scheme)
    client = _client(scheme["dx"])
    page = client.get(_url("rounds", scheme))
    assert [item.report.pk for item in page.context["reviews"]] == [report.pk]
    response = client.post(_url("report_approve", scheme, "nhiem-vu", report.pk), **HX)
    assert response.status_code == 200
    assert "Đã duyệt báo cáo." in _text(response)
    assert "<html" not in _text(response)
    report.refresh_from_db()
    assert report.state == ReportState.APPROVED
    again = client.post(_url("report_approve", scheme, "nhiem-vu", report.pk), **HX)
    assert again.status_code == 409
    assert "Chỉ duyệt được báo cáo đã gửi." in _text(again)


def test_returning_needs_a_reason(scheme: dict[str, Any]) -> None:
    _round, report = _submitted(scheme)
    client = _client(scheme["dx"])
    url = _url("report_return", scheme, "nhiem-vu", report.pk)
    blank = client.post(url, {"comment": " "}, **HX)
    assert blank.status_code == 400
    assert "Vui lòng ghi rõ lý do trả lại báo cáo." in _text(blank)
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    response = client.post(url, {"comment": "Bổ sung minh chứng"})  # without JavaScript
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.state, report.review_comment) == (ReportState.RETURNED, "Bổ sung minh chứng")


def test_only_the_dx_office_reviews(scheme: dict[str, Any]) -> None:
    _round, report = _submitted(scheme)
    for who, status in (("leader", 403), ("focal_dost", 403), ("focal_health", 404), ("dx_thanh_hoa", 404)):
        response = _client(scheme[who]).post(_url("report_approve", scheme, "nhiem-vu", report.pk), **HX)
        assert response.status_code == status, who
    report.refresh_from_db()
    assert report.state == ReportState.SUBMITTED
    assert _client(scheme["dx"]).post(_url("report_approve", scheme, "bao-cao", report.pk)).status_code == 404


def test_closing_a_round_freezes_its_reports(scheme: dict[str, Any]) -> None:
    round_ = _open(scheme)
    client = _client(scheme["dx"])
    assert client.post(_url("round_close", scheme, round_.pk)).status_code == 302
    round_.refresh_from_db()
    assert round_.status == RoundStatus.CLOSED
    assert client.post(_url("round_close", scheme, round_.pk)).status_code == 409
    assert _client(scheme["leader"]).post(_url("round_close", scheme, 999_999)).status_code == 404
    report = TaskReport.objects.get(round=round_, task=scheme["platform"])
    response = _client(scheme["focal_dost"]).post(
        _url("report_save", scheme, "nhiem-vu", report.pk), _task_post(report)
    )
    assert response.status_code == 409
    assert "đã đóng" in _text(response)


def test_the_round_report_downloads(scheme: dict[str, Any]) -> None:
    round_ = _open(scheme)
    for who in ("dx", "leader"):
        client = _client(scheme[who])
        docx = client.get(_url("round_report_docx", scheme, round_.pk))
        assert docx.status_code == 200
        assert docx["Content-Type"].endswith("wordprocessingml.document")
        assert docx.content[:2] == b"PK"
        assert 'filename="bao-cao-chuyen-doi-so-2025-H1.docx"' in docx["Content-Disposition"]
        xlsx = client.get(_url("round_report_xlsx", scheme, round_.pk))
        assert xlsx.status_code == 200
        assert xlsx["Content-Type"].endswith("spreadsheetml.sheet")
    assert _client(scheme["focal_dost"]).get(_url("round_report_docx", scheme, round_.pk)).status_code == 403
    assert _client(scheme["focal_health"]).get(_url("round_report_docx", scheme, round_.pk)).status_code == 404


# --- import ---------------------------------------------------------------------------------

SCHEME_TEXT = """Số: 54/QĐ-UBND

Thái Bình, ngày 17 tháng 3 năm 2022

QUYẾT ĐỊNH

Phê duyệt Đề án Chuyển đổi số tỉnh Thái Bình đến năm 2025, định hướng đến năm 2030

ỦY BAN NHÂN DÂN TỈNH THÁI BÌNH

PHỤ LỤC 01: DANH MỤC NHIỆM VỤ GIAI ĐOẠN 2021-2025

STT\tTrụ cột Chuyển đổi số\tMã nhiệm vụ\tNhiệm vụ, dự án\tĐơn vị chủ trì\tĐơn vị phối hợp
1\tChính quyền số\tCQS2\tXây dựng hạ tầng, hệ thống CSDL của tỉnh\tSở Thông tin và Truyền thông\tCác cơ quan liên quan
2\tChính quyền số\tCQS7\tSố hóa tài liệu hồ sơ lưu trữ\tSở Nội vụ\tCác sở, ban, ngành; UBND huyện, thành phố
3\tKinh tế số\tKTS9\tPhát triển kinh tế số nông thôn\tHợp tác xã Quang Minh\tSở Tài chính
"""


def test_import_preview_then_save_with_an_agency_mapped(scheme: dict[str, Any], demo_agencies: Any) -> None:
    client = _client(scheme["dx"])
    assert client.get(reverse("programme:import")).status_code == 200
    before = Programme.objects.count()
    preview = client.post(reverse("programme:import"), {"text": SCHEME_TEXT, "programme": ""})
    assert preview.status_code == 200
    outcome = preview.context["outcome"]
    assert (outcome.tasks, outcome.rejected, [u.text for u in outcome.unmatched_agencies]) == (
        3,
        [],
        ["Hợp tác xã Quang Minh"],
    )
    assert "Hợp tác xã Quang Minh" in _text(preview)
    assert Programme.objects.count() == before  # a preview saves nothing
    token = preview.context["token"]
    finance = demo_agencies["hy.stc"]
    saved = client.post(reverse("programme:import"), {"token": token, "map_0": str(finance.pk)})
    assert saved.status_code == 302
    programme = Programme.objects.exclude(pk=scheme["programme"].pk).get()
    assert saved["Location"] == reverse("programme:overview", args=[programme.pk])
    assert Task.objects.get(programme=programme, code="KTS9").lead_agency == finance
    assert AgencyNameMapping.objects.get().agency == finance
    again = client.post(reverse("programme:import"), {"token": token})
    assert again.status_code == 400
    assert "Bản xem trước đã hết hạn" in _text(again)


def test_import_shows_rejected_rows_and_refuses_to_save(scheme: dict[str, Any]) -> None:
    client = _client(scheme["dx"])
    upload = SimpleUploadedFile("ghi-chu.txt", "Chỉ là một ghi chú, không có bảng nào.".encode())
    preview = client.post(reverse("programme:import"), {"file": upload})
    assert preview.status_code == 200
    rejected = preview.context["outcome"].rejected
    assert rejected
    for row in rejected:
        assert str(row["reason"]) in _text(preview)
    assert ">Nhập</button>" not in _text(preview).replace("\n", "")
    saved = client.post(reverse("programme:import"), {"token": preview.context["token"]})
    assert saved.status_code == 400
    assert Programme.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Vui lòng chọn tệp đề án hoặc dán nội dung bảng."),
        ({"file": SimpleUploadedFile("de-an.pdf", b"%PDF-1.7")}, "Chỉ nhận tệp .docx, .xlsx hoặc .txt."),
        ({"text": "x", "programme": "999999"}, "Đề án đã chọn không hợp lệ."),
    ],
)
def test_bad_import_input(scheme: dict[str, Any], data: dict[str, Any], message: str) -> None:
    response = _client(scheme["dx"]).post(reverse("programme:import"), data)
    assert response.status_code == 400
    assert message in _text(response)


def test_only_a_dx_office_imports(scheme: dict[str, Any]) -> None:
    for who in ("leader", "focal_dost"):
        client = _client(scheme[who])
        assert client.get(reverse("programme:import")).status_code == 403
        assert client.post(reverse("programme:import"), {"text": SCHEME_TEXT}).status_code == 403
        assert client.get(reverse("programme:import_template")).status_code == 403
    assert Programme.objects.count() == 1


def test_a_dx_office_of_another_province_cannot_import_this_provinces_scheme(scheme: dict[str, Any]) -> None:
    client = _client(scheme["dx_thanh_hoa"])
    # The importer refuses already at the preview: the scheme is Hưng Yên's (ex-Thái Bình).
    preview = client.post(reverse("programme:import"), {"text": SCHEME_TEXT})
    assert preview.status_code == 403
    assert "Đề án trong tệp thuộc tỉnh khác, bạn không được nhập." in _text(preview)
    assert Programme.objects.count() == 1


def test_the_excel_template_downloads(scheme: dict[str, Any]) -> None:
    response = _client(scheme["dx"]).get(reverse("programme:import_template"))
    assert response.status_code == 200
    assert response["Content-Type"].endswith("spreadsheetml.sheet")
    assert response.content[:2] == b"PK"


def test_importing_into_an_existing_programme(scheme: dict[str, Any]) -> None:
    client = _client(scheme["dx"])
    preview = client.post(reverse("programme:import"), {"text": SCHEME_TEXT, "programme": scheme["programme"].pk})
    assert preview.status_code == 200
    saved = client.post(reverse("programme:import"), {"token": preview.context["token"], "map_0": "none"})
    assert saved.status_code == 302
    assert set(Task.objects.filter(programme=scheme["programme"]).values_list("code", flat=True)) == {
        "CQS1",
        "KTS1",
        "CQS2",
        "CQS7",
        "KTS9",
    }
    assert AgencyNameMapping.objects.get().agency is None


def test_evidence_is_kept_and_downloaded_under_the_type_of_its_content(scheme: dict[str, Any]) -> None:
    """A PDF sent as payload.exe is stored with a .pdf name of ours and downloads as payload.pdf,
    typed as a PDF and never sniffed; one kept before types were recorded is judged by its bytes."""
    round_ = _open(scheme)
    report = TaskReport.objects.get(round=round_, task=scheme["platform"])
    data = evidence_pdf()
    evidence = services.evidence_add(
        actor=scheme["focal_dost"],
        scope=programme_scope(scheme["focal_dost"], scheme["programme"]),
        report=report,
        upload=SimpleUploadedFile("payload.exe", data, "application/x-msdownload"),
    )
    assert (evidence.original_name, evidence.content_type) == ("payload.pdf", "application/pdf")
    assert evidence.file.name.endswith(".pdf")
    assert "payload" not in evidence.file.name
    client = _client(scheme["focal_dost"])
    response = client.get(_url("evidence", scheme, evidence.pk))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="payload.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert isinstance(response, StreamingHttpResponse)
    assert b"".join(response.streaming_content) == data
    Evidence.objects.filter(pk=evidence.pk).update(content_type="", original_name="bien-ban.html")
    earlier = client.get(_url("evidence", scheme, evidence.pk))
    assert (earlier["Content-Disposition"], earlier["Content-Type"]) == (
        'attachment; filename="bien-ban.pdf"',
        "application/pdf",
    )


def test_evidence_with_active_content_is_refused_with_the_reason(scheme: dict[str, Any]) -> None:
    from tinhso.core.tests.test_uploads import EXE, docx, pyhanko_pdf, with_members

    round_ = _open(scheme)
    report = TaskReport.objects.get(round=round_, task=scheme["platform"])
    entries = Entry.objects.count()
    client = _client(scheme["focal_dost"])
    for name, content, message in (
        (
            "bien-ban.pdf",
            pyhanko_pdf(open_action={"/S": "/JavaScript", "/JS": "app.alert(1)"}, compressed=True),
            "Tệp PDF có mã JavaScript nên không được chấp nhận.",
        ),
        (
            "bien-ban.docx",
            with_members(docx(), {"word/embeddings/setup.exe": EXE}),
            "Tệp Word/Excel có chứa chương trình hoặc đối tượng nhúng “word/embeddings/setup.exe”",
        ),
    ):
        data = _task_post(report, "save", narrative="Có minh chứng")
        data[f"nhiem-vu-{report.pk}-evidence"] = SimpleUploadedFile(name, content)
        response = client.post(_url("report_save", scheme, "nhiem-vu", report.pk), data)
        assert response.status_code == 400
        assert message in _text(response)
    report.refresh_from_db()
    assert (report.narrative, Evidence.objects.count(), Entry.objects.count()) == ("", 0, entries)


def test_import_preview_shows_a_table_it_could_not_classify(scheme: dict[str, Any]) -> None:
    """Issue 14 item 3: an unrecognised table is shown (header, first rows); the rest imports."""
    table = "Hạng mục\tSố lượng\tGhi nhận\nMáy chủ\t120\tTrung tâm dữ liệu\nĐường truyền\t480\tĐến xã\n\n"
    text = SCHEME_TEXT.replace("PHỤ LỤC 01:", table + "PHỤ LỤC 01:")
    preview = _client(scheme["dx"]).post(reverse("programme:import"), {"text": text, "programme": ""})
    assert preview.status_code == 200
    assert (preview.context["outcome"].tasks, preview.context["outcome"].rejected) == (3, [])
    page = _text(preview)
    assert "Bảng không nhận ra (không được nhập)" in page
    assert "Hạng mục" in page
    assert "Trung tâm dữ liệu" in page
