"""What the one-stop shop tells people in the platform (:mod:`tinhso.org.notifications`): the
handler a dossier is assigned to, the applicant with an account of the steps that ask something
of them or bring the result, the officers of a dossier about to be late (from
:mod:`tinhso.onestop.deadlines.services`).

The applicant's e-mail and text of every step stay with :mod:`.services` (to the dossier's own
contacts, account or not, as Decree 224/2026 asks): the applicant's kinds declare those
channels required and carried by this app, so :func:`tinhso.org.notifications.services.notify`
adds the in-app line and sends nothing twice.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tinhso.onestop.models import Dossier
from tinhso.org.models import Person
from tinhso.org.notifications.kinds import APPLICANTS, EMAIL, SMS, NotificationKind, kind_register
from tinhso.org.notifications.services import notify, notify_many

ASSIGNED = "services.dossier_assigned"
SUPPLEMENT_REQUESTED = "services.dossier_supplement_requested"
REFUSED = "services.dossier_refused"
RESULT_READY = "services.dossier_result_ready"
AT_RISK = "services.dossier_at_risk"

_APPLICANT_RULE = gettext_lazy(
    "người nộp được thông báo từng bước xử lý hồ sơ qua thư điện tử và tin nhắn ghi trên hồ sơ "
    "(Nghị định 224/2026/NĐ-CP), do Bộ phận Một cửa gửi."
)

# The dossier's step (its event's action) → the applicant's kind.
APPLICANT_KINDS = {
    "request_supplement": SUPPLEMENT_REQUESTED,
    "refuse": REFUSED,
    "result_issued": RESULT_READY,
}


def _applicant_kind(code: str, label: str | Promise) -> NotificationKind:
    both = frozenset({EMAIL, SMS})
    return NotificationKind(
        code, label, defaults=both, required=both, reason=_APPLICANT_RULE, carried_by_app=both, audience=APPLICANTS
    )


def kinds_register() -> None:
    """The one-stop shop's kinds (from :meth:`tinhso.onestop.apps.OnestopConfig.ready`)."""
    for kind in (
        NotificationKind(ASSIGNED, gettext_lazy("Hồ sơ được phân công cho tôi thụ lý")),
        NotificationKind(AT_RISK, gettext_lazy("Hồ sơ sắp đến hạn hoặc quá hạn trả kết quả")),
        _applicant_kind(SUPPLEMENT_REQUESTED, gettext_lazy("Hồ sơ của tôi cần bổ sung")),
        _applicant_kind(REFUSED, gettext_lazy("Hồ sơ của tôi bị từ chối, trả lại")),
        _applicant_kind(RESULT_READY, gettext_lazy("Hồ sơ của tôi đã có kết quả")),
    ):
        kind_register(kind)


def dossier_label(dossier: Dossier) -> str:
    return _("Hồ sơ %(code)s – %(procedure)s") % {"code": dossier.code, "procedure": dossier.procedure.name}


def officer_link(dossier: Dossier) -> str:
    return reverse("officer:dossier", args=[dossier.pk])


def dossiers_people_notify(changed: Sequence[tuple[Dossier, Person | None]], action: str) -> None:
    """The in-app notifications of a step several dossiers took (inside its transaction), in
    the platform's language whatever the actor's page was in."""
    with translation.override(settings.LANGUAGE_CODE):
        _people_notify(changed, action)


def _people_notify(changed: Sequence[tuple[Dossier, Person | None]], action: str) -> None:
    applicant_kind = APPLICANT_KINDS.get(action)
    for dossier, actor in changed:
        if action == "assign" and dossier.assignee is not None and dossier.assignee != actor:
            notify(
                dossier.assignee,
                ASSIGNED,
                verb=_("Bạn được phân công thụ lý hồ sơ"),
                object_label=dossier_label(dossier),
                link=officer_link(dossier),
            )
        if applicant_kind and dossier.applicant is not None and dossier.applicant_id != getattr(actor, "pk", None):
            verbs = {
                SUPPLEMENT_REQUESTED: _("Hồ sơ của bạn cần bổ sung giấy tờ"),
                REFUSED: _("Hồ sơ của bạn bị từ chối, trả lại"),
                RESULT_READY: _("Hồ sơ của bạn đã có kết quả"),
            }
            notify(
                dossier.applicant,
                applicant_kind,
                verb=verbs[applicant_kind],
                object_label=dossier_label(dossier),
                link=reverse("citizen:dossier", args=[dossier.pk]),
            )


def dossier_at_risk_notify(dossier: Dossier, officers: Sequence[Person], *, verb: str, subject: str, body: str) -> None:
    """The late-dossier warning to the dossier's handler and approvers (the e-mail is theirs to choose)."""
    notify_many(
        officers,
        AT_RISK,
        verb=verb,
        object_label=dossier_label(dossier),
        link=officer_link(dossier),
        subject=subject,
        body=body,
    )
