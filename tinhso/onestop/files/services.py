"""Dossier components: upload, the digitised mark, and reuse of a citizen's earlier files.

Files go through Django's storage API (the ``FileField`` of :class:`DossierFile`), so an
S3-compatible storage can replace the disk without touching this module. The type of an
upload is judged from its content, never from its name, by :func:`tinhso.core.uploads.inspect_upload`
(PDF, JPEG, PNG, Word/Excel; active content refused); the stored name is random with the
detected type's extension, the shown name the user's with that extension.

Who may add a component (:func:`tinhso.onestop.rules.may_add_file`): the applicant on their own
dossier while it waits for the desk or for a supplement (``states.APPLICANT_FILE_STATES``); the
one-stop desk of the receiving or handling agency while the dossier is open. An
electronic original the applicant submits online counts as digitised (Decree 118/2025 art. 17);
a scan made at the desk is marked digitised by the desk. Ledger payloads carry the dossier
code, file id, digest and kind — never the file's original name, which often holds a name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.core.files.base import File
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tinhso.core.documents import DOCX, PDF, XLSX
from tinhso.core.errors import Conflict, DomainError, NotAllowed, NotFound
from tinhso.core.uploads import ALLOWED_TYPES, JPEG, PNG, Inspected, clean_filename, inspect_upload, max_upload_mb
from tinhso.ledger.services import ledger_append
from tinhso.onestop import rules
from tinhso.onestop.dossiers.access import dossiers_visible
from tinhso.onestop.dossiers.locks import dossier_lock
from tinhso.onestop.dossiers.states import APPLICANT_FILE_STATES, DESK_FILE_STATES
from tinhso.onestop.models import DocumentRequirement, Dossier, DossierFile, DossierState, FileKind

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.core.files.uploadedfile import UploadedFile

    from tinhso.org.models import Person

# --- refusals --------------------------------------------------------------------------------


def _not_found() -> NotFound:
    return NotFound(_("Không tìm thấy hồ sơ."), code="not_found")


def _forbidden() -> NotAllowed:
    return NotAllowed(_("Bạn không có quyền thêm hoặc sửa tệp của hồ sơ này."), code="forbidden")


def check_dossier_visible(actor: Person | AnonymousUser, dossier: Dossier) -> None:
    """Whoever cannot see the dossier learns nothing about it: the same 404 as a missing one."""
    if not dossiers_visible(actor).filter(pk=dossier.pk).exists():
        raise _not_found()


def _wrong_state(dossier: Dossier) -> Conflict:
    return Conflict(
        _("Hồ sơ đang ở trạng thái “%(state)s”, không thể thêm tệp.") % {"state": DossierState(dossier.state).label},
        code="wrong_state",
    )


def _check_requirement(dossier: Dossier, requirement: DocumentRequirement | None) -> None:
    if requirement is not None and requirement.procedure_id != dossier.procedure_id:
        raise DomainError(
            _("Thành phần hồ sơ không thuộc thủ tục của hồ sơ này."), field="requirement", code="wrong_requirement"
        )


def _ledger(actor: Person, action: str, file: DossierFile, dossier: Dossier, **extra: object) -> None:
    payload: dict[str, object] = {
        "code": dossier.code,
        "file": file.pk,
        "sha256": file.sha256,
        "kind": file.kind,
        "requirement": file.requirement_id,
        "digitised": file.digitised,
    }
    payload.update(extra)
    ledger_append(actor=actor, action=f"services.dossier_file.{action}", obj=file, payload=payload)


# --- writes ----------------------------------------------------------------------------------


def store_new_file(row: DossierFile, content: File, extension: str, record: Callable[[], None]) -> None:
    """Save ``content`` through the storage under a random name, save ``row`` and ``record`` it;
    if anything after the write fails, the stored file is removed so nothing is left behind."""
    row.file.save(f"file.{extension}", content, save=False)
    try:
        row.save()
        record()
    except BaseException:
        row.file.storage.delete(row.file.name)
        raise


@transaction.atomic
def dossier_file_add(
    *,
    actor: Person,
    dossier: Dossier,
    upload: UploadedFile,
    requirement: DocumentRequirement | None = None,
    digitised: bool = False,
) -> DossierFile:
    """Attach an uploaded component to ``dossier``; see the module docstring for who may.

    ``digitised`` is the desk's statement that its scan matches the original; the
    applicant's own online upload is an electronic original and always counts as digitised.
    """
    check_dossier_visible(actor, dossier)
    dossier = dossier_lock(dossier)
    if not rules.may_add_file(actor, dossier):
        raise _forbidden()
    applicant = rules.is_applicant(actor, dossier)
    if dossier.state not in (APPLICANT_FILE_STATES if applicant else DESK_FILE_STATES):
        raise _wrong_state(dossier)
    mark = True if applicant else bool(digitised)
    _check_requirement(dossier, requirement)
    inspected = inspect_upload(upload)
    row = DossierFile(
        dossier=dossier,
        kind=FileKind.COMPONENT,
        requirement=requirement,
        original_name=clean_filename(getattr(upload, "name", ""), inspected.extension),
        content_type=inspected.content_type,
        size=inspected.size,
        sha256=inspected.sha256,
        digitised=mark,
        owner_id=dossier.applicant_id,
        uploaded_by=actor,
    )
    store_new_file(
        row,
        upload,
        inspected.extension,
        lambda: _ledger(actor, "add", row, dossier, size=row.size, content_type=row.content_type),
    )
    return row


def reusable_files(person: Person | AnonymousUser) -> QuerySet[DossierFile]:
    """A citizen's own digitised components from earlier dossiers, ready to be reused."""
    if not person.is_authenticated or not person.is_active:
        return DossierFile.objects.none()
    return (
        DossierFile.objects.filter(owner=person, digitised=True, kind=FileKind.COMPONENT, reused_from__isnull=True)
        .select_related("dossier", "requirement")
        .order_by("-created_at", "-pk")
    )


