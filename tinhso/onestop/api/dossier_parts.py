"""HTTP API of the one-stop shop, continued: a dossier's files and signed result, fees,
the applicant's rating, printable forms, and the two public endpoints (the payment gateway's
callback and the lookup of a dossier by code and 4 digits).

Same rules as :mod:`api`: dossiers through ``access_dossier`` (404 alike for missing and
forbidden), Vietnamese input errors, one service call per write.
"""

from __future__ import annotations

from typing import Any

from django.core.validators import RegexValidator
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tinhso.core.api import (
    ErrorOutput,
    Input,
    JSONParser,
    MultiPartParser,
    TextField,
    error_responses,
    parse_input,
    path_param,
)
from tinhso.core.documents import XLSX, DocumentConversionError
from tinhso.core.errors import DomainError, NotFound
from tinhso.onestop import rules
from tinhso.onestop.api.dossiers import DOSSIER_ID, TAG, FileOutput, dossier_request, request_person
from tinhso.onestop.dossiers.access import (
    access_dossier,
    dossier_files_visible,
    dossiers_visible,
    officer_in_reach,
)
from tinhso.onestop.dossiers.lookup import DIGITS_RE, dossier_lookup, lookup_failed, lookup_limited
from tinhso.onestop.dossiers.personal import personal_data_for
from tinhso.onestop.dossiers.register import dossier_register_xlsx
from tinhso.onestop.files.services import (
    dossier_file_add,
    dossier_file_mark_digitised,
    dossier_file_reuse,
    reusable_files,
)
from tinhso.onestop.models import (
    DocumentRequirement,
    Dossier,
    DossierFile,
    DossierState,
    FeeWaiver,
    FeeWaiverReason,
    Payment,
    PaymentState,
)
from tinhso.onestop.payments.services import (
    fee_waive,
    payment_callback,
    payment_provider,
    payment_record_counter,
    payment_start,
)
from tinhso.onestop.printing.documents import (
    FORM_KINDS,
    FORMATS,
    OFFICE_FORMS,
    dossier_form_docx,
    dossier_form_pdf,
    form_filenames,
)
from tinhso.onestop.printing.views import CONTENT_TYPES, content_disposition
from tinhso.onestop.ratings.services import dossier_rate
from tinhso.onestop.results.signing import dossier_draft, dossier_draft_upload
from tinhso.org.models import Person


class TooManyRequests(DomainError):
    status_code = 429


class Unavailable(DomainError):
    status_code = 503


def _requirement(requirement_id: int | None) -> DocumentRequirement | None:
    if requirement_id is None:
        return None
    requirement = DocumentRequirement.objects.filter(pk=requirement_id).first()
    if requirement is None:
        raise DomainError(
            _("Thành phần hồ sơ không thuộc thủ tục của hồ sơ này."), field="requirement", code="wrong_requirement"
        )
    return requirement


# --- files ------------------------------------------------------------------------------------


def _files_context(actor: Person, dossier: Dossier) -> dict[str, Any]:
    """Files are listed, and open, as the viewer reads the dossier's personal data."""
    return {"personal": personal_data_for(actor, dossier)}


class FileUploadInput(Input):
    file = serializers.FileField(
        label=gettext_lazy("tệp"),
        help_text=gettext_lazy(
            "PDF, ảnh JPEG/PNG, Word (.docx) hoặc Excel (.xlsx); định dạng kiểm tra theo nội dung tệp."
        ),
    )
    requirement = serializers.IntegerField(
        required=False,
        allow_null=True,
        label=gettext_lazy("thành phần hồ sơ"),
        help_text=gettext_lazy("Mã (id) thành phần hồ sơ của thủ tục."),
    )
    digitised = serializers.BooleanField(
        required=False,
        default=False,
        label=gettext_lazy("đã số hóa"),
        help_text=gettext_lazy(
            "Một cửa xác nhận bản quét khớp bản gốc; tệp người nộp tự tải lên luôn được tính là đã số hóa."
        ),
    )


class FileReuseInput(Input):
    # A declared field, not Field.source: the metaclass takes it off the class.
    source = serializers.IntegerField(
        label=gettext_lazy("tệp đã số hóa"),
        help_text=gettext_lazy(  # type: ignore[assignment]
            "Mã (id) tệp trong danh sách giấy tờ dùng lại được."
        ),
    )
    requirement = serializers.IntegerField(required=False, allow_null=True, label=gettext_lazy("thành phần hồ sơ"))


