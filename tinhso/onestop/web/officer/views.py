"""Officers' pages of the one-stop shop (/mot-cua/): work queues, counter receipt, one dossier.

Views parse input, call the services and selectors, and render. A dossier is fetched through
:func:`access.access_dossier` and, here, only for officers whose reach covers its receiving or
handling agency: anyone else gets the same 404 as for a missing dossier. A page shows an action
form when the dossier's state allows the step (:mod:`tinhso.onestop.dossiers.states`) and the
person may take it (:mod:`tinhso.onestop.rules`): the rules the services refuse with. Every
POST answers with a redirect and a Vietnamese message, or re-renders the page with the error
and its status (400, 403, 404, 409).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from tinhso.core import web
from tinhso.core.dates import day_display
from tinhso.core.documents import XLSX
from tinhso.core.errors import DomainError, NotAllowed, NotFound
from tinhso.core.privacy import mask_name
from tinhso.core.web import View, is_htmx, person_of
from tinhso.onestop import rules
from tinhso.onestop.dossiers import services
from tinhso.onestop.dossiers.access import access_dossier, dossiers_visible
from tinhso.onestop.dossiers.personal import PersonalData, personal_data_for
from tinhso.onestop.dossiers.register import MAX_DAYS as REGISTER_MAX_DAYS
from tinhso.onestop.dossiers.register import dossier_register_xlsx, register_agencies
from tinhso.onestop.dossiers.selectors import EVENT_LABELS, dossier_flags, dossier_queue, dossier_timeline
from tinhso.onestop.dossiers.selectors import Queue as QueueKey
from tinhso.onestop.dossiers.states import ALLOWED_FROM, DRAFT_STATES, FINAL_STATES
from tinhso.onestop.files import services as files
from tinhso.onestop.models import Channel, Dossier, DossierFile, DossierState, FileKind, Procedure
from tinhso.onestop.payments import services as payments
from tinhso.onestop.printing import documents as printing
from tinhso.onestop.results import signing
from tinhso.onestop.web.eform import add_service_errors
from tinhso.onestop.web.officer.forms import (
    ApologyForm,
    ApproveForm,
    AssignForm,
    BulkAssignForm,
    CounterReceiptForm,
    EmptyForm,
    FeeWaiverForm,
    FileUploadForm,
    ForwardForm,
    MarkDigitisedForm,
    NoteForm,
    ReasonForm,
    ResultUploadForm,
    SupplementForm,
    TransferForm,
)
from tinhso.org.access import agencies_where, can
from tinhso.org.models import Agency, Person, RoleAssignment
from tinhso.org.roles import Perm, Role

S = DossierState
PAGE_SIZE = 20

# --- plumbing ---------------------------------------------------------------------------------


def page(*methods: str) -> Callable[[View], View]:
    """Login required, only ``methods``, and a :class:`DomainError` escaping the view rendered
    as a Vietnamese message with its status."""
    return web.page(*methods, template="services/officer/error.html")


def _local(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    return formats.date_format(timezone.localtime(moment), "d/m/Y H:i")


def _handlers_of(agency: Agency) -> QuerySet[Person]:
    """Who :func:`services.dossier_assign` accepts: handlers on the agency or above it."""
    holders = RoleAssignment.objects.active().filter(role=Role.HANDLER, agency_id__in=agency.ancestor_ids)
    return Person.objects.filter(is_active=True, pk__in=holders.values("person")).order_by("full_name", "pk")


def _handlers_within(agencies: QuerySet[Agency]) -> QuerySet[Person]:
    holders = RoleAssignment.objects.active().filter(role=Role.HANDLER, agency__in=agencies)
    return Person.objects.filter(is_active=True, pk__in=holders.values("person")).order_by("full_name", "pk")


def _province_agencies(dossier: Dossier) -> QuerySet[Agency]:
    """Active agencies in the tree of the dossier's receiving agency (its province)."""
    ids = dossier.receiving_agency.ancestor_ids
    root = f"/{ids[0]}/" if ids else dossier.receiving_agency.path
    return Agency.objects.active().filter(path__startswith=root).order_by("name")


