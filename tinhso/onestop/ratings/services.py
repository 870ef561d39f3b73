"""The applicant's rating of the service: once per dossier, after the result is returned.

Ratings feed the satisfaction group of the 766 index (18 points). The comment is kept on the
rating only; the ledger records the score and the comment's length, never its text.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from tinhso.core.errors import Conflict, DomainError, NotFound
from tinhso.ledger.services import ledger_append
from tinhso.onestop import rules
from tinhso.onestop.dossiers.locks import dossier_lock
from tinhso.onestop.models import Dossier, DossierState, Rating

if TYPE_CHECKING:
    from tinhso.org.models import Person

RATING_LABELS = {
    1: _lazy("Rất không hài lòng"),
    2: _lazy("Không hài lòng"),
    3: _lazy("Bình thường"),
    4: _lazy("Hài lòng"),
    5: _lazy("Rất hài lòng"),
}
COMMENT_MAX = 1000


def _score(value: Any) -> int:
    if isinstance(value, bool):
        value = None
    try:
        score = int(str(value).strip()) if value is not None else 0
    except ValueError:
        score = 0
    if score not in RATING_LABELS:
        raise DomainError(_("Vui lòng chọn mức độ hài lòng từ 1 đến 5."), field="score", code="invalid_score")
    return score


@transaction.atomic
def dossier_rate(*, actor: Person, dossier: Dossier, score: int, comment: str = "") -> Rating:
    """The applicant rates how their dossier was handled (1 = very unsatisfied … 5 = very satisfied)."""
    dossier = dossier_lock(dossier)
    if not rules.may_rate(actor, dossier):
        raise NotFound(_("Không tìm thấy hồ sơ."), code="not_found")
    if dossier.state != DossierState.RESULT_RETURNED:
        raise Conflict(_("Chỉ đánh giá sau khi nhận kết quả"), code="not_returned")
    if Rating.objects.filter(dossier=dossier).exists():
        raise Conflict(_("Hồ sơ đã được đánh giá"), code="already_rated")
    value = _score(score)
    text = unicodedata.normalize("NFC", str(comment or "")).strip()  # line breaks kept
    if len(text) > COMMENT_MAX:
        raise DomainError(
            _("Góp ý dài quá %(n)s ký tự.") % {"n": COMMENT_MAX}, field="comment", code="comment_too_long"
        )
    try:
        with transaction.atomic():
            rating = Rating.objects.create(dossier=dossier, score=value, comment=text, rated_by=actor)
    except IntegrityError:  # the one-to-one: a rating of the same dossier won the race
        raise Conflict(_("Hồ sơ đã được đánh giá"), code="already_rated") from None
    ledger_append(
        actor=actor,
        action="services.dossier.rate",
        obj=dossier,
        payload={
            "code": dossier.code,
            "procedure": dossier.procedure.code,
            "handling_agency": dossier.handling_agency_id,
            "score": value,
            "comment_length": len(text),
        },
    )
    return rating