class ReusableFileOutput(FileOutput):
    dossier_code = serializers.CharField(source="dossier.code")
    requirement_name = serializers.CharField(source="requirement.name", default="")

    class Meta(FileOutput.Meta):
        fields = [*FileOutput.Meta.fields, "dossier_code", "requirement_name"]


class DossierFilesApi(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Các tệp của hồ sơ (thành phần và kết quả)"),
        parameters=[DOSSIER_ID],
        responses=error_responses(FileOutput(many=True), 404),
    )
    def get(self, request: Request, dossier_id: str) -> Response:
        actor = request_person(request)
        dossier = access_dossier(actor, dossier_id)
        files = dossier_files_visible(actor, dossier).select_related("requirement")
        return Response(FileOutput(files, many=True, context=_files_context(actor, dossier)).data)

    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Tải lên thành phần hồ sơ (người nộp, một cửa)"),
        parameters=[DOSSIER_ID],
        request={"multipart/form-data": FileUploadInput},
        responses=error_responses(FileOutput, 400, 403, 404, 409, 415, status=201),
    )
    def post(self, request: Request, dossier_id: str) -> Response:
        actor, dossier, data = dossier_request(request, dossier_id, FileUploadInput)
        row = dossier_file_add(
            actor=actor,
            dossier=dossier,
            upload=data["file"],
            requirement=_requirement(data.get("requirement")),
            digitised=data["digitised"],
        )
        return Response(FileOutput(row, context=_files_context(actor, dossier)).data, status=201)


class DossierFileReuseApi(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Dùng lại giấy tờ đã số hóa của mình cho hồ sơ (người nộp)"),
        parameters=[DOSSIER_ID],
        request=FileReuseInput,
        responses=error_responses(FileOutput, 400, 403, 404, 409, 415, status=201),
    )
    def post(self, request: Request, dossier_id: str) -> Response:
        actor, dossier, data = dossier_request(request, dossier_id, FileReuseInput)
        row = dossier_file_reuse(
            actor=actor, dossier=dossier, source_id=data["source"], requirement=_requirement(data.get("requirement"))
        )
        return Response(FileOutput(row, context=_files_context(actor, dossier)).data, status=201)


class ReusableFilesApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Giấy tờ đã số hóa của tôi, dùng lại được cho hồ sơ mới"),
        responses={200: ReusableFileOutput(many=True)},
    )
    def get(self, request: Request) -> Response:
        reusable = reusable_files(request_person(request))
        return Response(ReusableFileOutput(reusable, many=True, context={"own": True}).data)


class FileMarkDigitisedApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Xác nhận bản quét khớp bản gốc (một cửa)"),
        parameters=[path_param("file_id", gettext_lazy("Mã (id) tệp."))],
        request=None,
        responses=error_responses(FileOutput, 403, 404, 409),
    )
    def post(self, request: Request, file_id: str) -> Response:
        actor = request_person(request)
        try:
            pk: int | None = int(file_id)
        except ValueError:
            pk = None
        row = None if pk is None else DossierFile.objects.filter(pk=pk, dossier__in=dossiers_visible(actor)).first()
        if row is None:
            raise NotFound(_("Không tìm thấy tệp."), code="not_found")
        row = dossier_file_mark_digitised(actor=actor, file=row)
        return Response(FileOutput(row, context=_files_context(actor, row.dossier)).data)


class DraftResultInput(Input):
    file = serializers.FileField(
        label=gettext_lazy("tệp dự thảo kết quả"),
        help_text=gettext_lazy(
            "Bản PDF dự thảo kết quả giải quyết; khi lãnh đạo phê duyệt, đúng tệp này được ký số, gắn mã QR và "
            "phát hành."
        ),
    )


