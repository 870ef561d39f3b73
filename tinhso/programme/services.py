"""Writes of the programme tracker: programmes, reporting rounds, agencies' reports, evidence,
comments, name mappings. Each is one atomic function that checks, saves and records its
event in the ledger; follow-up work (e-mails) is queued after commit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core.errors import Conflict, DomainError, NotAllowed
from tinhso.core.text import clean, fold
from tinhso.core.uploads import clean_filename, inspect_upload
from tinhso.ledger.services import ledger_append
from tinhso.org.models import AdministrativeUnit, Agency, Person

from . import rules
from .access import ProgrammeScope, require_manage, require_reporter
from .models import (
    AgencyNameMapping,
    Comment,
    Evidence,
    Programme,
    ReportingRound,
    ReportState,
    RoundStatus,
    Target,
    TargetReport,
    Task,
    TaskReport,
    TaskStatus,
)
from .notices import report_approved_notify

EVIDENCE_MAX_BYTES = 20 * 1024 * 1024
MAX_VALUE = Decimal(10) ** 14  # the value columns hold 14 digits before the decimal point


# --- programmes -----------------------------------------------------------------------------


@transaction.atomic
def programme_create(
    *,
    actor: Person | None,
    title: str,
    owner: Agency,
    province: AdministrativeUnit,
    period_start: int,
    period_end: int,
    decision_number: str = "",
    decision_date: dt.date | None = None,
    issuer: str = "",
) -> Programme:
    title = clean(title)
    if not title:
        raise DomainError(_("Tên đề án không được để trống."), field="title")
    if not 2000 <= period_start <= period_end <= 2100:
        raise DomainError(
            _("Giai đoạn của đề án không hợp lệ (từ năm phải trước hoặc bằng đến năm)."), field="period_end"
        )
    programme = Programme.objects.create(
        title=title,
        owner=owner,
        province=province,
        period_start=period_start,
        period_end=period_end,
        decision_number=clean(decision_number),
        decision_date=decision_date,
        issuer=clean(issuer),
    )
    ledger_append(
        actor=actor,
        action="programme.create",
        obj=programme,
        payload={
            "title": title,
            "decision_number": programme.decision_number,
            "decision_date": decision_date,
            "owner": owner.pk,
        },
    )
    return programme


@transaction.atomic
def agency_mapping_set(
    *,
    actor: Person,
    scope: ProgrammeScope,
    programme: Programme,
    text: str,
    agency: Agency | None,
) -> AgencyNameMapping:
    """Remember that ``text`` (as documents write it) means ``agency`` in this programme's
    province (None: "not an agency"), and re-point the programme's rows that carry it."""
    require_manage(scope)
    if not clean(text):
        raise DomainError(_("Tên cơ quan như văn bản không được để trống."), field="text")
    if agency is not None:
        from .matching import programme_provinces

        provinces = {unit.pk for unit in programme_provinces(programme.province)}
        if agency.unit.province.pk not in provinces:
            raise DomainError(_("Cơ quan được chọn không thuộc tỉnh của đề án."), field="agency")
    mapping, _created = AgencyNameMapping.objects.update_or_create(
        province=programme.province,
        text_folded=fold(text),
        defaults={"text": clean(text), "agency": agency, "created_by": actor},
    )
    updated = 0
    if agency is not None:
        updated += Task.objects.filter(
            programme=programme, lead_agency__isnull=True, lead_agency_text__iexact=mapping.text
        ).update(lead_agency=agency)
        updated += Target.objects.filter(
            programme=programme, tracking_agency__isnull=True, tracking_agency_text__iexact=mapping.text
        ).update(tracking_agency=agency)
        for task in Task.objects.filter(programme=programme):
            if any(fold(item) == mapping.text_folded for item in task.partner_agencies_text):
                task.partner_agencies.add(agency)
    ledger_append(
        actor=actor,
        action="programme.agency_mapping.set",
        obj=mapping,
        payload={"text": mapping.text, "agency": agency.pk if agency else None, "rows_updated": updated},
    )
    return mapping


# --- reporting rounds -----------------------------------------------------------------------


@dataclass(frozen=True)
class RoundDates:
    period_start: dt.date
    period_end: dt.date
    cutoff_date: dt.date
    due_date: dt.date


