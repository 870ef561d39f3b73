"""The citizen's pages of the one-stop shop (/dich-vu-cong/): file a dossier online, follow one's
own dossiers and answer what the agency asks, and the public lookup by code.

Views parse input, call the services and render; every rule is the services'. A dossier is
fetched through :func:`access.access_dossier` (the same 404 for a missing dossier and someone
else's) and only its applicant may act on it here. Files, payments, ratings and printing are
the sibling packages ``files``, ``payments``, ``ratings`` and ``printing``.

Made for a phone on a slow link: plain forms that work without JavaScript, HTMX only where a
partial answer saves a reload (the lookup).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from tinhso.core import web
from tinhso.core.errors import Conflict, DomainError, NotAllowed, NotFound
from tinhso.core.web import View, form_error, is_htmx, person_of
from tinhso.onestop import rules
from tinhso.onestop.dossiers import intake, services
from tinhso.onestop.dossiers.access import access_dossier, applicant_condition
from tinhso.onestop.dossiers.lookup import LookupResult, dossier_lookup, lookup_failed, lookup_limited
from tinhso.onestop.dossiers.personal import PersonalData, personal_data_for
from tinhso.onestop.dossiers.selectors import dossier_flags, dossier_timeline
from tinhso.onestop.dossiers.states import transition_allowed
from tinhso.onestop.files import services as files
from tinhso.onestop.files.pending import pending_forget, pending_get, pending_keep
from tinhso.onestop.models import (
    Dossier,
    DossierEvent,
    DossierFile,
    DossierState,
    FeeWaiver,
    FeeWaiverReason,
    FileKind,
    OnlineLevel,
    Payment,
    Procedure,
    Rating,
)
from tinhso.onestop.payments import services as payments
from tinhso.onestop.printing import documents as printing
from tinhso.onestop.ratings import services as ratings
from tinhso.onestop.web.citizen.forms import (
    LookupForm,
    RatingForm,
    ReasonForm,
    SubmitForm,
    SupplementForm,
    mark_invalid,
    new_idempotency_key,
)
from tinhso.onestop.web.eform import eform_declared, eform_prefill
from tinhso.org.models import Agency, Person

S = DossierState
PAGE_SIZE = 20


# --- plumbing ---------------------------------------------------------------------------------


def page(*methods: str) -> Callable[[View], View]:
    """Login required, only ``methods``; a :class:`DomainError` escaping the view is shown as
    its Vietnamese message with its status."""
    return web.page(*methods, template="services/citizen/error.html")


def _own_dossier(request: HttpRequest, dossier_id: int) -> Dossier:
    """The dossier if the user may see it (404 alike otherwise), with what the pages show."""
    dossier = access_dossier(request.user, dossier_id)
    return Dossier.objects.select_related("procedure", "receiving_agency", "handling_agency").get(pk=dossier.pk)


def _applicant_dossier(request: HttpRequest, dossier_id: int) -> Dossier:
    """The dossier for what only its applicant may do (403 for others who may see it)."""
    dossier = _own_dossier(request, dossier_id)
    if dossier.applicant_id is None or dossier.applicant_id != request.user.pk:
        raise NotAllowed(_("Chỉ người nộp hồ sơ được thực hiện thao tác này."), code="not_applicant")
    return dossier


@contextmanager
def _storing() -> Iterator[list[DossierFile]]:
    """Collects the files stored inside the block; if the block fails (its transaction rolled
    back), deletes them again (reused ones share a source's stored file and are left alone)."""
    stored: list[DossierFile] = []
    try:
        yield stored
    except BaseException:
        for row in stored:
            if row.reused_from_id is None and row.file.name:
                row.file.storage.delete(row.file.name)
        raise


def _attach(person: Person, dossier: Dossier, form: SubmitForm, stored: list[DossierFile]) -> None:
    for requirement, upload, reuse in form.attachments():
        if reuse:
            stored.append(
                files.dossier_file_reuse(actor=person, dossier=dossier, source_id=reuse, requirement=requirement)
            )
        else:
            stored.append(files.dossier_file_add(actor=person, dossier=dossier, upload=upload, requirement=requirement))


def _kept_uploads(request: HttpRequest) -> dict[str, Any]:
    """What a citizen form needs to keep valid uploads across a failed post (in this session)."""
    return {"kept_lookup": lambda requirement_id, token: pending_get(request, token, requirement_id=requirement_id)}


def _keep_uploads(request: HttpRequest, form: SubmitForm) -> None:
    """The form failed: keep the uploads that passed their check, so they need not be attached again."""
    form.keep_checked_uploads(
        lambda upload, extension, requirement_id: pending_keep(
            request, upload, extension=extension, requirement_id=requirement_id
        )
    )


# --- filing a dossier online ------------------------------------------------------------------


def _submit_form(request: HttpRequest, procedure: Procedure, data: Any = None) -> SubmitForm:
    agencies = Agency.objects.active().filter(procedures=procedure).order_by("name")
    return SubmitForm(
        data,
        request.FILES if data is not None else None,
        procedure=procedure,
        agencies=agencies,
        requirements=procedure.documents.all(),
        reusable=files.reusable_files(request.user),
        inspect=files.inspect_upload,
        initial={"idempotency_key": new_idempotency_key()},
        eform_initial=eform_prefill(procedure, request.user) if data is None else None,
        **_kept_uploads(request),
    )


@page("GET", "POST")
@never_cache
def submit(request: HttpRequest, code: str) -> HttpResponse:
    """Nộp hồ sơ trực tuyến. The hidden key made when the form is shown makes a double click or
    a retried POST land on the one dossier it created."""
    procedure = Procedure.objects.filter(code=code, active=True).first()
    if procedure is None:
        raise NotFound(_("Không tìm thấy thủ tục có mã “%(code)s”.") % {"code": code})
    person = person_of(request)
    if not rules.may_file_online(person):
        raise NotAllowed(_("Chỉ tài khoản công dân, tổ chức được nộp hồ sơ trực tuyến."), code="forbidden")
    context: dict[str, Any] = {"procedure": procedure, "nav": "submit"}
    if procedure.online_level == OnlineLevel.NONE:
        context["not_online"] = True
        return render(request, "services/citizen/submit.html", context, status=400 if request.method == "POST" else 200)
    if request.method == "GET":
        context["form"] = _submit_form(request, procedure)
        return render(request, "services/citizen/submit.html", context)

    key = request.POST.get("idempotency_key", "").strip()
    done = Dossier.objects.filter(idempotency_key=key, applicant=person).first() if key else None
    if done is not None:  # the same form sent again: nothing new, back to what it created
        return redirect("citizen:dossier", dossier_id=done.pk)
    form = _submit_form(request, procedure, data=request.POST)
    status = 400
    if form.is_valid():
        try:
            with _storing() as stored, transaction.atomic():
                dossier = intake.dossier_submit_online(
                    applicant=person,
                    procedure=procedure,
                    agency=form.cleaned_data["agency"],
                    form_data=form.eform_raw(),
                    idempotency_key=form.cleaned_data["idempotency_key"],
                )
                if not dossier.files.exists():  # a concurrent retry of this form already attached them
                    _attach(person, dossier, form, stored)
        except DomainError as exc:
            form.add_service_errors(exc)
            status = exc.status_code
        else:
            pending_forget(request, form.kept_uploads())
            messages.success(
                request, _("Đã nộp hồ sơ %(code)s. Bộ phận một cửa sẽ kiểm tra và tiếp nhận.") % {"code": dossier.code}
            )
            return redirect("citizen:dossier", dossier_id=dossier.pk)
    else:
        try:  # show the e-form's errors in the same answer as the other fields'
            services.form_data_validate(procedure, form.eform_raw())
        except DomainError as exc:
            form.add_service_errors(exc)
    _keep_uploads(request, form)
    context["form"] = mark_invalid(form)
    return render(request, "services/citizen/submit.html", context, status=status)


# --- my dossiers --------------------------------------------------------------------------------


@dataclass
class DossierRow:
    dossier: Dossier
    overdue: bool
    todo: list[tuple[str, Any]] = field(default_factory=list)  # (url, what is expected of the applicant)


def _expected(dossier: Dossier, *, paid: bool, waived: bool, rated: bool) -> list[tuple[str, Any]]:
    url = reverse("citizen:dossier", args=[dossier.pk])
    todo: list[tuple[str, Any]] = []
    if dossier.state == S.SUPPLEMENT_REQUESTED:
        todo.append((reverse("citizen:supplement", args=[dossier.pk]), _lazy("Cần bổ sung hồ sơ")))
    if dossier.fee_vnd and not paid and not waived and dossier.state in payments.ONLINE_PAYABLE_STATES:
        todo.append((url + "#thanh-toan", _lazy("Cần nộp phí, lệ phí")))
    if dossier.state == S.RESULT_RETURNED and not rated:
        todo.append((reverse("citizen:rate", args=[dossier.pk]), _lazy("Mời đánh giá mức độ hài lòng")))
    return todo


@page("GET")
def my_dossiers(request: HttpRequest) -> HttpResponse:
    """Hồ sơ của tôi: the dossiers the user filed, and those filed under the personal id they proved."""
    dossiers = (
        Dossier.objects.filter(applicant_condition(person_of(request)))
        .select_related("procedure", "receiving_agency")
        .annotate(
            paid=Exists(Payment.objects.filter(dossier=OuterRef("pk"), state="paid")),
            waived=Exists(FeeWaiver.objects.filter(dossier=OuterRef("pk"))),
            rated=Exists(Rating.objects.filter(dossier=OuterRef("pk"))),
        )
        .order_by("-created_at", "-pk")
    )
    page_obj = Paginator(dossiers, PAGE_SIZE).get_page(request.GET.get("trang"))
    now = timezone.now()
    rows = [
        DossierRow(d, dossier_flags(d, now)["overdue"], _expected(d, paid=d.paid, waived=d.waived, rated=d.rated))
        for d in page_obj.object_list
    ]
    return render(request, "services/citizen/my_dossiers.html", {"nav": "mine", "page": page_obj, "rows": rows})


# --- one dossier --------------------------------------------------------------------------------

_EVENT_LABELS = {
    "submit_online": _lazy("Nộp hồ sơ trực tuyến"),
    "receive": _lazy("Tiếp nhận hồ sơ"),
    "receive_at_counter": _lazy("Tiếp nhận hồ sơ"),
    "forward": _lazy("Chuyển đến cơ quan xử lý"),
    "assign": _lazy("Phân công chuyên viên xử lý"),
    "start_review": _lazy("Bắt đầu thẩm định"),
    "submit_for_approval": _lazy("Trình lãnh đạo phê duyệt"),
    "approve": _lazy("Phê duyệt"),
    "refuse": _lazy("Từ chối giải quyết"),
    "return_result": _lazy("Trả kết quả"),
    "request_supplement": _lazy("Yêu cầu bổ sung hồ sơ"),
    "supplement": _lazy("Đã bổ sung hồ sơ"),
    "transfer": _lazy("Chuyển liên thông"),
    "stop": _lazy("Dừng xử lý theo đề nghị"),
    "cancel": _lazy("Hủy hồ sơ"),
    "apologise": _lazy("Xin lỗi và hẹn lại ngày trả kết quả"),
    "pay": _lazy("Nộp phí, lệ phí"),
    "result_issued": _lazy("Phát hành kết quả điện tử (đã ký số)"),
    "fee_waive": _lazy("Ghi nhận phí, lệ phí"),
}
# Steps inside the administration the applicant does not follow (the draft result before approval).
_INTERNAL_EVENTS = frozenset({"draft_result", "handover"})
# Notes written for the applicant; every other note (an officer's opinion to the approver…) stays internal.
_PUBLIC_NOTES = frozenset(
    {
        "request_supplement",
        "refuse",
        "apologise",
        "stop",
        "cancel",
        "pay",
        "supplement",
        "forward",
        "transfer",
    }
)


@dataclass(frozen=True)
class PublicEvent:
    at: dt.datetime
    label: Any
    state_label: Any
    agency: str
    note: str


def public_timeline(dossier: Dossier) -> list[PublicEvent]:
    """The dossier's history as its applicant may read it: what happened, when, at which
    agency; no officer's name and only the notes meant for the applicant."""
    out = []
    for event in dossier_timeline(dossier):
        if event.action in _INTERNAL_EVENTS:
            continue
        state_label = S(event.to_state).label if event.to_state in S.values else ""
        out.append(
            PublicEvent(
                at=event.at,
                label=_EVENT_LABELS.get(event.action, state_label),
                state_label=state_label,
                agency=event.agency.name if event.agency else "",
                note=event.note if event.action in _PUBLIC_NOTES else "",
            )
        )
    return out


def _last_note(dossier: Dossier, action: str) -> str:
    event = DossierEvent.objects.filter(dossier=dossier, action=action).order_by("-at", "-pk").first()
    return event.note if event else ""


def _dossier_context(request: HttpRequest, dossier: Dossier, **extra: Any) -> dict[str, Any]:
    now = timezone.now()
    is_applicant = rules.is_applicant(request.user, dossier)
    stored = list(dossier.files.select_related("requirement").order_by("kind", "pk"))
    # An officer in reach may open this page too: files as they read the dossier's personal data.
    personal = PersonalData(dossier, full=True) if is_applicant else personal_data_for(request.user, dossier)
    fee = payments.fee_status(dossier)
    rating = Rating.objects.filter(dossier=dossier).first()
    context: dict[str, Any] = {
        "nav": "mine",
        "dossier": dossier,
        "is_applicant": is_applicant,
        "flags": dossier_flags(dossier, now),
        "timeline": public_timeline(dossier),
        "declared": eform_declared(dossier.procedure, dossier.form_data) if is_applicant else [],
        "components": [
            {"file": f, "name": personal.file_name(f), "open": personal.files_open}
            for f in stored
            if f.kind == FileKind.COMPONENT
        ],
        "results": [f for f in stored if f.kind == FileKind.RESULT and personal.files_open],
        "supplement_reason": _last_note(dossier, "request_supplement")
        if dossier.state == S.SUPPLEMENT_REQUESTED
        else "",
        "can_supplement": is_applicant and dossier.state == S.SUPPLEMENT_REQUESTED,
        "can_stop": is_applicant and transition_allowed(dossier, "stop"),
        "fee": payments.vnd(dossier.fee_vnd) if dossier.fee_vnd else "",
        "paid": fee.payment,
        "fee_status": fee,
        "fee_waiver_label": FeeWaiverReason(fee.waiver.reason).label if fee.waiver else "",
        "fee_due": fee.due,
        "amount_due": payments.vnd(fee.amount_due_vnd) if fee.due else "",
        "can_pay": is_applicant and fee.due and payments.payment_refusal(dossier) is None,
        "rating": rating,
        "rating_label": ratings.RATING_LABELS.get(rating.score) if rating else "",
        "can_rate": is_applicant and dossier.state == S.RESULT_RETURNED and rating is None,
        "print_forms": [
            {
                "label": printing.form_title(kind),
                "url": reverse("print:form", kwargs={"dossier_id": dossier.pk, "kind": kind, "fmt": "pdf"}),
            }
            for kind in printing.FORM_KINDS
            if kind not in printing.OFFICE_FORMS and printing.form_available(dossier, kind)
        ],
    }
    context.setdefault("stop_form", ReasonForm())
    context.update(extra)
    return context


@page("GET")
def dossier_detail(request: HttpRequest, dossier_id: int) -> HttpResponse:
    dossier = _own_dossier(request, dossier_id)
    return render(request, "services/citizen/dossier.html", _dossier_context(request, dossier))


@page("GET", "POST")
def supplement(request: HttpRequest, dossier_id: int) -> HttpResponse:
    """Answer a supplement request: the e-form, corrected, and more components."""
    dossier = _applicant_dossier(request, dossier_id)
    if dossier.state != S.SUPPLEMENT_REQUESTED:
        raise Conflict(_("Hồ sơ không ở trạng thái chờ bổ sung."), code="wrong_state")
    person = person_of(request)
    form_kwargs: dict[str, Any] = {
        "procedure": dossier.procedure,
        "agencies": Agency.objects.none(),
        "initial_data": dossier.form_data or {},
        "requirements": dossier.procedure.documents.all(),
        "reusable": files.reusable_files(person).exclude(dossier=dossier),
        "inspect": files.inspect_upload,
        **_kept_uploads(request),
    }
    status = 200
    if request.method == "POST":
        form = SupplementForm(request.POST, request.FILES, **form_kwargs)
        status = 400
        if form.is_valid():
            try:
                with _storing() as stored, transaction.atomic():
                    _attach(person, dossier, form, stored)  # files first: allowed while waiting
                    services.dossier_supplement(actor=person, dossier=dossier, form_data=form.eform_raw())
            except DomainError as exc:
                form.add_service_errors(exc)
                status = exc.status_code
            else:
                pending_forget(request, form.kept_uploads())
                messages.success(request, _("Đã gửi hồ sơ bổ sung. Thời hạn giải quyết được tính tiếp."))
                return redirect("citizen:dossier", dossier_id=dossier.pk)
        _keep_uploads(request, form)
    else:
        form = SupplementForm(**form_kwargs)
    return render(
        request,
        "services/citizen/supplement.html",
        {
            "nav": "mine",
            "dossier": dossier,
            "form": mark_invalid(form),
            "reason": _last_note(dossier, "request_supplement"),
        },
        status=status,
    )


@page("POST")
def stop(request: HttpRequest, dossier_id: int) -> HttpResponse:
    dossier = _applicant_dossier(request, dossier_id)
    form = ReasonForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            services.dossier_stop(actor=person_of(request), dossier=dossier, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            form_error(form, exc)
            status = exc.status_code
        else:
            messages.success(request, _("Đã dừng xử lý hồ sơ theo đề nghị của bạn."))
            return redirect("citizen:dossier", dossier_id=dossier.pk)
    dossier.refresh_from_db()
    return render(
        request,
        "services/citizen/dossier.html",
        _dossier_context(request, dossier, stop_form=mark_invalid(form), stop_open=True),
        status=status,
    )


@page("POST")
def pay(request: HttpRequest, dossier_id: int) -> HttpResponse:
    dossier = _applicant_dossier(request, dossier_id)
    _payment, url = payments.payment_start(actor=person_of(request), dossier=dossier)
    return redirect(url)


@page("GET", "POST")
def rate(request: HttpRequest, dossier_id: int) -> HttpResponse:
    """Đánh giá mức độ hài lòng, once, after the result (before it: 409)."""
    dossier = _applicant_dossier(request, dossier_id)
    if dossier.state != S.RESULT_RETURNED:
        raise Conflict(_("Chỉ đánh giá sau khi nhận kết quả"), code="not_returned")
    if Rating.objects.filter(dossier=dossier).exists():
        raise Conflict(_("Hồ sơ đã được đánh giá"), code="already_rated")
    status = 200
    if request.method == "POST":
        form = RatingForm(request.POST, labels=ratings.RATING_LABELS)
        status = 400
        if form.is_valid():
            try:
                ratings.dossier_rate(
                    actor=person_of(request),
                    dossier=dossier,
                    score=form.cleaned_data["score"],
                    comment=form.cleaned_data["comment"],
                )
            except DomainError as exc:
                form_error(form, exc)
                status = exc.status_code
            else:
                messages.success(request, _("Cảm ơn bạn đã đánh giá."))
                return redirect("citizen:dossier", dossier_id=dossier.pk)
    else:
        form = RatingForm(labels=ratings.RATING_LABELS)
    context = {"nav": "mine", "dossier": dossier, "form": mark_invalid(form)}
    return render(request, "services/citizen/rate.html", context, status=status)


# --- public lookup ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@never_cache
def lookup(request: HttpRequest) -> HttpResponse:
    """Tra cứu hồ sơ: public, by code and the last 4 digits; rate-limited per client address."""
    status = 200
    context: dict[str, Any] = {"nav": "lookup"}
    result: LookupResult | None = None
    if request.method == "POST":
        form = LookupForm(request.POST)
        code = request.POST.get("code", "")
        if lookup_limited(request, code):
            status = 429
            context["limited"] = _("Bạn đã tra cứu quá nhiều lần. Vui lòng thử lại sau ít phút.")
        elif form.is_valid():
            try:
                result = dossier_lookup(code=form.cleaned_data["code"], digits=form.cleaned_data["digits"])
            except NotFound as exc:
                lookup_failed(request, code)
                status, context["not_found"] = 404, exc.message
            except DomainError as exc:
                form_error(form, exc)
                for name, message in exc.errors.items():
                    if name in form.fields and name != exc.field:
                        form.add_error(name, message)
                status = 400
        else:
            status = 400
        echoed = request.POST.copy()  # the form's data
        echoed["digits"] = ""  # never echoed back
        form.data = echoed
    else:
        form = LookupForm()
    context.update(form=mark_invalid(form), result=result, partial=is_htmx(request))
    template = "services/citizen/_lookup_result.html" if is_htmx(request) else "services/citizen/lookup.html"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ["HX-Request"])
    return response
