"""Who may do what on a dossier: one named rule per operation of the one-stop shop.

Each rule answers *who* (a role on the right agency, the assignee, the applicant), never *in
which state*: which states allow a step is :mod:`tinhso.onestop.dossiers.states`. The services
refuse with these rules (``if not rules.may_x(actor, dossier): raise NotAllowed``); the pages
and the API offer an action when its rule and its state both allow it. Roles cascade down the
agency tree (:func:`tinhso.org.access.can`).

The parts a dossier is worked in:

- the one-stop desk (receive permission) acts for the receiving agency and for the agency
  handling the dossier now (after a transfer, liên thông, its own desk takes it in);
- the handling agency's approvers assign, transfer, approve and refuse;
- the handler it is assigned to reviews it, prepares the draft result and submits it;
- its applicant supplements, stops, adds and reuses files, pays online and rates.

Every rule answers False for anonymous visitors and deactivated accounts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from tinhso.core.errors import NotAllowed
from tinhso.org.access import can
from tinhso.org.roles import Perm

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from tinhso.onestop.models import Dossier
    from tinhso.org.models import Agency, Person

    Someone = Person | AnonymousUser


def refused() -> NotAllowed:
    """What a service raises when a rule below says no: the same words for every operation."""
    return NotAllowed(_("Bạn không có quyền thực hiện thao tác này đối với hồ sơ."), code="forbidden")


# --- the parts --------------------------------------------------------------------------------


def is_applicant(person: Someone, dossier: Dossier) -> bool:
    """The citizen who filed ``dossier`` online (a dossier received at the counter has none)."""
    return (
        dossier.applicant_id is not None
        and dossier.applicant_id == person.pk
        and person.is_authenticated
        and person.is_active
    )


def on_desk(person: Someone, dossier: Dossier, *perms: str) -> bool:
    """``person`` holds one of ``perms`` on the receiving or the handling agency."""
    return any(
        can(person, perm, agency) for perm in perms for agency in (dossier.receiving_agency, dossier.handling_agency)
    )


def on_handling(person: Someone, dossier: Dossier, *perms: str) -> bool:
    """``person`` holds one of ``perms`` on the handling agency."""
    return any(can(person, perm, dossier.handling_agency) for perm in perms)


def is_assignee(person: Someone, dossier: Dossier) -> bool:
    """The handler ``dossier`` is assigned to, while they handle at its handling agency."""
    return (
        dossier.assignee_id is not None
        and dossier.assignee_id == person.pk
        and on_handling(person, dossier, Perm.DOSSIER_REVIEW)
    )


# --- intake -----------------------------------------------------------------------------------


def may_file_online(person: Someone) -> bool:
    """A citizen's or organisation's account files dossiers online."""
    return can(person, Perm.DOSSIER_SUBMIT)


def may_receive_at_counter(person: Someone, agency: Agency | None = None) -> bool:
    """The desk of ``agency`` records a dossier handed in at the counter (without ``agency``:
    the desk of some agency, to offer the counter form at all)."""
    return can(person, Perm.DOSSIER_RECEIVE, agency)


def may_receive(person: Someone, dossier: Dossier) -> bool:
    return on_desk(person, dossier, Perm.DOSSIER_RECEIVE)


def may_forward(person: Someone, dossier: Dossier) -> bool:
    return on_desk(person, dossier, Perm.DOSSIER_RECEIVE)


# --- processing -------------------------------------------------------------------------------


def may_assign(person: Someone, dossier: Dossier | None = None) -> bool:
    """The handling agency's approvers (without ``dossier``: whoever may assign somewhere, to
    refuse a bulk assignment before reading its input)."""
    if dossier is None:
        return can(person, Perm.DOSSIER_ASSIGN)
    return on_handling(person, dossier, Perm.DOSSIER_ASSIGN)


def may_transfer(person: Someone, dossier: Dossier) -> bool:
    return on_handling(person, dossier, Perm.DOSSIER_ASSIGN)


def may_start_review(person: Someone, dossier: Dossier) -> bool:
    return is_assignee(person, dossier)


def may_upload_draft(person: Someone, dossier: Dossier) -> bool:
    return is_assignee(person, dossier)


def may_submit_for_approval(person: Someone, dossier: Dossier) -> bool:
    return is_assignee(person, dossier)


def may_approve(person: Someone, dossier: Dossier) -> bool:
    """Approving signs and issues the draft result (:mod:`tinhso.onestop.results.signing`)."""
    return on_handling(person, dossier, Perm.DOSSIER_APPROVE)


def may_refuse(person: Someone, dossier: Dossier) -> bool:
    return on_handling(person, dossier, Perm.DOSSIER_APPROVE)


def may_return_result(person: Someone, dossier: Dossier) -> bool:
    return on_desk(person, dossier, Perm.DOSSIER_RETURN)


def may_apologise(person: Someone, dossier: Dossier) -> bool:
    """The handling agency's handlers and approvers set a new return date (phiếu xin lỗi)."""
    return on_handling(person, dossier, Perm.DOSSIER_REVIEW, Perm.DOSSIER_APPROVE)


