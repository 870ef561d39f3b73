"""The public page a result's QR code opens: is this the result the agency issued?

No account needed. GET shows the verdict for the stored result; POST takes a PDF the visitor
holds and says whether it is byte for byte that result. Nothing about the applicant is shown.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from tinhso.core.errors import DomainError, NotFound
from tinhso.core.web import render_error
from tinhso.onestop.files.services import max_upload_mb
from tinhso.onestop.results.signing import Verification, result_verify


def _page(request: HttpRequest, verification: Verification, *, error: str = "", status: int = 200) -> HttpResponse:
    response = render(
        request,
        "services/verify/result.html",
        {
            "v": verification,
            "error": error,
            "max_mb": max_upload_mb(),
        },
        status=status,
    )
    response["Referrer-Policy"] = "no-referrer"  # the token is in the address
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "POST"])
def result(request: HttpRequest, token: str) -> HttpResponse:
    try:
        verification = result_verify(token)
    except NotFound as exc:
        return render_error(request, exc)
    if request.method == "GET":
        return _page(request, verification)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise DomainError(_("Vui lòng chọn tệp PDF để đối chiếu."), field="file", code="required")
        if upload.size is not None and upload.size > settings.TINHSO_UPLOAD_MAX_BYTES:
            raise DomainError(
                _("Tệp vượt quá dung lượng cho phép (tối đa %(mb)s MB).") % {"mb": max_upload_mb()},
                field="file",
                code="too_large",
            )
        verification = result_verify(token, pdf=upload.read())
    except DomainError as exc:
        return _page(request, verification, error=exc.message, status=exc.status_code)
    return _page(request, verification)
