"""Re-importing the catalogue updates it in place: no dossier file loses its requirement, an
unchanged workbook changes nothing, and a requirement still in use is retired, not deleted."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from tinhso.ledger.models import Entry
from tinhso.onestop.catalogue.tests.snapshots import LLTP, catalogue_snapshot
from tinhso.onestop.catalogue.workbook import procedures_export_xlsx, procedures_import_xlsx
from tinhso.onestop.demo.services import DOSSIERS_FILE, demo_load
from tinhso.onestop.models import DocumentRequirement, DossierFile, Procedure, WorkflowStep

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


@pytest.fixture
def filed(demo_agencies: dict[str, Any], make_person: Any, media: Path) -> dict[int, int | None]:
    """The demo catalogue, and a citizen's judicial-record dossier filed online with a file for each
    of two requirements (through the real services): each file → its requirement."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tinhso.onestop.demo.samples import sample_pdf
    from tinhso.onestop.dossiers import intake
    from tinhso.onestop.files.services import dossier_file_add
    from tinhso.org.roles import Role

    demo_load()
    citizen = make_person("congdan", Role.CITIZEN, None, full_name="Nguyễn Văn An")
    procedure = Procedure.objects.get(code=LLTP)
    form = json.loads(DOSSIERS_FILE.read_text(encoding="utf-8"))["dossiers"][0]["form"]
    desk = procedure.agencies.get(key="hy.ttpvhcc")
    dossier = intake.dossier_submit_online(
        applicant=citizen, procedure=procedure, agency=desk, form_data=form, idempotency_key="reimport-1"
    )
    for requirement in procedure.documents.order_by("order")[:2]:
        dossier_file_add(
            actor=citizen,
            dossier=dossier,
            requirement=requirement,
            upload=SimpleUploadedFile("giay-to.pdf", sample_pdf(), content_type="application/pdf"),
        )
    links = _links()
    assert len(links) == 2
    return links


def _export() -> Any:
    return load_workbook(io.BytesIO(procedures_export_xlsx(Procedure.objects.order_by("code"))))


def _save(book: Any) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _ids() -> tuple[list[int], list[int]]:
    return (
        sorted(DocumentRequirement.every.values_list("pk", flat=True)),
        sorted(WorkflowStep.objects.values_list("pk", flat=True)),
    )


def _links() -> dict[int, int | None]:
    return dict(DossierFile.objects.filter(requirement__isnull=False).values_list("pk", "requirement_id"))


def test_an_unchanged_export_imports_as_no_change_at_all(filed: dict[int, int | None]) -> None:
    ids, snapshot, entries = _ids(), catalogue_snapshot(), Entry.objects.count()
    stamps = dict(Procedure.objects.values_list("code", "updated_at"))
    outcome = procedures_import_xlsx(actor=None, data=_save(_export()))
    assert outcome.saved, outcome.rejected
    assert (outcome.created, outcome.updated, outcome.unchanged, outcome.retired) == (0, 0, 7, 0)
    assert _ids() == ids
    assert _links() == filed
    assert not DossierFile.objects.filter(kind="component", requirement__isnull=True).exists()
    assert catalogue_snapshot() == snapshot
    assert dict(Procedure.objects.values_list("code", "updated_at")) == stamps
    assert Entry.objects.count() == entries  # no ledger noise