class DossierDraftResultApi(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Dự thảo kết quả của hồ sơ (cán bộ cơ quan tiếp nhận, xử lý)"),
        parameters=[DOSSIER_ID],
        responses=error_responses(FileOutput, 404),
    )
    def get(self, request: Request, dossier_id: str) -> Response:
        actor = request_person(request)
        dossier = access_dossier(actor, dossier_id)
        draft = dossier_draft(dossier) if officer_in_reach(actor, dossier) else None
        if draft is None:
            raise NotFound(_("Hồ sơ chưa có dự thảo kết quả."), code="not_found")
        return Response(FileOutput(draft, context=_files_context(actor, dossier)).data)

    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Tải lên hoặc thay dự thảo kết quả (chuyên viên thụ lý)"),
        description=gettext_lazy(
            "Khi hồ sơ đang thẩm định hoặc chờ phê duyệt; thay thế dự thảo trước. "
            "Thủ tục toàn trình phải có dự thảo trước khi trình phê duyệt."
        ),
        parameters=[DOSSIER_ID],
        request={"multipart/form-data": DraftResultInput},
        responses=error_responses(FileOutput, 400, 403, 404, 409, 415, status=201),
    )
    def post(self, request: Request, dossier_id: str) -> Response:
        actor, dossier, data = dossier_request(request, dossier_id, DraftResultInput)
        row = dossier_draft_upload(actor=actor, dossier=dossier, upload=data["file"])
        return Response(FileOutput(row, context=_files_context(actor, dossier)).data, status=201)


# --- payments ---------------------------------------------------------------------------------


class PaymentOutput(serializers.ModelSerializer):
    class Meta:
        model = Payment
        fields = ["reference", "amount_vnd", "method", "provider", "state", "receipt_number", "created_at", "paid_at"]


class PaymentStartOutput(PaymentOutput):
    checkout_url = serializers.CharField(help_text=gettext_lazy("Địa chỉ cổng thanh toán để chuyển người nộp tới."))

    class Meta(PaymentOutput.Meta):
        fields = [*PaymentOutput.Meta.fields, "checkout_url"]


class PaymentStartApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Bắt đầu thanh toán phí, lệ phí trực tuyến (người nộp)"),
        description=gettext_lazy("Bấm hai lần dùng lại giao dịch đang chờ; hồ sơ đã thanh toán: 409."),
        parameters=[DOSSIER_ID],
        request=None,
        responses=error_responses(PaymentStartOutput, 404, 409, status=201),
    )
    def post(self, request: Request, dossier_id: str) -> Response:
        actor = request_person(request)
        payment, url = payment_start(actor=actor, dossier=access_dossier(actor, dossier_id))
        payment.checkout_url = url  # type: ignore[attr-defined]
        return Response(PaymentStartOutput(payment).data, status=201)


class PaymentCounterApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Ghi nhận nộp phí tại quầy và cấp biên lai (một cửa)"),
        parameters=[DOSSIER_ID],
        request=None,
        responses=error_responses(PaymentOutput, 403, 404, 409, status=201),
    )
    def post(self, request: Request, dossier_id: str) -> Response:
        actor = request_person(request)
        payment = payment_record_counter(actor=actor, dossier=access_dossier(actor, dossier_id))
        return Response(PaymentOutput(payment).data, status=201)


class FeeWaiverInput(Input):
    reason = serializers.ChoiceField(
        choices=FeeWaiverReason.choices,
        label=gettext_lazy("lý do"),
        help_text=gettext_lazy(
            "exempt: người nộp được miễn; paid_elsewhere: đã thu trực tiếp tại quầy hoặc nơi khác (cần số biên lai)."
        ),
    )
    receipt_number = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=40, label=gettext_lazy("số biên lai")
    )
    note = serializers.CharField(max_length=2000, allow_blank=True, label=gettext_lazy("căn cứ, ghi chú"))


class FeeWaiverOutput(serializers.ModelSerializer):
    recorded_by = serializers.SerializerMethodField()

    class Meta:
        model = FeeWaiver
        fields = ["reason", "receipt_number", "note", "amount_vnd", "recorded_by", "recorded_at"]

    def get_recorded_by(self, waiver: FeeWaiver) -> str:
        return waiver.recorded_by.get_full_name()


class FeeWaiverApi(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Ghi nhận không thu phí trực tuyến: được miễn, hoặc đã thu trực tiếp (một cửa)"),
        description=gettext_lazy(
            "Sau khi ghi nhận, hồ sơ không còn nợ phí và được trả kết quả. Hồ sơ đã thanh toán, "
            "đã ghi nhận hoặc không có phí: 409."
        ),
        parameters=[DOSSIER_ID],
        request=FeeWaiverInput,
        responses=error_responses(FeeWaiverOutput, 400, 403, 404, 409, 415, status=201),
    )
    def post(self, request: Request, dossier_id: str) -> Response:
        actor, dossier, data = dossier_request(request, dossier_id, FeeWaiverInput)
        waiver = fee_waive(
            actor=actor,
            dossier=dossier,
            reason=data["reason"],
            note=data["note"],
            receipt_number=data["receipt_number"],
        )
        return Response(FeeWaiverOutput(waiver).data, status=201)


