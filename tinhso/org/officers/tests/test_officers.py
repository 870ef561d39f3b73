"""Officers one by one: the list of my agencies' officers, a new officer, roles with time limits
(enforced wherever roles are checked), deactivation, the activation link, and the rules."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tinhso.core.errors import Conflict, DomainError, NotAllowed
from tinhso.ledger.models import Entry
from tinhso.org import rules
from tinhso.org.access import agencies_where, can
from tinhso.org.models import Person, RoleAssignment
from tinhso.org.officers import services
from tinhso.org.roles import Perm, Role

pytestmark = pytest.mark.django_db


def test_time_limits_are_enforced_wherever_roles_are_checked(
    demo_agencies: dict[str, Any], make_person: Any, clock: Any
) -> None:
    centre = demo_agencies["hy.ttpvhcc"]
    clock.set(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC))
    officer = make_person("tamthoi", None, None)
    RoleAssignment.objects.create(
        person=officer, role=Role.RECEIVER, agency=centre, valid_from=dt.date(2026, 2, 1), valid_to=dt.date(2026, 2, 28)
    )
    RoleAssignment.objects.create(person=officer, role=Role.HANDLER, agency=centre, valid_from=dt.date(2026, 4, 1))
    # Expired yesterday, or not begun: no permission, no agency, no queue.
    assert not can(officer, Perm.DOSSIER_RECEIVE, centre)
    assert not can(officer, Perm.DOSSIER_REVIEW, centre)
    assert not agencies_where(officer, Perm.DOSSIER_VIEW).exists()
    client = Client()
    client.force_login(officer)
    assert client.get(reverse("officer:queues")).context["tabs"] == []
    # On a day inside a limit the role works, and stops working after it.
    clock.set(dt.datetime(2026, 2, 15, 9, tzinfo=dt.UTC))
    assert can(officer, Perm.DOSSIER_RECEIVE, centre)
    clock.set(dt.datetime(2026, 4, 1, 9, tzinfo=dt.UTC))
    assert can(officer, Perm.DOSSIER_REVIEW, centre)
    assert not can(officer, Perm.DOSSIER_RECEIVE, centre)


def test_an_administrator_creates_an_officer_with_a_time_limited_role(
    admins: dict[str, Any], demo_agencies: dict[str, Any], clock: Any, django_capture_on_commit_callbacks: Any
) -> None:
    clock.set(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC))
    client = Client()
    client.force_login(admins["centre_admin"])
    centre = demo_agencies["hy.ttpvhcc"]
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(
            reverse("org:officer_create"),
            {
                "full_name": "Trần Thị Bình",
                "email": "Binh.Tran@HungYen.gov.vn",
                "phone": "0912345678",
                "role": Role.RECEIVER,
                "agency": centre.pk,
                "valid_from": "02/03/2026",
                "valid_to": "31/08/2026",
            },
        )
    assert answer.status_code == 302
    officer = Person.objects.get(email="binh.tran@hungyen.gov.vn")
    assert officer.username == "binh.tran@hungyen.gov.vn"
    assert not officer.has_usable_password()
    role = RoleAssignment.objects.get(person=officer)
    assert (role.role, role.agency, role.valid_from, role.valid_to, role.granted_by) == (
        Role.RECEIVER,
        centre,
        dt.date(2026, 3, 2),
        dt.date(2026, 8, 31),
        admins["centre_admin"],
    )
    assert mail.outbox[0].to == ["binh.tran@hungyen.gov.vn"]
    payloads = Entry.objects.filter(object_id=str(officer.pk)).values_list("payload__canonical_json", flat=True)
    assert not any("0912345678" in (payload or "") or "binh" in (payload or "") for payload in payloads)
    # The list masks contacts; the officer's own page shows them to the administrator.
    listing = client.get(reverse("org:officers"), {"q": "tran thi"}).content.decode()
    assert "Trần Thị Bình" in listing
    assert "b***@hungyen.gov.vn" in listing
    assert "******5678" in listing
    assert "0912345678" not in listing
    # The same person twice is refused, nothing written.
    people = Person.objects.count()
    again = client.post(
        reverse("org:officer_create"),
        {"full_name": "Trần Thị Bình", "email": "binh.tran@hungyen.gov.vn", "role": Role.RECEIVER, "agency": centre.pk},
    )
    assert again.status_code == 409
    assert "Đã có tài khoản" in again.content.decode()
    assert Person.objects.count() == people


def test_roles_are_granted_with_limits_ended_and_the_account_locked(
    admins: dict[str, Any], demo_agencies: dict[str, Any], make_person: Any, clock: Any
) -> None:
    clock.set(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC))
    centre = demo_agencies["hy.ttpvhcc"]
    officer = make_person("cb.mot", Role.RECEIVER, centre)
    admin = admins["centre_admin"]
    spec = services.RoleSpec(Role.HANDLER, centre, dt.date(2026, 3, 2), dt.date(2026, 3, 31))
    handler_role = services.officer_role_grant(actor=admin, officer=officer, spec=spec)
    assert can(officer, Perm.DOSSIER_REVIEW, centre)
    with pytest.raises(Conflict):
        services.officer_role_grant(actor=admin, officer=officer, spec=spec)
    with pytest.raises(DomainError, match="Đến ngày"):
        services.officer_role_grant(
            actor=admin,
            officer=officer,
            spec=services.RoleSpec(Role.APPROVER, centre, dt.date(2026, 3, 2), dt.date(2026, 3, 1)),
        )
    # An agency's administrator grants no role outside its subtree, nor the DX office's role.
    for role, agency in ((Role.FOCAL_POINT, demo_agencies["hy.stc"]), (Role.DX_OFFICE, centre)):
        with pytest.raises(DomainError, match="Bạn không được cấp vai trò"):
            services.officer_role_grant(
                actor=admin, officer=officer, spec=services.RoleSpec(role, agency, dt.date(2026, 3, 2))
            )
    services.officer_role_end(actor=admin, assignment=handler_role)
    assert not can(officer, Perm.DOSSIER_REVIEW, centre)  # at once, not tomorrow
    services.officer_deactivate(actor=admin, officer=officer)
    officer.refresh_from_db()
    assert not officer.is_active
    assert not RoleAssignment.objects.active().filter(person=officer).exists()
    assert set(
        Entry.objects.filter(object_type="org.roleassignment", action="org.role.revoke").values_list(
            "object_id", flat=True
        )
    ) == {str(handler_role.pk)}
    assert Entry.objects.filter(action="org.person.deactivate", object_id=str(officer.pk)).count() == 1


def test_the_officer_page_acts_and_refuses_outside_its_scope(
    admins: dict[str, Any], demo_agencies: dict[str, Any], make_person: Any, django_capture_on_commit_callbacks: Any
) -> None:
    centre = demo_agencies["hy.ttpvhcc"]
    officer = make_person("cb.hai", Role.RECEIVER, centre, email="cbhai@hungyen.gov.vn")
    elsewhere = make_person("cb.ba", Role.FOCAL_POINT, demo_agencies["hy.stc"])
    client = Client()
    client.force_login(admins["centre_admin"])
    url = reverse("org:officer_detail", args=[officer.pk])
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        invited = client.post(url, {"action": "invite"})
    assert invited.status_code == 200
    assert mail.outbox[-1].to == ["cbhai@hungyen.gov.vn"]
    granted = client.post(
        url, {"action": "grant", "role": Role.HANDLER, "agency": centre.pk, "valid_from": "", "valid_to": "31/12/2099"}
    )
    assert granted.status_code == 200
    assert RoleAssignment.objects.filter(person=officer, role=Role.HANDLER, valid_to=dt.date(2099, 12, 31)).exists()
    # An officer of another agency, and a missing one: the same "not found".
    for person_id in (elsewhere.pk, 10**9):
        assert client.get(reverse("org:officer_detail", args=[person_id])).status_code == 404
        assert client.post(reverse("org:officer_detail", args=[person_id]), {"action": "deactivate"}).status_code == 404
    assert Person.objects.get(pk=elsewhere.pk).is_active
    # Someone who administers nobody has no officers' pages.
    plain = Client()
    plain.force_login(officer)
    assert plain.get(reverse("org:officers")).status_code == 403
    assert plain.get(reverse("org:officer_detail", args=[officer.pk])).status_code == 404


def test_an_officer_with_a_role_beyond_my_agencies_is_read_only(
    admins: dict[str, Any], demo_agencies: dict[str, Any], make_person: Any
) -> None:
    officer = make_person("cb.hai.noi", Role.RECEIVER, demo_agencies["hy.ttpvhcc"])
    RoleAssignment.objects.create(
        person=officer, role=Role.FOCAL_POINT, agency=demo_agencies["hy.stc"], valid_from=dt.date(2025, 1, 1)
    )
    assert not rules.may_manage_person(admins["centre_admin"], officer)
    assert rules.may_manage_person(admins["dx"], officer)
    with pytest.raises(NotAllowed):
        services.officer_deactivate(actor=admins["centre_admin"], officer=officer)
    # Nobody manages a system administrator's account, nor their own, here.
    root = make_person("quantri", Role.SYSTEM_ADMIN, None)
    assert not rules.may_manage_person(admins["dx"], root)
    assert not rules.may_manage_person(admins["dx"], admins["dx"])


def test_the_activation_link_is_single_use_and_expires(
    admins: dict[str, Any], demo_agencies: dict[str, Any], clock: Any, django_capture_on_commit_callbacks: Any
) -> None:
    clock.set(dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC))
    spec = services.RoleSpec(Role.RECEIVER, demo_agencies["hy.ttpvhcc"], dt.date(2026, 3, 2))
    with django_capture_on_commit_callbacks(execute=True):
        officer = services.officer_create(
            actor=admins["dx"], full_name="Lê Văn Cường", email="cuong@hungyen.gov.vn", roles=[spec]
        )
    found = re.search(r"(/co-quan/kich-hoat/\S+/)", str(mail.outbox[0].body))
    assert found is not None
    path = found.group(1)
    client = Client()
    # Expired after three days.
    clock.set(dt.datetime(2026, 3, 6, 9, tzinfo=dt.UTC))
    assert client.get(path).status_code == 404
    clock.set(dt.datetime(2026, 3, 3, 9, tzinfo=dt.UTC))
    weak = client.post(path, {"password": "123", "password_again": "123"})
    assert weak.status_code == 400
    assert not Person.objects.get(pk=officer.pk).has_usable_password()
    done = client.post(path, {"password": "Mat-khau-Cuong-2026", "password_again": "Mat-khau-Cuong-2026"})
    assert done.status_code == 302
    assert Entry.objects.filter(action="org.person.activate", object_id=str(officer.pk)).count() == 1
    other = Client()
    assert other.get(path).status_code == 404  # spent
    assert other.post(
        path, {"password": "Khac-hoan-toan-2026", "password_again": "Khac-hoan-toan-2026"}
    ).status_code == (404)
    assert other.get("/co-quan/kich-hoat/abc/def/").status_code == 404
