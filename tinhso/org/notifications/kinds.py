"""The registry of notification kinds: each app adds the kinds it sends, in its
``AppConfig.ready()``, with a Vietnamese label, the channels on by default and those the law
requires. org never imports the apps that fill it."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tinhso.org.models import NotificationChannel

# Channels. IN_APP is the list under the bell: every notification is there, it is the record a
# person can always come back to, so it is not a choice. EMAIL and SMS are chosen per kind and go
# through the outbox to core's channels (tinhso.core.channels).
IN_APP = "in_app"
EMAIL, SMS = NotificationChannel.EMAIL.value, NotificationChannel.SMS.value
CHOSEN_CHANNELS = (EMAIL, SMS)
# Who a kind is for, so that the choices page offers each person the kinds that can reach them.
OFFICERS, APPLICANTS = "officers", "applicants"
CHANNEL_LABELS = {IN_APP: _("Trên hệ thống"), **{str(c.value): c.label for c in NotificationChannel}}


@dataclass(frozen=True)
class NotificationKind:
    """One kind of notification (``code``: ``<app label>.<what>``, e.g. ``services.dossier_assigned``).

    Channels here are the chosen ones (:data:`CHOSEN_CHANNELS`); the in-app list is always on.
    ``defaults``: channels on until the person chooses otherwise. ``required``: channels the law
    requires, always on and shown disabled with ``reason``. ``carried_by_app``: required channels
    the app already sends itself (the one-stop shop tells an applicant of every step at the
    dossier's own e-mail and phone, account or not): :func:`notify` records the in-app row and
    does not send these a second time. ``audience``: :data:`OFFICERS` (people holding a role on
    an agency) or :data:`APPLICANTS` (citizens and organisations with an account).
    """

    code: str
    label: str | Promise
    defaults: frozenset[str] = frozenset({EMAIL})
    required: frozenset[str] = frozenset()
    reason: str | Promise = ""
    carried_by_app: frozenset[str] = frozenset()
    audience: str = OFFICERS

    def __post_init__(self) -> None:
        unknown = (self.defaults | self.required | self.carried_by_app) - set(CHOSEN_CHANNELS)
        if unknown:
            raise ValueError(f"{self.code}: unknown channels {sorted(unknown)}")
        if self.required and not self.reason:
            raise ValueError(f"{self.code}: a required channel needs the reason (the rule that requires it)")
        if self.audience not in (OFFICERS, APPLICANTS):
            raise ValueError(f"{self.code}: unknown audience {self.audience!r}")
        if not self.carried_by_app <= self.required:
            raise ValueError(f"{self.code}: a channel the app carries itself must be a required one")

    def is_on(self, channel: str, chosen: bool | None) -> bool:
        """Is ``channel`` on, given the person's choice (``None``: never chose)?"""
        if channel == IN_APP or channel in self.required:
            return True
        return channel in self.defaults if chosen is None else chosen


_KINDS: dict[str, NotificationKind] = {}


def kind_register(kind: NotificationKind) -> None:
    """Add a kind (call from an AppConfig.ready()); registering a code again replaces it."""
    _KINDS[kind.code] = kind


def kind_get(code: str) -> NotificationKind:
    """The registered kind; a code nobody registered is a programming error (KeyError)."""
    return _KINDS[code]


def kinds() -> list[NotificationKind]:
    """Every registered kind, in the order of registration."""
    return list(_KINDS.values())
