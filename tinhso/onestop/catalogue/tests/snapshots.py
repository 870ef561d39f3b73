"""What the catalogue tests compare: every procedure as rows, to show an import changed
nothing (or exactly what it should)."""

from __future__ import annotations

from typing import Any

from tinhso.onestop.models import Procedure

LLTP = "2.000488.000.00.00.H31"  # Cấp Phiếu lý lịch tư pháp, in the demo catalogue


def catalogue_snapshot() -> list[tuple[Any, ...]]:
    """Every procedure with its agencies, documents and steps, by code."""
    rows = []
    for p in Procedure.objects.order_by("code").prefetch_related("agencies", "documents", "steps"):
        rows.append(
            (
                p.code,
                p.name,
                p.field,
                p.authority_level,
                p.online_level,
                p.not_full_reason,
                p.processing_days,
                p.receipt_cutoff_hour,
                p.fee_vnd,
                p.fee_note,
                p.result_type,
                p.legal_basis,
                p.form_fields,
                sorted(a.key for a in p.agencies.all()),
                [(d.name, d.required, d.copies, d.order) for d in p.documents.all()],
                [(s.order, s.action, s.name, s.role, s.days) for s in p.steps.all()],
            )
        )
    return rows
