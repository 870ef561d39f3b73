"""Download of a dossier's printable forms (``printing``), for whoever may see the dossier.

Officers within reach and the applicant get the form (the process-control sheet: the officers
only), with the applicant's personal data in full or masked as :func:`rules.may_read_personal_data`
says; anyone else, an unknown form or format, "not found" alike; a form the dossier's history
does not give rise to, a conflict with the reason in Vietnamese.
"""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tinhso.core.documents import DOCX, PDF, DocumentConversionError
from tinhso.core.errors import DomainError, NotFound
from tinhso.core.web import render_error
from tinhso.onestop.dossiers.access import access_dossier, officer_in_reach
from tinhso.onestop.printing.documents import (
    FORM_KINDS,
    FORMATS,
    OFFICE_FORMS,
    dossier_form_docx,
    dossier_form_pdf,
    form_filenames,
)
from tinhso.onestop.rules import may_read_personal_data

CONTENT_TYPES = {"docx": DOCX, "pdf": PDF}


def content_disposition(ascii_name: str, name: str) -> str:
    """An ASCII ``filename`` for old clients and the Vietnamese one as ``filename*`` (RFC 6266)."""
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"


@login_required
@require_GET
def form_download(request: HttpRequest, dossier_id: int, kind: str, fmt: str) -> HttpResponse:
    try:
        dossier = access_dossier(request.user, dossier_id)
        if (
            kind not in FORM_KINDS
            or fmt not in FORMATS
            or (kind in OFFICE_FORMS and not officer_in_reach(request.user, dossier))
        ):
            raise NotFound(_("Không có mẫu phiếu này."), code="unknown_form")
        full = may_read_personal_data(request.user, dossier)
        content = (
            dossier_form_pdf(dossier, kind, full=full) if fmt == "pdf" else dossier_form_docx(dossier, kind, full=full)
        )
    except DomainError as exc:
        return render_error(request, exc)
    except DocumentConversionError:
        return render_error(
            request, _("Chưa tạo được bản PDF lúc này, vui lòng thử lại sau hoặc tải bản Word."), status=503
        )
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition(*form_filenames(dossier, kind, fmt))
    response["Cache-Control"] = "private, no-store"  # the forms carry the applicant's personal data
    return response
