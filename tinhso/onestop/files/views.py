"""Downloads of dossier files, for whoever may see the dossier and read its personal data in full
(:func:`rules.may_read_personal_data`); everyone else: 404 alike. The draft result only for the
officers of the dossier's agencies, until it is approved."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tinhso.core.errors import NotFound
from tinhso.core.uploads import ALLOWED_TYPES, attachment, clean_filename
from tinhso.core.web import render_error
from tinhso.onestop.dossiers.access import access_dossier, officer_in_reach
from tinhso.onestop.models import DossierFile, FileKind
from tinhso.onestop.rules import may_read_personal_data


def _missing(request: HttpRequest) -> HttpResponse:
    return render_error(request, NotFound(_("Không tìm thấy tệp.")))


def safe_download_name(name: str, file: DossierFile) -> str:
    """The stored original name, cleaned, with the extension of the file's detected type (a
    file stored before names were given that extension still downloads as what it is)."""
    return clean_filename(name or f"tep-{file.pk}", ALLOWED_TYPES.get(file.content_type, "bin"))


@login_required
@require_GET
def download(request: HttpRequest, file_id: int) -> HttpResponseBase:
    file = DossierFile.objects.filter(pk=file_id).first()
    if file is None:
        return _missing(request)
    try:
        dossier = access_dossier(request.user, file.dossier_id)
    except NotFound:
        return _missing(request)
    if not may_read_personal_data(request.user, dossier):  # files are personal data (``personal``): 404 alike
        return _missing(request)
    if file.kind == FileKind.DRAFT and not officer_in_reach(request.user, dossier):
        return _missing(request)  # a draft result stays inside the administration until it is approved
    try:
        handle = file.file.storage.open(file.file.name, "rb")
    except (FileNotFoundError, OSError):
        return _missing(request)
    content_type = file.content_type if file.content_type in ALLOWED_TYPES else "application/octet-stream"
    return attachment(handle, filename=safe_download_name(file.original_name, file), content_type=content_type)
