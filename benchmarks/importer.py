"""Importer benchmark: field-level accuracy of the scheme importer on the corpus of layouts
(``tinhso/programme/importing/tests/corpus``), and rows found in the real seeds.

For each layout: the file is rendered (Word, one-cell-per-line text or pasted text), imported as
a dry run (the preview ``programme_import --dry-run --json`` prints), and every task's and
target's fields are compared with the layout's expected values (see ``corpus/score.py``). The
seeds (``tinhso/programme/data/seeds``) have no expected values: their counts are printed.

The baseline is the same measure with the parser of the starting commit of issue 14
(``BASELINE_COMMIT``, read from git into a temporary package): its rows go through today's
saving and preview code, so the difference is the reading of the layouts alone. Without git
(or that commit), the baseline is "none".

Runs against a fresh database of its own (units, then the agencies of the corpus's provinces).
Prints human-readable lines, then one JSON object per measurement as its last lines: name,
value, unit, baseline name, baseline value, ratio.

    .venv/bin/python benchmarks/importer.py [-v]
"""

from __future__ import annotations

import dataclasses
import importlib
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402

BASELINE_COMMIT = "14a19c2"
PACKAGE = "tinhso/programme/importing"


def _baseline_parser(folder: Path) -> Any | None:
    """``parse_file`` of the starting commit's importing package, or None without git."""
    try:
        archive = subprocess.run(
            ["git", "archive", BASELINE_COMMIT, PACKAGE], cwd=ROOT, capture_output=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    package = folder / "baseline_importing"
    (folder / PACKAGE).rename(package)
    sys.path.insert(0, str(folder))
    return importlib.import_module("baseline_importing.readers").parse_file


def _as_today(result: Any) -> Any:
    """The starting commit's ParseResult in today's types (same fields, fewer of them)."""
    from tinhso.programme.importing import types

    def convert(item: Any, kind: type) -> Any:
        names = {f.name for f in dataclasses.fields(kind) if f.init}
        return kind(**{f.name: getattr(item, f.name) for f in dataclasses.fields(item) if f.name in names})

    return types.ParseResult(
        targets=tuple(convert(t, types.ParsedTarget) for t in result.targets),
        tasks=tuple(convert(t, types.ParsedTask) for t in result.tasks),
        rejections=tuple(convert(r, types.Rejection) for r in result.rejections),
        warnings=tuple(result.warnings),
        document_meta=convert(result.document_meta, types.DocumentMeta),
    )


def main() -> None:
    verbose = "-v" in sys.argv
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    rows: list[dict[str, Any]] = []
    try:
        from tinhso.org.agencies import agencies_load
        from tinhso.org.units import units_load
        from tinhso.programme.importing.pipeline import import_parsed
        from tinhso.programme.importing.readers import parse_file
        from tinhso.programme.importing.tests.corpus.build import layouts, render
        from tinhso.programme.importing.tests.corpus.score import expected_of, score

        units_load(actor=None)
        for code in sorted({expected_of(path)["province"]["code"] for path in layouts()}):
            agencies_load(actor=None, province=code)
        with tempfile.TemporaryDirectory() as folder:
            baseline_parse = _baseline_parser(Path(folder))
            totals = {"right": 0, "expected": 0, "found": 0, "rows": 0, "base_right": 0, "base_found": 0}
            seconds = 0.0
            print(
                f"{'layout':34} {'fields':>11} {'accuracy':>8} {'rows':>7} {'extra':>5} {'ms':>7} "
                f"{'baseline':>9} {'rows':>7}"
            )
            for path in layouts():
                name, data = render(path)
                expected = expected_of(path)
                started = time.perf_counter()
                outcome = import_parsed(actor=None, result=parse_file(name, data), filename=name, dry_run=True)
                elapsed = time.perf_counter() - started
                seconds += elapsed
                result = score(path.stem, expected, outcome.as_json())
                base = None
                if baseline_parse is not None:
                    before = import_parsed(
                        actor=None, result=_as_today(baseline_parse(name, data)), filename=name, dry_run=True
                    )
                    base = score(path.stem, expected, before.as_json())
                    totals["base_right"] += base.right
                    totals["base_found"] += base.rows_found
                totals["right"] += result.right
                totals["expected"] += result.expected
                totals["found"] += result.rows_found
                totals["rows"] += result.rows_expected
                against = f"{base.accuracy:>9.1%} {base.rows_found:>3}/{base.rows_expected:<3}" if base else "     none"
                print(
                    f"{path.stem:34} {result.right:>4}/{result.expected:<6} {result.accuracy:>8.1%} "
                    f"{result.rows_found:>3}/{result.rows_expected:<3} {result.extra_rows:>5} {elapsed * 1000:>7.1f} "
                    + against
                )
                if verbose:
                    for line in result.wrong:
                        print(f"    ✗ {line}")
                rows.append(
                    {
                        "name": f"importer_field_accuracy_{path.stem}",
                        "value": round(result.accuracy, 4),
                        "unit": "fraction",
                        "baseline": f"importer_field_accuracy_{path.stem}_{BASELINE_COMMIT}" if base else "none",
                        "baseline_value": round(base.accuracy, 4) if base else None,
                        "ratio": round(result.accuracy / base.accuracy, 3) if base and base.accuracy else None,
                    }
                )
            overall = totals["right"] / totals["expected"]
            print(
                f"{'overall':34} {totals['right']:>4}/{totals['expected']:<6} {overall:>8.1%} "
                f"{totals['found']:>3}/{totals['rows']:<3} {'':>5} {seconds * 1000 / len(layouts()):>7.1f} (mean)"
                + (
                    f" {totals['base_right'] / totals['expected']:>9.1%} {totals['base_found']:>3}/{totals['rows']:<3}"
                    if baseline_parse
                    else ""
                )
            )
            base_overall = totals["base_right"] / totals["expected"] if baseline_parse else None
            rows.append(
                {
                    "name": "importer_field_accuracy_overall",
                    "value": round(overall, 4),
                    "unit": "fraction",
                    "baseline": f"importer_field_accuracy_overall_{BASELINE_COMMIT}"
                    if base_overall is not None
                    else "none",
                    "baseline_value": round(base_overall, 4) if base_overall is not None else None,
                    "ratio": round(overall / base_overall, 3) if base_overall else None,
                }
            )
            rows.append(
                {
                    "name": "importer_rows_found",
                    "value": totals["found"],
                    "unit": "rows",
                    "baseline": f"importer_rows_found_{BASELINE_COMMIT}" if baseline_parse else "none",
                    "baseline_value": totals["base_found"] if baseline_parse else None,
                    "ratio": round(totals["found"] / totals["base_found"], 3)
                    if baseline_parse and totals["base_found"]
                    else None,
                }
            )
            rows.append(
                {
                    "name": "importer_ms_per_layout",
                    "value": round(seconds * 1000 / len(layouts()), 1),
                    "unit": "ms",
                    "baseline": "none",
                    "baseline_value": None,
                    "ratio": None,
                }
            )
            seeds = ROOT / "tinhso" / "programme" / "data" / "seeds"
            for seed in sorted(seeds.glob("*.txt")):
                data = seed.read_bytes()
                started = time.perf_counter()
                parsed = parse_file(seed.name, data)
                elapsed = time.perf_counter() - started
                earlier = baseline_parse(seed.name, data) if baseline_parse else None
                print(
                    f"seed {seed.stem}: {len(parsed.tasks)} tasks, {len(parsed.targets)} targets, "
                    f"{len(parsed.rejections)} rejected rows, {elapsed * 1000:.0f} ms"
                    + (f" (baseline {len(earlier.tasks)} tasks, {len(earlier.targets)} targets)" if earlier else "")
                )
                count = len(parsed.tasks) + len(parsed.targets)
                base_count = len(earlier.tasks) + len(earlier.targets) if earlier else None
                rows.append(
                    {
                        "name": f"importer_seed_rows_{seed.stem}",
                        "value": count,
                        "unit": "rows",
                        "baseline": f"importer_seed_rows_{seed.stem}_{BASELINE_COMMIT}" if before else "none",
                        "baseline_value": base_count,
                        "ratio": round(count / base_count, 3) if base_count else None,
                    }
                )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
    for row in rows:
        print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
