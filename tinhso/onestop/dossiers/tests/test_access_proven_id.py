"""A citizen who proved their personal id (through an identity provider) sees the dossiers filed
under it, at a desk or by someone else online; an id merely typed on an account links nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tinhso.core.errors import NotFound
from tinhso.onestop.dossiers import services as S
from tinhso.onestop.dossiers.access import access_dossier, dossiers_visible
from tinhso.onestop.models import Dossier
from tinhso.org.models import PersonalIdProof
from tinhso.org.roles import Role

pytestmark = pytest.mark.django_db

PERSONAL_ID = "001199012345"


@pytest.fixture
def counter(svc: Any, clock: Any) -> Dossier:
    return S.dossier_receive_at_counter(
        actor=svc.receiver,
        agency=svc.centre,
        procedure=svc.procedure,
        applicant_name="Trần Thị Bình",
        applicant_personal_id=PERSONAL_ID,
        applicant_phone="0987654321",
        form_data={"full_name": "Trần Thị Bình", "personal_id": PERSONAL_ID},
    )


def test_a_proven_personal_id_links_the_dossiers_filed_under_it(svc: Any, counter: Dossier, make_person: Any) -> None:
    binh = make_person("cd-binh", Role.CITIZEN, full_name="Trần Thị Bình")
    assert not dossiers_visible(binh).filter(pk=counter.pk).exists()
    PersonalIdProof.objects.create(person=binh, personal_id=PERSONAL_ID, method="oidc", proven_at=timezone.now())
    assert access_dossier(binh, counter.pk) == counter
    client = Client()
    client.force_login(binh)
    mine = client.get("/dich-vu-cong/ho-so/")
    assert f'data-testid="dossier-{counter.code}"' in mine.content.decode()
    assert client.get(f"/dich-vu-cong/ho-so/{counter.pk}/").status_code == 200
    # Seeing is not acting: only the applicant of an online dossier acts on it.
    assert client.post(f"/dich-vu-cong/ho-so/{counter.pk}/dung-xu-ly/", {"reason": "x"}).status_code in (403, 404)


def test_an_unproven_personal_id_on_an_account_links_nothing(svc: Any, counter: Dossier, make_person: Any) -> None:
    typed = make_person("cd-typed", Role.CITIZEN, personal_id=PERSONAL_ID)
    assert not dossiers_visible(typed).filter(pk=counter.pk).exists()
    with pytest.raises(NotFound):
        access_dossier(typed, counter.pk)
    client = Client()
    client.force_login(typed)
    assert f"dossier-{counter.code}" not in client.get("/dich-vu-cong/ho-so/").content.decode()
    assert client.get(f"/dich-vu-cong/ho-so/{counter.pk}/").status_code == 404
