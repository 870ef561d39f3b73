"""Demo: this year's plans of the communes each demo scheme concerns, derived through the
service as the DX office would (after ``tinhso.programme.demo``). Safe to run again."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from ..models import Programme
from .services import DeriveAllOutcome, plan_derive_all


@dataclass
class CascadeDemoReport:
    outcomes: dict[str, DeriveAllOutcome] = field(default_factory=dict)

    def describe(self) -> str:
        return "\n".join(
            f"Kế hoạch xã theo “{title}”: {o.created} mới, {o.completed} bổ sung, {o.unchanged} giữ nguyên"
            for title, o in self.outcomes.items()
        )


def demo_load() -> CascadeDemoReport:
    report = CascadeDemoReport()
    today = timezone.localdate()
    for parent in Programme.objects.filter(parent__isnull=True).select_related("province"):
        year = min(max(today.year, parent.period_start), parent.period_end)
        report.outcomes[parent.title] = plan_derive_all(actor=None, parent=parent, year=year)
    return report
