"""What every server-rendered page does the same way: tell an HTMX request from a page load,
and answer a :class:`DomainError` (400), :class:`NotAllowed` (403), :class:`NotFound` (404) or
:class:`Conflict` (409) with its Vietnamese message on an error page, with that status.

Each area keeps its own error template (its layout and the way back differ); the templates get
``message`` and ``status``.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .errors import DomainError

if TYPE_CHECKING:
    from tinhso.org.models import Person

View = TypeVar("View", bound=Callable[..., HttpResponseBase])

ERROR_TEMPLATE = "services/error.html"


def is_htmx(request: HttpRequest) -> bool:
    """An HTMX partial request (not the full page HTMX fetches to restore its history)."""
    return request.headers.get("HX-Request") == "true" and "HX-History-Restore-Request" not in request.headers


def person_of(request: HttpRequest) -> Person:
    """The signed-in user of a view behind ``login_required``."""
    return cast("Person", request.user)


def render_error(
    request: HttpRequest, error: DomainError | str, *, template: str = ERROR_TEMPLATE, status: int | None = None
) -> HttpResponse:
    """``error``'s message on ``template`` with its status (``status`` for a plain message, or to
    override the error's own)."""
    if isinstance(error, DomainError):
        message, code = error.message, status or error.status_code
    else:
        message, code = str(error), status or 400
    return render(request, template, {"message": message, "status": code}, status=code)


def page(
    *methods: str, template: str = ERROR_TEMPLATE, fragment: str | None = None, login: bool = True
) -> Callable[[View], View]:
    """Only ``methods``, login required unless ``login=False``, and a :class:`DomainError`
    escaping the view answered by :func:`render_error` on ``template`` (on ``fragment``, when
    given, for an HTMX request)."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            try:
                return view(request, *args, **kwargs)
            except DomainError as exc:
                chosen = fragment if fragment is not None and is_htmx(request) else template
                return render_error(request, exc, template=chosen)

        wrapped = require_http_methods(list(methods))(wrapper)
        return cast(View, login_required(wrapped) if login else wrapped)

    return decorate


def form_error(form: Form, exc: DomainError) -> None:
    """Put a service's error on the field it names, or on the form as a whole."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


IMPORT_MAX_BYTES = 5 * 1024 * 1024


def import_step(request: HttpRequest, *, session_key: str, run: Callable[..., Any], scope: str = "") -> tuple[Any, str]:
    """One step of an Excel import page: upload → preview → confirm.

    An uploaded file is checked by ``run(data, dry_run=True)`` (nothing saved); when nothing is
    rejected its bytes are kept in the session under a new token, returned for the confirm form.
    A post of that token saves the same bytes with ``run(data, dry_run=False)`` (token ``""``).
    ``scope`` binds a preview to what it was made for (a province): confirming it elsewhere is
    refused like an expired one. Returns the outcome and the token; bad input is a DomainError.
    """
    if "token" in request.POST:
        stored = request.session.get(session_key) or {}
        if stored.get("token") != request.POST["token"] or stored.get("scope", "") != scope:
            raise DomainError(_("Phiên xem trước đã hết hạn: tải tệp lên lại."))
        outcome = run(base64.b64decode(stored["data"]), dry_run=False)
        request.session.pop(session_key, None)
        return outcome, ""
    upload = request.FILES.get("file")
    if upload is None:
        raise DomainError(_("Chọn tệp Excel (.xlsx) để nhập."))
    if upload.size and upload.size > IMPORT_MAX_BYTES:
        raise DomainError(_("Tệp lớn hơn 5 MB."))
    data = upload.read()
    outcome = run(data, dry_run=True)
    token = ""
    if not outcome.rejected:
        token = secrets.token_urlsafe(16)
        request.session[session_key] = {"token": token, "scope": scope, "data": base64.b64encode(data).decode()}
    return outcome, token