@transaction.atomic
def dossier_file_reuse(
    *,
    actor: Person,
    dossier: Dossier,
    source_id: int | str,
    requirement: DocumentRequirement | None = None,
) -> DossierFile:
    """Reuse one of the actor's own digitised files in their dossier: a new row pointing at the
    same stored file (no copy), with ``reused_from`` recording where it came from."""
    try:
        pk = int(source_id)
    except (TypeError, ValueError):
        pk = None
    source = None if pk is None else reusable_files(actor).filter(pk=pk).first()
    if source is None:
        raise NotFound(_("Không tìm thấy tệp."), code="not_found")
    check_dossier_visible(actor, dossier)
    dossier = dossier_lock(dossier)
    if not rules.may_reuse_file(actor, dossier):
        raise NotAllowed(_("Chỉ người nộp hồ sơ được dùng lại giấy tờ đã số hóa của mình."), code="forbidden")
    if dossier.state not in APPLICANT_FILE_STATES:
        raise _wrong_state(dossier)
    _check_requirement(dossier, requirement)
    row = DossierFile.objects.create(
        dossier=dossier,
        kind=FileKind.COMPONENT,
        requirement=requirement,
        file=source.file.name,
        original_name=source.original_name,
        content_type=source.content_type,
        size=source.size,
        sha256=source.sha256,
        digitised=True,
        reused_from=source,
        owner=actor,
        uploaded_by=actor,
    )
    _ledger(actor, "reuse", row, dossier, reused_from=source.pk)
    return row


@transaction.atomic
def dossier_file_mark_digitised(*, actor: Person, file: DossierFile) -> DossierFile:
    """The desk certifies that a component scan matches the original (Decree 118/2025 art. 17)."""
    row = DossierFile.objects.select_for_update().filter(pk=file.pk).first()
    if row is None:
        raise NotFound(_("Không tìm thấy tệp."), code="not_found")
    dossier = Dossier.objects.select_related("receiving_agency", "handling_agency").get(pk=row.dossier_id)
    check_dossier_visible(actor, dossier)
    if not rules.may_mark_digitised(actor, dossier):
        raise NotAllowed(_("Chỉ bộ phận một cửa được xác nhận tệp đã số hóa."), code="forbidden")
    if row.kind != FileKind.COMPONENT:
        raise Conflict(_("Kết quả giải quyết đã là bản điện tử, không cần xác nhận số hóa."), code="not_component")
    if row.digitised:
        return row
    row.digitised = True
    row.save(update_fields=["digitised"])
    _ledger(actor, "mark_digitised", row, dossier)
    return row


# --- reads -----------------------------------------------------------------------------------


def dossier_is_digitised(dossier: Dossier) -> bool:
    """Every required component has a digitised file, and a digitised result exists."""
    files = DossierFile.objects.filter(dossier=dossier, digitised=True)
    if not files.filter(kind=FileKind.RESULT).exists():
        return False
    required = set(
        DocumentRequirement.objects.filter(procedure_id=dossier.procedure_id, required=True).values_list(
            "pk", flat=True
        )
    )
    covered = set(
        files.filter(kind=FileKind.COMPONENT, requirement_id__in=required).values_list("requirement_id", flat=True)
    )
    return required <= covered


__all__ = [
    "ALLOWED_TYPES",
    "DOCX",
    "JPEG",
    "PDF",
    "PNG",
    "XLSX",
    "Inspected",
    "check_dossier_visible",
    "clean_filename",
    "dossier_file_add",
    "dossier_file_mark_digitised",
    "dossier_file_reuse",
    "dossier_is_digitised",
    "inspect_upload",
    "max_upload_mb",
    "reusable_files",
    "store_new_file",
]
