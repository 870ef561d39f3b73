"""Downloads of dossier files, for whoever may see the dossier (everyone else: 404 alike); the draft
result only for the officers of the dossier's agencies."""

from __future__ import annotations

import unicodedata

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tinhso.core.errors import NotFound
from tinhso.core.web import render_error

from .access import access_dossier, officer_in_reach
from .models import DossierFile, FileKind


def _missing(request: HttpRequest) -> HttpResponse:
    return render_error(request, NotFound(_("Không tìm thấy tệp.")))


def safe_download_name(name: str, file: DossierFile) -> str:
    """The stored original name without anything a header or a file system could trip on."""
    text = "".join(ch for ch in unicodedata.normalize("NFC", name or "")
                   if unicodedata.category(ch)[0] != "C" and ch not in '"\\/<>|*?:;')
    text = " ".join(text.split()).strip(" .")
    return text or f"tep-{file.pk}"


@login_required
@require_GET
def download(request: HttpRequest, file_id: int) -> HttpResponse:
    file = DossierFile.objects.filter(pk=file_id).first()
    if file is None:
        return _missing(request)
    try:
        dossier = access_dossier(request.user, file.dossier_id)
    except NotFound:
        return _missing(request)
    if file.kind == FileKind.DRAFT and not officer_in_reach(request.user, dossier):
        return _missing(request)  # a draft result stays inside the administration until it is approved
    try:
        handle = file.file.storage.open(file.file.name, "rb")
    except (FileNotFoundError, OSError):
        return _missing(request)
    response = FileResponse(handle, as_attachment=True, filename=safe_download_name(file.original_name, file),
                            content_type=file.content_type or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