def _officer_dossier(person: Person, dossier_id: int) -> Dossier:
    """The dossier for an officer in reach; applicants use the citizen pages (404 here, alike)."""
    dossier = access_dossier(person, dossier_id)
    if not (
        can(person, Perm.DOSSIER_VIEW, dossier.receiving_agency)
        or can(person, Perm.DOSSIER_VIEW, dossier.handling_agency)
    ):
        raise NotFound(_("Không tìm thấy hồ sơ."), code="not_found")
    return Dossier.objects.select_related("procedure", "receiving_agency", "handling_agency", "assignee").get(
        pk=dossier.pk
    )


# --- work queues ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Queue:
    key: QueueKey
    label: Any
    perm: str


QUEUES = (
    Queue("receive", _lazy("Chờ tiếp nhận"), Perm.DOSSIER_RECEIVE),
    Queue("assign", _lazy("Chờ phân công"), Perm.DOSSIER_ASSIGN),
    Queue("review", _lazy("Đang thụ lý"), Perm.DOSSIER_REVIEW),
    Queue("approve", _lazy("Chờ phê duyệt"), Perm.DOSSIER_APPROVE),
    Queue("return", _lazy("Chờ trả kết quả"), Perm.DOSSIER_RETURN),
)


@dataclass(frozen=True)
class QueueRow:
    dossier: Dossier
    applicant: str  # masked
    overdue: bool
    due_soon: bool
    due: str


def _queue_rows(dossiers: list[Dossier]) -> list[QueueRow]:
    rows = []
    for dossier in dossiers:
        overdue = bool(getattr(dossier, "overdue", False))  # annotated by dossier_queue
        due_soon = bool(getattr(dossier, "due_soon", False)) and not overdue
        rows.append(QueueRow(dossier, mask_name(dossier.applicant_name), overdue, due_soon, _local(dossier.due_at)))
    return rows


def _queues_context(
    request: HttpRequest, *, bulk_form: BulkAssignForm | None = None, chosen: str | None = None
) -> dict[str, Any]:
    person = person_of(request)
    now = timezone.now()
    tabs = []
    for queue in QUEUES:
        if can(person, queue.perm):
            count = dossier_queue(person=person, queue=queue.key, now=now).count()
            tabs.append({"key": queue.key, "label": queue.label, "count": count})
    keys = [tab["key"] for tab in tabs]
    current = chosen or request.GET.get("hang") or ""
    if current not in keys:
        current = keys[0] if keys else ""
    context: dict[str, Any] = {
        "nav": "queues",
        "tabs": tabs,
        "current": current,
        "can_receive": rules.may_receive_at_counter(person),
    }
    if not current:
        return context
    dossiers = dossier_queue(person=person, queue=cast(QueueKey, current), now=now)
    page_obj = Paginator(dossiers, PAGE_SIZE).get_page(request.GET.get("trang"))
    context.update(page=page_obj, rows=_queue_rows(list(page_obj.object_list)))
    if current == "assign":
        handlers = _handlers_within(agencies_where(person, Perm.DOSSIER_ASSIGN))
        if bulk_form is None:
            bulk_form = BulkAssignForm(handlers=handlers, dossier_ids=[])
        context["bulk_form"] = bulk_form
        bound = bulk_form.data if bulk_form.is_bound else None
        context["checked"] = {str(pk) for pk in (bound.getlist("dossiers") if isinstance(bound, QueryDict) else [])}
    return context


@page("GET")
def queues(request: HttpRequest) -> HttpResponse:
    context = _queues_context(request)
    template = "services/officer/_queue.html" if is_htmx(request) else "services/officer/queues.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@page("POST")
def assign_bulk(request: HttpRequest) -> HttpResponse:
    """Assign the ticked dossiers of the assign queue to one handler: all of them or none."""
    person = person_of(request)
    if not rules.may_assign(person):  # before the input: a refusal tells nothing about it
        raise NotAllowed(_("Bạn không có quyền thực hiện thao tác này."), code="forbidden")
    handlers = _handlers_within(agencies_where(person, Perm.DOSSIER_ASSIGN))
    visible = dossiers_visible(person).filter(state__in=ALLOWED_FROM["assign"])
    form = BulkAssignForm(request.POST, handlers=handlers, dossier_ids=visible.values_list("pk", flat=True))
    status = 400
    if form.is_valid():
        chosen = list(Dossier.objects.filter(pk__in=form.cleaned_data["dossiers"]).order_by("pk"))
        assignee = form.cleaned_data["assignee"]
        try:
            done = services.dossier_assign_bulk(actor=person, dossiers=chosen, assignee=assignee)
        except DomainError as exc:
            form.add_error(None, exc.message)
            status = exc.status_code
        else:
            messages.success(
                request,
                _("Đã phân công %(n)s hồ sơ cho %(name)s.") % {"n": len(done), "name": assignee.get_full_name()},
            )
            return redirect(f"{reverse('officer:queues')}?hang=assign")
    context = _queues_context(request, bulk_form=form, chosen="assign")
    return render(request, "services/officer/queues.html", context, status=status)


