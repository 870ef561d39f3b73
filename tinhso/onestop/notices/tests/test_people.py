"""The one-stop shop's in-app notifications: the handler assigned a dossier, the applicant with
an account of a supplement request or a refusal; nobody else, and nothing when the step fails."""

from __future__ import annotations

from typing import Any

import pytest

from tinhso.core.errors import DomainError
from tinhso.onestop.conftest import submit_online
from tinhso.onestop.dossiers import services as S
from tinhso.onestop.notices.people import ASSIGNED, REFUSED, SUPPLEMENT_REQUESTED
from tinhso.org.models import Notification, NotificationMessage

pytestmark = pytest.mark.django_db


def _assigned(svc: Any, key: str = "k-1") -> Any:
    """Received at the desk, forwarded to Sở Tư pháp, assigned to its handler."""
    dossier = S.dossier_receive(actor=svc.receiver, dossier=submit_online(svc, key=key))
    dossier = S.dossier_forward(actor=svc.receiver, dossier=dossier, to_agency=svc.stp)
    return S.dossier_assign(actor=svc.approver, dossier=dossier, assignee=svc.handler)


def test_the_handler_assigned_is_notified_with_a_link_to_the_dossier(svc: Any) -> None:
    dossier = _assigned(svc)
    [row] = Notification.objects.filter(kind=ASSIGNED)
    assert row.recipient_id == svc.handler.pk
    assert row.verb == "Bạn được phân công thụ lý hồ sơ"
    assert row.object_label == f"Hồ sơ {dossier.code} – {svc.procedure.name}"
    assert row.link == f"/mot-cua/ho-so/{dossier.pk}/"
    assert "Nguyễn Văn An" not in row.object_label  # no applicant's personal data in the line
    # No other step of the way told an officer anything in the platform.
    assert Notification.objects.exclude(kind=ASSIGNED).count() == 0


def test_a_refused_assignment_notifies_nobody(svc: Any) -> None:
    dossier = S.dossier_receive(actor=svc.receiver, dossier=submit_online(svc))
    with pytest.raises(DomainError):
        S.dossier_assign(actor=svc.approver, dossier=dossier, assignee=svc.receiver)  # not a handler
    assert not Notification.objects.exists()


def test_the_applicant_with_an_account_learns_of_a_supplement_request_and_a_refusal(svc: Any) -> None:
    dossier = S.dossier_start_review(actor=svc.handler, dossier=_assigned(svc))
    S.dossier_request_supplement(actor=svc.handler, dossier=dossier, reason="Thiếu bản sao CCCD")
    [row] = Notification.objects.filter(kind=SUPPLEMENT_REQUESTED)
    assert (row.recipient_id, row.verb, row.link) == (
        svc.citizen.pk,
        "Hồ sơ của bạn cần bổ sung giấy tờ",
        f"/dich-vu-cong/ho-so/{dossier.pk}/",
    )
    # The applicant's e-mail and SMS are the one-stop shop's notices': none sent twice through org.
    assert not NotificationMessage.objects.filter(notification=row).exists()

    other = S.dossier_start_review(actor=svc.handler, dossier=_assigned(svc, key="k-2"))
    S.dossier_refuse(actor=svc.approver, dossier=other, reason="Không thuộc thẩm quyền")
    assert Notification.objects.filter(kind=REFUSED, recipient=svc.citizen).count() == 1
