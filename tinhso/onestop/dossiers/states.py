"""The states of a dossier and which transitions each state allows: the one table the services,
the pages and the API read. Who may take a step is the other half, in :mod:`tinhso.onestop.rules`."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from tinhso.core.errors import Conflict
from tinhso.onestop.models import Dossier, DossierState

S = DossierState

# States in which the dossier is still being worked on (no decision yet).
OPEN_STATES = frozenset(
    {
        S.SUBMITTED,
        S.RECEIVED,
        S.FORWARDED,
        S.ASSIGNED,
        S.UNDER_REVIEW,
        S.PENDING_APPROVAL,
        S.SUPPLEMENT_REQUESTED,
        S.TRANSFERRED,
    }
)
FINAL_STATES = frozenset({S.RESULT_RETURNED, S.STOPPED, S.CANCELLED})

# Which states each transition starts from.
ALLOWED_FROM: dict[str, frozenset[str]] = {
    "receive": frozenset({S.SUBMITTED}),
    "forward": frozenset({S.RECEIVED}),
    "assign": frozenset({S.FORWARDED, S.TRANSFERRED}),
    "start_review": frozenset({S.ASSIGNED}),
    "submit_for_approval": frozenset({S.UNDER_REVIEW}),
    "approve": frozenset({S.PENDING_APPROVAL}),
    "refuse": frozenset({S.UNDER_REVIEW, S.PENDING_APPROVAL}),
    "return_result": frozenset({S.APPROVED, S.REFUSED}),
    "request_supplement": frozenset({S.RECEIVED, S.FORWARDED, S.ASSIGNED, S.UNDER_REVIEW}),
    "supplement": frozenset({S.SUPPLEMENT_REQUESTED}),
    "transfer": frozenset({S.FORWARDED, S.ASSIGNED, S.UNDER_REVIEW}),
    "stop": OPEN_STATES,
    "cancel": OPEN_STATES,
    "apologise": OPEN_STATES - {S.SUBMITTED},
}

# What each transition is called in a refusal ("… không thể <verb>").
VERBS = {
    "receive": _lazy("tiếp nhận"),
    "forward": _lazy("chuyển xử lý"),
    "assign": _lazy("phân công"),
    "start_review": _lazy("bắt đầu thẩm định"),
    "submit_for_approval": _lazy("trình phê duyệt"),
    "approve": _lazy("phê duyệt"),
    "refuse": _lazy("từ chối giải quyết"),
    "return_result": _lazy("trả kết quả"),
    "request_supplement": _lazy("yêu cầu bổ sung"),
    "supplement": _lazy("bổ sung hồ sơ"),
    "transfer": _lazy("chuyển liên thông"),
    "stop": _lazy("dừng xử lý"),
    "cancel": _lazy("hủy"),
    "apologise": _lazy("hẹn lại ngày trả kết quả"),
}

# The steps outside the transition table, which leave the state as it is.
# The applicant adds files to their own dossier while it waits for the desk or for a supplement.
APPLICANT_FILE_STATES = frozenset({S.SUBMITTED, S.SUPPLEMENT_REQUESTED})
# The desk adds files while the dossier is open.
DESK_FILE_STATES = OPEN_STATES
# The handler prepares the draft result while reviewing and may replace it until the approver decides.
DRAFT_STATES = frozenset({S.UNDER_REVIEW, S.PENDING_APPROVAL})


def transition_allowed(dossier: Dossier, transition: str) -> bool:
    """Whether ``dossier``'s state allows ``transition`` (a key of :data:`ALLOWED_FROM`)."""
    return dossier.state in ALLOWED_FROM[transition]


def state_check(dossier: Dossier, transition: str) -> None:
    """:class:`Conflict` (409, ``wrong_state``) unless ``dossier``'s state allows ``transition``."""
    if not transition_allowed(dossier, transition):
        raise Conflict(
            _("Hồ sơ đang ở trạng thái “%(state)s”, không thể %(verb)s.")
            % {"state": DossierState(dossier.state).label, "verb": VERBS[transition]},
            code="wrong_state",
        )
