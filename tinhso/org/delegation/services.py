"""Writes of delegations: make one, revoke one. Each checks everything before it writes, so a
refusal leaves no row and no ledger entry; each appends its ledger entry (ids, roles and dates
only: the reason is free text and stays out of the ledger)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core import validation
from tinhso.core.errors import Conflict, DomainError, NotAllowed
from tinhso.core.text import fold
from tinhso.ledger.services import ledger_append
from tinhso.org import rules
from tinhso.org.models import Agency, Delegation, DelegationKind, DelegationRole, Person, RoleAssignment
from tinhso.org.roles import DELEGABLE_ROLES, Role

REASON_MAX = 1000
DEPUTY_PREFIX = "pho "  # "Phó Giám đốc", folded


def delegation_kind(delegator: Person, delegate: Person) -> str:
    """KT. when the delegate is the delegator's deputy (their title is the delegator's with
    "Phó" before it: Giám đốc → Phó Giám đốc, Chủ tịch UBND xã → Phó Chủ tịch UBND xã); TUQ.
    otherwise (Decree 30/2020, art. 13: a deputy signs *for* the head, anyone else signs *by the
    head's authorisation*)."""
    head, deputy = fold(delegator.title), fold(delegate.title)
    return DelegationKind.ON_BEHALF if head and deputy == DEPUTY_PREFIX + head else DelegationKind.AUTHORISED


def delegable_assignments(person: Person, day: dt.date | None = None) -> list[RoleAssignment]:
    """The roles ``person`` holds on an agency on ``day`` (today) and may lend."""
    return list(
        RoleAssignment.objects.active(day)
        .filter(person=person, role__in=DELEGABLE_ROLES, agency__isnull=False)
        .select_related("agency")
        .order_by("agency__path", "role")
    )


def delegate_candidates(agency: Agency, delegator: Person, day: dt.date | None = None) -> list[Person]:
    """Who may receive a delegation on ``agency``: active people holding a role on it or below it."""
    day = day or timezone.localdate()
    held = RoleAssignment.objects.active(day).filter(agency__path__startswith=agency.path)
    return list(
        Person.objects.filter(is_active=True, pk__in=held.values("person_id"))
        .exclude(pk=delegator.pk)
        .order_by("full_name", "pk")
    )


def _period_check(valid_from: dt.date | None, valid_to: dt.date | None, today: dt.date) -> tuple[dt.date, dt.date]:
    if valid_from is None:
        raise DomainError(_("Vui lòng nhập ngày bắt đầu ủy quyền."), field="valid_from", code="required")
    if valid_to is None:
        raise DomainError(
            _("Vui lòng nhập ngày kết thúc: ủy quyền phải có thời hạn (Nghị định 30/2020/NĐ-CP)."),
            field="valid_to",
            code="required",
        )
    for field, day in (("valid_from", valid_from), ("valid_to", valid_to)):
        try:
            validation.date_range_check(day)
        except validation.InvalidValue as error:
            raise DomainError(error.sentence(_("Ngày")), field=field, code=error.code) from None
    if valid_from < today:
        raise DomainError(
            _("Ngày bắt đầu ủy quyền không được trước hôm nay (%(day)s).") % {"day": today.strftime("%d/%m/%Y")},
            field="valid_from",
            code="in_the_past",
        )
    if valid_to < valid_from:
        raise DomainError(
            _("Ngày kết thúc ủy quyền phải từ ngày bắt đầu trở đi."), field="valid_to", code="period_reversed"
        )
    return valid_from, valid_to


@transaction.atomic
def delegation_create(
    *,
    actor: Person,
    delegate: Person,
    agency: Agency,
    roles: Iterable[str],
    valid_from: dt.date | None,
    valid_to: dt.date | None,
    reason: str = "",
) -> Delegation:
    """``actor`` lends ``roles`` they hold on ``agency`` to ``delegate`` from ``valid_from`` to
    ``valid_to`` (both included). Refused, with nothing written: to oneself; a role the actor
    does not hold on that agency on the first day, or one that may not be lent
    (``roles.DELEGABLE_ROLES``); no end date, or an end before the start, or a start in the past;
    a delegate who does not work at the agency; a delegation of the same roles to the same person
    on the same agency overlapping this period."""
    today = timezone.localdate()
    if delegate.pk == actor.pk:
        raise DomainError(_("Không thể ủy quyền cho chính mình."), field="delegate", code="self")
    valid_from, valid_to = _period_check(valid_from, valid_to, today)
    chosen = sorted(set(roles))
    if not chosen:
        raise DomainError(_("Chọn ít nhất một quyền hạn để ủy quyền."), field="roles", code="required")
    for role in chosen:
        if role not in Role.values or role not in DELEGABLE_ROLES:
            raise DomainError(
                _("Vai trò “%(role)s” không được ủy quyền.")
                % {"role": Role(role).label if role in Role.values else role},
                field="roles",
                code="not_delegable",
            )
    try:
        text = validation.text_value(reason, max_length=REASON_MAX, multiline=True)
    except validation.InvalidValue as error:
        raise DomainError(error.sentence(_("Lý do")), field="reason", code=error.code) from None
    # One delegator at a time: two requests cannot both pass the overlap check below.
    delegator = Person.objects.select_for_update().get(pk=actor.pk)
    held = set(
        RoleAssignment.objects.active(valid_from)
        .filter(person=delegator, agency=agency, role__in=chosen)
        .values_list("role", flat=True)
    )
    missing = [role for role in chosen if role not in held]
    if missing:
        raise DomainError(
            _(
                "Bạn không giữ vai trò “%(role)s” tại %(agency)s vào ngày %(day)s: chỉ được ủy quyền "
                "quyền hạn của chính mình."
            )
            % {"role": Role(missing[0]).label, "agency": agency.name, "day": valid_from.strftime("%d/%m/%Y")},
            field="roles",
            code="not_held",
        )
    if not delegate.is_active or delegate.pk not in {p.pk for p in delegate_candidates(agency, delegator, valid_from)}:
        raise DomainError(
            _("Người được ủy quyền phải là cán bộ đang công tác tại %(agency)s.") % {"agency": agency.name},
            field="delegate",
            code="not_in_agency",
        )
    overlapping = Delegation.objects.filter(
        delegator=delegator,
        delegate=delegate,
        agency=agency,
        revoked_at__isnull=True,
        valid_from__lte=valid_to,
        valid_to__gte=valid_from,
        roles__role__in=chosen,
    )
    if overlapping.exists():
        raise Conflict(
            _("Đã có ủy quyền cho người này với quyền hạn này trong khoảng thời gian trùng lặp."),
            code="overlap",
        )
    delegation = Delegation.objects.create(
        delegator=delegator,
        delegate=delegate,
        agency=agency,
        kind=delegation_kind(delegator, delegate),
        valid_from=valid_from,
        valid_to=valid_to,
        reason=text,
        created_by=actor,
    )
    DelegationRole.objects.bulk_create([DelegationRole(delegation=delegation, role=role) for role in chosen])
    ledger_append(
        actor=actor,
        action="org.delegation.create",
        obj=delegation,
        payload={
            "delegator": delegator.pk,
            "delegate": delegate.pk,
            "agency": agency.pk,
            "roles": chosen,
            "kind": delegation.kind,
            "valid_from": valid_from,
            "valid_to": valid_to,
        },
    )
    return delegation


@transaction.atomic
def delegation_revoke(*, actor: Person, delegation: Delegation) -> Delegation:
    """End a delegation now: from this moment its delegate no longer acts under it."""
    delegation = Delegation.objects.select_for_update().get(pk=delegation.pk)
    if not rules.may_revoke_delegation(actor, delegation):
        raise NotAllowed(_("Chỉ người ủy quyền được thu hồi ủy quyền này."), code="forbidden")
    if delegation.revoked_at is not None:
        raise Conflict(_("Ủy quyền này đã được thu hồi."), code="already_revoked")
    if delegation.valid_to < timezone.localdate():
        raise Conflict(_("Ủy quyền này đã hết hạn, không cần thu hồi."), code="expired")
    delegation.revoked_at = timezone.now()
    delegation.revoked_by = actor
    delegation.save(update_fields=["revoked_at", "revoked_by"])
    ledger_append(
        actor=actor,
        action="org.delegation.revoke",
        obj=delegation,
        payload={
            "delegator": delegation.delegator_id,
            "delegate": delegation.delegate_id,
            "agency": delegation.agency_id,
        },
    )
    return delegation
