"""Registration with a phone or an e-mail confirmed by a one-time code; no enumeration."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tinhso.ledger.models import Entry
from tinhso.org.accounts import services
from tinhso.org.accounts.tests.conftest import code_in
from tinhso.org.models import CITIZEN_USERNAME_PREFIX, CodePurpose, Consent, OneTimeCode, Person
from tinhso.org.roles import Role

pytestmark = pytest.mark.django_db

PHONE = "0912345678"
PASSWORD = "Hoa sen nở 2026"
REGISTER = "/tai-khoan/dang-ky/"
CONFIRM = "/tai-khoan/dang-ky/xac-nhan/"


def _register(client: Client, address: str = PHONE, **extra: Any) -> Any:
    data = {
        "address": address,
        "full_name": "Trần Thị Bình",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "consent": "on",
        **extra,
    }
    return client.post(REGISTER, data, REMOTE_ADDR="10.1.0.1")


def _confirm(client: Client, code: str) -> Any:
    return client.post(CONFIRM, {"code": code}, REMOTE_ADDR="10.1.0.1")


def _entries() -> list[str]:
    return list(Entry.objects.order_by("pk").values_list("action", flat=True))


def test_a_citizen_registers_with_a_phone_confirms_and_is_signed_in(texts: list[tuple[str, str]]) -> None:
    client = Client()
    before = Entry.objects.count()
    response = _register(client, "+84 912 345 678")
    assert response.status_code == 302
    assert response["Location"] == CONFIRM
    assert Person.objects.filter(phone=PHONE).count() == 0  # nothing until the code is confirmed
    [(phone, body)] = texts
    assert phone == PHONE
    code = code_in(body)
    row = OneTimeCode.objects.get()
    assert row.purpose == CodePurpose.REGISTER
    assert code not in row.code_digest
    assert PHONE not in row.destination_digest
    assert row.destination_masked.endswith("5678")
    assert PHONE not in row.destination_masked

    page = client.get(CONFIRM)
    assert "Nếu ******5678 dùng được" in page.content.decode()
    response = _confirm(client, code)
    assert response.status_code == 302
    person = Person.objects.get(phone=PHONE)
    assert person.username.startswith(CITIZEN_USERNAME_PREFIX)
    assert PHONE not in person.username
    assert person.full_name == "Trần Thị Bình"
    assert person.is_active
    assert person.role_assignments.filter(role=Role.CITIZEN, agency=None).exists()
    consent = Consent.objects.get(person=person)
    assert (consent.purpose, consent.text_version, consent.withdrawn_at) == ("account", "1", None)
    assert client.session["_auth_user_id"] == str(person.pk)
    OneTimeCode.objects.get(used_at__isnull=False)
    new = list(Entry.objects.filter(pk__gt=0).order_by("pk").values_list("action", flat=True))[before:]
    assert new == [
        "org.account.create",
        "org.account.confirm",
        "org.consent.give",
        "org.role.grant",
    ]
    for entry in Entry.objects.order_by("-pk")[:4]:
        assert PHONE not in entry.payload.canonical_json
        assert "Bình" not in entry.payload.canonical_json
        assert PHONE not in entry.actor_label

    # Later, the phone and the password sign in.
    other = Client()
    signed = other.post(reverse("login"), {"username": PHONE, "password": PASSWORD}, REMOTE_ADDR="10.1.0.2")
    assert signed.status_code == 302
    assert other.session["_auth_user_id"] == str(person.pk)


def test_a_citizen_registers_with_an_e_mail(texts: list[tuple[str, str]]) -> None:
    client = Client()
    assert _register(client, "Binh.Tran@Example.VN").status_code == 302
    [message] = mail.outbox
    assert message.to == ["binh.tran@example.vn"]
    assert _confirm(client, code_in(str(message.body))).status_code == 302
    person = Person.objects.get(email="binh.tran@example.vn")
    assert person.phone == ""
    assert texts == []


def test_a_taken_phone_gets_the_same_answer_and_its_owner_a_notice_no_account_touched(
    texts: list[tuple[str, str]], make_person: Any
) -> None:
    owner = make_person(f"{CITIZEN_USERNAME_PREFIX}owner", Role.CITIZEN, phone=PHONE)
    people, entries = Person.objects.count(), Entry.objects.count()
    free = _register(Client(), "0987654321")
    client = Client()
    taken = _register(client, PHONE)
    assert (taken.status_code, taken["Location"]) == (free.status_code, free["Location"])
    page = client.get(CONFIRM).content.decode()
    assert "Nếu ******5678 dùng được cho yêu cầu này, chúng tôi đã gửi" in page
    [(_, first), (phone, notice)] = texts
    assert phone == PHONE
    assert "đã gắn với một tài khoản" in notice
    assert not any(ch.isdigit() for ch in notice)  # no code in it
    # A code row like any other (same work, same time), never sent, naming nobody.
    decoy = OneTimeCode.objects.get(destination_masked="******5678")
    assert (decoy.person_id, decoy.used_at) == (None, None)
    # Any code is "wrong", as a wrong code for a real registration is.
    refused = _confirm(client, code_in(first))
    assert refused.status_code == 400
    assert "Mã xác nhận không đúng" in refused.content.decode()
    assert Person.objects.count() == people + 0  # the other registration is not confirmed either
    assert Entry.objects.count() == entries
    owner.refresh_from_db()
    assert owner.full_name != "Trần Thị Bình"


def test_a_wrong_code_then_too_many_attempts_even_with_the_right_one(texts: list[tuple[str, str]]) -> None:
    client = Client()
    _register(client)
    code = code_in(texts[0][1])
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(services.CODE_MAX_ATTEMPTS):
        response = _confirm(client, wrong)
        assert response.status_code == 400
        assert "Mã xác nhận không đúng" in response.content.decode()
    assert OneTimeCode.objects.get().attempts == services.CODE_MAX_ATTEMPTS
    response = _confirm(client, code)
    assert response.status_code == 400
    assert "quá 5 lần" in response.content.decode()
    assert not Person.objects.filter(phone=PHONE).exists()


def test_an_expired_code_is_refused(texts: list[tuple[str, str]], clock: Any) -> None:
    client = Client()
    _register(client)
    clock.set(clock.now + dt.timedelta(minutes=11))
    response = _confirm(client, code_in(texts[0][1]))
    assert response.status_code == 400
    assert "Mã xác nhận đã hết hạn" in response.content.decode()
    assert not Person.objects.filter(phone=PHONE).exists()


def test_a_code_used_twice_is_refused_the_second_time(texts: list[tuple[str, str]]) -> None:
    address = services.address_parse(PHONE)
    registration = services.registration_start(
        address=address, full_name="Lê Văn Cường", password=PASSWORD, consent=True
    )
    code = code_in(texts[0][1])
    services.registration_confirm(registration=registration, code=code)
    entries = Entry.objects.count()
    with pytest.raises(services.DomainError) as refused:
        services.registration_confirm(registration=registration, code=code)
    assert refused.value.code == "code_used"
    assert "đã được dùng" in refused.value.message
    assert Person.objects.filter(phone=PHONE).count() == 1
    assert Entry.objects.count() == entries


def test_bad_input_is_answered_in_vietnamese_and_sends_nothing(texts: list[tuple[str, str]]) -> None:
    cases = [
        ({"address": "12345"}, "address", "số điện thoại (10 chữ số"),
        ({"password1": "12345678", "password2": "12345678"}, "password1", ""),
        ({"password2": "khác hẳn"}, "password2", "không khớp"),
        ({"consent": ""}, "consent", "đồng ý"),
        ({"full_name": ""}, "full_name", "họ và tên"),
    ]
    for extra, field, words in cases:
        response = _register(Client(), **extra)
        assert response.status_code == 400, field
        assert field in response.context["form"].errors, field
        assert words in response.content.decode(), field
    assert texts == []
    assert OneTimeCode.objects.count() == 0
    assert Person.objects.filter(phone=PHONE).count() == 0


def test_codes_to_one_phone_are_limited(texts: list[tuple[str, str]]) -> None:
    for number in range(3):
        assert _register(Client(REMOTE_ADDR=f"10.2.0.{number}")).status_code == 302
    limited = _register(Client())
    assert limited.status_code == 429
    assert "quá nhiều lần" in limited.content.decode()
    assert len(texts) == 3


def test_resend_gives_a_new_code_and_the_old_one_stops_working(texts: list[tuple[str, str]]) -> None:
    client = Client()
    _register(client)
    first = code_in(texts[0][1])
    assert client.post(CONFIRM, {"resend": "1"}, REMOTE_ADDR="10.1.0.1").status_code == 302
    second = code_in(texts[1][1])
    if first != second:
        assert _confirm(client, first).status_code == 400
    assert _confirm(client, second).status_code == 302
    assert Person.objects.filter(phone=PHONE).exists()


def test_the_confirm_page_without_a_registration_goes_back_to_the_form() -> None:
    response = Client().get(CONFIRM)
    assert (response.status_code, response["Location"]) == (302, REGISTER)


def test_old_codes_are_purged_with_one_ledger_event(texts: list[tuple[str, str]], clock: Any) -> None:
    address = services.address_parse(PHONE)
    services.code_issue(purpose=CodePurpose.REGISTER, address=address)
    assert services.codes_purge() == 0
    clock.set(clock.now + dt.timedelta(days=1, minutes=11))
    services.code_issue(purpose=CodePurpose.RESET, address=address)  # still pending: kept
    entries = Entry.objects.count()
    assert services.codes_purge() == 1
    assert OneTimeCode.objects.get().purpose == CodePurpose.RESET
    assert Entry.objects.count() == entries + 1
    assert Entry.objects.order_by("-pk").first().action == "org.account.codes_purge"
