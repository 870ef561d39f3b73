"""What the programme tells agencies' people (:mod:`tinhso.org.notifications`): reminders and
escalations of a reporting round (:mod:`.tasks`), a report returned for correction or approved."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tinhso.org.models import Agency, Person, RoleAssignment
from tinhso.org.notifications.kinds import NotificationKind, kind_register
from tinhso.org.notifications.services import notify_many
from tinhso.org.roles import Role

if TYPE_CHECKING:
    from .models import ReportingRound, TargetReport, TaskReport

REMINDER = "programme.reminder"
ESCALATION = "programme.escalation"
REPORT_RETURNED = "programme.report_returned"
REPORT_APPROVED = "programme.report_approved"


def kinds_register() -> None:
    """The programme's kinds (from :meth:`tinhso.programme.apps.ProgrammeConfig.ready`)."""
    for kind in (
        NotificationKind(REMINDER, gettext_lazy("Nhắc hạn báo cáo của cơ quan")),
        NotificationKind(ESCALATION, gettext_lazy("Đôn đốc cơ quan chưa nộp báo cáo quá hạn")),
        NotificationKind(REPORT_RETURNED, gettext_lazy("Báo cáo của cơ quan bị trả lại để bổ sung")),
        NotificationKind(REPORT_APPROVED, gettext_lazy("Báo cáo của cơ quan được duyệt"), defaults=frozenset()),
    ):
        kind_register(kind)


def people_with_roles(agencies: Iterable[int], roles: Iterable[str]) -> list[Person]:
    """Active people holding one of ``roles`` on one of ``agencies`` (ids) today."""
    held = RoleAssignment.objects.active().filter(role__in=list(roles), agency_id__in=list(agencies))
    return list(Person.objects.filter(is_active=True, pk__in=held.values("person_id")).order_by("username"))


def agency_people(agency: Agency, roles: tuple[str, ...]) -> list[Person]:
    """The people holding ``roles`` on the agency or one above it."""
    return people_with_roles(agency.ancestor_ids or [agency.pk], roles)


def dx_office_people(round_: ReportingRound) -> list[Person]:
    """The DX office of the province owning the round's programme."""
    owner = round_.programme.owner
    province_agencies = Agency.objects.filter(unit__in=[owner.unit_id]).values_list("pk", flat=True)
    return people_with_roles(province_agencies, (Role.DX_OFFICE,))


def emails(people: Iterable[Person]) -> list[str]:
    return sorted({person.email for person in people if person.email})


def inbox_link(round_: ReportingRound) -> str:
    return reverse("programme:inbox", args=[round_.programme_id])


def round_notify(
    round_: ReportingRound, agency: Agency, people: list[Person], *, kind: str, verb: str, subject: str, body: str
) -> None:
    """A reminder, escalation or returned report to ``people`` (inside the Reminder's transaction)."""
    notify_many(
        people,
        kind,
        verb=verb,
        object_label=_("%(agency)s – kỳ %(period)s của “%(programme)s”")
        % {"agency": agency.name, "period": round_.period, "programme": round_.programme.title},
        link=inbox_link(round_),
        subject=subject,
        body=body,
    )


def report_approved_notify(report: TaskReport | TargetReport) -> None:
    """The reporting agency's focal points learn their report was approved (in the approval's transaction)."""
    with translation.override(settings.LANGUAGE_CODE):
        notify_many(
            agency_people(report.agency, (Role.FOCAL_POINT,)),
            REPORT_APPROVED,
            verb=_("Báo cáo kỳ %(period)s được duyệt") % {"period": report.round.period},
            object_label=str(report),
            link=inbox_link(report.round),
        )
