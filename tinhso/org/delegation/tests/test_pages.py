"""The delegation pages through the test client: list, make (refusals re-shown, nothing written),
revoke (POST; the delegate is refused, a stranger told it does not exist)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tinhso.ledger.models import Entry
from tinhso.org.delegation.tests.conftest import delegate
from tinhso.org.models import Delegation
from tinhso.org.roles import Role

pytestmark = pytest.mark.django_db

NEW = reverse("org:delegation_new")
LIST = reverse("org:delegations")


def client_of(person: Any) -> Client:
    client = Client()
    client.force_login(person)
    return client


def form(people: SimpleNamespace, **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "agency": people.stp.pk,
        "delegate": people.deputy.pk,
        "roles": [Role.APPROVER],
        "valid_from": "02/03/2026",
        "valid_to": "13/03/2026",
        "reason": "Nghỉ phép",
    }
    data.update(changes)
    return data


def test_the_form_offers_the_agencys_people_with_how_they_would_sign(people: SimpleNamespace) -> None:
    html = client_of(people.director).get(NEW).content.decode()
    assert "Lê Thị Phó — Phó Giám đốc (KT.)" in html
    assert "Phạm Văn Chánh — Chánh Văn phòng (TUQ.)" in html
    assert "Đỗ Văn Ngoài" not in html  # another agency's
    assert 'value="approver"' in html


def test_making_one_lists_it_on_both_sides(people: SimpleNamespace) -> None:
    director = client_of(people.director)
    response = director.post(NEW, form(people))
    assert response.status_code == 302
    assert response["Location"] == LIST
    made = Delegation.objects.get()
    assert (made.delegate, made.kind, made.valid_to) == (people.deputy, "KT", dt.date(2026, 3, 13))
    given = director.get(LIST).content.decode()
    assert "Đã ủy quyền cho Lê Thị Phó (KT.) từ 02/03/2026 đến 13/03/2026." in given
    assert "Đang hiệu lực" in given
    assert 'data-testid="delegation-revoke"' in given
    received = client_of(people.deputy).get(LIST).content.decode()
    assert "Trần Văn Giám" in received
    assert 'data-testid="delegation-revoke"' not in received
    assert "Nghỉ phép" not in client_of(people.head).get(LIST).content.decode()


@pytest.mark.parametrize(
    ("changes", "status", "message"),
    [
        ({"valid_to": ""}, 400, "ủy quyền phải có thời hạn"),
        ({"valid_to": "31/02/2026"}, 400, "Ngày kết thúc phải là ngày hợp lệ"),
        ({"valid_to": "01/03/2026"}, 400, "Ngày kết thúc ủy quyền phải từ ngày bắt đầu trở đi."),
        ({"delegate": "director"}, 400, "Chọn người được ủy quyền trong danh sách."),
        ({"delegate": "outsider"}, 400, "Chọn người được ủy quyền trong danh sách."),
        ({"roles": [Role.LEADER]}, 400, "chỉ được ủy quyền quyền hạn của chính mình"),
        ({"roles": []}, 400, "Chọn ít nhất một quyền hạn để ủy quyền."),
    ],
)
def test_bad_input_is_shown_in_vietnamese_and_nothing_is_written(
    people: SimpleNamespace, changes: dict[str, Any], status: int, message: str
) -> None:
    if changes.get("delegate") in ("director", "outsider"):
        changes["delegate"] = getattr(people, changes["delegate"]).pk
    before = Entry.objects.count()
    response = client_of(people.director).post(NEW, form(people, **changes))
    assert response.status_code == status
    assert message in response.content.decode()
    assert not Delegation.objects.exists()
    assert Entry.objects.count() == before


def test_only_holders_of_a_power_to_lend_open_the_form(people: SimpleNamespace) -> None:
    assert client_of(people.deputy).get(NEW).status_code == 403
    assert client_of(people.director).get(NEW, {"agency": people.sct.pk}).status_code == 404


def test_revoking_is_the_delegators(people: SimpleNamespace) -> None:
    made = delegate(people)
    url = reverse("org:delegation_revoke", args=[made.pk])
    assert client_of(people.head).post(url).status_code == 404
    assert client_of(people.deputy).post(url).status_code == 403
    assert client_of(people.director).get(url).status_code == 405
    made.refresh_from_db()
    assert made.revoked_at is None
    response = client_of(people.director).post(url)
    assert (response.status_code, response["Location"]) == (302, LIST)
    made.refresh_from_db()
    assert made.revoked_at is not None
    assert "Đã thu hồi" in client_of(people.deputy).get(LIST).content.decode()