# --- counter receipt --------------------------------------------------------------------------


@page("GET")
def register(request: HttpRequest) -> HttpResponse:
    """Sổ theo dõi hồ sơ: choose the agency and the days; the register comes as an Excel file."""
    person = person_of(request)
    agencies = list(register_agencies(person))
    if not agencies:
        raise NotFound(_("Không tìm thấy trang."), code="not_found")
    today = timezone.localdate()
    chosen = {
        "agency": request.GET.get("agency") or str(agencies[0].pk),
        "from": request.GET.get("from") or day_display(today.replace(day=1)),
        "to": request.GET.get("to") or day_display(today),
    }
    status, error = 200, None
    if "agency" in request.GET:
        try:
            content, name = dossier_register_xlsx(person, chosen["agency"], chosen["from"], chosen["to"])
        except DomainError as exc:
            status, error = exc.status_code, exc
        else:
            response = HttpResponse(content, content_type=XLSX)
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            response["Cache-Control"] = "private, no-store"
            return response
    context = {"nav": "register", "agencies": agencies, "chosen": chosen, "error": error, "max_days": REGISTER_MAX_DAYS}
    return render(request, "services/officer/register.html", context, status=status)


def _receipt_choices(person: Person) -> tuple[QuerySet[Procedure], QuerySet[Agency]]:
    reach = agencies_where(person, Perm.DOSSIER_RECEIVE)
    procedures = Procedure.objects.filter(active=True, agencies__in=reach).distinct().order_by("name")
    agencies = reach.filter(procedures__active=True).distinct().order_by("name")
    return procedures, agencies


@page("GET", "POST")
def receive(request: HttpRequest) -> HttpResponse:
    """Tiếp nhận hồ sơ trực tiếp: choose the procedure, then fill in the applicant and the e-form."""
    person = person_of(request)
    procedures, agencies = _receipt_choices(person)
    if not agencies.exists():
        raise NotAllowed(_("Bạn không có quyền tiếp nhận hồ sơ."), code="forbidden")
    source = request.POST if request.method == "POST" else request.GET
    chosen = source.get("procedure", "")
    procedure = procedures.filter(pk=int(chosen)).first() if chosen.isdigit() else None
    single = agencies.first() if agencies.count() == 1 else None
    status = 200
    if request.method == "POST":
        form = CounterReceiptForm(request.POST, procedures=procedures, agencies=agencies, procedure=procedure)
        if single is not None:
            form.fields["agency"].required = False
        if form.is_valid():
            agency = form.cleaned_data.get("agency") or single
            assert agency is not None  # the form requires one unless there is a single agency
            procedure = form.cleaned_data["procedure"]
            try:
                if not procedure.agencies.filter(pk=agency.pk).exists():
                    raise DomainError(_("Cơ quan tiếp nhận không thực hiện thủ tục này."), field="agency")
                dossier = services.dossier_receive_at_counter(
                    actor=person,
                    agency=agency,
                    procedure=procedure,
                    applicant_name=form.cleaned_data["applicant_name"],
                    applicant_personal_id=form.cleaned_data["applicant_personal_id"],
                    applicant_phone=form.cleaned_data["applicant_phone"],
                    form_data=form.eform_data(),
                    channel=Channel.COUNTER,
                )
            except DomainError as exc:
                add_service_errors(form, exc)
                status = exc.status_code
            else:
                messages.success(
                    request,
                    _("Đã tiếp nhận hồ sơ %(code)s, hẹn trả kết quả %(due)s.")
                    % {"code": dossier.code, "due": _local(dossier.due_at)},
                )
                return redirect(f"{reverse('officer:dossier', args=[dossier.pk])}?vua-tiep-nhan=1")
        else:
            status = 400
    else:
        initial = {key: value for key, value in request.GET.items() if key != "procedure"}
        form = CounterReceiptForm(initial=initial, procedures=procedures, agencies=agencies, procedure=procedure)
    context = {
        "nav": "receive",
        "form": form,
        "procedure": procedure,
        "show_agency": single is None,
        "single_agency": single,
    }
    template = (
        "services/officer/_eform.html"
        if is_htmx(request) and request.method == "GET"
        else "services/officer/receive.html"
    )
    return render(request, template, context, status=status)


