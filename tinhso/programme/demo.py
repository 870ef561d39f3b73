"""Demo programmes, imported from the seed schemes through the importer (never typed by hand)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .importing.pipeline import ImportOutcome, programme_import
from .importing.readers import parse_file
from .models import Programme

SEEDS = Path(__file__).parent / "data" / "seeds"
DEMO_FILES = ("thai-binh-2022-de-an-chuyen-doi-so.txt", "thanh-hoa-2020-ke-hoach-chuyen-doi-so.txt")


@dataclass
class ProgrammeDemoReport:
    imported: dict[str, ImportOutcome] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)

    def describe(self) -> str:
        lines = [f"Đề án mẫu đã có, bỏ qua: {name}" for name in self.skipped]
        lines += [
            f"Đã nhập {name}: {o.targets} chỉ tiêu, {o.tasks} nhiệm vụ {o.tasks_by_appendix}, "
            f"{len(o.unmatched_agencies)} tên cơ quan chưa khớp"
            for name, o in self.imported.items()
        ]
        return "\n".join(lines)


def demo_load() -> ProgrammeDemoReport:
    """Import each seed scheme once; a scheme whose programme exists is skipped."""
    report = ProgrammeDemoReport()
    for name in DEMO_FILES:
        data = (SEEDS / name).read_bytes()
        meta = parse_file(name, data).document_meta
        title = meta.programme_title or meta.title or ""
        if Programme.objects.filter(title=title, decision_number=meta.number or "").exists():
            report.skipped.append(name)
            continue
        outcome = programme_import(actor=None, filename=name, data=data)
        if not outcome.saved:
            reasons = "; ".join(row["reason"] for row in outcome.rejected[:3])
            raise RuntimeError(f"{name}: {reasons}")
        report.imported[name] = outcome
    return report
