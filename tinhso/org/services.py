"""Writes on agencies, people and roles. Each function is one atomic state change that checks
what it must, saves, and appends its event to the ledger in the same transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core.errors import Conflict, DomainError
from tinhso.core.text import clean
from tinhso.ledger.services import ledger_append

from .models import (
    AdministrativeUnit,
    Agency,
    AgencyKind,
    AgencyName,
    AgencySuccession,
    Person,
    RoleAssignment,
    SuccessionKind,
)
from .roles import GLOBAL_ROLES, Role

# --- agencies -------------------------------------------------------------------------------


def _compute_path(agency: Agency) -> str:
    parent_path = agency.parent.path if agency.parent is not None else "/"
    return f"{parent_path}{agency.pk}/"


def agency_check_parent(agency: Agency | None, parent: Agency | None) -> None:
    """Refuse a parent that would put ``agency`` below itself."""
    if parent is None:
        return
    if agency is not None and agency.pk is not None and (parent.pk == agency.pk or parent.path.startswith(agency.path)):
        raise DomainError(
            _("Không thể đặt “%(parent)s” làm cơ quan cấp trên của “%(agency)s”: cây cơ quan sẽ bị vòng lặp.")
            % {"parent": parent.name, "agency": agency.name},
            field="parent",
            code="agency_cycle",
        )


def agency_check_dates(valid_from: dt.date | None, valid_to: dt.date | None) -> None:
    if valid_from and valid_to and valid_to < valid_from:
        raise DomainError(
            _("Ngày kết thúc hoạt động không được trước ngày bắt đầu."),
            field="valid_to",
        )


def _agency_payload(agency: Agency) -> dict[str, Any]:
    return {
        "key": agency.key,
        "name": agency.name,
        "short_name": agency.short_name,
        "code": agency.code,
        "kind": agency.kind,
        "parent": agency.parent_id,
        "unit": agency.unit_id,
        "valid_from": agency.valid_from,
        "valid_to": agency.valid_to,
        "source": agency.source,
        "confirmed_on": agency.confirmed_on,
    }


@transaction.atomic
def agency_create(
    *,
    actor: Person | None,
    name: str,
    kind: str,
    unit: AdministrativeUnit,
    parent: Agency | None = None,
    short_name: str = "",
    code: str = "",
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    key: str | None = None,
    aliases: list[str] | None = None,
    source: str = "",
    confirmed_on: dt.date | None = None,
) -> Agency:
    name = clean(name)
    if not name:
        raise DomainError(_("Tên cơ quan không được để trống."), field="name")
    if kind not in AgencyKind.values:
        raise DomainError(_("Loại cơ quan “%(kind)s” không hợp lệ.") % {"kind": kind}, field="kind")
    agency_check_dates(valid_from, valid_to)
    code = clean(code)
    if code and Agency.objects.filter(code=code).exists():
        raise Conflict(
            _("Mã định danh “%(code)s” đã được dùng cho cơ quan khác.") % {"code": code}, field="code", code="duplicate"
        )
    if key and Agency.objects.filter(key=key).exists():
        raise Conflict(_("Khóa “%(key)s” đã được dùng cho cơ quan khác.") % {"key": key}, field="key", code="duplicate")
    agency = Agency(
        key=key or None,
        name=name,
        short_name=clean(short_name),
        code=code,
        kind=kind,
        unit=unit,
        parent=parent,
        valid_from=valid_from,
        valid_to=valid_to,
        aliases=[clean(alias) for alias in aliases or [] if clean(alias)],
        source=clean(source)[:300],
        confirmed_on=confirmed_on,
    )
    agency.path = "/"  # the real path needs the primary key, known after the first save
    agency.save()
    agency.path = _compute_path(agency)
    agency.save(update_fields=["path"])
    ledger_append(actor=actor, action="org.agency.create", obj=agency, payload=_agency_payload(agency))
    return agency


def _repath_subtree(agency: Agency, old_path: str) -> None:
    """Rewrite the paths below ``agency`` after it moved in the tree."""
    descendants = Agency.objects.filter(path__startswith=old_path).exclude(pk=agency.pk)
    for child in descendants.order_by("path"):
        child.path = agency.path + child.path[len(old_path) :]
        child.save(update_fields=["path"])


@transaction.atomic
def agency_update(
    *,
    actor: Person | None,
    agency: Agency,
    parent: Agency | None = None,
    short_name: str | None = None,
    code: str | None = None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    kind: str | None = None,
    unit: AdministrativeUnit | None = None,
    set_parent: bool = False,
    source: str | None = None,
    confirmed_on: dt.date | None = None,
) -> Agency:
    """Change an agency's attributes; ``set_parent=True`` moves it under ``parent`` (or to the
    root when ``parent`` is None). Renames go through :func:`agency_rename` to keep history."""
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    before = _agency_payload(agency)
    if set_parent:
        agency_check_parent(agency, parent)
        agency.parent = parent
    if short_name is not None:
        agency.short_name = clean(short_name)
    if code is not None:
        code = clean(code)
        if code and Agency.objects.filter(code=code).exclude(pk=agency.pk).exists():
            raise Conflict(
                _("Mã định danh “%(code)s” đã được dùng cho cơ quan khác.") % {"code": code},
                field="code",
                code="duplicate",
            )
        agency.code = code
    if kind is not None:
        if kind not in AgencyKind.values:
            raise DomainError(_("Loại cơ quan “%(kind)s” không hợp lệ.") % {"kind": kind}, field="kind")
        agency.kind = kind
    if unit is not None:
        agency.unit = unit
    if valid_from is not None:
        agency.valid_from = valid_from
    if valid_to is not None:
        agency.valid_to = valid_to
    if source is not None:
        agency.source = clean(source)[:300]
    if confirmed_on is not None:
        agency.confirmed_on = confirmed_on
    agency_check_dates(agency.valid_from, agency.valid_to)
    old_path = agency.path
    agency.path = _compute_path(agency)
    agency.save()
    if agency.path != old_path:
        _repath_subtree(agency, old_path)
    after = _agency_payload(agency)
    changed = {key: {"from": before[key], "to": after[key]} for key in after if before[key] != after[key]}
    ledger_append(actor=actor, action="org.agency.update", obj=agency, payload={"changed": changed})
    return agency


@transaction.atomic
def agency_rename(*, actor: Person | None, agency: Agency, new_name: str, effective_date: dt.date) -> Agency:
    """Rename an agency from ``effective_date``, keeping the former name in its history."""
    new_name = clean(new_name)
    if not new_name:
        raise DomainError(_("Tên mới không được để trống."), field="name")
    agency = Agency.objects.select_for_update().get(pk=agency.pk)
    if new_name == agency.name:
        raise DomainError(_("Tên mới trùng với tên hiện tại."), field="name")
    previous = agency.names.order_by("-valid_to").first()
    AgencyName.objects.create(
        agency=agency,
        name=agency.name,
        valid_from=previous.valid_to + dt.timedelta(days=1) if previous and previous.valid_to else agency.valid_from,
        valid_to=effective_date - dt.timedelta(days=1),
    )
    old_name = agency.name
    agency.name = new_name
    agency.save(update_fields=["name", "name_folded"])
    ledger_append(
        actor=actor,
        action="org.agency.rename",
        obj=agency,
        payload={"from": old_name, "to": new_name, "effective_date": effective_date},
    )
    return agency


@transaction.atomic
def agency_merge(
    *,
    actor: Person | None,
    predecessor: Agency,
    successor: Agency,
    effective_date: dt.date,
    kind: str = SuccessionKind.MERGE,
    source: str = "",
) -> AgencySuccession:
    """``predecessor`` stops the day before ``effective_date``; ``successor`` carries on its
    functions (and its tasks, reports and roles' history point there through the succession)."""
    if predecessor.pk == successor.pk:
        raise DomainError(_("Một cơ quan không thể kế thừa chính nó."), code="self_succession")
    if not successor.is_active_on(effective_date):
        raise DomainError(
            _("Cơ quan kế thừa “%(name)s” không hoạt động vào ngày %(day)s.")
            % {"name": successor.name, "day": effective_date.strftime("%d/%m/%Y")},
            field="successor",
        )
    predecessor = Agency.objects.select_for_update().get(pk=predecessor.pk)
    last_day = effective_date - dt.timedelta(days=1)
    if predecessor.valid_to is None or predecessor.valid_to > last_day:
        predecessor.valid_to = last_day
        agency_check_dates(predecessor.valid_from, predecessor.valid_to)
        predecessor.save(update_fields=["valid_to"])
    succession, created = AgencySuccession.objects.get_or_create(
        predecessor=predecessor,
        successor=successor,
        defaults={"effective_date": effective_date, "kind": kind, "source": clean(source)},
    )
    if not created:
        raise Conflict(_("Quan hệ kế thừa này đã được ghi nhận."), code="duplicate")
    # Open roles on the closed agency end with it.
    RoleAssignment.objects.filter(agency=predecessor, valid_to__isnull=True).update(valid_to=last_day)
    ledger_append(
        actor=actor,
        action="org.agency.merge",
        obj=succession,
        payload={
            "predecessor": predecessor.pk,
            "successor": successor.pk,
            "effective_date": effective_date,
            "kind": kind,
            "source": source,
        },
    )
    return succession


# --- people ---------------------------------------------------------------------------------


def _check_person_unique(*, username: str, email: str, personal_id: str | None, exclude: int | None = None) -> None:
    people = Person.objects.exclude(pk=exclude) if exclude else Person.objects.all()
    if people.filter(username__iexact=username).exists():
        raise Conflict(
            _("Tên đăng nhập “%(username)s” đã tồn tại.") % {"username": username},
            field="username",
            code="duplicate_person",
        )
    if email and people.annotate(email_ci=Lower("email")).filter(email_ci=email.lower()).exists():
        raise Conflict(_("Đã có người dùng với thư điện tử này."), field="email", code="duplicate_person")
    if personal_id and people.filter(personal_id=personal_id).exists():
        raise Conflict(
            _("Đã có người dùng với số định danh cá nhân này."), field="personal_id", code="duplicate_person"
        )


@transaction.atomic
def person_create(
    *,
    actor: Person | None,
    username: str,
    full_name: str,
    email: str = "",
    personal_id: str | None = None,
    phone: str = "",
    title: str = "",
    password: str | None = None,
    check_password: bool = True,
) -> Person:
    username = clean(username).lower()
    full_name = clean(full_name)
    email = clean(email).lower()
    personal_id = clean(personal_id) or None
    if not username:
        raise DomainError(_("Tên đăng nhập không được để trống."), field="username")
    if not full_name:
        raise DomainError(_("Họ và tên không được để trống."), field="full_name")
    if personal_id and not (personal_id.isdigit() and len(personal_id) == 12):
        raise DomainError(_("Số định danh cá nhân phải gồm đúng 12 chữ số."), field="personal_id")
    _check_person_unique(username=username, email=email, personal_id=personal_id)
    person = Person(
        username=username,
        full_name=full_name,
        email=email,
        personal_id=personal_id,
        phone=clean(phone),
        title=clean(title),
    )
    if password:
        if check_password:
            try:
                validate_password(password, person)
            except ValidationError as exc:
                raise DomainError(" ".join(exc.messages), field="password") from exc
        person.set_password(password)
    else:
        person.set_unusable_password()
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError as exc:  # a concurrent insert of the same person
        raise Conflict(_("Người dùng này đã tồn tại."), code="duplicate_person") from exc
    # Personal data stays out of the ledger: the payload names the account, not the person.
    ledger_append(actor=actor, action="org.person.create", obj=person, payload={"username": username})
    return person


# --- roles ----------------------------------------------------------------------------------


def role_grant_check(*, person: Person, role: str, agency: Agency | None, valid_from: dt.date) -> None:
    """Raise the DomainError :func:`role_grant` would raise; forms call it to show the message."""
    if role not in Role.values:
        raise DomainError(_("Vai trò “%(role)s” không tồn tại.") % {"role": role}, field="role")
    if role in GLOBAL_ROLES:
        if agency is not None:
            raise DomainError(
                _("Vai trò “%(role)s” áp dụng cho toàn hệ thống, không gắn với cơ quan.") % {"role": Role(role).label},
                field="agency",
            )
    else:
        if agency is None:
            raise DomainError(
                _("Vai trò “%(role)s” phải gắn với một cơ quan.") % {"role": Role(role).label},
                field="agency",
            )
        if not agency.is_active_on(valid_from):
            raise DomainError(
                _("Không thể phân quyền trên “%(agency)s”: cơ quan đã giải thể hoặc ngừng hoạt động vào ngày %(day)s.")
                % {"agency": agency.name, "day": valid_from.strftime("%d/%m/%Y")},
                field="agency",
                code="agency_inactive",
            )
    if not person.is_active:
        raise DomainError(_("Tài khoản này đã bị khóa."), field="person")
    existing = RoleAssignment.objects.filter(person=person, role=role, agency=agency, valid_to__isnull=True)
    if existing.exists():
        raise Conflict(_("Người dùng đã có vai trò này trên cơ quan này."), code="duplicate_role")


@transaction.atomic
def role_grant(
    *,
    actor: Person | None,
    person: Person,
    role: str,
    agency: Agency | None,
    valid_from: dt.date | None = None,
) -> RoleAssignment:
    valid_from = valid_from or timezone.localdate()
    if agency is not None:
        # Lock and re-read: a merger committed meanwhile may have closed the agency.
        agency = Agency.objects.select_for_update().get(pk=agency.pk)
    role_grant_check(person=person, role=role, agency=agency, valid_from=valid_from)
    assignment = RoleAssignment.objects.create(
        person=person,
        role=role,
        agency=agency,
        valid_from=valid_from,
        granted_by=actor,
    )
    ledger_append(
        actor=actor,
        action="org.role.grant",
        obj=assignment,
        payload={"person": person.pk, "role": role, "agency": agency.pk if agency else None, "valid_from": valid_from},
    )
    return assignment


@transaction.atomic
def role_revoke(*, actor: Person | None, assignment: RoleAssignment, on: dt.date | None = None) -> RoleAssignment:
    assignment = RoleAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.valid_to is not None:
        raise Conflict(_("Vai trò này đã được thu hồi."), code="already_revoked")
    assignment.valid_to = on or timezone.localdate()
    if assignment.valid_to < assignment.valid_from:
        assignment.valid_to = assignment.valid_from
    assignment.save(update_fields=["valid_to"])
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