def round_default_dates(period: str) -> RoundDates:
    """Dates of a semi-annual or annual round as provinces apply Decree 09/2019: data from
    15/12 of the year before to 14/6 (H1) or 14/12 (H2, annual); reports due by 30/6 and 15/12
    (the seed schemes' deadlines; editable when the round is opened)."""
    year_text, _sep, half = period.partition("-")
    if not (year_text.isdigit() and len(year_text) == 4 and 2000 <= int(year_text) <= 2100):
        raise DomainError(
            _("Kỳ báo cáo “%(period)s” không hợp lệ (ví dụ 2025-H1, 2025-H2, 2025).") % {"period": period},
            field="period",
        )
    year = int(year_text)
    start = dt.date(year - 1, 12, 15)
    if half == "H1":
        return RoundDates(start, dt.date(year, 6, 14), dt.date(year, 6, 14), dt.date(year, 6, 30))
    if half in ("H2", ""):
        period_start = dt.date(year, 6, 15) if half == "H2" else start
        return RoundDates(period_start, dt.date(year, 12, 14), dt.date(year, 12, 14), dt.date(year, 12, 15))
    raise DomainError(
        _("Kỳ báo cáo “%(period)s” không hợp lệ (ví dụ 2025-H1, 2025-H2, 2025).") % {"period": period}, field="period"
    )


@transaction.atomic
def round_open(
    *,
    actor: Person,
    scope: ProgrammeScope,
    programme: Programme,
    period: str,
    due_date: dt.date | None = None,
    cutoff_date: dt.date | None = None,
) -> ReportingRound:
    """Open a round: one draft report is expected from each lead agency per task and from
    each tracking agency per target."""
    require_manage(scope)
    period = clean(period).upper()
    dates = round_default_dates(period)
    if ReportingRound.objects.filter(programme=programme, period=period).exists():
        raise Conflict(_("Kỳ báo cáo %(period)s đã được mở.") % {"period": period}, field="period", code="duplicate")
    due = due_date or dates.due_date
    cutoff = cutoff_date or dates.cutoff_date
    if due < cutoff:
        raise DomainError(_("Hạn nộp báo cáo không được trước ngày chốt số liệu."), field="due_date")
    round_ = ReportingRound.objects.create(
        programme=programme,
        period=period,
        period_start=dates.period_start,
        period_end=dates.period_end,
        cutoff_date=cutoff,
        due_date=due,
        opened_by=actor,
    )
    tasks = Task.objects.filter(programme=programme, lead_agency__isnull=False)
    TaskReport.objects.bulk_create(
        TaskReport(round=round_, task=task, agency_id=task.lead_agency_id)  # type: ignore[misc]  # not null: filtered
        for task in tasks
    )
    targets = Target.objects.filter(programme=programme, tracking_agency__isnull=False)
    TargetReport.objects.bulk_create(
        TargetReport(round=round_, target=target, agency_id=target.tracking_agency_id)  # type: ignore[misc]  # not null: filtered
        for target in targets
    )
    ledger_append(
        actor=actor,
        action="programme.round.open",
        obj=round_,
        payload={
            "period": period,
            "due_date": due,
            "cutoff_date": cutoff,
            "task_reports": tasks.count(),
            "target_reports": targets.count(),
        },
    )
    return round_


@transaction.atomic
def round_close(*, actor: Person, scope: ProgrammeScope, round_: ReportingRound) -> ReportingRound:
    require_manage(scope)
    round_ = ReportingRound.objects.select_for_update().get(pk=round_.pk)
    if round_.status == RoundStatus.CLOSED:
        raise Conflict(_("Kỳ báo cáo đã đóng."), code="round_closed")
    round_.status = RoundStatus.CLOSED
    round_.closed_at = timezone.now()
    round_.save(update_fields=["status", "closed_at"])
    ledger_append(actor=actor, action="programme.round.close", obj=round_, payload={"period": round_.period})
    return round_


# --- reports --------------------------------------------------------------------------------

AnyReport = TaskReport | TargetReport


def _locked(report: AnyReport) -> AnyReport:
    report = type(report).objects.select_for_update().select_related("round", "agency").get(pk=report.pk)
    if report.round.status != RoundStatus.OPEN:
        raise Conflict(
            _("Kỳ báo cáo %(period)s đã đóng: không thể thay đổi báo cáo.") % {"period": report.round.period},
            code="round_closed",
        )
    return report


def _kind(report: AnyReport) -> str:
    return "task" if isinstance(report, TaskReport) else "target"


def _decimal(value: Any, field: str) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        raise DomainError(_("Giá trị “%(value)s” không phải là số.") % {"value": value}, field=field) from None
    if not number.is_finite():
        raise DomainError(_("Giá trị “%(value)s” không phải là số.") % {"value": value}, field=field)
    if number >= MAX_VALUE:
        raise DomainError(_("Giá trị “%(value)s” quá lớn.") % {"value": value}, field=field)
    if number < 0:
        raise DomainError(_("Giá trị không được âm."), field=field)
    return number


