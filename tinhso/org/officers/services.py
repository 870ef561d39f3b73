"""Writes on officers' accounts: create (one or a sheet of them), grant and end roles with their
time limits, deactivate, send the activation link, hand a leaving person's work to a successor.

Each function is one atomic state change that checks the rule (:mod:`tinhso.org.rules`), saves,
and appends its ledger events in the same transaction. Ledger payloads name accounts and roles by
id, never a name, an e-mail address or a phone number.

A new officer's account has no usable password: the activation link (:mod:`.tokens`) lets them
set one. It is sent after commit, by a background task (:mod:`.tasks`), to the officer's e-mail
address or phone through the platform's outbound channels.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core.errors import Conflict, DomainError, NotAllowed
from tinhso.core.text import clean
from tinhso.ledger.services import Record, ledger_append, ledger_append_many

from .. import rules
from ..models import Agency, Person, RoleAssignment
from ..roles import Role
from .work import open_work_kinds


@dataclass(frozen=True)
class RoleSpec:
    """A role to grant: on ``agency``, from ``valid_from`` to ``valid_to`` (open: no end)."""

    role: str
    agency: Agency
    valid_from: dt.date
    valid_to: dt.date | None = None


@dataclass
class OfficerDraft:
    """A new officer, checked and ready to insert."""

    full_name: str
    email: str
    phone: str
    roles: list[RoleSpec] = field(default_factory=list)
    title: str = ""

    @property
    def username(self) -> str:
        return self.email or self.phone


def _refused() -> NotAllowed:
    return NotAllowed(_("Bạn không có quyền quản lý tài khoản cán bộ này."), code="forbidden")


# --- checks shared by the page and the sheet ------------------------------------------------------


def role_spec_refusals(
    actor: Person, spec: RoleSpec, *, today: dt.date | None = None, scope: rules.GrantScope | None = None
) -> list[str]:
    """Why ``actor`` cannot grant ``spec`` (empty when they can): the rule, the dates, the agency.
    ``scope``: the actor's :func:`rules.grant_scope`, for a sheet of rows."""
    today = today or timezone.localdate()
    reasons = []
    if spec.role not in Role.values:
        return [_("Vai trò “%(role)s” không tồn tại.") % {"role": spec.role}]
    if not rules.may_grant_role(actor, spec.role, spec.agency, scope):
        reasons.append(
            _("Bạn không được cấp vai trò “%(role)s” trên “%(agency)s”.")
            % {"role": Role(spec.role).label, "agency": spec.agency.name}
        )
    if spec.valid_to is not None and spec.valid_to < spec.valid_from:
        reasons.append(_("“Đến ngày” không được trước “Từ ngày”."))
    elif spec.valid_to is not None and spec.valid_to < today:
        reasons.append(_("“Đến ngày” đã qua: vai trò sẽ không có hiệu lực ngày nào."))
    if not spec.agency.is_active_on(max(spec.valid_from, today)):
        reasons.append(
            _("Cơ quan “%(agency)s” đã giải thể hoặc ngừng hoạt động: không thể phân quyền.")
            % {"agency": spec.agency.name}
        )
    return reasons


def contact_taken(*, email: str, phone: str) -> bool:
    """Is there already an account with this e-mail address or phone (as contact or user name)?"""
    condition = Q(pk__in=[])
    if email:
        condition |= Q(email_ci=email.lower()) | Q(username_ci=email.lower())
    if phone:
        condition |= Q(phone=phone) | Q(username_ci=phone)
    return Person.objects.annotate(email_ci=Lower("email"), username_ci=Lower("username")).filter(condition).exists()


def _overlapping(person: Person, spec: RoleSpec) -> bool:
    """Does ``person`` already hold ``spec.role`` on ``spec.agency`` for a day of ``spec``?"""
    held = RoleAssignment.objects.filter(person=person, role=spec.role, agency=spec.agency)
    if spec.valid_to is not None:
        held = held.filter(valid_from__lte=spec.valid_to)
    return held.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=spec.valid_from)).exists()


def _role_record(actor: Person | None, assignment: RoleAssignment) -> Record:
    return Record(
        actor=actor,
        action="org.role.grant",
        obj=assignment,
        payload={
            "person": assignment.person_id,
            "role": assignment.role,
            "agency": assignment.agency_id,
            "valid_from": assignment.valid_from,
            "valid_to": assignment.valid_to,
        },
    )


# --- creating accounts ----------------------------------------------------------------------------