class CallbackOutput(serializers.Serializer):
    reference = serializers.CharField()
    state = serializers.ChoiceField(choices=PaymentState.choices)
    receipt_number = serializers.CharField(allow_blank=True)


class PaymentCallbackApi(APIView):
    """Server to server: no session, no CSRF; the gateway's signature is what authenticates."""

    authentication_classes: list = []
    permission_classes = [AllowAny]

    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Cổng thanh toán báo kết quả giao dịch (ký số, gửi lại nhiều lần được)"),
        parameters=[
            path_param("provider", gettext_lazy("Tên cổng thanh toán."), str),
            OpenApiParameter(
                "X-Signature",
                str,
                OpenApiParameter.HEADER,
                required=True,
                description=gettext_lazy("Chữ ký của cổng thanh toán trên nội dung gửi."),
            ),
        ],
        request=OpenApiTypes.OBJECT,
        responses=error_responses(CallbackOutput, 400, 403, 404, 409),
        auth=[],
    )
    def post(self, request: Request, provider: str) -> Response:
        gateway = payment_provider()
        signature = request.headers.get("X-Signature") or request.headers.get(gateway.signature_header) or ""
        payment = payment_callback(provider=provider, body=request.body, signature=signature)
        return Response(CallbackOutput(payment).data)


# --- rating -----------------------------------------------------------------------------------


class RatingInput(Input):
    score = serializers.IntegerField(
        label=gettext_lazy("mức độ hài lòng"), help_text=gettext_lazy("1 = rất không hài lòng … 5 = rất hài lòng.")
    )
    comment = TextField(required=False, allow_blank=True, default="", max_length=1000, label=gettext_lazy("góp ý"))


class RatingOutput(serializers.Serializer):
    score = serializers.IntegerField()
    comment = serializers.CharField()
    created_at = serializers.DateTimeField()


class DossierRatingApi(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Đánh giá mức độ hài lòng sau khi nhận kết quả (người nộp)"),
        parameters=[DOSSIER_ID],
        request=RatingInput,
        responses=error_responses(RatingOutput, 400, 404, 409, 415, status=201),
    )
    def post(self, request: Request, dossier_id: str) -> Response:
        actor, dossier, data = dossier_request(request, dossier_id, RatingInput)
        rating = dossier_rate(actor=actor, dossier=dossier, score=data["score"], comment=data["comment"])
        return Response(RatingOutput(rating).data, status=201)


# --- printable forms --------------------------------------------------------------------------


class DossierFormApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Tải phiếu in của hồ sơ (Word hoặc PDF)"),
        description=gettext_lazy(
            "Phiếu: receipt, supplement_request, refusal, apology, stop_notice; "
            "process_control (phiếu kiểm soát, chỉ cán bộ). "
            "Phiếu chưa phát sinh theo diễn biến hồ sơ: 409."
        ),
        parameters=[
            DOSSIER_ID,
            path_param("kind", gettext_lazy("Loại phiếu."), str),
            path_param("fmt", gettext_lazy("docx hoặc pdf."), str),
        ],
        responses={
            (200, CONTENT_TYPES["docx"]): OpenApiResponse(OpenApiTypes.BINARY),
            (200, CONTENT_TYPES["pdf"]): OpenApiResponse(OpenApiTypes.BINARY),
            **{code: ErrorOutput for code in (404, 409, 503)},
        },
    )
    def get(self, request: Request, dossier_id: str, kind: str, fmt: str) -> HttpResponse:
        actor = request_person(request)
        dossier = access_dossier(actor, dossier_id)
        if (
            kind not in FORM_KINDS
            or fmt not in FORMATS
            or (kind in OFFICE_FORMS and not officer_in_reach(actor, dossier))
        ):
            raise NotFound(_("Không có mẫu phiếu này."), code="unknown_form")
        full = rules.may_read_personal_data(actor, dossier)
        try:
            content = (
                dossier_form_pdf(dossier, kind, full=full)
                if fmt == "pdf"
                else dossier_form_docx(dossier, kind, full=full)
            )
        except DocumentConversionError:
            raise Unavailable(
                _("Chưa tạo được bản PDF lúc này, vui lòng thử lại sau hoặc tải bản Word."), code="conversion_failed"
            ) from None
        response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
        response["Content-Disposition"] = content_disposition(*form_filenames(dossier, kind, fmt))
        response["Cache-Control"] = "private, no-store"  # the forms carry the applicant's personal data
        return response