@transaction.atomic
def task_report_save(
    *,
    actor: Person,
    scope: ProgrammeScope,
    report: TaskReport,
    status: str,
    percent_done: int,
    narrative: str = "",
    links: list[str] | None = None,
) -> TaskReport:
    report = _locked(report)  # type: ignore[assignment]
    require_reporter(scope, report.agency)
    if report.state not in (ReportState.DRAFT, ReportState.RETURNED):
        raise Conflict(_("Báo cáo đã gửi, không sửa được nữa (trừ khi được trả lại)."), code="wrong_state")
    if status not in TaskStatus.values:
        raise DomainError(_("Tình trạng “%(status)s” không hợp lệ.") % {"status": status}, field="status")
    if not isinstance(percent_done, int) or not 0 <= percent_done <= 100:
        raise DomainError(_("Phần trăm hoàn thành phải từ 0 đến 100."), field="percent_done")
    if status == TaskStatus.DONE and percent_done != 100:
        raise DomainError(_("Nhiệm vụ hoàn thành phải đạt 100%."), field="percent_done")
    report.status, report.percent_done = status, percent_done
    report.narrative = clean(narrative)
    report.links = _links(links)
    report.save()
    ledger_append(
        actor=actor,
        action="programme.task_report.save",
        obj=report,
        payload={"status": status, "percent_done": percent_done, "links": report.links},
    )
    return report


@transaction.atomic
def target_report_save(
    *,
    actor: Person,
    scope: ProgrammeScope,
    report: TargetReport,
    value: Any,
    as_of: dt.date | None,
    source: str = "",
    narrative: str = "",
    level_values: dict[str, Any] | None = None,
    links: list[str] | None = None,
) -> TargetReport:
    report = _locked(report)  # type: ignore[assignment]
    require_reporter(scope, report.agency)
    if report.state not in (ReportState.DRAFT, ReportState.RETURNED):
        raise Conflict(_("Báo cáo đã gửi, không sửa được nữa (trừ khi được trả lại)."), code="wrong_state")
    report.value = _decimal(value, "value")
    levels: dict[str, str] = {}
    for level, level_value in (level_values or {}).items():
        if level not in ("province", "district", "commune"):
            raise DomainError(_("Cấp “%(level)s” không hợp lệ.") % {"level": level}, field="level_values")
        number = _decimal(level_value, "level_values")
        if number is not None:
            levels[level] = str(number)
    report.level_values = levels
    if as_of and as_of > report.round.due_date:
        raise DomainError(_("Ngày số liệu không được sau hạn nộp của kỳ báo cáo."), field="as_of")
    report.as_of = as_of
    report.source = clean(source)
    report.narrative = clean(narrative)
    report.links = _links(links)
    report.save()
    ledger_append(
        actor=actor,
        action="programme.target_report.save",
        obj=report,
        payload={"value": report.value, "level_values": levels, "as_of": as_of, "source": report.source},
    )
    return report


def _links(links: list[str] | None) -> list[str]:
    cleaned = [clean(link) for link in links or [] if clean(link)]
    for link in cleaned:
        if not link.startswith(("https://", "http://")):
            raise DomainError(
                _("Liên kết “%(link)s” phải bắt đầu bằng http:// hoặc https://.") % {"link": link}, field="links"
            )
    return cleaned


@transaction.atomic
def report_submit(*, actor: Person, scope: ProgrammeScope, report: AnyReport) -> AnyReport:
    report = _locked(report)
    require_reporter(scope, report.agency)
    if report.state not in (ReportState.DRAFT, ReportState.RETURNED):
        raise Conflict(_("Chỉ gửi được báo cáo ở trạng thái dự thảo hoặc được trả lại."), code="wrong_state")
    if isinstance(report, TargetReport) and report.value is None and not report.level_values:
        raise DomainError(_("Vui lòng nhập giá trị đạt được trước khi gửi."), field="value")
    now = timezone.now()
    report.state = ReportState.SUBMITTED
    report.submitted_at, report.submitted_by = now, actor
    report.late = timezone.localdate(now) > report.round.due_date
    report.save()
    ledger_append(
        actor=actor, action=f"programme.{_kind(report)}_report.submit", obj=report, payload={"late": report.late}
    )
    return report


