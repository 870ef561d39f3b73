"""The account pages (/tai-khoan/): register, confirm, reset a password, the account's page.

Views parse, call the services, render. What the browser is doing between two steps is kept in
its session (the ticket of the code it waits for, never the code); a step reached without its
first step goes back to it. Sending codes is limited per client address and per destination
(django-ratelimit, the shared cache); a wrong code at a password reset counts as a failed
sign-in for django-axes, so the lockout of the login page holds here too.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, user_login_failed
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_ratelimit import ALL
from django_ratelimit.core import get_usage

from tinhso.core import web
from tinhso.core.errors import DomainError
from tinhso.core.privacy import mask_digits
from tinhso.core.web import form_error, person_of

from . import services
from .forms import AddressForm, CodeForm, RegisterForm, ResetConfirmForm, mark_invalid
from .oidc import oidc_enabled, provider_name
from .selectors import consent_list, person_proven_personal_id

REGISTER_KEY = "accounts.register"
RESET_KEY = "accounts.reset"
SEND_RATE_CLIENT = "10/h"  # codes asked from one client address (settings.TINHSO_CODE_SEND_RATE)
SEND_RATE_DESTINATION = "3/15m"  # codes sent to one phone or e-mail (settings.TINHSO_CODE_DESTINATION_RATE)
CONFIRM_RATE_CLIENT = "30/15m"  # codes tried from one client address (settings.TINHSO_CODE_CONFIRM_RATE)
BACKEND = "tinhso.org.backends.PersonBackend"


class TooManyRequests(DomainError):
    status_code = 429


def _client(group: str, request: HttpRequest) -> str:
    from axes.helpers import get_client_ip_address  # axes knows about the reverse proxy

    return get_client_ip_address(request) or request.META.get("REMOTE_ADDR", "") or "unknown"


def _rate(name: str, default: str) -> Any:
    return lambda group, request: getattr(settings, name, default)


def _too_many() -> TooManyRequests:
    return TooManyRequests(
        _("Bạn đã yêu cầu quá nhiều lần. Vui lòng thử lại sau ít phút."), field="address", code="rate_limited"
    )


def _limit_send(request: HttpRequest, address: services.Address) -> None:
    """Count one code (or notice) sent; refuse past either limit. The same for a free and a
    taken address, so the limit says nothing about accounts."""
    for group, key, rate in (
        ("org.accounts.send.client", _client, _rate("TINHSO_CODE_SEND_RATE", SEND_RATE_CLIENT)),
        (
            "org.accounts.send.destination",
            lambda group, request: address.digest,
            _rate("TINHSO_CODE_DESTINATION_RATE", SEND_RATE_DESTINATION),
        ),
    ):
        usage = get_usage(request, group=group, key=key, rate=rate, method=ALL, increment=True)
        if usage is not None and usage["should_limit"]:
            raise _too_many()


def _limit_confirm(request: HttpRequest) -> None:
    usage = get_usage(
        request,
        group="org.accounts.confirm.client",
        key=_client,
        rate=_rate("TINHSO_CODE_CONFIRM_RATE", CONFIRM_RATE_CLIENT),
        method=ALL,
        increment=True,
    )
    if usage is not None and usage["should_limit"]:
        raise _too_many()


def _next_url(request: HttpRequest, default: str = "home") -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _sent_message(request: HttpRequest, address: services.Address) -> None:
    messages.info(
        request,
        _(
            "Nếu %(address)s dùng được cho yêu cầu này, chúng tôi đã gửi đến đó một mã gồm 6 chữ số, có hiệu lực "
            "10 phút. Hãy nhập mã vào ô dưới đây."
        )
        % {"address": address.masked},
    )


def _attempt_failed(flow: dict[str, Any]) -> None:
    flow["attempts"] = int(flow.get("attempts", 0)) + 1


def _attempts_left(flow: dict[str, Any]) -> None:
    """A decoy ticket has no row to count on: the session counts for every ticket alike."""
    if int(flow.get("attempts", 0)) >= services.CODE_MAX_ATTEMPTS:
        raise services.code_attempts_exhausted()


# --- registration ------------------------------------------------------------------------------


@web.page("GET", "POST", login=False)
@never_cache
def register(request: HttpRequest) -> HttpResponse:
    """Đăng ký tài khoản: phone or e-mail, full name, password, consent; then a code."""
    if request.user.is_authenticated:
        return redirect("home")
    form = RegisterForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                address = services.address_parse(form.cleaned_data["address"])
                services.registration_check(
                    address=address,
                    full_name=form.cleaned_data["full_name"],
                    password=form.cleaned_data["password1"],
                )
                _limit_send(request, address)
                registration = services.registration_start(
                    address=address,
                    full_name=form.cleaned_data["full_name"],
                    password=form.cleaned_data["password1"],
                    consent=form.cleaned_data["consent"],
                )
            except DomainError as exc:
                form_error(form, exc)
                status = exc.status_code
            else:
                request.session[REGISTER_KEY] = {
                    **registration.as_session(),
                    "attempts": 0,
                    "next": _next_url(request),
                }
                _sent_message(request, address)
                return redirect("accounts:register-confirm")
    context = {"form": mark_invalid(form), "oidc": _oidc_context(request)}
    return render(request, "registration/register.html", context, status=status)


@web.page("GET", "POST", login=False)
@never_cache
def register_confirm(request: HttpRequest) -> HttpResponseBase:
    """Nhập mã xác nhận đăng ký (or ask for a new one)."""
    flow = request.session.get(REGISTER_KEY)
    registration = services.Registration.from_session(flow) if isinstance(flow, dict) else None
    if registration is None or not isinstance(flow, dict):
        messages.info(request, _("Phiên đăng ký đã hết. Vui lòng đăng ký lại."))
        return redirect("accounts:register")
    form = CodeForm(request.POST if request.method == "POST" and "resend" not in request.POST else None)
    status = 200
    address = services.Address(registration.channel, registration.address)
    if request.method == "POST" and "resend" in request.POST:
        try:
            _limit_send(request, address)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("accounts:register-confirm")
        registration = services.registration_resend(registration)
        request.session[REGISTER_KEY] = {**flow, **registration.as_session(), "attempts": 0}
        _sent_message(request, address)
        return redirect("accounts:register-confirm")
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                _limit_confirm(request)
                _attempts_left(flow)
                person = services.registration_confirm(registration=registration, code=form.cleaned_data["code"])
            except DomainError as exc:
                if exc.code == "code_wrong":
                    _attempt_failed(flow)
                    request.session[REGISTER_KEY] = flow
                form_error(form, exc)
                status = exc.status_code
            else:
                next_url = str(flow.get("next") or "")
                request.session.pop(REGISTER_KEY, None)
                login(request, person, backend=BACKEND)
                messages.success(request, _("Đã tạo tài khoản. Bạn đã đăng nhập."))
                return redirect(next_url or "accounts:account")
    context = {"form": mark_invalid(form), "address": address.masked}
    return render(request, "registration/register_confirm.html", context, status=status)


# --- password reset ----------------------------------------------------------------------------


@web.page("GET", "POST", login=False)
@never_cache
def reset(request: HttpRequest) -> HttpResponse:
    """Quên mật khẩu: the account's phone or e-mail; a code goes there if it has an account."""
    form = AddressForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                address = services.address_parse(form.cleaned_data["address"])
                _limit_send(request, address)
                ticket = services.reset_start(address=address)
            except DomainError as exc:
                form_error(form, exc)
                status = exc.status_code
            else:
                request.session[RESET_KEY] = {
                    "ticket": ticket,
                    "channel": address.channel,
                    "address": address.value,
                    "attempts": 0,
                }
                _sent_message(request, address)
                return redirect("accounts:reset-confirm")
    return render(request, "registration/reset.html", {"form": mark_invalid(form)}, status=status)


