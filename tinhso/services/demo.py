"""Demo procedures of Hưng Yên, loaded through the catalogue import (upsert by code)."""

from __future__ import annotations

import json
from pathlib import Path

from .catalogue import CatalogueImportOutcome, procedures_import_specs

PROCEDURES_FILE = Path(__file__).parent / "data" / "procedures_demo.json"


class ProcedureDemoReport:
    def __init__(self, outcome: CatalogueImportOutcome):
        self.outcome = outcome

    def describe(self) -> str:
        o = self.outcome
        return (f"Thủ tục mẫu: {o.created} mới, {o.updated} cập nhật, {o.documents} thành phần hồ sơ, "
                f"{o.steps} bước quy trình, {o.form_fields} trường tờ khai")


def demo_load() -> ProcedureDemoReport:
    data = json.loads(PROCEDURES_FILE.read_text(encoding="utf-8"))
    specs = [{**spec, "_where": (PROCEDURES_FILE.name, spec["code"])} for spec in data["procedures"]]
    outcome = procedures_import_specs(actor=None, specs=specs, source="demo")
    if not outcome.saved:
        reasons = "; ".join(f"{row['code']}: {row['reason']}" for row in outcome.rejected[:3])
        raise RuntimeError(f"{PROCEDURES_FILE.name}: {reasons}")
    return ProcedureDemoReport(outcome)