# --- one dossier: actions ---------------------------------------------------------------------


@dataclass(frozen=True)
class Action:
    """One form on the dossier page: when it shows, what it asks, which service it calls."""

    key: str
    slug: str
    title: Any
    button: Any
    done: Any  # the success message, or a function of the dossier after the action giving it
    allowed: Callable[[Person, Dossier], bool]  # the rule of tinhso.onestop.rules
    make_form: Callable[[Dossier, Any, Any], forms.Form]  # (dossier, data, files) → form
    run: Callable[[Person, Dossier, Any, HttpRequest], Any]
    tone: str = "primary"
    multipart: bool = False
    primary: bool = False  # shown open: the next step of the normal path
    # Why the step cannot be taken yet (the service's own refusal, e.g. a fee due): the form is
    # shown with its button disabled and the reason beside it.
    blocked: Callable[[Dossier], DomainError | None] | None = None


def _payable(dossier: Dossier) -> bool:
    return payments.payment_refusal(dossier, online=False) is None


def _file_add(person: Person, dossier: Dossier, form: Any, request: HttpRequest) -> Any:
    requirement = None
    if form.cleaned_data.get("requirement"):
        requirement = dossier.procedure.documents.filter(pk=form.cleaned_data["requirement"]).first()
    return files.dossier_file_add(
        actor=person,
        dossier=dossier,
        upload=form.cleaned_data["file"],
        requirement=requirement,
        digitised=form.cleaned_data["digitised"],
    )


def _file_mark(person: Person, dossier: Dossier, form: Any, request: HttpRequest) -> Any:
    found = DossierFile.objects.filter(dossier=dossier, pk=form.cleaned_data["file_id"]).first()
    if found is None:
        raise NotFound(_("Không tìm thấy tệp."), code="not_found")
    return files.dossier_file_mark_digitised(actor=person, file=found)


def _draft_upload(person: Person, dossier: Dossier, form: Any, request: HttpRequest) -> Any:
    return signing.dossier_draft_upload(actor=person, dossier=dossier, upload=form.cleaned_data["pdf"])


def _approve(person: Person, dossier: Dossier, form: Any, request: HttpRequest) -> Any:
    # The page says which draft the approver saw (0 for none); a post without it is not checked.
    return services.dossier_approve(actor=person, dossier=dossier, draft_id=form.cleaned_data["draft"])


def _approve_form(dossier: Dossier, data: Any, files: Any) -> forms.Form:
    draft = signing.dossier_draft(dossier)
    return ApproveForm(data, initial={"draft": draft.pk if draft else 0})


def _approved_message(dossier: Dossier) -> str:
    if dossier.files.filter(kind=FileKind.RESULT).exists():
        return _("Đã phê duyệt hồ sơ. Dự thảo kết quả đã được ký số và phát hành.")
    return _("Đã phê duyệt hồ sơ.")


def _fee_waive(person: Person, dossier: Dossier, form: Any, request: HttpRequest) -> Any:
    return payments.fee_waive(
        actor=person,
        dossier=dossier,
        reason=form.cleaned_data["reason"],
        receipt_number=form.cleaned_data["receipt_number"],
        note=form.cleaned_data["note"],
    )


def _payment(person: Person, dossier: Dossier, form: Any, request: HttpRequest) -> Any:
    return payments.payment_record_counter(actor=person, dossier=dossier)


def _empty(dossier: Dossier, data: Any, files: Any) -> forms.Form:
    return EmptyForm(data)


def _reason_form(label: Any) -> Callable[[Dossier, Any, Any], forms.Form]:
    return lambda dossier, data, files: ReasonForm(data, label=label)


