"""Pages of the org app: a province confirms or corrects its list of agencies from Excel.

Upload → preview (every row checked, nothing saved) → confirm (the same bytes, kept in the
session). The DX office of a province works on that province only; a system administrator on
any. A province outside the user's reach is answered as not found.
"""

from __future__ import annotations

import base64
import secrets

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from tinhso.core.documents import XLSX
from tinhso.core.errors import DomainError, NotAllowed
from tinhso.core.web import page, person_of, render_error

from .confirm import agencies_confirm_xlsx, agencies_template_xlsx, confirm_province, confirm_provinces

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
_SESSION_KEY = "org.agencies_confirm"


def _forbidden(request: HttpRequest) -> HttpResponse:
    return render_error(request, NotAllowed(
        _("Chỉ cơ quan chuyên trách chuyển đổi số của tỉnh và quản trị hệ thống được xác nhận danh mục cơ quan.")))


@page("GET")
def agencies_template(request: HttpRequest) -> HttpResponse:
    province = confirm_province(person_of(request), request.GET.get("tinh"))
    response = HttpResponse(agencies_template_xlsx(province), content_type=XLSX)
    stamp = timezone.localdate().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="danh-muc-co-quan-{province.code}-{stamp}.xlsx"'
    return response


@page("GET", "POST")
def agencies_confirm(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    provinces = list(confirm_provinces(person))
    if not provinces:
        return _forbidden(request)
    chosen = request.POST.get("tinh") or request.GET.get("tinh") or provinces[0].code
    context: dict[str, object] = {"provinces": provinces, "chosen": chosen}
    status = 200
    if request.method == "POST":
        try:
            province = confirm_province(person, chosen)
            context["province"] = province
            if "token" in request.POST:
                stored = request.session.get(_SESSION_KEY) or {}
                if stored.get("token") != request.POST["token"] or stored.get("province") != province.code:
                    raise DomainError(_("Phiên xem trước đã hết hạn: tải tệp lên lại."))
                outcome = agencies_confirm_xlsx(actor=person, province=province,
                                                data=base64.b64decode(stored["data"]))
                request.session.pop(_SESSION_KEY, None)
            else:
                upload = request.FILES.get("file")
                if upload is None:
                    raise DomainError(_("Chọn tệp Excel (.xlsx) để nhập."))
                if upload.size and upload.size > MAX_UPLOAD_BYTES:
                    raise DomainError(_("Tệp lớn hơn 5 MB."))
                data = upload.read()
                outcome = agencies_confirm_xlsx(actor=person, province=province, data=data, dry_run=True)
                if not outcome.rejected:
                    token = secrets.token_urlsafe(16)
                    request.session[_SESSION_KEY] = {"token": token, "province": province.code,
                                                     "data": base64.b64encode(data).decode()}
                    context["token"] = token
            context["outcome"] = outcome
            if outcome.rejected:
                status = 400
        except DomainError as exc:
            context["error"] = exc.message
            status = exc.status_code
    return render(request, "org/agencies_confirm.html", context, status=status)
