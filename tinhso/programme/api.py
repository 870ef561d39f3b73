"""HTTP API of the programme tracker, mounted at ``/api/programme/``.

Every endpoint needs a login (the project default). Objects are fetched through ``access_*``
helpers, so a missing object and one out of the user's reach give the same 404; an object the
user may see but not change gets the service's 403. Input is parsed by serializers that answer
in Vietnamese (REST framework's own messages are English), and every write is one service call,
which records it in the ledger.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar, TypeVar

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tinhso.core.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    DateField,
    ErrorOutput,
    Input,
    JSONParser,
    MultiPartParser,
    TextField,
    error_responses,
    parse_input,
    path_param,
    request_data,
)
from tinhso.core.errors import DomainError, NotAllowed, NotFound
from tinhso.core.text import clean, fold
from tinhso.org.api import AgencyRefOutput
from tinhso.org.models import Agency, Person

from . import rules
from .access import (
    ProgrammeScope,
    access_programme,
    access_target,
    access_task,
    programme_scope,
    programmes_visible,
    targets_visible,
    tasks_visible,
)
from .importing.pipeline import programme_import
from .models import (
    AgencyNameMapping,
    Budget,
    Comment,
    Evidence,
    Milestone,
    Pillar,
    PillarCode,
    Programme,
    ReportingRound,
    ReportState,
    Target,
    TargetReport,
    Task,
    TaskReport,
    TaskStatus,
)
from .selectors import (
    MET,
    NO_DATA,
    NO_REPORT,
    NOT_MET,
    ProgrammeProgress,
    agency_inbox,
    programme_progress,
    programme_trend,
    task_list,
)
from .services import (
    agency_mapping_set,
    comment_add,
    evidence_add,
    report_approve,
    report_return,
    report_submit,
    round_close,
    round_open,
    target_report_save,
    task_report_save,
)

TAG = "programme"
_PERIOD = re.compile(r"^(\d{4})(-H[12])?$")
IMPORT_MAX_BYTES = 20 * 1024 * 1024

TASK_OUTCOMES = [*TaskStatus.choices, (NO_REPORT, gettext_lazy("Chưa có báo cáo được duyệt"))]
TARGET_OUTCOMES = [
    (MET, gettext_lazy("Đạt")),
    (NOT_MET, gettext_lazy("Chưa đạt")),
    (NO_DATA, gettext_lazy("Chưa có số liệu")),
]


# --- reading input ----------------------------------------------------------------------------


@extend_schema_field({"oneOf": [{"type": "number"}, {"type": "string"}]})
class NumberField(serializers.CharField):
    """A number as JSON gives it (21.5) or as people type it ("58,5"), passed on as text: the
    service reads it and says what is wrong with it. Only what a report's value column
    (18 digits, 4 of them decimal) cannot hold is refused here, since the database would fail."""

    MAX = Decimal(10) ** 14
    label_messages: ClassVar[dict[str, Any]] = {
        "invalid": gettext_lazy("%(label)s phải là một số."),
        "too_large": gettext_lazy("%(label)s quá lớn (tối đa 14 chữ số trước dấu thập phân)."),
    }

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(allow_null=True, allow_blank=True, max_length=40, **kwargs)

    def to_internal_value(self, data: Any) -> str:
        text = super().to_internal_value(data)
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation:
            return text
        if number.is_finite() and abs(number) >= self.MAX:
            self.fail("too_large")
        return text


def _actor(request: Request) -> Person:
    return request.user  # type: ignore[return-value]  # every endpoint requires a login


# --- access -----------------------------------------------------------------------------------


def _int_or_none(value: int | str) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _programme_visible(person: Person, programme: Programme) -> bool:
    return programmes_visible(person).filter(pk=programme.pk).exists()


def access_visible_programme(person: Person, programme_id: int | str) -> tuple[Programme, ProgrammeScope]:
    """:func:`access_programme`, narrowed to the programmes the person can list: an agency role
    in another province reaches no programme here (``ProgrammeScope.can_see_programme`` alone
    would let it open any programme and see an empty shell)."""
    programme, scope = access_programme(person, programme_id)
    if not scope.read_all and not _programme_visible(person, programme):
        raise NotFound(_("Không tìm thấy đề án."), code="not_found")
    return programme, scope


def access_round(person: Person, round_id: int | str) -> tuple[ReportingRound, ProgrammeScope]:
    """A reporting round of a programme the person sees; :class:`NotFound` alike otherwise."""
    pk = _int_or_none(round_id)
    round_ = (
        None
        if pk is None
        else (
            ReportingRound.objects.select_related("programme__owner__unit__parent", "programme__province")
            .filter(pk=pk)
            .first()
        )
    )
    if round_ is not None:
        scope = programme_scope(person, round_.programme)
        if scope.read_all or _programme_visible(person, round_.programme):
            return round_, scope
    raise NotFound(_("Không tìm thấy kỳ báo cáo."), code="not_found")


AnyReport = TypeVar("AnyReport", TaskReport, TargetReport)


def access_report(person: Person, report_id: int | str, model: type[AnyReport]) -> tuple[AnyReport, ProgrammeScope]:
    """A report of one of the person's agencies, or on a task or target they see (a partner
    reaches the lead's report: whether it may change it is the service's call, a 403).
    Anything else is answered as missing. Reading is narrower still: see :func:`_readable`."""
    pk = _int_or_none(report_id)
    report = (
        None
        if pk is None
        else (model.objects.select_related("round__programme__owner__unit__parent", "agency").filter(pk=pk).first())
    )
    if report is not None:
        programme = report.round.programme
        scope = programme_scope(person, programme)
        if isinstance(report, TaskReport):
            subject_visible = tasks_visible(scope, programme).filter(pk=report.task_id).exists()
        else:
            subject_visible = targets_visible(scope, programme).filter(pk=report.target_id).exists()
        if subject_visible or report.agency_id in scope.read_agencies:
            return report, scope
    raise NotFound(_("Không tìm thấy báo cáo."), code="not_found")


def _readable(scope: ProgrammeScope) -> Q:
    """Reports ``scope`` may read among those it reaches: a draft belongs to the agency writing
    it (and the DX office); once sent, whoever sees the task or target reads it (as the pages do)."""
    if scope.manage:
        return Q()
    return ~Q(state=ReportState.DRAFT) | Q(agency__in=scope.report_agencies)


def _read_report(person: Person, report_id: int | str, model: type[AnyReport]) -> AnyReport:
    report, scope = access_report(person, report_id, model)
    if not model.objects.filter(_readable(scope), pk=report.pk).exists():
        raise NotFound(_("Không tìm thấy báo cáo."), code="not_found")
    return report


def _round_of(programme: Programme, round_id: int | None) -> ReportingRound | None:
    """The round asked for (it must belong to ``programme``), else the latest one, if any."""
    rounds = ReportingRound.objects.filter(programme=programme)
    if round_id is None:
        return rounds.order_by("-period_end").first()
    round_ = rounds.filter(pk=round_id).first()
    if round_ is None:
        raise NotFound(_("Không tìm thấy kỳ báo cáo."), code="not_found", field="round")
    return round_


# --- reads for output (with what the serializers below need, in few queries) ------------------


def _task_reports() -> QuerySet[TaskReport]:
    return (
        TaskReport.objects.select_related("round", "task", "agency")
        .prefetch_related(Prefetch("files", queryset=Evidence.objects.select_related("uploaded_by")))
        .order_by("round__period_end", "task__order")
    )


def _target_reports() -> QuerySet[TargetReport]:
    return (
        TargetReport.objects.select_related("round", "target", "agency")
        .prefetch_related(Prefetch("files", queryset=Evidence.objects.select_related("uploaded_by")))
        .order_by("round__period_end", "target__order")
    )


def _comments() -> QuerySet[Comment]:
    return Comment.objects.select_related("author", "agency").order_by("created_at", "pk")


def _task_detail(pk: int, scope: ProgrammeScope) -> Task:
    return (
        Task.objects.select_related("pillar", "lead_agency")
        .prefetch_related(
            "budgets",
            "partner_agencies",
            Prefetch("reports", queryset=_task_reports().filter(_readable(scope))),
            Prefetch("comments", queryset=_comments()),
        )
        .get(pk=pk)
    )


def _target_detail(pk: int, scope: ProgrammeScope) -> Target:
    return (
        Target.objects.select_related("pillar", "tracking_agency")
        .prefetch_related(
            "milestones",
            "partner_agencies",
            Prefetch("reports", queryset=_target_reports().filter(_readable(scope))),
            Prefetch("comments", queryset=_comments()),
        )
        .get(pk=pk)
    )


# --- output -----------------------------------------------------------------------------------


PROGRAMME_ID = path_param("programme_id", gettext_lazy("Mã đề án."))
TASK_ID = path_param("task_id", gettext_lazy("Mã nhiệm vụ."))
TARGET_ID = path_param("target_id", gettext_lazy("Mã chỉ tiêu."))
ROUND_ID = path_param("round_id", gettext_lazy("Mã kỳ báo cáo."))
REPORT_ID = path_param("report_id", gettext_lazy("Mã báo cáo."))


class PillarOutput(serializers.ModelSerializer):
    pillar = serializers.ChoiceField(source="code", choices=PillarCode.choices)
    label = serializers.CharField(source="get_code_display")  # type: ignore[assignment]  # a declared field, not Field.label: the metaclass takes it off the class

    class Meta:
        model = Pillar
        fields = ["id", "pillar", "label", "order"]


class ProgrammeOutput(serializers.ModelSerializer):
    owner = AgencyRefOutput()
    province_name = serializers.CharField(
        source="province.name", help_text=gettext_lazy("Tỉnh ban hành, theo địa giới lúc ban hành.")
    )

    class Meta:
        model = Programme
        fields = [
            "id",
            "title",
            "decision_number",
            "decision_date",
            "issuer",
            "owner",
            "province_name",
            "period_start",
            "period_end",
        ]


class ProgrammeDetailOutput(ProgrammeOutput):
    pillars = PillarOutput(many=True)
    can_manage = serializers.SerializerMethodField(
        help_text=gettext_lazy("Người dùng là cơ quan chuyên trách: mở, đóng kỳ báo cáo, duyệt, trả lại báo cáo.")
    )
    can_read_all = serializers.SerializerMethodField(help_text=gettext_lazy("Người dùng xem được toàn bộ đề án."))

    class Meta(ProgrammeOutput.Meta):
        fields = [*ProgrammeOutput.Meta.fields, "pillars", "can_manage", "can_read_all"]

    def get_can_manage(self, programme: Programme) -> bool:
        return self.context["scope"].manage

    def get_can_read_all(self, programme: Programme) -> bool:
        return self.context["scope"].read_all


class ReportingRoundOutput(serializers.ModelSerializer):
    # Plain text rather than an enum: "status" already names the task statuses in this schema.
    status = serializers.CharField(help_text=gettext_lazy("open (đang mở) hoặc closed (đã đóng)."))

    class Meta:
        model = ReportingRound
        fields = [
            "id",
            "period",
            "period_start",
            "period_end",
            "cutoff_date",
            "due_date",
            "status",
            "opened_at",
            "closed_at",
        ]


class EvidenceOutput(serializers.ModelSerializer):
    uploaded_by = serializers.CharField(source="uploaded_by.get_full_name")

    class Meta:
        model = Evidence
        fields = ["id", "original_name", "sha256", "uploaded_by", "uploaded_at"]


class TaskRefOutput(serializers.ModelSerializer):
    class Meta:
        model = Task
        fields = ["id", "code", "name"]


class TargetRefOutput(serializers.ModelSerializer):
    class Meta:
        model = Target
        fields = ["id", "code", "text"]


_REPORT_FIELDS = [
    "id",
    "round",
    "agency",
    "state",
    "narrative",
    "links",
    "submitted_at",
    "late",
    "review_comment",
    "reviewed_at",
    "updated_at",
    "files",
]


class TaskReportOutput(serializers.ModelSerializer):
    round = ReportingRoundOutput()
    task = TaskRefOutput()
    agency = AgencyRefOutput()
    links = serializers.ListField(child=serializers.CharField())
    files = EvidenceOutput(many=True)

    class Meta:
        model = TaskReport
        fields = [*_REPORT_FIELDS, "task", "status", "percent_done"]


class TargetReportOutput(serializers.ModelSerializer):
    round = ReportingRoundOutput()
    target = TargetRefOutput()
    agency = AgencyRefOutput()
    links = serializers.ListField(child=serializers.CharField())
    level_values = serializers.DictField(
        child=serializers.CharField(),
        help_text=gettext_lazy(
            'Giá trị theo cấp khi chỉ tiêu tách theo cấp, ví dụ {"province": "92", "commune": "61"}.'
        ),
    )
    files = EvidenceOutput(many=True)

    class Meta:
        model = TargetReport
        fields = [*_REPORT_FIELDS, "target", "value", "level_values", "as_of", "source"]


class TaskReportBriefOutput(serializers.ModelSerializer):
    class Meta:
        model = TaskReport
        fields = ["id", "state", "status", "percent_done", "late", "submitted_at"]


class TargetReportBriefOutput(serializers.ModelSerializer):
    level_values = serializers.DictField(child=serializers.CharField())

    class Meta:
        model = TargetReport
        fields = ["id", "state", "value", "level_values", "as_of", "late", "submitted_at"]


class BudgetOutput(serializers.ModelSerializer):
    class Meta:
        model = Budget
        fields = ["phase", "amount_million_vnd"]


class MilestoneOutput(serializers.ModelSerializer):
    # Plain text rather than an enum: "level" already names the administrative levels of units.
    level = serializers.CharField(help_text=gettext_lazy("province, district, commune, hoặc rỗng nếu không tách cấp."))

    class Meta:
        model = Milestone
        fields = ["year", "comparator", "value", "unit", "level", "text"]


class CommentOutput(serializers.ModelSerializer):
    author = serializers.CharField(source="author.get_full_name")
    agency = AgencyRefOutput()

    class Meta:
        model = Comment
        fields = ["id", "author", "agency", "text", "created_at"]


class TaskSummaryOutput(serializers.ModelSerializer):
    pillar = serializers.ChoiceField(source="pillar.code", choices=PillarCode.choices, allow_null=True)
    lead_agency = AgencyRefOutput(allow_null=True)

    class Meta:
        model = Task
        fields = [
            "id",
            "code",
            "name",
            "pillar",
            "appendix",
            "phase",
            "parent",
            "lead_agency",
            "lead_agency_text",
            "timeline_start",
            "timeline_end",
            "recurring",
        ]


class TaskDetailOutput(TaskSummaryOutput):
    content_items = serializers.ListField(child=serializers.CharField())
    partner_agencies = AgencyRefOutput(many=True)
    partner_agencies_text = serializers.ListField(child=serializers.CharField())
    budgets = BudgetOutput(many=True)
    reports = TaskReportOutput(many=True, help_text=gettext_lazy("Báo cáo của nhiệm vụ qua các kỳ."))
    comments = CommentOutput(many=True)

    class Meta(TaskSummaryOutput.Meta):
        fields = [
            *TaskSummaryOutput.Meta.fields,
            "content_items",
            "funding_source",
            "partner_agencies",
            "partner_agencies_text",
            "budgets",
            "reports",
            "comments",
        ]


class TargetSummaryOutput(serializers.ModelSerializer):
    pillar = serializers.ChoiceField(source="pillar.code", choices=PillarCode.choices, allow_null=True)
    tracking_agency = AgencyRefOutput(allow_null=True)
    milestones = MilestoneOutput(many=True)

    class Meta:
        model = Target
        fields = [
            "id",
            "code",
            "text",
            "pillar",
            "unit",
            "baseline_value",
            "baseline_year",
            "tracking_agency",
            "tracking_agency_text",
            "milestones",
        ]


class TargetDetailOutput(TargetSummaryOutput):
    partner_agencies = AgencyRefOutput(many=True)
    partner_agencies_text = serializers.ListField(child=serializers.CharField())
    reports = TargetReportOutput(many=True, help_text=gettext_lazy("Báo cáo của chỉ tiêu qua các kỳ."))
    comments = CommentOutput(many=True)

    class Meta(TargetSummaryOutput.Meta):
        fields = [
            *TargetSummaryOutput.Meta.fields,
            "indicator",
            "partner_agencies",
            "partner_agencies_text",
            "reports",
            "comments",
        ]


class TaskRowOutput(serializers.Serializer):
    task = TaskSummaryOutput()
    outcome = serializers.ChoiceField(
        choices=TASK_OUTCOMES,
        help_text=gettext_lazy("Tình trạng theo báo cáo đã duyệt của kỳ; quá thời hạn mà chưa xong là late."),
    )
    report = TaskReportBriefOutput(allow_null=True)
    counted = serializers.BooleanField(
        help_text=gettext_lazy(
            "Được tính vào tổng số nhiệm vụ: nhiệm vụ không có nhiệm vụ cha; nhiệm vụ con được tính qua nhiệm vụ cha."
        )
    )
    rolled_up = serializers.BooleanField(
        help_text=gettext_lazy("Tình trạng tổng hợp từ các nhiệm vụ con (nhiệm vụ cha chưa có báo cáo được duyệt).")
    )


class TargetRowOutput(serializers.Serializer):
    target = TargetSummaryOutput()
    outcome = serializers.ChoiceField(choices=TARGET_OUTCOMES)
    report = TargetReportBriefOutput(allow_null=True)


class TallyOutput(serializers.Serializer):
    targets = serializers.DictField(
        child=serializers.IntegerField(), help_text=gettext_lazy("Số chỉ tiêu theo kết quả: met, not_met, no_data.")
    )
    targets_total = serializers.IntegerField()
    tasks = serializers.DictField(
        child=serializers.IntegerField(),
        help_text=gettext_lazy(
            "Số nhiệm vụ theo tình trạng: done, in_progress, not_started, late, dropped, no_report."
        ),
    )
    tasks_total = serializers.IntegerField()


class PillarTallyOutput(TallyOutput):
    pillar = serializers.ChoiceField(choices=PillarCode.choices)
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field, not Field.label: the metaclass takes it off the class


class AgencyTallyOutput(TallyOutput):
    agency = AgencyRefOutput()


class PhaseBudgetOutput(serializers.Serializer):
    phase = serializers.CharField()
    amount_million_vnd = serializers.DecimalField(max_digits=18, decimal_places=3)


class ReportingFiguresOutput(serializers.Serializer):
    expected = serializers.IntegerField(help_text=gettext_lazy("Số báo cáo phải nộp trong kỳ."))
    received = serializers.IntegerField(help_text=gettext_lazy("Số báo cáo đã gửi."))
    on_time = serializers.IntegerField(help_text=gettext_lazy("Số báo cáo gửi đúng hạn."))
    completeness_percent = serializers.FloatField(
        allow_null=True, help_text=gettext_lazy("Tỷ lệ đầy đủ: đã gửi / phải nộp (%).")
    )
    timeliness_percent = serializers.FloatField(
        allow_null=True, help_text=gettext_lazy("Tỷ lệ đúng hạn: gửi đúng hạn / phải nộp (%).")
    )


class ProgressOutput(serializers.Serializer):
    programme = serializers.IntegerField()
    round = ReportingRoundOutput(allow_null=True)
    sentence = serializers.CharField(
        help_text=gettext_lazy("Câu tóm tắt, ví dụ “15/16 mục tiêu hoàn thành, 42/48 nhiệm vụ hoàn thành”.")
    )
    overall = TallyOutput()
    by_pillar = PillarTallyOutput(many=True)
    by_agency = AgencyTallyOutput(many=True)
    budget_by_phase = PhaseBudgetOutput(many=True)
    reports = ReportingFiguresOutput()
    targets = TargetRowOutput(many=True)
    tasks = TaskRowOutput(many=True)


class TrendPointOutput(serializers.Serializer):
    period = serializers.CharField()
    targets_met = serializers.IntegerField()
    targets_total = serializers.IntegerField()
    tasks_done = serializers.IntegerField()
    tasks_total = serializers.IntegerField()


class InboxOutput(serializers.Serializer):
    round = ReportingRoundOutput(allow_null=True, help_text=gettext_lazy("Kỳ báo cáo đang mở gần nhất."))
    today = serializers.DateField()
    tasks = TaskSummaryOutput(many=True)
    targets = TargetSummaryOutput(many=True)
    pending_task_reports = TaskReportOutput(many=True)
    pending_target_reports = TargetReportOutput(many=True)


class RoundReportsOutput(serializers.Serializer):
    round = ReportingRoundOutput()
    task_reports = TaskReportOutput(many=True)
    target_reports = TargetReportOutput(many=True)


class AgencyMappingOutput(serializers.ModelSerializer):
    agency = AgencyRefOutput(allow_null=True)

    class Meta:
        model = AgencyNameMapping
        fields = ["id", "text", "agency", "created_at"]


class ImportRejectionOutput(serializers.Serializer):
    source = serializers.CharField()  # type: ignore[assignment]  # a declared field, not Field.source: the metaclass takes it off the class
    row = serializers.IntegerField(allow_null=True)
    reason = serializers.CharField()
    raw = serializers.CharField(allow_blank=True)


class UnmatchedAgencyOutput(serializers.Serializer):
    text = serializers.CharField()
    rows = serializers.ListField(child=serializers.CharField())
    reason = serializers.CharField()


class ImportOutcomeOutput(serializers.Serializer):
    programme = serializers.IntegerField(allow_null=True)
    targets = serializers.IntegerField()
    tasks = serializers.IntegerField()
    indicators = serializers.IntegerField()
    rejected = ImportRejectionOutput(many=True)
    unmatched_agencies = UnmatchedAgencyOutput(many=True)
    warnings = serializers.ListField(child=serializers.CharField())
    tasks_by_appendix = serializers.DictField(child=serializers.IntegerField())
    targets_by_year = serializers.DictField(child=serializers.IntegerField())
    dry_run = serializers.BooleanField()
    saved = serializers.BooleanField()


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _progress_data(progress: ProgrammeProgress) -> dict[str, Any]:
    pillar_order = list(PillarCode.values)
    return {
        "programme": progress.programme.pk,
        "round": progress.round,
        "sentence": progress.sentence(),
        "overall": progress.overall.as_dict(),
        "by_pillar": [
            {"pillar": code, "label": PillarCode(code).label, **tally.as_dict()}
            for code, tally in sorted(progress.by_pillar.items(), key=lambda item: pillar_order.index(item[0]))
        ],
        "by_agency": [
            {"agency": {"id": pk, "name": progress.agency_names.get(pk, "")}, **tally.as_dict()}
            for pk, tally in sorted(
                progress.by_agency.items(), key=lambda item: fold(progress.agency_names.get(item[0], ""))
            )
        ],
        "budget_by_phase": [
            {"phase": phase, "amount_million_vnd": amount} for phase, amount in progress.budget_by_phase.items()
        ],
        "reports": {
            "expected": progress.expected_reports,
            "received": progress.received_reports,
            "on_time": progress.on_time_reports,
            "completeness_percent": _percent(progress.received_reports, progress.expected_reports),
            "timeliness_percent": _percent(progress.on_time_reports, progress.expected_reports),
        },
        "targets": progress.target_rows,
        "tasks": progress.task_rows,
    }


# --- input ------------------------------------------------------------------------------------


class RoundQueryInput(Input):
    round = serializers.IntegerField(
        required=False,
        label=gettext_lazy("kỳ báo cáo"),
        help_text=gettext_lazy("Mã kỳ báo cáo; mặc định là kỳ gần nhất."),
    )


class TaskFilterInput(RoundQueryInput):
    pillar = serializers.ChoiceField(
        choices=PillarCode.choices, required=False, allow_blank=True, label=gettext_lazy("trụ cột")
    )
    agency = serializers.IntegerField(
        required=False, label=gettext_lazy("đơn vị chủ trì"), help_text=gettext_lazy("Mã đơn vị chủ trì.")
    )
    status = serializers.ChoiceField(
        choices=TASK_OUTCOMES, required=False, allow_blank=True, label=gettext_lazy("tình trạng")
    )
    late = serializers.BooleanField(
        required=False,
        label=gettext_lazy("chậm tiến độ"),
        help_text=gettext_lazy("late=1: chỉ các nhiệm vụ chậm tiến độ."),
    )
    q = TextField(
        required=False,
        allow_blank=True,
        max_length=200,
        label=gettext_lazy("từ khóa"),
        help_text=gettext_lazy("Tìm theo mã và tên nhiệm vụ, có hoặc không dấu."),
    )


class RoundOpenInput(Input):
    period = TextField(
        max_length=10, label=gettext_lazy("kỳ báo cáo"), help_text=gettext_lazy("Ví dụ 2025-H1, 2025-H2, 2025.")
    )
    due_date = DateField(
        required=False,
        allow_null=True,
        label=gettext_lazy("hạn nộp báo cáo"),
        help_text=gettext_lazy("Mặc định theo kỳ (30/6 hoặc 15/12)."),
    )
    cutoff_date = DateField(
        required=False,
        allow_null=True,
        label=gettext_lazy("ngày chốt số liệu"),
        help_text=gettext_lazy("Mặc định theo kỳ (14/6 hoặc 14/12)."),
    )

    def validate_period(self, value: str) -> str:
        """``round_default_dates`` turns any number into a year; a year outside the calendar
        makes it raise ValueError (a 500), so the shape is checked here first."""
        period = clean(value).upper()
        match = _PERIOD.match(period)
        if match is None or not 2000 <= int(match.group(1)) <= 2100:
            raise serializers.ValidationError(
                _("Kỳ báo cáo “%(period)s” không hợp lệ (ví dụ 2025-H1, 2025-H2, 2025).") % {"period": period},
                code="invalid",
            )
        return period


class CommentInput(Input):
    text = TextField(max_length=5000, allow_blank=True, label=gettext_lazy("nội dung ý kiến"))


class _LinksField(serializers.ListField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            child=TextField(max_length=2000, allow_blank=True),
            max_length=50,
            label=gettext_lazy("liên kết minh chứng"),
            **kwargs,
        )


class TaskReportInput(Input):
    status = serializers.ChoiceField(choices=TaskStatus.choices, label=gettext_lazy("tình trạng"))
    percent_done = serializers.IntegerField(
        label=gettext_lazy("phần trăm hoàn thành"), help_text=gettext_lazy("Từ 0 đến 100; hoàn thành phải là 100.")
    )
    narrative = TextField(allow_blank=True, max_length=20000, label=gettext_lazy("thuyết minh"))
    links = _LinksField()


class TargetReportInput(Input):
    value = NumberField(
        label=gettext_lazy("giá trị"),
        help_text=gettext_lazy("Giá trị đạt được, không âm; chấp nhận dấu phẩy thập phân (“58,5”)."),
    )
    level_values = serializers.DictField(
        child=NumberField(),
        label=gettext_lazy("giá trị theo cấp"),
        help_text=gettext_lazy('Khi chỉ tiêu tách theo cấp: {"province": 92, "commune": 61}.'),
    )
    as_of = DateField(allow_null=True, label=gettext_lazy("ngày số liệu"))
    source = TextField(allow_blank=True, max_length=500, label=gettext_lazy("nguồn số liệu"))  # type: ignore[assignment]  # a declared field, not Field.source: the metaclass takes it off the class
    narrative = TextField(allow_blank=True, max_length=20000, label=gettext_lazy("thuyết minh"))
    links = _LinksField()


class ReturnInput(Input):
    comment = TextField(allow_blank=True, max_length=5000, label=gettext_lazy("lý do trả lại"))


class EvidenceInput(Input):
    file = serializers.FileField(
        label=gettext_lazy("tệp minh chứng"), help_text=gettext_lazy("PDF, Word, Excel, PNG hoặc JPEG, tối đa 20 MB.")
    )


class AgencyMappingInput(Input):
    text = TextField(max_length=500, label=gettext_lazy("tên như văn bản"))
    agency = serializers.IntegerField(
        allow_null=True,
        label=gettext_lazy("cơ quan"),
        help_text=gettext_lazy("Mã cơ quan; null nếu cụm từ này không phải là một cơ quan."),
    )


class ImportInput(Input):
    file = serializers.FileField(
        label=gettext_lazy("tệp đề án"),
        help_text=gettext_lazy("Tệp .docx, .xlsx (theo mẫu) hoặc .txt (văn bản dán), tối đa 20 MB."),
    )
    programme = serializers.IntegerField(
        required=False,
        allow_null=True,
        label=gettext_lazy("đề án"),
        help_text=gettext_lazy("Nhập vào đề án đã có; bỏ trống để tạo đề án mới theo văn bản."),
    )
    dry_run = serializers.BooleanField(
        required=False,
        default=False,
        label=gettext_lazy("xem trước"),
        help_text=gettext_lazy("Chỉ xem trước, không lưu."),
    )


# --- programmes -------------------------------------------------------------------------------


class ProgrammeListApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Các đề án, kế hoạch chuyển đổi số người dùng được xem"),
        responses={200: ProgrammeOutput(many=True)},
    )
    def get(self, request: Request) -> Response:
        programmes = programmes_visible(_actor(request)).select_related("owner", "province")
        return Response(ProgrammeOutput(programmes, many=True).data)


class ProgrammeDetailApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Một đề án và các trụ cột"),
        parameters=[PROGRAMME_ID],
        responses=error_responses(ProgrammeDetailOutput, *READ_ERRORS),
    )
    def get(self, request: Request, programme_id: str) -> Response:
        programme, scope = access_visible_programme(_actor(request), programme_id)
        return Response(ProgrammeDetailOutput(programme, context={"scope": scope}).data)


class ProgrammeProgressApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Tiến độ đề án theo kỳ báo cáo (chỉ tính báo cáo đã duyệt)"),
        parameters=[PROGRAMME_ID, RoundQueryInput],
        responses=error_responses(ProgressOutput, 400, 404),
    )
    def get(self, request: Request, programme_id: str) -> Response:
        programme, scope = access_visible_programme(_actor(request), programme_id)
        query = parse_input(RoundQueryInput, request.query_params)
        progress = programme_progress(programme=programme, round_=_round_of(programme, query.get("round")), scope=scope)
        return Response(ProgressOutput(_progress_data(progress)).data)


class ProgrammeTrendApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Diễn biến tiến độ đề án qua các kỳ báo cáo"),
        parameters=[PROGRAMME_ID],
        responses=error_responses(TrendPointOutput(many=True), *READ_ERRORS),
    )
    def get(self, request: Request, programme_id: str) -> Response:
        programme, scope = access_visible_programme(_actor(request), programme_id)
        return Response(TrendPointOutput(programme_trend(programme=programme, scope=scope), many=True).data)


class ProgrammeTaskListApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Nhiệm vụ của đề án (lọc theo trụ cột, đơn vị, tình trạng)"),
        parameters=[PROGRAMME_ID, TaskFilterInput],
        responses=error_responses(TaskRowOutput(many=True), 400, 404),
    )
    def get(self, request: Request, programme_id: str) -> Response:
        programme, scope = access_visible_programme(_actor(request), programme_id)
        query = parse_input(TaskFilterInput, request.query_params)
        rows = task_list(
            scope=scope,
            programme=programme,
            pillar=query.get("pillar") or None,
            agency_id=query.get("agency"),
            status=query.get("status") or None,
            late=query.get("late", False),
            query=query.get("q", ""),
            round_=_round_of(programme, query.get("round")),
        )
        return Response(TaskRowOutput(rows, many=True).data)


class ProgrammeTargetListApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Chỉ tiêu của đề án và kết quả theo kỳ báo cáo"),
        parameters=[PROGRAMME_ID, RoundQueryInput],
        responses=error_responses(TargetRowOutput(many=True), 400, 404),
    )
    def get(self, request: Request, programme_id: str) -> Response:
        programme, scope = access_visible_programme(_actor(request), programme_id)
        query = parse_input(RoundQueryInput, request.query_params)
        progress = programme_progress(programme=programme, round_=_round_of(programme, query.get("round")), scope=scope)
        return Response(TargetRowOutput(progress.target_rows, many=True).data)


class ProgrammeInboxApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Việc cần báo cáo của các đơn vị của người dùng"),
        parameters=[PROGRAMME_ID],
        responses=error_responses(InboxOutput, *READ_ERRORS),
    )
    def get(self, request: Request, programme_id: str) -> Response:
        programme, scope = access_visible_programme(_actor(request), programme_id)
        inbox = agency_inbox(scope=scope, programme=programme)
        return Response(
            InboxOutput(
                {
                    "round": inbox["round"],
                    "today": inbox["today"],
                    "tasks": inbox["tasks"],
                    "targets": inbox["targets"],
                    "pending_task_reports": _task_reports().filter(
                        pk__in=[r.pk for r in inbox["pending_task_reports"]]
                    ),
                    "pending_target_reports": _target_reports().filter(
                        pk__in=[r.pk for r in inbox["pending_target_reports"]]
                    ),
                }
            ).data
        )


class ProgrammeRoundsApi(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Các kỳ báo cáo của đề án"),
        parameters=[PROGRAMME_ID],
        responses=error_responses(ReportingRoundOutput(many=True), *READ_ERRORS),
    )
    def get(self, request: Request, programme_id: str) -> Response:
        programme, _scope = access_visible_programme(_actor(request), programme_id)
        rounds = ReportingRound.objects.filter(programme=programme).order_by("period_end")
        return Response(ReportingRoundOutput(rounds, many=True).data)

    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Mở kỳ báo cáo (cơ quan chuyên trách)"),
        parameters=[PROGRAMME_ID],
        request=RoundOpenInput,
        responses=error_responses(ReportingRoundOutput, *WRITE_ERRORS, 415, status=201),
    )
    def post(self, request: Request, programme_id: str) -> Response:
        actor = _actor(request)
        programme, scope = access_visible_programme(actor, programme_id)
        data = parse_input(RoundOpenInput, request_data(request))
        round_ = round_open(
            actor=actor,
            scope=scope,
            programme=programme,
            period=data["period"],
            due_date=data.get("due_date"),
            cutoff_date=data.get("cutoff_date"),
        )
        return Response(ReportingRoundOutput(round_).data, status=201)


class ProgrammeAgencyMappingApi(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Ghi nhớ tên cơ quan như văn bản ứng với cơ quan nào"),
        parameters=[PROGRAMME_ID],
        request=AgencyMappingInput,
        responses=error_responses(AgencyMappingOutput, *WRITE_ERRORS, 415),
    )
    def post(self, request: Request, programme_id: str) -> Response:
        actor = _actor(request)
        programme, scope = access_visible_programme(actor, programme_id)
        data = parse_input(AgencyMappingInput, request_data(request))
        agency = None if data["agency"] is None else _mapping_agency(programme, data["agency"])
        mapping = agency_mapping_set(actor=actor, scope=scope, programme=programme, text=data["text"], agency=agency)
        return Response(AgencyMappingOutput(mapping).data)


def _mapping_agency(programme: Programme, agency_id: int) -> Agency:
    """An agency active today in the province carrying the programme (its owner's), as the
    import page offers them."""
    province = programme.owner.unit.province
    in_province = Q(unit=province) | Q(unit__parent=province) | Q(unit__parent__parent=province)
    agency = Agency.objects.active().filter(in_province, pk=agency_id).first()
    if agency is None:
        raise DomainError(_("Không tìm thấy cơ quan, đơn vị."), field="agency", code="not_found")
    return agency


class ProgrammeImportApi(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Nhập hoặc xem trước đề án từ tệp (cơ quan chuyên trách)"),
        description=gettext_lazy(
            "200: xem trước hoặc đã lưu. 400: có dòng bị từ chối, không lưu gì; nội dung vẫn là kết quả đầy đủ, "
            "liệt kê mọi dòng bị từ chối (hoặc lỗi chung dạng detail/code/field)."
        ),
        request={"multipart/form-data": ImportInput},
        responses={
            200: ImportOutcomeOutput,
            400: PolymorphicProxySerializer(
                component_name="ImportRefusal",
                serializers=[ImportOutcomeOutput, ErrorOutput],
                resource_type_field_name=None,
            ),
            403: ErrorOutput,
            404: ErrorOutput,
            415: ErrorOutput,
        },
    )
    def post(self, request: Request) -> Response:
        actor = _actor(request)
        if not rules.may_import_programme(actor):  # before the input: a refusal tells nothing about it
            raise NotAllowed(_("Bạn không có quyền thực hiện thao tác này."), code="forbidden")
        data = parse_input(ImportInput, request_data(request))
        upload = data["file"]
        if upload.size is None or upload.size > IMPORT_MAX_BYTES:
            raise DomainError(_("Tệp đề án vượt quá 20 MB."), field="file")
        filename, content = upload.name or "", upload.read()
        programme = None
        if data.get("programme") is not None:
            programme, _scope = access_visible_programme(actor, data["programme"])
        outcome = programme_import(
            actor=actor, filename=filename, data=content, programme=programme, dry_run=data["dry_run"]
        )
        return Response(ImportOutcomeOutput(outcome.as_json()).data, status=400 if outcome.rejected else 200)


# --- tasks and targets ------------------------------------------------------------------------


class TaskDetailApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Một nhiệm vụ: kinh phí, đơn vị phối hợp, báo cáo qua các kỳ, ý kiến"),
        parameters=[TASK_ID],
        responses=error_responses(TaskDetailOutput, *READ_ERRORS),
    )
    def get(self, request: Request, task_id: str) -> Response:
        task, scope = access_task(_actor(request), task_id)
        return Response(TaskDetailOutput(_task_detail(task.pk, scope)).data)


class TaskCommentApi(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Góp ý về một nhiệm vụ (đơn vị chủ trì, phối hợp)"),
        parameters=[TASK_ID],
        request=CommentInput,
        responses=error_responses(CommentOutput, *WRITE_ERRORS, 415, status=201),
    )
    def post(self, request: Request, task_id: str) -> Response:
        actor = _actor(request)
        task, scope = access_task(actor, task_id)
        data = parse_input(CommentInput, request_data(request))
        comment = comment_add(actor=actor, scope=scope, task=task, text=data["text"])
        return Response(CommentOutput(_comments().get(pk=comment.pk)).data, status=201)


class TargetDetailApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Một chỉ tiêu: các mốc, báo cáo qua các kỳ, ý kiến"),
        parameters=[TARGET_ID],
        responses=error_responses(TargetDetailOutput, *READ_ERRORS),
    )
    def get(self, request: Request, target_id: str) -> Response:
        target, scope = access_target(_actor(request), target_id)
        return Response(TargetDetailOutput(_target_detail(target.pk, scope)).data)


class TargetCommentApi(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Góp ý về một chỉ tiêu (cơ quan theo dõi, phối hợp)"),
        parameters=[TARGET_ID],
        request=CommentInput,
        responses=error_responses(CommentOutput, *WRITE_ERRORS, 415, status=201),
    )
    def post(self, request: Request, target_id: str) -> Response:
        actor = _actor(request)
        target, scope = access_target(actor, target_id)
        data = parse_input(CommentInput, request_data(request))
        comment = comment_add(actor=actor, scope=scope, target=target, text=data["text"])
        return Response(CommentOutput(_comments().get(pk=comment.pk)).data, status=201)


# --- rounds -----------------------------------------------------------------------------------


class RoundReportsApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy(
            "Báo cáo của một kỳ (cơ quan chuyên trách: tất cả; lãnh đạo: các báo cáo đã gửi; đơn vị: báo cáo của mình)"
        ),
        parameters=[ROUND_ID],
        responses=error_responses(RoundReportsOutput, *READ_ERRORS),
    )
    def get(self, request: Request, round_id: str) -> Response:
        round_, scope = access_round(_actor(request), round_id)
        mine = Q() if scope.read_all else Q(agency__in=scope.read_agencies)
        task_reports = _task_reports().filter(mine, _readable(scope), round=round_)
        target_reports = _target_reports().filter(mine, _readable(scope), round=round_)
        return Response(
            RoundReportsOutput({"round": round_, "task_reports": task_reports, "target_reports": target_reports}).data
        )


class RoundCloseApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Đóng kỳ báo cáo (cơ quan chuyên trách)"),
        parameters=[ROUND_ID],
        request=None,
        responses=error_responses(ReportingRoundOutput, *WRITE_ERRORS),
    )
    def post(self, request: Request, round_id: str) -> Response:
        actor = _actor(request)
        round_, scope = access_round(actor, round_id)
        return Response(ReportingRoundOutput(round_close(actor=actor, scope=scope, round_=round_)).data)


# --- reports ----------------------------------------------------------------------------------


class _ReportApi(APIView):
    """Shared by the task-report and target-report endpoints, which differ only in the model."""

    model: ClassVar[type[TaskReport] | type[TargetReport]]
    output: ClassVar[type[serializers.ModelSerializer]]

    def report_for(self, request: Request, report_id: str) -> tuple[Any, ProgrammeScope]:
        return access_report(_actor(request), report_id, self.model)

    def render(self, report: TaskReport | TargetReport, status: int = 200) -> Response:
        reports = _task_reports() if self.model is TaskReport else _target_reports()
        return Response(self.output(reports.get(pk=report.pk)).data, status=status)


_DRAFTS_NOTE = gettext_lazy("Dự thảo chỉ đơn vị báo cáo và cơ quan chuyên trách xem được.")


class TaskReportApi(_ReportApi):
    model, output = TaskReport, TaskReportOutput
    parser_classes = [JSONParser]

    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Một báo cáo nhiệm vụ"),
        description=_DRAFTS_NOTE,
        parameters=[REPORT_ID],
        responses=error_responses(TaskReportOutput, *READ_ERRORS),
    )
    def get(self, request: Request, report_id: str) -> Response:
        return self.render(_read_report(_actor(request), report_id, TaskReport))

    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Lưu dự thảo báo cáo nhiệm vụ (đơn vị chủ trì)"),
        description=gettext_lazy("Trường không gửi giữ nguyên giá trị hiện có."),
        parameters=[REPORT_ID],
        request=TaskReportInput,
        responses=error_responses(TaskReportOutput, *WRITE_ERRORS, 415),
    )
    def patch(self, request: Request, report_id: str) -> Response:
        report, scope = self.report_for(request, report_id)
        data = parse_input(TaskReportInput, request_data(request), partial=True)
        saved = task_report_save(
            actor=_actor(request),
            scope=scope,
            report=report,
            status=data.get("status", report.status),
            percent_done=data.get("percent_done", report.percent_done),
            narrative=data.get("narrative", report.narrative),
            links=data.get("links", report.links),
        )
        return self.render(saved)


class TargetReportApi(_ReportApi):
    model, output = TargetReport, TargetReportOutput
    parser_classes = [JSONParser]

    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Một báo cáo chỉ tiêu"),
        description=_DRAFTS_NOTE,
        parameters=[REPORT_ID],
        responses=error_responses(TargetReportOutput, *READ_ERRORS),
    )
    def get(self, request: Request, report_id: str) -> Response:
        return self.render(_read_report(_actor(request), report_id, TargetReport))

    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Lưu dự thảo báo cáo chỉ tiêu (cơ quan theo dõi)"),
        description=gettext_lazy("Trường không gửi giữ nguyên giá trị hiện có."),
        parameters=[REPORT_ID],
        request=TargetReportInput,
        responses=error_responses(TargetReportOutput, *WRITE_ERRORS, 415),
    )
    def patch(self, request: Request, report_id: str) -> Response:
        report, scope = self.report_for(request, report_id)
        data = parse_input(TargetReportInput, request_data(request), partial=True)
        as_of: dt.date | None = data.get("as_of", report.as_of)
        saved = target_report_save(
            actor=_actor(request),
            scope=scope,
            report=report,
            value=data.get("value", report.value),
            as_of=as_of,
            source=data.get("source", report.source),
            narrative=data.get("narrative", report.narrative),
            level_values=data.get("level_values", report.level_values),
            links=data.get("links", report.links),
        )
        return self.render(saved)


class _ReportSubmitApi(_ReportApi):
    def post(self, request: Request, report_id: str) -> Response:
        report, scope = self.report_for(request, report_id)
        return self.render(report_submit(actor=_actor(request), scope=scope, report=report))


class _ReportReturnApi(_ReportApi):
    parser_classes = [JSONParser]

    def post(self, request: Request, report_id: str) -> Response:
        report, scope = self.report_for(request, report_id)
        data = parse_input(ReturnInput, request_data(request))
        return self.render(report_return(actor=_actor(request), scope=scope, report=report, comment=data["comment"]))


class _ReportApproveApi(_ReportApi):
    def post(self, request: Request, report_id: str) -> Response:
        report, scope = self.report_for(request, report_id)
        return self.render(report_approve(actor=_actor(request), scope=scope, report=report))


class _ReportEvidenceApi(_ReportApi):
    parser_classes = [MultiPartParser]

    def post(self, request: Request, report_id: str) -> Response:
        report, scope = self.report_for(request, report_id)
        data = parse_input(EvidenceInput, request_data(request))
        evidence = evidence_add(actor=_actor(request), scope=scope, report=report, upload=data["file"])
        return Response(EvidenceOutput(evidence).data, status=201)


def _report_action(
    summary: Any, output: type[serializers.Serializer], *, request: Any = None, responses: dict[int, Any] | None = None
) -> Any:
    return extend_schema_view(
        post=extend_schema(
            tags=[TAG],
            summary=summary,
            parameters=[REPORT_ID],
            request=request,
            responses=responses or error_responses(output, *WRITE_ERRORS),
        )
    )


@_report_action(gettext_lazy("Gửi báo cáo nhiệm vụ (đơn vị chủ trì)"), TaskReportOutput)
class TaskReportSubmitApi(_ReportSubmitApi):
    model, output = TaskReport, TaskReportOutput


@_report_action(gettext_lazy("Gửi báo cáo chỉ tiêu (cơ quan theo dõi)"), TargetReportOutput)
class TargetReportSubmitApi(_ReportSubmitApi):
    model, output = TargetReport, TargetReportOutput


@_report_action(
    gettext_lazy("Trả lại báo cáo nhiệm vụ để bổ sung (cơ quan chuyên trách)"),
    TaskReportOutput,
    request=ReturnInput,
    responses=error_responses(TaskReportOutput, *WRITE_ERRORS, 415),
)
class TaskReportReturnApi(_ReportReturnApi):
    model, output = TaskReport, TaskReportOutput


@_report_action(
    gettext_lazy("Trả lại báo cáo chỉ tiêu để bổ sung (cơ quan chuyên trách)"),
    TargetReportOutput,
    request=ReturnInput,
    responses=error_responses(TargetReportOutput, *WRITE_ERRORS, 415),
)
class TargetReportReturnApi(_ReportReturnApi):
    model, output = TargetReport, TargetReportOutput


@_report_action(gettext_lazy("Duyệt báo cáo nhiệm vụ (cơ quan chuyên trách)"), TaskReportOutput)
class TaskReportApproveApi(_ReportApproveApi):
    model, output = TaskReport, TaskReportOutput


@_report_action(gettext_lazy("Duyệt báo cáo chỉ tiêu (cơ quan chuyên trách)"), TargetReportOutput)
class TargetReportApproveApi(_ReportApproveApi):
    model, output = TargetReport, TargetReportOutput


_EVIDENCE_SCHEMA: dict[str, Any] = {
    "request": {"multipart/form-data": EvidenceInput},
    "responses": error_responses(EvidenceOutput, *WRITE_ERRORS, 415, status=201),
}


@_report_action(gettext_lazy("Thêm minh chứng cho báo cáo nhiệm vụ"), EvidenceOutput, **_EVIDENCE_SCHEMA)
class TaskReportEvidenceApi(_ReportEvidenceApi):
    model, output = TaskReport, TaskReportOutput


@_report_action(gettext_lazy("Thêm minh chứng cho báo cáo chỉ tiêu"), EvidenceOutput, **_EVIDENCE_SCHEMA)
class TargetReportEvidenceApi(_ReportEvidenceApi):
    model, output = TargetReport, TargetReportOutput
