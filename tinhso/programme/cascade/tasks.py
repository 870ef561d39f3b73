"""Background work of plans that cascade: deriving every commune's plan at once (about a
hundred communes, each its own transaction: too long for a request). Works from ids, safe to
run again (a plan already complete is left as it is)."""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from tinhso.org.models import Person

from ..models import Programme
from .services import COMMUNES, plan_derive_all, plan_derive_all_check


@task()
def plan_derive_all_run(parent_id: int, year: int, kind: str, actor_id: int) -> dict[str, int]:
    actor = Person.objects.get(pk=actor_id)
    parent = Programme.objects.select_related("province", "owner__unit").get(pk=parent_id)
    outcome = plan_derive_all(actor=actor, parent=parent, year=year, kind=kind)
    return {
        "created": outcome.created,
        "completed": outcome.completed,
        "unchanged": outcome.unchanged,
        "skipped": outcome.skipped,
    }


def plan_derive_all_enqueue(*, actor: Person, parent: Programme, year: int, kind: str = COMMUNES) -> None:
    """Check, then queue :func:`plan_derive_all_run` once the request's transaction commits."""
    plan_derive_all_check(actor=actor, parent=parent, year=year, kind=kind)
    parent_id, actor_id = parent.pk, actor.pk
    transaction.on_commit(lambda: plan_derive_all_run.enqueue(parent_id, year, kind, actor_id))
