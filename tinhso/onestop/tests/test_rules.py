"""Each rule of :mod:`tinhso.onestop.rules` alone: who may do each operation on one dossier.

The dossier is filed online at the Hưng Yên desk (the receiving agency), forwarded to Sở Tư
pháp (the handling agency) and assigned to one of its handlers. The people: every role on the
receiving agency, on the handling agency and on other agencies (of Hưng Yên and of Thanh Hóa),
the province's leader, the DX office, the system administrator, the applicant, another
citizen, a deactivated desk officer and an anonymous visitor. Each row says exactly who gets
True; everyone else gets False. The state never matters to a rule (that is ``states``).
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from tinhso.onestop import rules
from tinhso.onestop.conftest import submit_online
from tinhso.onestop.dossiers import services
from tinhso.onestop.models import Dossier, DossierState
from tinhso.org.models import Person
from tinhso.org.roles import Role

pytestmark = pytest.mark.django_db

DESK = {"recv.receiver", "hand.receiver"}
ASSIGNEE = {"hand.assignee"}
HANDLING_APPROVER = {"hand.approver"}
APPLICANT = {"applicant"}

# rule → who may, on the world's dossier (received at the desk, handled by Sở Tư pháp).
EXPECTED: dict[str, set[str]] = {
    "may_receive": DESK,
    "may_forward": DESK,
    "may_assign": HANDLING_APPROVER,
    "may_transfer": HANDLING_APPROVER,
    "may_start_review": ASSIGNEE,
    "may_upload_draft": ASSIGNEE,
    "may_submit_for_approval": ASSIGNEE,
    "may_approve": HANDLING_APPROVER,
    "may_refuse": HANDLING_APPROVER,
    "may_return_result": DESK,
    "may_apologise": {"hand.assignee", "hand.handler", "hand.approver"},
    "may_request_supplement": DESK | {"recv.handler", "hand.assignee", "hand.handler"},
    "may_supplement": DESK | APPLICANT,
    "may_stop": DESK | APPLICANT,
    "may_cancel": DESK,
    "may_add_file": DESK | APPLICANT,
    "may_reuse_file": APPLICANT,
    "may_mark_digitised": DESK,
    "may_pay_online": APPLICANT,
    "may_record_payment": DESK,
    "may_waive_fee": DESK,
    "may_rate": APPLICANT,
    # The receiving desk keeps reading it in full once the dossier went to another agency.
    "may_read_personal_data": {"applicant", "recv.receiver", "hand.receiver", "hand.assignee", "hand.approver"},
}


@pytest.fixture
def world(svc: SimpleNamespace, demo_agencies: dict[str, Any], make_person: Any) -> SimpleNamespace:
    people: dict[str, Any] = {
        "recv.receiver": svc.receiver,
        "recv.handler": make_person("r.thuly", Role.HANDLER, svc.centre),
        "recv.approver": make_person("r.pheduyet", Role.APPROVER, svc.centre),
        "recv.leader": make_person("r.lanhdao", Role.LEADER, svc.centre),
        "hand.receiver": make_person("h.motcua", Role.RECEIVER, svc.stp),
        "hand.assignee": svc.handler,
        "hand.handler": svc.handler2,
        "hand.approver": svc.approver,
        "hand.leader": make_person("h.lanhdao", Role.LEADER, svc.stp),
        "sct.receiver": svc.sct_officer,
        "sct.handler": svc.sct_handler,
        "sct.approver": svc.sct_approver,
        "th.receiver": make_person("th.motcua", Role.RECEIVER, demo_agencies["th.ttpvhcc"]),
        "th.handler": make_person("th.thuly", Role.HANDLER, demo_agencies["th.sct"]),
        "th.approver": make_person("th.pheduyet", Role.APPROVER, demo_agencies["th.sct"]),
        "province.leader": make_person("hy.lanhdao", Role.LEADER, demo_agencies["hy.ubnd"]),
        "dx_office": make_person("hy.cds", Role.DX_OFFICE, demo_agencies["hy.skhcn"]),
        "admin": make_person("quantri", Role.SYSTEM_ADMIN, None),
        "applicant": svc.citizen,
        "citizen": svc.other_citizen,
        "inactive.receiver": make_person("r.nghi", Role.RECEIVER, svc.centre),
        "anonymous": AnonymousUser(),
    }
    Person.objects.filter(pk=people["inactive.receiver"].pk).update(is_active=False)
    people["inactive.receiver"].refresh_from_db()
    dossier = services.dossier_receive(actor=svc.receiver, dossier=submit_online(svc, "rules-1"))
    dossier = services.dossier_forward(actor=svc.receiver, dossier=dossier, to_agency=svc.stp)
    dossier = services.dossier_assign(actor=svc.approver, dossier=dossier, assignee=svc.handler)
    return SimpleNamespace(people=people, dossier=Dossier.objects.get(pk=dossier.pk), svc=svc, agencies=demo_agencies)


def _who(world: SimpleNamespace, rule: Callable[[Any, Dossier], bool], dossier: Dossier | None = None) -> set[str]:
    return {name for name, person in world.people.items() if rule(person, dossier or world.dossier)}


def test_every_rule_of_the_module_is_in_the_table() -> None:
    dossier_rules = {name for name in dir(rules) if name.startswith("may_")} - {
        "may_file_online",
        "may_receive_at_counter",
        "may_manage_procedure",
    }
    assert dossier_rules == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_rule(world: SimpleNamespace, name: str) -> None:
    assert _who(world, getattr(rules, name)) == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_rule_does_not_look_at_the_state(world: SimpleNamespace, name: str) -> None:
    for state in (DossierState.SUBMITTED, DossierState.APPROVED, DossierState.CANCELLED):
        world.dossier.state = state
        assert _who(world, getattr(rules, name)) == EXPECTED[name], state


def test_the_rules_follow_the_handling_agency_after_a_transfer(world: SimpleNamespace) -> None:
    svc = world.svc
    dossier = services.dossier_transfer(actor=svc.approver, dossier=world.dossier, to_agency=svc.sct, days=2)
    assert _who(world, rules.may_assign, dossier) == {"sct.approver"}
    assert _who(world, rules.may_approve, dossier) == {"sct.approver"}
    assert _who(world, rules.may_start_review, dossier) == set()  # the transfer leaves it unassigned
    assert _who(world, rules.may_apologise, dossier) == {"sct.handler", "sct.approver"}
    assert _who(world, rules.may_receive, dossier) == {"recv.receiver", "sct.receiver"}
    assert _who(world, rules.may_return_result, dossier) == {"recv.receiver", "sct.receiver"}
    assert _who(world, rules.may_read_personal_data, dossier) == {
        "applicant",
        "recv.receiver",
        "sct.receiver",
        "sct.approver",
    }


def test_a_dossier_received_at_the_counter_has_no_applicant_account(world: SimpleNamespace) -> None:
    svc = world.svc
    dossier = services.dossier_receive_at_counter(
        actor=svc.receiver,
        agency=svc.centre,
        procedure=svc.procedure,
        applicant_name="Nguyễn Văn An",
        applicant_personal_id="033095001234",
        applicant_phone="0912345678",
        form_data={"full_name": "Nguyễn Văn An", "personal_id": "033095001234"},
    )
    for name in ("may_rate", "may_pay_online", "may_reuse_file"):
        assert _who(world, getattr(rules, name), dossier) == set(), name
    assert _who(world, rules.may_stop, dossier) == {"recv.receiver"}
    # Received and handled at the centre: its handler and approver act; Sở Tư pháp's people do not.
    assert _who(world, rules.may_approve, dossier) == {"recv.approver"}
    assert _who(world, rules.may_request_supplement, dossier) == {"recv.receiver", "recv.handler"}


def test_filing_online(world: SimpleNamespace) -> None:
    assert _who(world, lambda person, _dossier: rules.may_file_online(person)) == {"applicant", "citizen"}


def test_receiving_at_the_counter(world: SimpleNamespace) -> None:
    somewhere = {"recv.receiver", "hand.receiver", "sct.receiver", "th.receiver"}
    assert _who(world, lambda person, _dossier: rules.may_receive_at_counter(person)) == somewhere
    centre = world.svc.centre
    assert _who(world, lambda person, _dossier: rules.may_receive_at_counter(person, centre)) == {"recv.receiver"}


def test_assigning_somewhere(world: SimpleNamespace) -> None:
    assert _who(world, lambda person, _dossier: rules.may_assign(person)) == {
        "recv.approver",
        "hand.approver",
        "sct.approver",
        "th.approver",
    }


def test_managing_procedures(world: SimpleNamespace) -> None:
    assert _who(world, lambda person, _dossier: rules.may_manage_procedure(person)) == {"admin", "dx_office"}
    stp, thanh_hoa = world.svc.stp, world.agencies["th.sct"]
    # The DX office manages its whole province's catalogue, never another province's.
    assert _who(world, lambda person, _dossier: rules.may_manage_procedure(person, stp)) == {"admin", "dx_office"}
    assert _who(world, lambda person, _dossier: rules.may_manage_procedure(person, thanh_hoa)) == {"admin"}
