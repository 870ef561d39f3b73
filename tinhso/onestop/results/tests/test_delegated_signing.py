"""A dossier approved under a delegation (ủy quyền): both people in the event, the ledger (by id)
and the signed result (Decree 30's "KT."/"TUQ." block); refused once the delegation has ended."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import docx
import pytest
from django.test import Client
from django.urls import reverse

from conftest import Clock, at
from tinhso.core.errors import NotAllowed
from tinhso.ledger.models import Entry
from tinhso.onestop.dossiers import services
from tinhso.onestop.models import Dossier, DossierEvent, DossierFile, DossierState, FileKind
from tinhso.onestop.printing.documents import dossier_form_docx
from tinhso.onestop.results.tests.test_signing import draft, pdf_text, reviewed, stored
from tinhso.org.delegation.services import delegation_create, delegation_revoke
from tinhso.org.models import Delegation, Person
from tinhso.org.roles import Role

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


@pytest.fixture
def lent(svc: SimpleNamespace, make_person: Any, clock: Clock) -> SimpleNamespace:
    """Sở Tư pháp's director (the approver) lends approval to the deputy for 2–6 March 2026."""
    Person.objects.filter(pk=svc.approver.pk).update(full_name="Trần Văn Giám", title="Giám đốc")
    svc.approver.refresh_from_db()
    deputy = make_person("phogiamdoc.stp", Role.HANDLER, svc.stp, full_name="Lê Thị Phó", title="Phó Giám đốc")
    head = make_person("chanhvp.stp", Role.HANDLER, svc.stp, full_name="Phạm Văn Chánh", title="Chánh Văn phòng")
    delegation = delegation_create(
        actor=svc.approver,
        delegate=deputy,
        agency=svc.stp,
        roles=[Role.APPROVER],
        valid_from=dt.date(2026, 3, 2),
        valid_to=dt.date(2026, 3, 6),
        reason="Đi công tác",
    )
    return SimpleNamespace(deputy=deputy, head=head, delegation=delegation)


def submitted(svc: SimpleNamespace) -> Dossier:
    dossier = reviewed(svc)
    draft(svc, dossier)
    return services.dossier_submit_for_approval(actor=svc.handler, dossier=dossier)


def test_a_delegated_approval_records_both_people_and_signs_ky_thay(
    svc: SimpleNamespace, lent: SimpleNamespace, tmp_path: Path
) -> None:
    dossier = submitted(svc)
    services.dossier_approve(actor=lent.deputy, dossier=dossier)
    dossier.refresh_from_db()
    assert dossier.state == DossierState.APPROVED

    result = DossierFile.objects.get(dossier=dossier, kind=FileKind.RESULT)
    both = {"on_behalf_of": svc.approver.pk, "delegation": lent.delegation.pk, "delegation_kind": "KT"}
    for action, obj in (("services.dossier.approve", dossier.pk), ("services.dossier.result_issued", result.pk)):
        entry = Entry.objects.get(action=action, object_id=str(obj))
        assert entry.actor_id == lent.deputy.pk
        assert {key: entry.payload.data[key] for key in both} == both
        # Ids only: neither name is in the ledger.
        text = json.dumps(entry.payload.data, ensure_ascii=False) + entry.actor_label
        assert "Trần Văn Giám" not in text
    events = DossierEvent.objects.filter(dossier=dossier, action__in=["approve", "result_issued"])
    assert [(event.actor, event.delegation) for event in events] == [(lent.deputy, lent.delegation)] * 2

    # The officers' timeline shows the delegate acting, and for whom.
    client = Client()
    client.force_login(svc.approver)
    page = client.get(reverse("officer:dossier", args=[dossier.pk])).content.decode()
    assert '<span data-testid="on-behalf">(KT. Trần Văn Giám)</span>' in page
    assert "Lê Thị Phó" in page

    text = pdf_text(stored(result), tmp_path)
    for line in ("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Lê Thị Phó", "Người ủy quyền: Trần Văn Giám"):
        assert line in text
    assert text.index("KT. GIÁM ĐỐC") < text.index("PHÓ GIÁM ĐỐC") < text.index("Lê Thị Phó")


def test_an_approval_in_ones_own_right_names_no_delegation(svc: SimpleNamespace, lent: SimpleNamespace) -> None:
    dossier = submitted(svc)
    services.dossier_approve(actor=svc.approver, dossier=dossier)
    entry = Entry.objects.get(action="services.dossier.approve", object_id=str(dossier.pk))
    assert "on_behalf_of" not in entry.payload.data
    assert DossierEvent.objects.get(dossier=dossier, action="approve").delegation is None


def test_a_delegated_refusal_prints_thua_uy_quyen_above_the_signer(svc: SimpleNamespace, lent: SimpleNamespace) -> None:
    delegation = delegation_create(
        actor=svc.approver,
        delegate=lent.head,
        agency=svc.stp,
        roles=[Role.APPROVER],
        valid_from=dt.date(2026, 3, 2),
        valid_to=dt.date(2026, 3, 3),
    )
    assert delegation.kind == "TUQ"
    dossier = submitted(svc)
    dossier = services.dossier_refuse(actor=lent.head, dossier=dossier, reason="Hồ sơ không đủ điều kiện cấp phiếu.")
    entry = Entry.objects.get(action="services.dossier.refuse", object_id=str(dossier.pk))
    assert (entry.actor_id, entry.payload.data["on_behalf_of"], entry.payload.data["delegation_kind"]) == (
        lent.head.pk,
        svc.approver.pk,
        "TUQ",
    )
    document = docx.Document(io.BytesIO(dossier_form_docx(dossier, "refusal", full=True)))
    signature = [p.text for p in document.tables[-1].rows[0].cells[1].paragraphs if p.text]
    assert signature[:2] == ["TUQ. GIÁM ĐỐC", "CHÁNH VĂN PHÒNG"]
    assert signature[-1] == "Phạm Văn Chánh"


@pytest.mark.parametrize("end", ["expired", "revoked"])
def test_after_the_period_or_a_revocation_the_delegate_is_refused(
    svc: SimpleNamespace, lent: SimpleNamespace, clock: Clock, end: str
) -> None:
    dossier = submitted(svc)
    if end == "expired":
        clock.set(at("2026-03-09"))
    else:
        delegation_revoke(actor=svc.approver, delegation=lent.delegation)
    before = Entry.objects.count()
    with pytest.raises(NotAllowed):
        services.dossier_approve(actor=lent.deputy, dossier=dossier)
    dossier.refresh_from_db()
    assert dossier.state == DossierState.PENDING_APPROVAL
    assert Entry.objects.count() == before
    assert not DossierEvent.objects.filter(dossier=dossier, action="approve").exists()
    assert Delegation.objects.count() == 1