@web.page("GET", "POST", login=False)
@never_cache
def reset_confirm(request: HttpRequest) -> HttpResponseBase:
    """The code and the new password."""
    flow = request.session.get(RESET_KEY)
    if not isinstance(flow, dict) or not flow.get("ticket"):
        messages.info(request, _("Phiên lấy lại mật khẩu đã hết. Vui lòng bắt đầu lại."))
        return redirect("accounts:reset")
    address = services.Address(str(flow["channel"]), str(flow["address"]))
    credentials = {"username": address.value}
    if AxesProxyHandler.is_locked(request, credentials):
        return get_lockout_response(request, credentials=credentials)
    form = ResetConfirmForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                _limit_confirm(request)
                _attempts_left(flow)
                services.reset_confirm(
                    ticket=str(flow["ticket"]), code=form.cleaned_data["code"], password=form.cleaned_data["password1"]
                )
            except DomainError as exc:
                if exc.code == "code_wrong":
                    _attempt_failed(flow)
                    request.session[RESET_KEY] = flow
                    # Counted by django-axes as a failed sign-in under the address typed.
                    user_login_failed.send(sender=__name__, credentials=credentials, request=request)
                form_error(form, exc)
                status = exc.status_code
            else:
                request.session.pop(RESET_KEY, None)
                messages.success(request, _("Đã đặt mật khẩu mới. Hãy đăng nhập bằng mật khẩu mới."))
                return redirect("login")
    context = {"form": mark_invalid(form), "address": address.masked}
    return render(request, "registration/reset_confirm.html", context, status=status)


# --- the account -------------------------------------------------------------------------------


def _oidc_context(request: HttpRequest) -> dict[str, Any] | None:
    if not oidc_enabled():
        return None
    return {"name": provider_name()}


@web.page("GET")
def account(request: HttpRequest) -> HttpResponse:
    """Tài khoản của tôi: how it signs in, the consents given, the proven personal id."""
    person = person_of(request)
    proven = person_proven_personal_id(person)
    context = {
        "person": person,
        "phone": mask_digits(person.phone) if person.phone else "",
        "consents": consent_list(person),
        "consent_texts": services.CONSENT_TEXTS,
        "proven": mask_digits(proven) if proven else "",
        "oidc": _oidc_context(request),
    }
    return render(request, "registration/account.html", context)