def test_changes_are_made_in_place_and_files_keep_their_requirement(filed: dict[int, int | None]) -> None:
    ids = _ids()
    first = DocumentRequirement.objects.filter(procedure__code=LLTP).order_by("order")[0]
    step = WorkflowStep.objects.get(procedure__code=LLTP, order=4)
    book = _export()
    docs = [row for row in book["Thành phần hồ sơ"].iter_rows(min_row=2) if row[0].value == LLTP]
    docs[0][1].value = first.name + " (theo mẫu mới)"  # renamed at the same position
    docs[1][3].value = 2  # two copies of the second
    for row in book["Quy trình"].iter_rows(min_row=2):
        if row[0].value == LLTP and row[1].value == 4:
            row[5].value = float(step.days) - 0.5
    entries = Entry.objects.count()
    outcome = procedures_import_xlsx(actor=None, data=_save(book))
    assert outcome.saved, outcome.rejected
    assert (outcome.updated, outcome.unchanged) == (1, 6)
    assert _ids() == ids
    assert _links() == filed
    first.refresh_from_db()
    assert first.name.endswith("(theo mẫu mới)")
    assert DocumentRequirement.objects.filter(procedure__code=LLTP).order_by("order")[1].copies == 2
    step_days = step.days
    step.refresh_from_db()
    assert step.days == step_days - WorkflowStep._meta.get_field("days").to_python("0.5")
    assert Entry.objects.count() == entries + 1
    entry = Entry.objects.order_by("-pk").first()
    assert entry is not None
    assert entry.payload.data["codes"] == [LLTP]


def test_reordered_requirements_are_matched_by_name(filed: dict[int, int | None]) -> None:
    before = {d.name: d.pk for d in DocumentRequirement.objects.filter(procedure__code=LLTP)}
    book = _export()
    sheet = book["Thành phần hồ sơ"]
    rows = [row for row in sheet.iter_rows(min_row=2) if row[0].value == LLTP]
    first, second = [c.value for c in rows[0]], [c.value for c in rows[1]]
    for cell, value in zip(rows[0], second, strict=True):
        cell.value = value
    for cell, value in zip(rows[1], first, strict=True):
        cell.value = value
    outcome = procedures_import_xlsx(actor=None, data=_save(book))
    assert outcome.saved, outcome.rejected
    after = {d.name: (d.pk, d.order) for d in DocumentRequirement.objects.filter(procedure__code=LLTP)}
    assert {name: pk for name, (pk, _order) in after.items()} == before
    assert after[first[1]][1] == 2
    assert after[second[1]][1] == 1
    assert _links() == filed


def test_a_dropped_requirement_in_use_is_retired_and_one_unused_is_deleted(filed: dict[int, int | None]) -> None:
    lltp = Procedure.objects.get(code=LLTP)
    used = set(DossierFile.objects.filter(requirement__procedure=lltp).values_list("requirement_id", flat=True))
    requirements = list(DocumentRequirement.objects.filter(procedure=lltp).order_by("order"))
    unused = [r for r in requirements if r.pk not in used]
    assert used
    assert unused
    book = _export()
    sheet = book["Thành phần hồ sơ"]
    for number in range(sheet.max_row, 1, -1):
        if sheet.cell(row=number, column=1).value == LLTP:
            sheet.delete_rows(number)
    outcome = procedures_import_xlsx(actor=None, data=_save(book))
    assert outcome.saved, outcome.rejected
    assert (outcome.updated, outcome.retired) == (1, len(used))
    assert _links() == filed  # every file still names what it was filed as
    assert not lltp.documents.exists()  # nothing in force: not offered, not exported, not required
    retired = DocumentRequirement.every.filter(procedure=lltp)
    assert set(retired.values_list("pk", flat=True)) == used
    assert all(r.retired_at is not None for r in retired)
    assert not DocumentRequirement.every.filter(pk__in=[r.pk for r in unused]).exists()
    assert not [row for row in _export()["Thành phần hồ sơ"].iter_rows(min_row=2, values_only=True) if row[0] == LLTP]
    file = DossierFile.objects.filter(requirement__procedure=lltp).select_related("requirement").first()
    assert file is not None
    assert file.requirement is not None
    assert file.requirement.name in {r.name for r in requirements}

    # the same requirement listed again comes back as it was, with the same id
    again = procedures_import_xlsx(actor=None, data=_save(_with_documents(_export(), requirements)))
    assert again.saved, again.rejected
    assert set(lltp.documents.values_list("pk", flat=True)) >= used
    assert _links() == filed


def _with_documents(book: Any, requirements: list[DocumentRequirement]) -> Any:
    for requirement in requirements:
        book["Thành phần hồ sơ"].append(
            [LLTP, requirement.name, "Có" if requirement.required else "Không", requirement.copies]
        )
    return book