# --- dossier register ---------------------------------------------------------------------------


def _query_param(name: str, description: Any) -> OpenApiParameter:
    return OpenApiParameter(name, str, OpenApiParameter.QUERY, required=True, description=description)


class DossierRegisterApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Tải sổ theo dõi hồ sơ của cơ quan (Excel)"),
        description=gettext_lazy(
            "Hồ sơ cơ quan tiếp nhận từ ngày đến ngày (tối đa 366 ngày), mỗi hồ sơ một dòng; "
            "họ tên, số điện thoại người nộp được che một phần. Cơ quan ngoài phạm vi: 404."
        ),
        parameters=[
            _query_param("agency", gettext_lazy("Mã số (id) cơ quan tiếp nhận.")),
            _query_param("from", gettext_lazy("Từ ngày, dạng 2026-03-01.")),
            _query_param("to", gettext_lazy("Đến ngày, dạng 2026-03-31.")),
        ],
        responses={(200, XLSX): OpenApiResponse(OpenApiTypes.BINARY), **{code: ErrorOutput for code in (400, 404)}},
    )
    def get(self, request: Request) -> HttpResponse:
        params = request.query_params
        content, name = dossier_register_xlsx(
            request_person(request), params.get("agency"), params.get("from"), params.get("to")
        )
        response = HttpResponse(content, content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "private, no-store"
        return response


# --- public lookup ----------------------------------------------------------------------------


class LookupInput(Input):
    code = TextField(max_length=60, label=gettext_lazy("mã hồ sơ"))
    digits = TextField(
        max_length=10,
        label=gettext_lazy("4 số cuối"),
        validators=[
            RegexValidator(
                DIGITS_RE.pattern,
                message=gettext_lazy("Vui lòng nhập đúng 4 chữ số cuối của số điện thoại hoặc số định danh cá nhân."),
            )
        ],
        help_text=gettext_lazy("4 chữ số cuối của số điện thoại hoặc số định danh cá nhân của người nộp."),
    )


class LookupOutput(serializers.Serializer):
    code = serializers.CharField()
    state = serializers.ChoiceField(choices=DossierState.choices)
    state_label = serializers.CharField()
    procedure_code = serializers.CharField()
    procedure_name = serializers.CharField()
    agency_name = serializers.CharField()
    handling_agency_name = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    received_at = serializers.DateTimeField(allow_null=True)
    due_at = serializers.DateTimeField(allow_null=True)
    completed_at = serializers.DateTimeField(allow_null=True)
    overdue = serializers.BooleanField()
    waiting_for_applicant = serializers.BooleanField(help_text=gettext_lazy("Đang chờ người nộp bổ sung hồ sơ."))


class LookupApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Tra cứu tiến độ hồ sơ bằng mã hồ sơ và 4 số cuối (công khai)"),
        description=gettext_lazy(
            "Không trả thông tin cá nhân. Mã sai và số sai đều trả 404 như nhau; "
            "mỗi địa chỉ được thử giới hạn số lần mỗi phút (429)."
        ),
        parameters=[LookupInput],
        responses=error_responses(LookupOutput, 400, 404, 429),
        auth=[],
    )
    def get(self, request: Request) -> Response:
        code = request.query_params.get("code", "")
        # The page's limits and counters (lookup.lookup_limited): the API is no way around them.
        if lookup_limited(request._request, code):
            raise TooManyRequests(_("Bạn đã tra cứu quá nhiều lần. Vui lòng thử lại sau ít phút."), code="rate_limited")
        query = parse_input(LookupInput, request.query_params)
        try:
            result = dossier_lookup(code=query["code"], digits=query["digits"])
        except NotFound:
            lookup_failed(request._request, code)
            raise
        return Response(LookupOutput(result).data)
