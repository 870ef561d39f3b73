"""The public dossier lookup: code + last 4 digits, no personal data, same answer for wrong digits
and unknown codes, and a rate limit per client address."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from tinhso.core.errors import DomainError, NotFound
from tinhso.onestop.conftest import GOOD_FORM, at
from tinhso.onestop.dossiers import intake
from tinhso.onestop.dossiers import services as S
from tinhso.onestop.dossiers.lookup import LookupResult, digits_match, dossier_lookup
from tinhso.onestop.models import Dossier

pytestmark = pytest.mark.django_db

URL = "/dich-vu-cong/tra-cuu/"
PERSONAL = ("Nguyễn Văn An", "0912345678", "033095001234", "Trần Thị Bình", "0987654321", "001199012345")


@pytest.fixture(autouse=True)
def _fresh_rate_limits() -> Iterator[None]:
    cache.clear()  # the limits live in the (per-process) cache
    yield
    cache.clear()


@pytest.fixture
def online(svc: Any, clock: Any) -> Dossier:
    """Filed online by the citizen (no phone on the account: the e-form carries phone and ID)."""
    return intake.dossier_submit_online(
        applicant=svc.citizen,
        procedure=svc.procedure,
        agency=svc.centre,
        form_data=GOOD_FORM,
        idempotency_key="lookup-key-000000001",
    )


@pytest.fixture
def counter(svc: Any, clock: Any) -> Dossier:
    return S.dossier_receive_at_counter(
        actor=svc.receiver,
        agency=svc.centre,
        procedure=svc.procedure,
        applicant_name="Trần Thị Bình",
        applicant_personal_id="001199012345",
        applicant_phone="0987654321",
        form_data={"full_name": "Trần Thị Bình", "personal_id": "001199012345"},
    )


# --- the service --------------------------------------------------------------------------------


def test_right_digits_of_phone_or_id_give_the_status(online: Dossier, counter: Dossier) -> None:
    for dossier, digits, state in (
        (online, "5678", "submitted"),
        (online, "1234", "submitted"),
        (counter, "4321", "received"),
        (counter, "2345", "received"),
    ):
        result = dossier_lookup(code=dossier.code, digits=digits)
        assert result.code == dossier.code
        assert result.state == state
    result = dossier_lookup(code=counter.code.lower(), digits="4321")  # codes are not case-sensitive
    assert result.state_label == "Đã tiếp nhận"
    assert result.procedure_name.startswith("Cấp Phiếu lý lịch tư pháp")
    assert result.agency_name == counter.receiving_agency.name
    assert result.received_at == at("2026-03-02")
    assert result.due_at == counter.due_at
    assert result.overdue is False


def test_result_holds_no_personal_data(counter: Dossier) -> None:
    result = dossier_lookup(code=counter.code, digits="4321")
    assert set(vars(result)) == {f.name for f in LookupResult.__dataclass_fields__.values()}
    text = repr(result)
    for value in PERSONAL:
        assert value not in text
    assert not {"applicant_name", "form_data", "applicant_phone", "applicant_personal_id"} & set(vars(result))


def test_digits_of_the_account_count_too(svc: Any, clock: Any, make_person: Any) -> None:
    from tinhso.org.roles import Role

    person = make_person("congdan3", Role.CITIZEN, None, phone="0901112233", personal_id="036090000777")
    dossier = intake.dossier_submit_online(
        applicant=person,
        procedure=svc.procedure,
        agency=svc.centre,
        form_data={"full_name": "Lê Văn C", "personal_id": "036090000777"},
        idempotency_key="lookup-key-000000002",
    )
    assert dossier_lookup(code=dossier.code, digits="2233").code == dossier.code
    assert dossier_lookup(code=dossier.code, digits="0777").code == dossier.code


def test_wrong_digits_and_unknown_code_raise_the_same_not_found(online: Dossier) -> None:
    with pytest.raises(NotFound) as wrong:
        dossier_lookup(code=online.code, digits="0000")
    with pytest.raises(NotFound) as unknown:
        dossier_lookup(code="H31.01-260302-9999", digits="5678")
    assert wrong.value.message == unknown.value.message
    assert wrong.value.code == unknown.value.code == "not_found"


@pytest.mark.parametrize(
    ("code", "digits", "field"),
    [
        ("", "1234", "code"),
        ("X" * 61, "1234", "code"),
        ("H31", "123", "digits"),
        ("H31", "12a4", "digits"),
        ("H31", "12345", "digits"),
    ],
)
def test_malformed_input_is_refused_on_its_field(code: str, digits: str, field: str) -> None:
    with pytest.raises(DomainError) as error:
        dossier_lookup(code=code, digits=digits)
    assert not isinstance(error.value, NotFound)
    assert field in error.value.errors


def test_digit_comparison_checks_every_candidate() -> None:
    assert digits_match(["1111", "5678"], "5678")
    assert digits_match(["5678", "1111"], "5678")
    assert not digits_match([], "0000")  # nothing to compare: a non-digit placeholder, never equal
    assert not digits_match(["1111"], "111")


# --- the page -----------------------------------------------------------------------------------


def _result_part(html: str) -> str:
    match = re.search(r'<div id="lookup-result".*?</div>\s*</div>', html, re.S)
    assert match, html
    return match.group(0)


def test_page_shows_status_without_personal_data(client: Client, online: Dossier, counter: Dossier) -> None:
    assert reverse("citizen:lookup") == URL
    assert client.get(URL).status_code == 200
    for dossier, digits in ((online, "5678"), (online, "1234"), (counter, "4321")):
        response = client.post(URL, {"code": dossier.code, "digits": digits})
        html = response.content.decode()
        assert response.status_code == 200
        assert 'data-testid="lookup-result"' in html
        assert dossier.code in html
        for value in PERSONAL:
            assert value not in html, value
        assert "Cấp Phiếu lý lịch tư pháp" in html


def test_wrong_digits_answer_exactly_like_an_unknown_code(client: Client, online: Dossier) -> None:
    headers = {"HX-Request": "true"}
    wrong = client.post(URL, {"code": online.code, "digits": "0000"}, headers=headers)
    unknown = client.post(URL, {"code": "H31.01-260302-9999", "digits": "0000"}, headers=headers)
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.content == unknown.content  # byte for byte
    assert "Không tìm thấy hồ sơ" in wrong.content.decode()
    full_wrong = client.post(URL, {"code": online.code, "digits": "0000"})
    full_unknown = client.post(URL, {"code": "H31.01-260302-9999", "digits": "0000"})
    assert full_wrong.status_code == full_unknown.status_code == 404
    assert _result_part(full_wrong.content.decode()) == _result_part(full_unknown.content.decode())
    assert 'value="0000"' not in full_wrong.content.decode()  # the digits are never echoed back


def test_malformed_input_gives_400(client: Client, online: Dossier) -> None:
    response = client.post(URL, {"code": online.code, "digits": "12"})
    assert response.status_code == 400
    assert "4 chữ số cuối" in response.content.decode()


@override_settings(TINHSO_LOOKUP_RATE="5/h")
def test_the_attempt_after_the_limit_gets_429(client: Client, online: Dossier) -> None:
    for n in range(5):
        digits = "5678" if n == 0 else f"{n:04d}"
        response = client.post(URL, {"code": online.code, "digits": digits})
        assert response.status_code in (200, 404)
    blocked = client.post(URL, {"code": online.code, "digits": "5678"})  # even the right digits now
    assert blocked.status_code == 429
    html = blocked.content.decode()
    assert "quá nhiều lần" in html
    assert 'data-testid="lookup-result"' not in html
    other_client = Client(REMOTE_ADDR="10.1.2.3")  # another address is not blocked
    assert other_client.post(URL, {"code": online.code, "digits": "5678"}).status_code == 200
    assert client.get(URL).status_code == 200  # showing the form is not counted


@override_settings(TINHSO_LOOKUP_RATE="100/h", TINHSO_LOOKUP_CODE_FAILURE_RATE="3/h")
def test_failed_attempts_on_one_code_are_limited_across_addresses(client: Client, online: Dossier) -> None:
    for n in range(3):
        address_client = Client(REMOTE_ADDR=f"10.9.0.{n + 1}")
        assert address_client.post(URL, {"code": online.code, "digits": f"{n:04d}"}).status_code == 404
    assert Client(REMOTE_ADDR="10.9.0.99").post(URL, {"code": online.code, "digits": "5678"}).status_code == 429
