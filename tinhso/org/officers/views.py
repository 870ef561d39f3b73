"""Pages for officers' accounts (not the Django admin): the list of the officers of my agencies,
one officer (roles with their time limits, deactivation, the activation link again), a new
officer, the import of a sheet (upload → preview → confirm), the handover of a person's open
work, and the activation page a new officer's link opens.

Who may: :func:`tinhso.org.rules.may_manage_officers` and its siblings. An officer outside the
reader's agencies is answered as not found.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import login
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from tinhso.core.documents import XLSX
from tinhso.core.errors import DomainError, NotAllowed, NotFound
from tinhso.core.privacy import mask_digits, mask_email
from tinhso.core.web import form_error, import_step, page, person_of, render_error

from .. import rules
from ..access import agencies_managed_by
from ..models import Person, RoleAssignment
from . import services
from .forms import HandoverForm, OfficerForm, RoleForm
from .selectors import access_officer, officer_list, officer_roles, officer_successors
from .tokens import activation_tokens
from .xlsx import officers_import_xlsx, officers_template_xlsx

_SESSION_KEY = "org.officers_import"
PAGE_SIZE = 25


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render_error(
        request,
        NotAllowed(
            _(
                "Chỉ cơ quan chuyên trách chuyển đổi số, quản trị người dùng của cơ quan và quản trị hệ thống "
                "được quản lý tài khoản cán bộ."
            )
        ),
    )


@page("GET")
def officers(request: HttpRequest) -> HttpResponse:
    actor = person_of(request)
    if not rules.may_manage_officers(actor):
        return _forbidden(request)
    query = request.GET.get("q", "").strip()[:100]
    paginator = Paginator(officer_list(actor=actor, query=query), PAGE_SIZE)
    current = paginator.get_page(request.GET.get("trang"))
    rows = [
        {
            "person": person,
            "email": mask_email(person.email),
            "phone": mask_digits(person.phone),
        }
        for person in current.object_list
    ]
    return render(request, "org/officers/list.html", {"page": current, "rows": rows, "q": query, "nav": "officers"})


def _role_spec(form: RoleForm) -> services.RoleSpec:
    data = form.cleaned_data
    return services.RoleSpec(
        role=data["role"],
        agency=data["agency"],
        valid_from=data["valid_from"] or timezone.localdate(),
        valid_to=data["valid_to"],
    )


@page("GET", "POST")
def officer_create(request: HttpRequest) -> HttpResponse:
    actor = person_of(request)
    if not rules.may_manage_officers(actor):
        return _forbidden(request)
    agencies = agencies_managed_by(actor)
    form = OfficerForm(request.POST or None, agencies=agencies)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                officer = services.officer_create(
                    actor=actor,
                    full_name=form.cleaned_data["full_name"],
                    email=form.cleaned_data["email"],
                    phone=form.cleaned_data["phone"],
                    title=form.cleaned_data["title"],
                    roles=[_role_spec(form)],
                )
            except DomainError as exc:
                form_error(form, exc)
                status = exc.status_code
            else:
                return redirect("org:officer_detail", person_id=officer.pk)
        else:
            status = 400
    return render(request, "org/officers/create.html", {"form": form}, status=status)


@page("GET", "POST")
def officer_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    actor = person_of(request)
    officer = access_officer(actor, person_id)
    manageable = rules.may_manage_person(actor, officer)
    agencies = agencies_managed_by(actor)
    form = RoleForm(agencies=agencies)
    status, message, error = 200, "", ""
    if request.method == "POST":
        if not manageable:
            raise NotAllowed(_("Bạn không có quyền quản lý tài khoản cán bộ này."), code="forbidden")
        action = request.POST.get("action", "")
        try:
            if action == "grant":
                form = RoleForm(request.POST, agencies=agencies)
                if not form.is_valid():
                    raise DomainError(_("Kiểm tra lại vai trò, cơ quan và ngày."), code="invalid_form")
                services.officer_role_grant(actor=actor, officer=officer, spec=_role_spec(form))
                message = _("Đã cấp vai trò.")
                form = RoleForm(agencies=agencies)
            elif action == "end":
                assignment = RoleAssignment.objects.filter(
                    person=officer, pk=_int(request.POST.get("assignment"))
                ).first()
                if assignment is None:
                    raise NotFound(_("Không tìm thấy vai trò."), code="not_found")
                services.officer_role_end(actor=actor, assignment=assignment)
                message = _("Đã kết thúc vai trò: từ hôm nay vai trò không còn hiệu lực.")
            elif action == "deactivate":
                services.officer_deactivate(actor=actor, officer=officer)
                message = _("Đã khóa tài khoản và kết thúc mọi vai trò.")
            elif action == "invite":
                services.officer_invite(actor=actor, officer=officer)
                message = _("Đã gửi lại liên kết kích hoạt.")
            else:
                raise DomainError(_("Thao tác không hợp lệ."), code="invalid_action")
        except DomainError as exc:
            error, status = exc.message, exc.status_code
        officer.refresh_from_db()
    today = timezone.localdate()
    roles = [
        {
            "assignment": item,
            "state": _role_state(item.valid_from, item.valid_to, today),
            "open": item.valid_to is None or item.valid_to >= today,
        }
        for item in officer_roles(officer=officer)
    ]
    context = {
        "officer": officer,
        "roles": roles,
        "form": form,
        "manageable": manageable,
        "message": message,
        "error": error,
        "activated": officer.has_usable_password(),
    }
    return render(request, "org/officers/detail.html", context, status=status)


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        return 0


def _role_state(valid_from: dt.date, valid_to: dt.date | None, today: dt.date) -> str:
    if valid_to is not None and valid_to < valid_from:
        return _("Đã thu hồi trước ngày hiệu lực")
    if valid_from > today:
        return _("Chưa đến ngày hiệu lực")
    if valid_to is not None and valid_to < today:
        return _("Đã hết hạn")
    return _("Đang hiệu lực")


@page("GET", "POST")
def officer_handover(request: HttpRequest, person_id: int) -> HttpResponse:
    actor = person_of(request)
    leaving = access_officer(actor, person_id)
    if not rules.may_manage_person(actor, leaving):
        raise NotAllowed(_("Bạn không có quyền bàn giao công việc của cán bộ này."), code="forbidden")
    form = HandoverForm(request.POST or None, successors=officer_successors(actor=actor, leaving=leaving))
    status, refusals, moved = 200, [], None
    if request.method == "POST":
        if form.is_valid():
            successor = form.cleaned_data["successor"]
            refusals = services.handover_refusals(leaving, successor)
            if not refusals:
                try:
                    moved = services.person_handover(
                        actor=actor, person=leaving, successor=successor, leave=form.cleaned_data["leave"]
                    )
                except DomainError as exc:
                    form_error(form, exc)
                    status = exc.status_code
            else:
                status = 400
        else:
            status = 400
    counts = services.open_work_count(leaving)
    context = {
        "officer": leaving,
        "form": form,
        "counts": counts,
        "total": sum(item.count for item in counts),
        "refusals": refusals,
        "moved": moved,
        "labels": {item.name: item.label for item in counts},
    }
    return render(request, "org/officers/handover.html", context, status=status)


@page("GET")
def officers_template(request: HttpRequest) -> HttpResponse:
    actor = person_of(request)
    if not rules.may_manage_officers(actor):
        return _forbidden(request)
    response = HttpResponse(officers_template_xlsx(actor), content_type=XLSX)
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="danh-sach-can-bo-{stamp}.xlsx"'
    return response


@page("GET", "POST")
def officers_import(request: HttpRequest) -> HttpResponse:
    actor = person_of(request)
    if not rules.may_manage_officers(actor):
        return _forbidden(request)
    context: dict[str, object] = {}
    status = 200
    if request.method == "POST":
        try:
            outcome, token = import_step(
                request,
                session_key=_SESSION_KEY,
                scope=str(actor.pk),
                run=lambda data, dry_run: officers_import_xlsx(actor=actor, data=data, dry_run=dry_run),
            )
            context["outcome"] = outcome
            context["token"] = token
            if outcome.rejected:
                status = 400
        except DomainError as exc:
            context["error"] = exc.message
            status = exc.status_code
    return render(request, "org/officers/import.html", context, status=status)


# --- the activation link ----------------------------------------------------------------------------


def _linked_person(uidb64: str, token: str) -> Person | None:
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
        return None
    person = Person.objects.filter(pk=pk, is_active=True).first()
    if person is None or not activation_tokens.check_token(person, token):
        return None
    return person


@never_cache  # the page answers for a secret link
@page("GET", "POST", login=False)
def officer_activate(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    person = _linked_person(uidb64, token)
    if person is None:
        return render(request, "org/officers/activate.html", {"invalid": True}, status=404)
    context: dict[str, object] = {"person": person}
    status = 200
    if request.method == "POST":
        try:
            person = services.officer_activate(
                person=person,
                password=request.POST.get("password", ""),
                password_again=request.POST.get("password_again", ""),
            )
        except DomainError as exc:
            context["error"] = exc.message
            status = exc.status_code
        else:
            login(request, person, backend="tinhso.org.backends.PersonBackend")
            return HttpResponseRedirect(reverse("home"))
    return render(request, "org/officers/activate.html", context, status=status)