ACTIONS: tuple[Action, ...] = (
    Action(
        "receive",
        "tiep-nhan",
        _lazy("Tiếp nhận hồ sơ"),
        _lazy("Tiếp nhận"),
        _lazy("Đã tiếp nhận hồ sơ."),
        rules.may_receive,
        _empty,
        lambda p, d, f, r: services.dossier_receive(actor=p, dossier=d),
        primary=True,
    ),
    Action(
        "forward",
        "chuyen-xu-ly",
        _lazy("Chuyển xử lý"),
        _lazy("Chuyển xử lý"),
        _lazy("Đã chuyển hồ sơ đến cơ quan xử lý."),
        rules.may_forward,
        lambda d, data, files: ForwardForm(
            data,
            agencies=Agency.objects.filter(pk__in=d.procedure.agencies.values("pk"))
            .exclude(pk=d.handling_agency_id)
            .order_by("name"),
        ),
        lambda p, d, f, r: services.dossier_forward(actor=p, dossier=d, to_agency=f.cleaned_data["to_agency"]),
        primary=True,
    ),
    Action(
        "assign",
        "phan-cong",
        _lazy("Phân công thụ lý"),
        _lazy("Phân công"),
        _lazy("Đã phân công hồ sơ."),
        rules.may_assign,
        lambda d, data, files: AssignForm(data, handlers=_handlers_of(d.handling_agency)),
        lambda p, d, f, r: services.dossier_assign(actor=p, dossier=d, assignee=f.cleaned_data["assignee"]),
        primary=True,
    ),
    Action(
        "start_review",
        "tham-dinh",
        _lazy("Bắt đầu thẩm định"),
        _lazy("Bắt đầu thẩm định"),
        _lazy("Đã bắt đầu thẩm định hồ sơ."),
        rules.may_start_review,
        _empty,
        lambda p, d, f, r: services.dossier_start_review(actor=p, dossier=d),
        primary=True,
    ),
    Action(
        "draft_result",
        "du-thao-ket-qua",
        _lazy("Dự thảo kết quả (PDF)"),
        _lazy("Tải lên dự thảo"),
        _lazy("Đã lưu dự thảo kết quả."),
        rules.may_upload_draft,
        lambda d, data, files: ResultUploadForm(data, files),
        _draft_upload,
        tone="secondary",
        multipart=True,
        primary=True,
    ),
    Action(
        "submit_for_approval",
        "trinh-duyet",
        _lazy("Trình phê duyệt"),
        _lazy("Trình phê duyệt"),
        _lazy("Đã trình lãnh đạo phê duyệt."),
        rules.may_submit_for_approval,
        lambda d, data, files: NoteForm(data),
        lambda p, d, f, r: services.dossier_submit_for_approval(actor=p, dossier=d, note=f.cleaned_data["note"]),
        primary=True,
        blocked=lambda d: services.approval_refusal(d, "submit_for_approval"),
    ),
    Action(
        "approve",
        "phe-duyet",
        _lazy("Phê duyệt"),
        _lazy("Phê duyệt"),
        _approved_message,
        rules.may_approve,
        _approve_form,
        _approve,
        tone="success",
        primary=True,
        blocked=lambda d: services.approval_refusal(d, "approve"),
    ),
    Action(
        "refuse",
        "tu-choi",
        _lazy("Từ chối giải quyết"),
        _lazy("Từ chối"),
        _lazy("Đã từ chối giải quyết hồ sơ."),
        rules.may_refuse,
        _reason_form(_lazy("Lý do từ chối")),
        lambda p, d, f, r: services.dossier_refuse(actor=p, dossier=d, reason=f.cleaned_data["reason"]),
        tone="danger",
    ),
    Action(
        "payment",
        "thu-phi",
        _lazy("Thu phí, lệ phí tại quầy"),
        _lazy("Xác nhận đã thu và cấp biên lai"),
        _lazy("Đã ghi nhận thu phí, lệ phí tại quầy."),
        rules.may_record_payment,
        _empty,
        _payment,
    ),
    Action(
        "fee_waive",
        "ghi-nhan-phi",
        _lazy("Ghi nhận miễn phí hoặc đã thu ngoài hệ thống"),
        _lazy("Ghi nhận"),
        _lazy("Đã ghi nhận phí, lệ phí của hồ sơ."),
        rules.may_waive_fee,
        lambda d, data, files: FeeWaiverForm(data),
        _fee_waive,
        tone="secondary",
    ),
    Action(
        "return_result",
        "tra-ket-qua",
        _lazy("Trả kết quả"),
        _lazy("Trả kết quả"),
        _lazy("Đã trả kết quả cho người nộp."),
        rules.may_return_result,
        _empty,
        lambda p, d, f, r: services.dossier_return_result(actor=p, dossier=d),
        tone="success",
        primary=True,
        blocked=payments.return_refusal,
    ),
    Action(
        "request_supplement",
        "yeu-cau-bo-sung",
        _lazy("Yêu cầu bổ sung hồ sơ"),
        _lazy("Gửi yêu cầu bổ sung"),
        _lazy("Đã gửi yêu cầu bổ sung hồ sơ."),
        rules.may_request_supplement,
        _reason_form(_lazy("Nội dung cần bổ sung")),
        lambda p, d, f, r: services.dossier_request_supplement(actor=p, dossier=d, reason=f.cleaned_data["reason"]),
        tone="warning",
    ),
    Action(
        "supplement",
        "bo-sung",
        _lazy("Ghi nhận hồ sơ bổ sung"),
        _lazy("Ghi nhận bổ sung"),
        _lazy("Đã ghi nhận hồ sơ bổ sung, tiếp tục xử lý."),
        rules.may_supplement,
        lambda d, data, files: SupplementForm(data, procedure=d.procedure, initial_data=d.form_data),
        lambda p, d, f, r: services.dossier_supplement(actor=p, dossier=d, form_data=f.eform_data()),
        primary=True,
    ),
    Action(
        "transfer",
        "lien-thong",
        _lazy("Chuyển liên thông"),
        _lazy("Chuyển liên thông"),
        _lazy("Đã chuyển liên thông hồ sơ."),
        rules.may_transfer,
        lambda d, data, files: TransferForm(data, agencies=_province_agencies(d).exclude(pk=d.handling_agency_id)),
        lambda p, d, f, r: services.dossier_transfer(
            actor=p, dossier=d, to_agency=f.cleaned_data["to_agency"], days=f.cleaned_data["days"]
        ),
    ),
    Action(
        "apologise",
        "xin-loi",
        _lazy("Xin lỗi và hẹn lại ngày trả"),
        _lazy("Hẹn lại ngày trả"),
        _lazy("Đã hẹn lại ngày trả kết quả."),
        rules.may_apologise,
        lambda d, data, files: ApologyForm(data),
        lambda p, d, f, r: services.dossier_apologise(
            actor=p, dossier=d, new_due_at=f.new_due_at(), reason=f.cleaned_data["reason"]
        ),
        tone="warning",
    ),
    Action(
        "stop",
        "dung-xu-ly",
        _lazy("Dừng xử lý theo đề nghị"),
        _lazy("Dừng xử lý"),
        _lazy("Đã dừng xử lý hồ sơ."),
        rules.may_stop,
        _reason_form(_lazy("Lý do dừng xử lý")),
        lambda p, d, f, r: services.dossier_stop(actor=p, dossier=d, reason=f.cleaned_data["reason"]),
        tone="secondary",
    ),
    Action(
        "cancel",
        "huy",
        _lazy("Hủy hồ sơ"),
        _lazy("Hủy hồ sơ"),
        _lazy("Đã hủy hồ sơ."),
        rules.may_cancel,
        _reason_form(_lazy("Lý do hủy")),
        lambda p, d, f, r: services.dossier_cancel(actor=p, dossier=d, reason=f.cleaned_data["reason"]),
        tone="danger",
    ),
    Action(
        "file_add",
        "tep",
        _lazy("Thêm tệp thành phần hồ sơ"),
        _lazy("Tải lên"),
        _lazy("Đã thêm tệp."),
        rules.may_add_file,
        lambda d, data, files: FileUploadForm(data, files, requirements=d.procedure.documents.all()),
        _file_add,
        tone="secondary",
        multipart=True,
    ),
)
ACTIONS_BY_SLUG = {action.slug: action for action in ACTIONS}
# Actions outside the ALLOWED_FROM table: their own state rule.
_EXTRA_STATES: dict[str, Callable[[Dossier], bool]] = {
    "draft_result": lambda d: d.state in DRAFT_STATES,
    "payment": _payable,
    "fee_waive": _payable,
    "file_add": lambda d: d.state not in FINAL_STATES,
}
MARK_DIGITISED = Action(
    "mark_digitised",
    "so-hoa",
    _lazy("Đánh dấu đã số hóa"),
    _lazy("Đã đối chiếu, số hóa"),
    _lazy("Đã đánh dấu tệp là bản số hóa."),
    rules.may_mark_digitised,
    lambda d, data, files: MarkDigitisedForm(data),
    _file_mark,
    tone="secondary",
)
ACTIONS_BY_SLUG[MARK_DIGITISED.slug] = MARK_DIGITISED


