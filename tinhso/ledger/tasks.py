"""Background work of the ledger, run by the project scheduler."""

from __future__ import annotations

from django_tasks import task

from .services import checkpoint_sign, ledger_seal


@task()
def checkpoint_sign_task() -> int | None:
    """Sign the ledger head if it grew (scheduled every ``LEDGER_CHECKPOINT_SECONDS``).

    Safe to run twice or concurrently: a head already signed is skipped, and a duplicate
    checkpoint of the same size would be just as valid. Returns the signed size, or None.
    """
    checkpoint = checkpoint_sign()
    return checkpoint.tree_size if checkpoint is not None else None


@task()
def ledger_seal_task() -> int:
    """Seal what was appended (the worker's sealer loop does this every second; this task is
    for running it on demand). Returns the number of entries sealed."""
    return ledger_seal()
