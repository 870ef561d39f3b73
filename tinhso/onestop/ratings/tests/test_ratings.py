"""Ratings: the applicant, once, after the result is returned, a score from 1 to 5."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tinhso.core.errors import Conflict, DomainError, NotFound
from tinhso.ledger.models import Entry
from tinhso.onestop.models import Dossier, DossierState, Rating
from tinhso.onestop.ratings.services import RATING_LABELS, dossier_rate
from tinhso.onestop.tests.factories import DossierFactory

pytestmark = pytest.mark.django_db


def _dossier(svc: Any, state: str = DossierState.RESULT_RETURNED) -> Dossier:
    return DossierFactory.create(cast=svc, state=state, paper=True)


def _counts() -> tuple[int, int]:
    return Rating.objects.count(), Entry.objects.count()


def test_labels_cover_the_five_scores() -> None:
    assert list(RATING_LABELS) == [1, 2, 3, 4, 5]
    assert str(RATING_LABELS[1]) == "Rất không hài lòng"
    assert str(RATING_LABELS[5]) == "Rất hài lòng"


def test_the_applicant_rates_after_the_result(svc: Any, clock: Any) -> None:
    dossier = _dossier(svc)
    comment = "  Cán bộ hướng dẫn tận tình,\nđúng hẹn.  "
    entries = Entry.objects.count()
    rating = dossier_rate(actor=svc.citizen, dossier=dossier, score=5, comment=comment)
    assert (rating.dossier, rating.score, rating.rated_by) == (dossier, 5, svc.citizen)
    assert rating.comment == "Cán bộ hướng dẫn tận tình,\nđúng hẹn."
    assert Entry.objects.count() == entries + 1
    entry = Entry.objects.order_by("-pk").first()
    assert entry.action == "services.dossier.rate"
    assert entry.actor == svc.citizen
    payload = json.loads(entry.payload.canonical_json)
    assert payload["score"] == 5
    assert payload["comment_length"] == len(rating.comment)
    assert "tận tình" not in entry.payload.canonical_json  # the text stays on the rating only


def test_a_score_given_as_text_from_a_form_is_accepted(svc: Any, clock: Any) -> None:
    rating = dossier_rate(actor=svc.citizen, dossier=_dossier(svc), score="3")  # type: ignore[arg-type]
    assert rating.score == 3
    assert rating.comment == ""


@pytest.mark.parametrize("state", [s for s in DossierState.values if s != DossierState.RESULT_RETURNED])
def test_rating_before_the_result_is_refused(svc: Any, clock: Any, state: str) -> None:
    dossier = _dossier(svc, state)
    before = _counts()
    with pytest.raises(Conflict, match="Chỉ đánh giá sau khi nhận kết quả") as caught:
        dossier_rate(actor=svc.citizen, dossier=dossier, score=4)
    assert caught.value.status_code == 409
    assert _counts() == before


def test_a_second_rating_is_refused(svc: Any, clock: Any) -> None:
    dossier = _dossier(svc)
    dossier_rate(actor=svc.citizen, dossier=dossier, score=4)
    before = _counts()
    with pytest.raises(Conflict) as caught:
        dossier_rate(actor=svc.citizen, dossier=dossier, score=1, comment="Đổi ý")
    assert caught.value.status_code == 409
    assert _counts() == before
    assert Rating.objects.get(dossier=dossier).score == 4


@pytest.mark.parametrize("score", [0, 6, -1, None, True, "", "năm", 4.5, "10"])
def test_a_bad_score_is_refused(svc: Any, clock: Any, score: Any) -> None:
    dossier = _dossier(svc)
    before = _counts()
    with pytest.raises(DomainError) as caught:
        dossier_rate(actor=svc.citizen, dossier=dossier, score=score)
    assert caught.value.status_code == 400
    assert caught.value.field == "score"
    assert _counts() == before


def test_a_long_comment_is_refused(svc: Any, clock: Any) -> None:
    dossier = _dossier(svc)
    before = _counts()
    with pytest.raises(DomainError) as caught:
        dossier_rate(actor=svc.citizen, dossier=dossier, score=2, comment="a" * 1001)
    assert (caught.value.status_code, caught.value.field) == (400, "comment")
    assert _counts() == before
    assert (
        dossier_rate(actor=svc.citizen, dossier=dossier, score=2, comment=" " + "a" * 1000 + " ").comment == "a" * 1000
    )


def test_only_the_applicant_rates(svc: Any, clock: Any) -> None:
    dossier, counter = _dossier(svc), _dossier(svc)
    Dossier.objects.filter(pk=counter.pk).update(applicant=None)  # filed at the desk: no account
    before = _counts()
    for person in (svc.other_citizen, svc.receiver, svc.approver):
        with pytest.raises(NotFound):
            dossier_rate(actor=person, dossier=dossier, score=5)
    with pytest.raises(NotFound):
        dossier_rate(actor=svc.citizen, dossier=counter, score=5)
    assert _counts() == before