def _action_form(action: Action, dossier: Dossier, data: Any = None, files: Any = None) -> forms.Form:
    form = action.make_form(dossier, data, files)
    form.auto_id = f"id_{action.key}_%s"  # several action forms share one page
    return form


def _in_state(action: Action, dossier: Dossier) -> bool:
    rule = _EXTRA_STATES.get(action.key)
    if rule is not None:
        return rule(dossier)
    return dossier.state in ALLOWED_FROM.get(action.key, ())


def _available(person: Person, dossier: Dossier) -> list[Action]:
    return [action for action in ACTIONS if _in_state(action, dossier) and action.allowed(person, dossier)]


# --- one dossier: the page --------------------------------------------------------------------

STATE_TONES: dict[str, str] = {
    S.SUBMITTED: "info",
    S.RECEIVED: "primary",
    S.FORWARDED: "primary",
    S.ASSIGNED: "primary",
    S.UNDER_REVIEW: "primary",
    S.PENDING_APPROVAL: "info",
    S.SUPPLEMENT_REQUESTED: "warning",
    S.TRANSFERRED: "info",
    S.APPROVED: "success",
    S.REFUSED: "danger",
    S.RESULT_RETURNED: "success",
    S.STOPPED: "secondary",
    S.CANCELLED: "dark",
}
PRINT_LABELS = {
    "receipt": _lazy("Giấy tiếp nhận và hẹn trả kết quả"),
    "supplement_request": _lazy("Phiếu yêu cầu bổ sung"),
    "refusal": _lazy("Phiếu từ chối giải quyết"),
    "apology": _lazy("Phiếu xin lỗi và hẹn lại ngày trả"),
    "stop_notice": _lazy("Thông báo dừng xử lý"),
    "process_control": _lazy("Phiếu kiểm soát quá trình giải quyết"),
}


