"""Sign-in through an OpenID Connect provider: the full code flow through Django's test client
and a real provider (oidc-provider-mock) on a thread, with the ID token checked against its keys."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from tinhso.ledger.models import Entry
from tinhso.org.accounts.selectors import person_proven_personal_id
from tinhso.org.accounts.tests.conftest import CITIZEN_PERSONAL_ID, CITIZEN_SUB, provider_authorize
from tinhso.org.models import CITIZEN_USERNAME_PREFIX, ExternalIdentity, Person, PersonalIdProof
from tinhso.org.roles import Role

pytestmark = pytest.mark.django_db

START = "/tai-khoan/dinh-danh/"
CALLBACK = "/tai-khoan/dinh-danh/ve/"


def sign_in(client: Client, sub: str, next_url: str = "/dich-vu-cong/ho-so/") -> Any:
    """Start at the platform, choose ``sub`` on the provider's page, come back with the code."""
    start = client.get(START, {"next": next_url})
    assert start.status_code == 302, start.content
    back = urlsplit(provider_authorize(start["Location"], sub))
    assert back.path == CALLBACK
    return client.get(f"{back.path}?{back.query}")


def test_without_a_provider_the_pages_are_not_found_and_no_button_shows() -> None:
    client = Client()
    assert client.get(START).status_code == 404
    assert client.get(CALLBACK, {"code": "x", "state": "y"}).status_code == 404
    assert 'data-testid="oidc-sign-in"' not in client.get(reverse("login")).content.decode()


def test_a_new_subject_gets_an_account_with_its_personal_id_proven(oidc: str) -> None:
    assert 'data-testid="oidc-sign-in"' in Client().get(reverse("login")).content.decode()
    client = Client()
    before = Entry.objects.count()
    response = sign_in(client, CITIZEN_SUB)
    assert (response.status_code, response["Location"]) == (302, "/dich-vu-cong/ho-so/")
    identity = ExternalIdentity.objects.get(subject=CITIZEN_SUB)
    assert identity.issuer == oidc
    person = identity.person
    assert client.session["_auth_user_id"] == str(person.pk)
    assert person.username.startswith(CITIZEN_USERNAME_PREFIX)
    assert (person.full_name, person.email, person.personal_id) == (
        "Nguyễn Văn An",
        "an.nguyen@example.vn",
        CITIZEN_PERSONAL_ID,
    )
    assert not person.has_usable_password()
    assert person.role_assignments.filter(role=Role.CITIZEN).exists()
    assert person_proven_personal_id(person) == CITIZEN_PERSONAL_ID
    actions = list(Entry.objects.filter(pk__gt=0).order_by("pk").values_list("action", flat=True))[before:]
    assert actions == ["org.account.create", "org.role.grant", "org.account.identity_link", "org.account.link"]
    for entry in Entry.objects.order_by("-pk")[:4]:
        assert CITIZEN_PERSONAL_ID not in entry.payload.canonical_json
        assert CITIZEN_SUB not in entry.payload.canonical_json

    # Again later: the same account, nothing new.
    people, entries = Person.objects.count(), Entry.objects.count()
    again = Client()
    assert sign_in(again, CITIZEN_SUB).status_code == 302
    assert again.session["_auth_user_id"] == str(person.pk)
    assert (Person.objects.count(), Entry.objects.count()) == (people, entries)


def test_an_account_is_never_matched_by_e_mail(oidc: str, make_person: Any) -> None:
    holder = make_person("canbo", email="an.nguyen@example.vn")
    client = Client()
    assert sign_in(client, CITIZEN_SUB).status_code == 302
    person = ExternalIdentity.objects.get(subject=CITIZEN_SUB).person
    assert person.pk != holder.pk
    assert person.email == ""  # the address stays with its holder
    assert client.session["_auth_user_id"] == str(person.pk)


def test_a_signed_in_citizen_links_the_identity_and_proves_the_personal_id(oidc: str, make_person: Any) -> None:
    citizen = make_person(f"{CITIZEN_USERNAME_PREFIX}an", Role.CITIZEN, phone="0912345678")
    client = Client()
    client.force_login(citizen, backend="tinhso.org.backends.PersonBackend")
    response = sign_in(client, CITIZEN_SUB, next_url="/tai-khoan/")
    assert (response.status_code, response["Location"]) == (302, "/tai-khoan/")
    assert ExternalIdentity.objects.get(subject=CITIZEN_SUB).person_id == citizen.pk
    assert PersonalIdProof.objects.get().person_id == citizen.pk
    page = client.get("/tai-khoan/").content.decode()
    assert "********1234" in page
    assert "Đã xác minh" in page
    assert CITIZEN_PERSONAL_ID not in page


def test_a_subject_without_a_personal_id_proves_nothing(oidc: str) -> None:
    client = Client()
    assert sign_in(client, "someone-else@example.vn").status_code == 302
    person = ExternalIdentity.objects.get(subject="someone-else@example.vn").person
    assert person_proven_personal_id(person) is None
    assert not PersonalIdProof.objects.exists()


def test_a_callback_with_a_forged_state_signs_nobody_in(oidc: str) -> None:
    client = Client()
    start = client.get(START)
    back = urlsplit(provider_authorize(start["Location"], CITIZEN_SUB))
    forged = back.query.replace("state=", "state=x")
    response = client.get(f"{back.path}?{forged}")
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session
    assert not ExternalIdentity.objects.exists()
