"""Roles and what they permit: the one role → permission table of the platform.

A permission is granted on an agency and holds for that agency and its whole subtree
(``tinhso.org.access``). Roles marked global are held without an agency.
Adding a capability means adding its permission here and to the roles that get it.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SYSTEM_ADMIN = "system_admin", _("Quản trị hệ thống")
    DX_OFFICE = "dx_office", _("Cơ quan chuyên trách chuyển đổi số")
    FOCAL_POINT = "focal_point", _("Cán bộ đầu mối")
    RECEIVER = "receiver", _("Công chức một cửa")
    HANDLER = "handler", _("Chuyên viên thụ lý")
    APPROVER = "approver", _("Lãnh đạo phê duyệt")
    LEADER = "leader", _("Lãnh đạo (chỉ xem)")
    CITIZEN = "citizen", _("Công dân, tổ chức")
    # Creates officers' accounts and grants their roles within the subtree of the agency it is held on.
    AGENCY_ADMIN = "agency_admin", _("Quản trị người dùng của cơ quan")


GLOBAL_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.CITIZEN})


class Perm:
    """Named permissions, each checked by ``tinhso.org.access.can``, all of one shape:
    ``<app label>.<verb>_<object>`` (Django's own, e.g. ``services.receive_dossier``).

    They live in this table only: roles are stored, never permission names, so renaming one
    needs no migration (a test checks the shape of every name).
    """

    AGENCY_VIEW = "org.view_agency"
    AGENCY_MANAGE = "org.manage_agency"
    PERSON_VIEW = "org.view_person"
    PERSON_MANAGE = "org.manage_person"
    ROLE_GRANT = "org.grant_role"
    # Confirm or correct the agency list of the province of the agency the role is held on
    # (every province for a role held without an agency): tinhso.org.confirm.
    AGENCY_CONFIRM = "org.confirm_agency_list"
    LEDGER_AUDIT = "ledger.audit_log"
    # Programme tracker
    PROGRAMME_VIEW = "programme.view_programme"
    PROGRAMME_MANAGE = "programme.manage_programme"
    PROGRAMME_REPORT = "programme.report_progress"
    # One-stop shop
    DOSSIER_VIEW = "services.view_dossier"
    DOSSIER_RECEIVE = "services.receive_dossier"
    DOSSIER_ASSIGN = "services.assign_dossier"
    DOSSIER_REVIEW = "services.review_dossier"
    DOSSIER_APPROVE = "services.approve_dossier"
    DOSSIER_RETURN = "services.return_dossier"
    DOSSIER_SUBMIT = "services.submit_dossier"
    PROCEDURE_MANAGE = "services.manage_procedure"
    # Indicators and dashboard
    INDICATOR_VIEW = "indicators.view_indicator"
    DASHBOARD_VIEW = "dashboard.view_dashboard"
    # Officers' accounts (tinhso.org.officers): create, import, grant roles, deactivate, hand over.
    # The first reaches the subtree of the agency the role is held on (an agency's administrator),
    # the second the whole province of that agency (the DX office).
    OFFICER_MANAGE = "org.manage_officer"
    OFFICER_MANAGE_PROVINCE = "org.manage_officer_province"


_READ = {Perm.AGENCY_VIEW, Perm.PROGRAMME_VIEW, Perm.INDICATOR_VIEW, Perm.DASHBOARD_VIEW}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.SYSTEM_ADMIN: frozenset(
        _READ
        | {
            Perm.AGENCY_MANAGE,
            Perm.AGENCY_CONFIRM,
            Perm.PERSON_VIEW,
            Perm.PERSON_MANAGE,
            Perm.ROLE_GRANT,
            Perm.LEDGER_AUDIT,
            Perm.PROCEDURE_MANAGE,
            Perm.OFFICER_MANAGE,
            Perm.OFFICER_MANAGE_PROVINCE,
        }
    ),
    Role.DX_OFFICE: frozenset(
        _READ
        | {
            Perm.PERSON_VIEW,
            Perm.PROGRAMME_MANAGE,
            Perm.PROGRAMME_REPORT,
            Perm.LEDGER_AUDIT,
            Perm.PROCEDURE_MANAGE,
            Perm.AGENCY_CONFIRM,
            Perm.OFFICER_MANAGE_PROVINCE,
        }
    ),
    Role.FOCAL_POINT: frozenset(_READ | {Perm.PERSON_VIEW, Perm.PROGRAMME_REPORT}),
    Role.RECEIVER: frozenset({Perm.AGENCY_VIEW, Perm.DOSSIER_VIEW, Perm.DOSSIER_RECEIVE, Perm.DOSSIER_RETURN}),
    Role.HANDLER: frozenset({Perm.AGENCY_VIEW, Perm.DOSSIER_VIEW, Perm.DOSSIER_REVIEW}),
    Role.APPROVER: frozenset({Perm.AGENCY_VIEW, Perm.DOSSIER_VIEW, Perm.DOSSIER_ASSIGN, Perm.DOSSIER_APPROVE}),
    Role.LEADER: frozenset(_READ | {Perm.PERSON_VIEW, Perm.DOSSIER_VIEW}),
    Role.CITIZEN: frozenset({Perm.DOSSIER_SUBMIT}),
    Role.AGENCY_ADMIN: frozenset({Perm.PERSON_VIEW, Perm.OFFICER_MANAGE}),
}


# Permissions over what a province owns as a whole (its procedure catalogue): a role granting one
# on an agency reaches every agency of that agency's province, not only its subtree (the DX
# office sits on Sở KH&CN but manages the procedures of every department and commune), and
# never another province's.
PROVINCE_WIDE_PERMISSIONS = frozenset({Perm.PROCEDURE_MANAGE, Perm.OFFICER_MANAGE_PROVINCE})


# Roles a holder may lend for a period (tinhso.org.delegation): those of people who decide and
# sign. Desk and handling work is reassigned, not delegated; global roles have no agency to lend
# them on.
DELEGABLE_ROLES = frozenset({Role.APPROVER, Role.LEADER, Role.DX_OFFICE})


def permissions_of(role: str) -> frozenset[str]:
    return ROLE_PERMISSIONS.get(role, frozenset())


def roles_with(perm: str) -> list[str]:
    return [role for role, perms in ROLE_PERMISSIONS.items() if perm in perms]
