"""The programme tracker's share of a person's handover (:mod:`tinhso.org.officers.work`).

Programme work is given to agencies, not to people: a task has a lead agency, a report belongs
to the reporting agency and any of its focal points may write it. The one piece of programme
work that waits on a person is a report returned for more work to the person who submitted it
(``submitted_by`` of a ``returned`` report): the handover makes the successor that person, so
the report and the next reminders name someone who is still there. The earlier submission stays
in the ledger under its real author. The successor must report for the report's agency.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from tinhso.ledger.services import Record, ledger_append_many
from tinhso.org.access import can
from tinhso.org.models import Person
from tinhso.org.officers.work import OpenWorkKind
from tinhso.org.roles import Perm

from .models import ReportState, TargetReport, TaskReport

NAME = "programme.reports"


def reports_open_count(person: Person) -> int:
    return sum(
        model.objects.filter(submitted_by=person, state=ReportState.RETURNED).count()
        for model in (TaskReport, TargetReport)
    )


def reports_handover_refusals(person: Person, successor: Person) -> list[str]:
    agencies = {}
    for model in (TaskReport, TargetReport):
        for report in model.objects.filter(submitted_by=person, state=ReportState.RETURNED).select_related("agency"):
            agencies[report.agency_id] = report.agency
    return [
        _("Người nhận không phải cán bộ báo cáo của %(agency)s (báo cáo đề án được trả lại).") % {"agency": agency.name}
        for agency in agencies.values()
        if not can(successor, Perm.PROGRAMME_REPORT, agency)
    ]


def reports_hand_over(person: Person, successor: Person, actor: Person | None) -> int:
    task_reports = list(
        TaskReport.objects.select_for_update().filter(submitted_by=person, state=ReportState.RETURNED).order_by("pk")
    )
    target_reports = list(
        TargetReport.objects.select_for_update().filter(submitted_by=person, state=ReportState.RETURNED).order_by("pk")
    )
    TaskReport.objects.filter(pk__in=[r.pk for r in task_reports]).update(submitted_by=successor)
    TargetReport.objects.filter(pk__in=[r.pk for r in target_reports]).update(submitted_by=successor)
    kinds = [("task", report) for report in task_reports] + [("target", report) for report in target_reports]
    ledger_append_many(
        [
            Record(
                actor=actor,
                action=f"programme.{kind}_report.handover",
                obj=report,
                payload={"from": person.pk, "to": successor.pk, "agency": report.agency_id},
            )
            for kind, report in kinds
        ]
    )
    return len(kinds)


RETURNED_REPORTS = OpenWorkKind(
    name=NAME,
    label=_lazy("Báo cáo đề án được trả lại để bổ sung"),
    count=reports_open_count,
    refusals=reports_handover_refusals,
    transfer=reports_hand_over,
)