def _print_links(dossier: Dossier) -> list[dict[str, Any]]:
    links = []
    for kind in printing.FORM_KINDS:
        if printing.form_available(dossier, kind):
            links.append(
                {
                    "kind": kind,
                    "label": PRINT_LABELS.get(kind, kind),
                    "pdf": reverse("print:form", args=[dossier.pk, kind, "pdf"]),
                    "docx": reverse("print:form", args=[dossier.pk, kind, "docx"]),
                }
            )
    return links


def _files(dossier: Dossier, can_mark: bool, personal: PersonalData) -> list[dict[str, Any]]:
    rows = []
    for item in dossier.files.select_related("requirement").order_by("kind", "pk"):
        rows.append(
            {
                "file": item,
                "name": personal.file_name(item),
                "url": reverse("file:download", args=[item.pk]) if personal.files_open else "",
                "result": item.kind == FileKind.RESULT,
                "draft": item.kind == FileKind.DRAFT,
                "can_mark": can_mark and not item.digitised and item.kind == FileKind.COMPONENT,
            }
        )
    return rows


FEE_LABELS = {
    payments.FEE_DUE: _lazy("chưa thu"),
    payments.FEE_PAID: _lazy("đã thu"),
    payments.FEE_EXEMPT: _lazy("được miễn"),
    payments.FEE_PAID_ELSEWHERE: _lazy("đã thu trực tiếp"),
    payments.FEE_NOT_OWED: _lazy("không thu (hồ sơ không được giải quyết)"),
}


def _payment_info(dossier: Dossier) -> dict[str, Any]:
    status = payments.fee_status(dossier)
    receipt = (
        status.payment.receipt_number
        if status.payment is not None
        else status.waiver.receipt_number
        if status.waiver is not None
        else ""
    )
    return {
        "amount": status.amount_due_vnd,
        "paid": status.payment,
        "waiver": status.waiver,
        "state": status.state,
        "label": FEE_LABELS.get(status.state, ""),
        "receipt": receipt,
        "due": status.due,
    }


