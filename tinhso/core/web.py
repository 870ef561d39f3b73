"""What every server-rendered page does the same way: tell an HTMX request from a page load,
and answer a :class:`DomainError` (400), :class:`NotAllowed` (403), :class:`NotFound` (404) or
:class:`Conflict` (409) with its Vietnamese message on an error page, with that status.

Each area keeps its own error template (its layout and the way back differ); the templates get
``message`` and ``status``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
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


def render_error(request: HttpRequest, error: DomainError | str, *, template: str = ERROR_TEMPLATE,
                 status: int | None = None) -> HttpResponse:
    """``error``'s message on ``template`` with its status (``status`` for a plain message, or to
    override the error's own)."""
    if isinstance(error, DomainError):
        message, code = error.message, status or error.status_code
    else:
        message, code = str(error), status or 400
    return render(request, template, {"message": message, "status": code}, status=code)


def page(*methods: str, template: str = ERROR_TEMPLATE, fragment: str | None = None,
         login: bool = True) -> Callable[[View], View]:
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