# --- supplements and ends ---------------------------------------------------------------------


def may_request_supplement(person: Someone, dossier: Dossier) -> bool:
    """The desk, or a handler, of the receiving or the handling agency."""
    return on_desk(person, dossier, Perm.DOSSIER_REVIEW, Perm.DOSSIER_RECEIVE)


def may_supplement(person: Someone, dossier: Dossier) -> bool:
    """The applicant, or the desk recording a supplement handed in on paper."""
    return is_applicant(person, dossier) or on_desk(person, dossier, Perm.DOSSIER_RECEIVE)


def may_stop(person: Someone, dossier: Dossier) -> bool:
    """At the applicant's request: the applicant, or the desk on their behalf."""
    return is_applicant(person, dossier) or on_desk(person, dossier, Perm.DOSSIER_RECEIVE)


def may_cancel(person: Someone, dossier: Dossier) -> bool:
    """A dossier filed in error: the desk."""
    return on_desk(person, dossier, Perm.DOSSIER_RECEIVE)


# --- files ------------------------------------------------------------------------------------


def may_add_file(person: Someone, dossier: Dossier) -> bool:
    """The applicant (an electronic original) or the desk (a scan)."""
    return is_applicant(person, dossier) or on_desk(person, dossier, Perm.DOSSIER_RECEIVE)


def may_reuse_file(person: Someone, dossier: Dossier) -> bool:
    """Only the applicant reuses their own digitised files in their dossier."""
    return is_applicant(person, dossier)


def may_mark_digitised(person: Someone, dossier: Dossier) -> bool:
    """The desk certifies a scan matches the original (Decree 118/2025 art. 17)."""
    return on_desk(person, dossier, Perm.DOSSIER_RECEIVE)


# --- fees and rating --------------------------------------------------------------------------


def may_pay_online(person: Someone, dossier: Dossier) -> bool:
    return is_applicant(person, dossier)


def may_record_payment(person: Someone, dossier: Dossier) -> bool:
    """The desk takes the fee in cash at the counter."""
    return on_desk(person, dossier, Perm.DOSSIER_RECEIVE)


def may_waive_fee(person: Someone, dossier: Dossier) -> bool:
    """The desk records that the fee is not collected online (exempt, or paid elsewhere)."""
    return on_desk(person, dossier, Perm.DOSSIER_RECEIVE)


def may_rate(person: Someone, dossier: Dossier) -> bool:
    return is_applicant(person, dossier)


# --- reading ----------------------------------------------------------------------------------


def may_read_personal_data(person: Someone, dossier: Dossier) -> bool:
    """Whether ``person`` reads the personal data of ``dossier`` in full: the one rule for pages,
    printable forms, exports, files and the API (Law 91/2025/QH15: only those who need it).

    In full: the applicant; the one-stop desk (the receive role) of the receiving agency and of
    the agency handling it now (after a transfer, liên thông, its own desk takes it in and records
    supplements); the handler it is assigned to, while they handle at that agency; the approvers
    of the handling agency. Everyone else who may see the dossier (read-only leaders, handlers it
    is not assigned to, the receiving agency's approvers once it has gone elsewhere, the DX
    office) reads it masked (:mod:`tinhso.onestop.dossiers.personal`). Lists mask for every
    officer whatever this says.
    """
    if not person.is_authenticated or not person.is_active:
        return False
    if is_applicant(person, dossier):
        return True
    if on_handling(person, dossier, Perm.DOSSIER_APPROVE, Perm.DOSSIER_RECEIVE):
        return True
    if is_assignee(person, dossier):
        return True
    return dossier.receiving_agency_id != dossier.handling_agency_id and can(
        person, Perm.DOSSIER_RECEIVE, dossier.receiving_agency
    )


# --- the catalogue ----------------------------------------------------------------------------


def may_manage_procedure(person: Someone, agency: Agency | None = None) -> bool:
    """System administrators and DX offices manage the procedure catalogue of their province
    (of ``agency``'s province; without ``agency``: of some province)."""
    return can(person, Perm.PROCEDURE_MANAGE, agency)
