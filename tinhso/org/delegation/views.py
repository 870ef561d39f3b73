"""Pages of delegations (ủy quyền): the person's list (given and received), making one, and
revoking one (POST). A delegation is seen by its two people only; anyone else is told it does
not exist."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core import validation
from tinhso.core.errors import DomainError, NotAllowed, NotFound
from tinhso.core.web import page, person_of
from tinhso.org import rules
from tinhso.org.models import Agency, Delegation, DelegationKind, Person
from tinhso.org.roles import Role

from .access import access_delegation
from .selectors import delegation_lists
from .services import (
    delegable_assignments,
    delegate_candidates,
    delegation_create,
    delegation_kind,
    delegation_revoke,
)


@dataclass(frozen=True)
class Listed:
    """A delegation as the list shows it."""

    delegation: Delegation
    roles: list[str]
    status: str
    tone: str
    revocable: bool


def _listed(person: Person, delegations: list[Delegation], today: dt.date) -> list[Listed]:
    out = []
    for item in delegations:
        if item.revoked_at is not None:
            status, tone = _("Đã thu hồi"), "secondary"
        elif item.valid_to < today:
            status, tone = _("Đã hết hạn"), "secondary"
        elif item.valid_from > today:
            status, tone = _("Chưa đến ngày"), "info"
        else:
            status, tone = _("Đang hiệu lực"), "success"
        out.append(
            Listed(
                delegation=item,
                roles=[str(Role(held.role).label) for held in item.roles.all()],
                status=status,
                tone=tone,
                revocable=tone in ("success", "info") and rules.may_revoke_delegation(person, item),
            )
        )
    return out


@page("GET")
def delegations(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    today = timezone.localdate()
    given, received = delegation_lists(person)
    context = {
        "given": _listed(person, given, today),
        "received": _listed(person, received, today),
        "may_delegate": rules.may_delegate(person),
    }
    return render(request, "org/delegations.html", context)


def _day(value: str, field: str, label: str) -> dt.date | None:
    if not value.strip():
        return None
    try:
        return validation.date_value(value, typed=True)
    except validation.InvalidValue as error:
        raise DomainError(error.sentence(label), field=field, code=error.code) from None


@page("GET", "POST")
def delegation_new(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    if not rules.may_delegate(person):
        raise NotAllowed(_("Chỉ lãnh đạo giữ quyền phê duyệt, chỉ đạo trên một cơ quan được ủy quyền."))
    held = delegable_assignments(person)
    agencies: dict[int, Agency] = {}
    for assignment in held:
        if assignment.agency is not None:
            agencies.setdefault(assignment.agency.pk, assignment.agency)
    data = request.POST if request.method == "POST" else request.GET
    chosen = data.get("agency") or next(iter(agencies))
    try:
        agency = agencies[int(chosen)]
    except (KeyError, TypeError, ValueError):
        raise NotFound(_("Không tìm thấy cơ quan, đơn vị."), code="not_found") from None
    roles = [(a.role, Role(a.role).label) for a in held if a.agency_id == agency.pk]
    candidates = delegate_candidates(agency, person)
    today = timezone.localdate()
    context: dict[str, Any] = {
        "agencies": list(agencies.values()),
        "agency": agency,
        "roles": roles,
        "candidates": [
            (candidate, "KT." if delegation_kind(person, candidate) == DelegationKind.ON_BEHALF else "TUQ.")
            for candidate in candidates
        ],
        "values": {
            "delegate": data.get("delegate", ""),
            "roles": data.getlist("roles") if request.method == "POST" else [role for role, _label in roles],
            "valid_from": data.get("valid_from", today.strftime("%d/%m/%Y")),
            "valid_to": data.get("valid_to", ""),
            "reason": data.get("reason", ""),
        },
    }
    status = 200
    if request.method == "POST":
        try:
            delegate_id = data.get("delegate", "")
            delegate = next((c for c in candidates if str(c.pk) == delegate_id), None)
            if delegate is None:
                raise DomainError(_("Chọn người được ủy quyền trong danh sách."), field="delegate", code="required")
            made = delegation_create(
                actor=person,
                delegate=delegate,
                agency=agency,
                roles=data.getlist("roles"),
                valid_from=_day(data.get("valid_from", ""), "valid_from", _("Ngày bắt đầu")),
                valid_to=_day(data.get("valid_to", ""), "valid_to", _("Ngày kết thúc")),
                reason=data.get("reason", ""),
            )
        except DomainError as error:
            context["error"] = error.message
            context["error_field"] = error.field
            status = error.status_code
        else:
            messages.success(
                request,
                _("Đã ủy quyền cho %(name)s (%(kind)s) từ %(start)s đến %(end)s.")
                % {
                    "name": made.delegate.get_full_name(),
                    "kind": f"{made.kind}.",
                    "start": made.valid_from.strftime("%d/%m/%Y"),
                    "end": made.valid_to.strftime("%d/%m/%Y"),
                },
            )
            return HttpResponseRedirect(reverse("org:delegations"))
    return render(request, "org/delegation_new.html", context, status=status)


@page("POST")
def delegation_end(request: HttpRequest, delegation_id: int) -> HttpResponse:
    person = person_of(request)
    delegation = access_delegation(person, delegation_id)
    delegation_revoke(actor=person, delegation=delegation)
    messages.success(request, _("Đã thu hồi ủy quyền cho %(name)s.") % {"name": delegation.delegate.get_full_name()})
    return HttpResponseRedirect(reverse("org:delegations"))
