"""Every corpus layout imports with its expected rows and at least 95 % of its fields right
(the figures per layout: ``benchmarks/importer.py``)."""

from __future__ import annotations

import pytest

from tinhso.org.agencies import agencies_load
from tinhso.programme.importing.pipeline import programme_import
from tinhso.programme.importing.tests.corpus.build import layouts, render
from tinhso.programme.importing.tests.corpus.score import expected_of, score

pytestmark = pytest.mark.django_db

MINIMUM = 0.95


def test_the_corpus_has_eight_layouts_or_more() -> None:
    assert len(layouts()) >= 8


def test_every_layout_reaches_the_accuracy_floor(vn_units: None) -> None:
    for code in sorted({expected_of(path)["province"]["code"] for path in layouts()}):
        agencies_load(actor=None, province=code)
    failures = []
    for path in layouts():
        name, data = render(path)
        outcome = programme_import(actor=None, filename=name, data=data, dry_run=True)
        result = score(path.stem, expected_of(path), outcome.as_json())
        if result.accuracy < MINIMUM or result.rows_found < result.rows_expected or result.extra_rows:
            failures.append(
                f"{path.stem}: {result.right}/{result.expected} fields, {result.rows_found}/"
                f"{result.rows_expected} rows, {result.extra_rows} extra; " + "; ".join(result.wrong[:5])
            )
    assert not failures, "\n".join(failures)