def officers_insert(*, actor: Person, drafts: Sequence[OfficerDraft], source: str) -> list[Person]:
    """Insert checked officers with their roles, in bulk, in the caller's transaction: their
    accounts (no usable password), their role assignments, a ledger entry for each, and the
    activation links sent after commit. ``source`` says where they came from ("page", "import")."""
    people = [
        Person(
            username=draft.username,
            full_name=clean(draft.full_name),
            email=draft.email,
            phone=draft.phone,
            title=clean(draft.title),
            password=make_password(None),  # unusable until the officer sets one through the link
        )
        for draft in drafts
    ]
    try:
        with transaction.atomic():
            Person.objects.bulk_create(people)
    except IntegrityError as exc:  # a concurrent creation of the same account
        raise Conflict(_("Một tài khoản trong danh sách vừa được tạo ở nơi khác."), code="duplicate_person") from exc
    if any(person.pk is None for person in people):  # a backend that returns no ids: read them back
        by_username = dict(
            Person.objects.filter(username__in=[p.username for p in people]).values_list("username", "pk")
        )
        for person in people:
            person.pk = by_username[person.username]
    assignments = [
        RoleAssignment(
            person=person,
            role=spec.role,
            agency=spec.agency,
            valid_from=spec.valid_from,
            valid_to=spec.valid_to,
            granted_by=actor,
        )
        for person, draft in zip(people, drafts, strict=True)
        for spec in draft.roles
    ]
    RoleAssignment.objects.bulk_create(assignments)
    if any(assignment.pk is None for assignment in assignments):
        saved = RoleAssignment.objects.filter(person__in=people).order_by("pk")
        assignments = list(saved)
    ledger_append_many(
        [Record(actor=actor, action="org.person.create", obj=person, payload={"source": source}) for person in people]
        + [_role_record(actor, assignment) for assignment in assignments]
    )
    created_ids = [person.pk for person in people]
    transaction.on_commit(lambda: _invitations_enqueue(created_ids))
    return people


def _invitations_enqueue(person_ids: list[int]) -> None:
    from .tasks import officers_invite_send  # the task module imports these services' callers

    officers_invite_send.enqueue(person_ids)


@transaction.atomic
def officer_create(
    *,
    actor: Person,
    full_name: str,
    email: str = "",
    phone: str = "",
    title: str = "",
    roles: Sequence[RoleSpec],
) -> Person:
    """One officer from the page: the same checks and writes as a row of the sheet."""
    if not rules.may_manage_officers(actor):
        raise _refused()
    full_name, email, phone = clean(full_name), clean(email).lower(), clean(phone)
    if not full_name:
        raise DomainError(_("Họ và tên không được để trống."), field="full_name")
    if not email and not phone:
        raise DomainError(_("Cần thư điện tử hoặc số điện thoại để gửi liên kết kích hoạt tài khoản."), field="email")
    if not roles:
        raise DomainError(_("Chọn ít nhất một vai trò."), field="role")
    if contact_taken(email=email, phone=phone):
        raise Conflict(
            _("Đã có tài khoản với thư điện tử hoặc số điện thoại này: thêm vai trò cho tài khoản đó."),
            field="email",
            code="duplicate_person",
        )
    for spec in roles:
        reasons = role_spec_refusals(actor, spec)
        if reasons:
            raise DomainError(" ".join(reasons), field="role", code="role_refused")
    draft = OfficerDraft(full_name=full_name, email=email, phone=phone, title=title, roles=list(roles))
    return officers_insert(actor=actor, drafts=[draft], source="page")[0]


# --- roles ----------------------------------------------------------------------------------------


@transaction.atomic
def officer_role_grant(*, actor: Person, officer: Person, spec: RoleSpec) -> RoleAssignment:
    """Grant a role, with its time limits, to an officer whose account ``actor`` manages."""
    if not rules.may_manage_person(actor, officer):
        raise _refused()
    reasons = role_spec_refusals(actor, spec)
    if reasons:
        raise DomainError(" ".join(reasons), field="role", code="role_refused")
    officer = Person.objects.select_for_update().get(pk=officer.pk)
    if not officer.is_active:
        raise DomainError(_("Tài khoản này đã bị khóa."), code="inactive")
    if _overlapping(officer, spec):
        raise Conflict(_("Cán bộ đã có vai trò này trên cơ quan này trong khoảng thời gian đó."), code="duplicate_role")
    assignment = RoleAssignment.objects.create(
        person=officer,
        role=spec.role,
        agency=spec.agency,
        valid_from=spec.valid_from,
        valid_to=spec.valid_to,
        granted_by=actor,
    )
    ledger_append_many([_role_record(actor, assignment)])
    return assignment


def _end(assignment: RoleAssignment, today: dt.date) -> None:
    """End a role so that it gives nothing from ``today`` on: its last day is yesterday; a role
    not yet begun is withdrawn (its last day the eve of its first, so that it never was in force)."""
    assignment.valid_to = max(today, assignment.valid_from) - dt.timedelta(days=1)
    assignment.save(update_fields=["valid_to"])


@transaction.atomic
def officer_role_end(*, actor: Person, assignment: RoleAssignment) -> RoleAssignment:
    """End a role at once: from today it grants nothing (:func:`_end`)."""
    if not rules.may_manage_person(actor, assignment.person):
        raise _refused()
    assignment = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
    today = timezone.localdate()
    if assignment.valid_to is not None and assignment.valid_to < max(today, assignment.valid_from):
        raise Conflict(_("Vai trò này đã kết thúc."), code="already_revoked")
    _end(assignment, today)
    ledger_append(
        actor=actor,
        action="org.role.revoke",
        obj=assignment,
        payload={
            "person": assignment.person_id,
            "role": assignment.role,
            "agency": assignment.agency_id,
            "valid_to": assignment.valid_to,
        },
    )
    return assignment