def _draft_info(dossier: Dossier) -> dict[str, Any] | None:
    draft = signing.dossier_draft(dossier)
    if draft is None:
        return None
    return {
        "file": draft,
        "url": reverse("file:download", args=[draft.pk]),
        "at": _local(draft.created_at),
        "by": draft.uploaded_by.get_full_name() if draft.uploaded_by else "",
        "issued": dossier.state not in DRAFT_STATES,
    }


def _dossier_context(
    request: HttpRequest,
    dossier: Dossier,
    *,
    failed: Action | None = None,
    failed_form: forms.Form | None = None,
    error: str = "",
) -> dict[str, Any]:
    person = person_of(request)
    personal = personal_data_for(person, dossier)
    flags = dossier_flags(dossier, timezone.now())
    actions: list[dict[str, Any]] = []
    for action in _available(person, dossier):
        form = failed_form if failed is not None and action.key == failed.key else _action_form(action, dossier)
        blocked = action.blocked(dossier) if action.blocked is not None else None
        actions.append(
            {
                "action": action,
                "form": form,
                "open": form is failed_form,
                "blocked": blocked.message if blocked is not None else "",
                "url": reverse("officer:action", args=[dossier.pk, action.slug]),
            }
        )
    can_mark = MARK_DIGITISED.allowed(person, dossier) and dossier.state not in FINAL_STATES
    print_links = _print_links(dossier)
    return {
        "dossier": dossier,
        "state_tone": STATE_TONES.get(dossier.state, "secondary"),
        "state_label": DossierState(dossier.state).label,
        "channel_label": Channel(dossier.channel).label,
        "overdue": flags["overdue"],
        "due_soon": flags["due_soon"],
        "due": _local(dossier.due_at),
        "original_due": _local(dossier.original_due_at),
        "received": _local(dossier.received_at),
        "submitted": _local(dossier.submitted_at),
        "personal": personal,
        "form_rows": personal.form_rows(),
        "timeline": [
            {
                "event": event,
                "label": EVENT_LABELS.get(event.action, event.action),
                "at": _local(event.at),
                "actor": personal.person_name(event.actor),
                "on_behalf": (
                    f"{event.delegation.kind}. {event.delegation.delegator.get_full_name()}" if event.delegation else ""
                ),
                "state": DossierState(event.to_state).label if event.to_state in S.values else event.to_state,
            }
            for event in dossier_timeline(dossier)
        ],
        "actions": actions,
        "primary_actions": [a for a in actions if a["action"].primary],
        "other_actions": [a for a in actions if not a["action"].primary],
        "error": error,
        "files": _files(dossier, can_mark, personal),
        "mark_url": reverse("officer:action", args=[dossier.pk, MARK_DIGITISED.slug]),
        "print_links": print_links,
        "receipt_link": next((link for link in print_links if link["kind"] == "receipt"), None),
        "just_received": request.GET.get("vua-tiep-nhan") == "1",
        "payment": _payment_info(dossier),
        "draft": _draft_info(dossier),
        "draft_required": services.result_file_required(dossier.procedure),
        "fee": f"{dossier.fee_vnd:,}".replace(",", "."),
    }


@page("GET")
def dossier_detail(request: HttpRequest, dossier_id: int) -> HttpResponse:
    dossier = _officer_dossier(person_of(request), dossier_id)
    return render(request, "services/officer/dossier.html", _dossier_context(request, dossier))


@page("POST")
def dossier_action(request: HttpRequest, dossier_id: int, slug: str) -> HttpResponse:
    person = person_of(request)
    dossier = _officer_dossier(person, dossier_id)
    action = ACTIONS_BY_SLUG.get(slug)
    if action is None:
        raise NotFound(_("Không có thao tác này."), code="not_found")
    form = _action_form(action, dossier, request.POST, request.FILES)
    if form.is_valid():
        try:
            action.run(person, dossier, form, request)
        except DomainError as exc:
            add_service_errors(form, exc)
            status, error = exc.status_code, exc.message
        else:
            messages.success(request, str(action.done(dossier) if callable(action.done) else action.done))
            return redirect("officer:dossier", dossier.pk)
    else:
        status, error = 400, _("Vui lòng kiểm tra lại thông tin đã nhập.")
    dossier.refresh_from_db()
    context = _dossier_context(request, dossier, failed=action, failed_form=form, error=error)
    return render(request, "services/officer/dossier.html", context, status=status)