@transaction.atomic
def report_return(*, actor: Person, scope: ProgrammeScope, report: AnyReport, comment: str) -> AnyReport:
    require_manage(scope)
    report = _locked(report)
    comment = clean(comment)
    if not comment:
        raise DomainError(_("Vui lòng ghi rõ lý do trả lại báo cáo."), field="comment")
    if report.state != ReportState.SUBMITTED:
        raise Conflict(_("Chỉ trả lại được báo cáo đã gửi."), code="wrong_state")
    report.state = ReportState.RETURNED
    report.review_comment, report.reviewed_at, report.reviewed_by = comment, timezone.now(), actor
    report.save()
    ledger_append(
        actor=actor, action=f"programme.{_kind(report)}_report.return", obj=report, payload={"comment": comment}
    )
    report_pk, kind = report.pk, _kind(report)
    transaction.on_commit(lambda: _enqueue_returned_notice(kind, report_pk))
    return report


def _enqueue_returned_notice(kind: str, report_pk: int) -> None:
    from .tasks import report_returned_notify

    report_returned_notify.enqueue(kind, report_pk)


@transaction.atomic
def report_approve(*, actor: Person, scope: ProgrammeScope, report: AnyReport) -> AnyReport:
    require_manage(scope)
    report = _locked(report)
    if report.state != ReportState.SUBMITTED:
        raise Conflict(_("Chỉ duyệt được báo cáo đã gửi."), code="wrong_state")
    report.state = ReportState.APPROVED
    report.reviewed_at, report.reviewed_by = timezone.now(), actor
    report.save()
    under = scope.manage_delegation  # approved under a delegation: on whose behalf, by id
    ledger_append(
        actor=actor,
        action=f"programme.{_kind(report)}_report.approve",
        obj=report,
        payload=(
            {"on_behalf_of": under.delegator_id, "delegation": under.pk, "delegation_kind": under.kind} if under else {}
        ),
    )
    report_approved_notify(report)
    return report


@transaction.atomic
def evidence_add(*, actor: Person, scope: ProgrammeScope, report: AnyReport, upload: UploadedFile) -> Evidence:
    report = _locked(report)
    require_reporter(scope, report.agency)
    if report.state not in (ReportState.DRAFT, ReportState.RETURNED):
        raise Conflict(_("Báo cáo đã gửi, không thêm minh chứng được."), code="wrong_state")
    # The same check as every upload (type from the content, no macros, scripts or embedded
    # programs); the evidence API keeps its own wording for a wrong type and the size limit.
    try:
        inspected = inspect_upload(upload, max_bytes=EVIDENCE_MAX_BYTES)
    except DomainError as error:
        if error.code == "bad_type":
            raise DomainError(_("Chỉ nhận minh chứng dạng PDF, Word, Excel, PNG hoặc JPEG."), field="file") from None
        if error.code == "too_large":
            raise DomainError(_("Tệp minh chứng vượt quá 20 MB."), field="file") from None
        raise
    evidence = Evidence(
        round=report.round,
        original_name=clean_filename(clean(upload.name or ""), inspected.extension),
        content_type=inspected.content_type,
        sha256=inspected.sha256,
        uploaded_by=actor,
        **{f"{_kind(report)}_report": report},
    )
    # The stored name carries nothing the user typed: the digest and the detected type's extension.
    evidence.file.save(f"{inspected.sha256[:16]}.{inspected.extension}", upload, save=False)
    evidence.save()
    ledger_append(
        actor=actor,
        action="programme.evidence.add",
        obj=evidence,
        payload={"report": f"{_kind(report)}:{report.pk}", "sha256": evidence.sha256, "name": evidence.original_name},
    )
    return evidence


@transaction.atomic
def comment_add(
    *,
    actor: Person,
    scope: ProgrammeScope,
    task: Task | None = None,
    target: Target | None = None,
    text: str,
) -> Comment:
    """Leads, partners and the DX office comment; the comment is signed with the agency the
    commenter acts for."""
    text = clean(text)
    if not text:
        raise DomainError(_("Nội dung ý kiến không được để trống."), field="text")
    subject = task if task is not None else target
    if subject is None:
        raise DomainError(_("Chưa chọn nhiệm vụ hoặc chỉ tiêu để góp ý."))
    lead_id = task.lead_agency_id if task is not None else target.tracking_agency_id  # type: ignore[union-attr]
    partners = list(subject.partner_agencies.values_list("pk", flat=True))
    if not rules.may_comment(scope, lead_id, partners):
        raise NotAllowed(_("Chỉ đơn vị chủ trì, phối hợp hoặc cơ quan chuyên trách được góp ý."), code="forbidden")
    mine = rules.commenting_agencies(scope, lead_id, partners)
    agency_id = min(mine) if mine else subject.programme.owner_id
    comment = Comment.objects.create(task=task, target=target, author=actor, agency_id=agency_id, text=text)
    ledger_append(
        actor=actor,
        action="programme.comment.add",
        obj=comment,
        payload={"task": task.pk if task else None, "target": target.pk if target else None},
    )
    return comment