def _roles_end_all(officer: Person, today: dt.date) -> list[int]:
    # By id: the default ordering joins the (nullable) agency, which PostgreSQL cannot lock.
    open_roles = RoleAssignment.objects.select_for_update().filter(person=officer).order_by("pk")
    ended = []
    for assignment in open_roles.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today)):
        if assignment.valid_to is not None and assignment.valid_to < assignment.valid_from:
            continue  # withdrawn before it began
        _end(assignment, today)
        ended.append(assignment.pk)
    return ended


@transaction.atomic
def officer_deactivate(*, actor: Person, officer: Person) -> Person:
    """Lock an officer's account and end every role they hold, at once."""
    if not rules.may_manage_person(actor, officer):
        raise _refused()
    officer = Person.objects.select_for_update().get(pk=officer.pk)
    if not officer.is_active:
        raise Conflict(_("Tài khoản này đã bị khóa."), code="inactive")
    today = timezone.localdate()
    ended = _roles_end_all(officer, today)
    officer.is_active = False
    officer.save(update_fields=["is_active"])
    ledger_append(actor=actor, action="org.person.deactivate", obj=officer, payload={"roles_ended": ended, "on": today})
    return officer


@transaction.atomic
def officer_invite(*, actor: Person, officer: Person) -> Person:
    """Send the activation link again (the earlier ones stay valid until used or expired)."""
    if not rules.may_manage_person(actor, officer):
        raise _refused()
    if not officer.is_active:
        raise Conflict(_("Tài khoản này đã bị khóa."), code="inactive")
    if not officer.email and not officer.phone:
        raise DomainError(_("Tài khoản chưa có thư điện tử hay số điện thoại để gửi liên kết."), code="no_contact")
    ledger_append(actor=actor, action="org.person.invite", obj=officer, payload={})
    transaction.on_commit(lambda: _invitations_enqueue([officer.pk]))
    return officer


# --- handover -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkCount:
    name: str
    label: str
    count: int


def open_work_count(person: Person) -> list[WorkCount]:
    """How much open work of each registered kind ``person`` holds."""
    return [WorkCount(kind.name, str(kind.label), kind.count(person)) for kind in open_work_kinds()]


def handover_refusals(person: Person, successor: Person) -> list[str]:
    """Why ``successor`` cannot take over ``person``'s open work (empty: they can)."""
    reasons: list[str] = []
    if successor.pk == person.pk:
        return [_("Người nhận bàn giao phải là người khác.")]
    if not successor.is_active:
        reasons.append(_("Tài khoản của người nhận bàn giao đã bị khóa."))
    for kind in open_work_kinds():
        if kind.count(person):
            reasons.extend(kind.refusals(person, successor))
    return reasons


@transaction.atomic
def person_handover(*, actor: Person, person: Person, successor: Person, leave: bool = False) -> dict[str, int]:
    """Move every piece of ``person``'s open work to ``successor``, in one step: all of it or,
    when the successor lacks a role some of it needs, none (every reason in the refusal).
    With ``leave``, ``person``'s account is then locked and their roles end at once.
    Returns how many items of each kind moved; one ledger event records the handover."""
    if not rules.may_hand_over(actor, person, successor):
        raise _refused()
    # Lock both accounts in id order: a second handover of either waits for this one.
    locked = {
        p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[person.pk, successor.pk]).order_by("pk")
    }
    person, successor = locked[person.pk], locked[successor.pk]
    reasons = handover_refusals(person, successor)
    if reasons:
        raise DomainError(
            _("Không bàn giao được, chưa việc nào được chuyển: %(reasons)s") % {"reasons": " ".join(reasons)},
            code="handover_refused",
        )
    moved = {kind.name: kind.transfer(person, successor, actor) for kind in open_work_kinds()}
    payload: dict[str, object] = {"successor": successor.pk, "moved": moved, "leave": leave}
    if leave:
        today = timezone.localdate()
        payload["roles_ended"] = _roles_end_all(person, today)
        person.is_active = False
        person.save(update_fields=["is_active"])
    ledger_append(actor=actor, action="org.person.handover", obj=person, payload=payload)
    return moved


# --- activation -----------------------------------------------------------------------------------


@transaction.atomic
def officer_activate(*, person: Person, password: str, password_again: str) -> Person:
    """The officer sets their password through the activation link (checked by the caller's
    token): from then on the link is spent, since the token covers the password hash."""
    if password != password_again:
        raise DomainError(_("Hai mật khẩu không giống nhau."), field="password_again", code="password_mismatch")
    person = Person.objects.select_for_update().get(pk=person.pk)
    if not person.is_active:
        raise DomainError(_("Tài khoản này đã bị khóa."), code="inactive")
    try:
        validate_password(password, person)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), field="password", code="weak_password") from exc
    person.set_password(password)
    person.save(update_fields=["password"])
    ledger_append(actor=person, action="org.person.activate", obj=person, payload={})
    return person
