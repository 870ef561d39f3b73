"""HTTP API of the one-stop shop, mounted at ``/api/services/``: the catalogue and dossiers.

The procedure catalogue needs no account; everything else here needs a login. Dossiers are
fetched through :func:`access.access_dossier`, so a missing dossier and one out of the user's
reach give the same 404. Input is parsed by serializers that answer in Vietnamese (the
project's :class:`tinhso.core.api.Input`), and every write is one service call, which checks state and
permission and records it in the ledger; refusals reach the client through the project's
exception handler (``tinhso.core.api``). Files, results, payments, ratings, the public lookup
and printable forms are in :mod:`api_extras`.

Personal data: lists never carry ID numbers or phones, and show an officer the applicant's
name masked; one dossier's personal data (the applicant, the e-form, the files, the applicant
as an actor in the timeline) is shown in full or masked by the one rule of
:func:`rules.may_read_personal_data`, through :mod:`personal`, as on the pages and the forms.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tinhso.core.api import (
    READ_ERRORS,
    WRITE_ERRORS,
    DateTimeField,
    IdField,
    Input,
    JSONParser,
    TextField,
    error_responses,
    flat_output,
    parse_input,
    path_param,
    request_data,
)
from tinhso.core.errors import DomainError, NotAllowed, NotFound
from tinhso.core.privacy import mask_name
from tinhso.onestop import rules
from tinhso.onestop.dossiers import intake, services
from tinhso.onestop.dossiers.access import access_dossier, dossiers_visible
from tinhso.onestop.dossiers.personal import PersonalData, file_name, personal_data_for
from tinhso.onestop.dossiers.selectors import dossier_flags, dossier_queue, dossier_timeline
from tinhso.onestop.models import (
    AuthorityLevel,
    Channel,
    DocumentRequirement,
    Dossier,
    DossierEvent,
    DossierFile,
    DossierState,
    OnlineLevel,
    Procedure,
    StepAction,
    WorkflowStep,
)
from tinhso.onestop.web.public.views import procedures_search
from tinhso.org.api import AgencyRefOutput
from tinhso.org.models import Agency, Person

TAG = "services"
PAGE_SIZE = 20
IDEMPOTENCY_KEY_MAX = 80  # Dossier.idempotency_key
QUEUES = [
    ("receive", gettext_lazy("Chờ tiếp nhận")),
    ("assign", gettext_lazy("Chờ phân công")),
    ("review", gettext_lazy("Đang thụ lý (được giao cho tôi)")),
    ("approve", gettext_lazy("Chờ phê duyệt")),
    ("return", gettext_lazy("Chờ trả kết quả")),
]


def request_person(request: Request) -> Person:
    """The signed-in person of an API request."""
    return request.user  # type: ignore[return-value]  # the endpoints using it require a login


def dossier_request(
    request: Request,
    dossier_id: str,
    input_class: type[Input] | None = None,
) -> tuple[Person, Dossier, dict[str, Any]]:
    """The user, the dossier as they may reach it (else 404), then the parsed body (else 400/415)."""
    actor = request_person(request)
    dossier = access_dossier(actor, dossier_id)
    return actor, dossier, parse_input(input_class, request_data(request)) if input_class is not None else {}


# --- shared output ---------------------------------------------------------------------------


DOSSIER_ID = path_param("dossier_id", gettext_lazy("Mã (id) hồ sơ."))


class ProcedureRefOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


def _page_output(name: str, row: type[serializers.Serializer]) -> type[serializers.Serializer]:
    return type(
        name,
        (serializers.Serializer,),
        {
            "count": serializers.IntegerField(help_text=gettext_lazy("Tổng số kết quả.")),
            "page": serializers.IntegerField(),
            "pages": serializers.IntegerField(help_text=gettext_lazy("Số trang (mỗi trang 20 kết quả).")),
            "results": row(many=True),
        },
    )


def _page(items: QuerySet, page: int) -> tuple[dict[str, int], list[Any]]:
    count = items.count()
    pages = max(1, -(-count // PAGE_SIZE))
    rows = list(items[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]) if page <= pages else []
    return {"count": count, "page": page, "pages": pages}, rows


class PageInput(Input):
    page = serializers.IntegerField(required=False, min_value=1, max_value=100_000, label=gettext_lazy("trang"))


# --- procedures -------------------------------------------------------------------------------


class ProcedureOutput(serializers.ModelSerializer):
    agencies = AgencyRefOutput(many=True)

    class Meta:
        model = Procedure
        fields = ["code", "name", "field", "authority_level", "online_level", "processing_days", "fee_vnd", "agencies"]


class DocumentRequirementOutput(serializers.ModelSerializer):
    class Meta:
        model = DocumentRequirement
        fields = ["id", "name", "required", "copies"]


class WorkflowStepOutput(serializers.ModelSerializer):
    action = serializers.ChoiceField(choices=StepAction.choices)

    class Meta:
        model = WorkflowStep
        fields = ["order", "action", "name", "role", "days"]


class FormFieldOutput(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field, not Field.label: the metaclass takes it off the class
    type = serializers.CharField(help_text=gettext_lazy("text, number, date, email, phone, personal_id, select."))
    required = serializers.BooleanField(default=False)  # type: ignore[assignment]  # a declared field, not Field.required: the metaclass takes it off the class
    options = serializers.ListField(child=serializers.CharField(), required=False)
    max_length = serializers.IntegerField(allow_null=True, required=False)


class ProcedureDetailOutput(ProcedureOutput):
    documents = DocumentRequirementOutput(many=True)
    steps = WorkflowStepOutput(many=True)
    form_fields = FormFieldOutput(many=True, help_text=gettext_lazy("Các trường của tờ khai điện tử."))

    class Meta(ProcedureOutput.Meta):
        fields = [
            *ProcedureOutput.Meta.fields,
            "not_full_reason",
            "fee_note",
            "result_type",
            "legal_basis",
            "receipt_cutoff_hour",
            "documents",
            "steps",
            "form_fields",
        ]


ProcedurePageOutput = _page_output("ProcedurePageOutput", ProcedureOutput)


class ProcedureSearchInput(PageInput):
    q = TextField(
        required=False,
        allow_blank=True,
        max_length=200,
        label=gettext_lazy("từ khóa"),
        help_text=gettext_lazy("Tìm theo mã, tên và lĩnh vực, có hoặc không dấu."),
    )
    field = TextField(required=False, allow_blank=True, max_length=200, label=gettext_lazy("lĩnh vực"))
    level = serializers.ChoiceField(
        choices=AuthorityLevel.choices, required=False, allow_blank=True, label=gettext_lazy("cấp thực hiện")
    )
    online = serializers.ChoiceField(
        choices=OnlineLevel.choices, required=False, allow_blank=True, label=gettext_lazy("mức độ trực tuyến")
    )


class ProcedureListApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Tra cứu thủ tục hành chính (công khai)"),
        operation_id="services_procedures_list",
        parameters=[ProcedureSearchInput],
        responses=error_responses(ProcedurePageOutput, 400),
        auth=[],
    )
    def get(self, request: Request) -> Response:
        query = parse_input(ProcedureSearchInput, request.query_params)
        procedures = procedures_search(
            query=query.get("q", ""),
            field=query.get("field", ""),
            level=query.get("level", ""),
            online=query.get("online", ""),
        )
        meta, rows = _page(procedures.prefetch_related("agencies"), query.get("page", 1))
        return Response({**meta, "results": ProcedureOutput(rows, many=True).data})


class ProcedureDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Một thủ tục: thành phần hồ sơ, quy trình, tờ khai (công khai)"),
        parameters=[path_param("code", gettext_lazy("Mã thủ tục."), str)],
        responses=error_responses(ProcedureDetailOutput, *READ_ERRORS),
        auth=[],
    )
    def get(self, request: Request, code: str) -> Response:
        procedure = (
            Procedure.objects.filter(code=code, active=True).prefetch_related("agencies", "documents", "steps").first()
        )
        if procedure is None:
            raise NotFound(_("Không tìm thấy thủ tục có mã “%(code)s”.") % {"code": code}, code="not_found")
        return Response(ProcedureDetailOutput(procedure).data)


# --- dossier output ---------------------------------------------------------------------------


class SubmittedOutput(serializers.Serializer):
    """What a citizen gets back after filing: kept small, it is the hot path of intake."""

    id = serializers.IntegerField()
    code = serializers.CharField(help_text=gettext_lazy("Mã hồ sơ, ví dụ H31.01-260302-0001."))
    state = serializers.ChoiceField(choices=DossierState.choices)
    due_at = serializers.DateTimeField(
        allow_null=True, help_text=gettext_lazy("Hẹn trả kết quả; có sau khi bộ phận một cửa tiếp nhận.")
    )
    submitted_at = serializers.DateTimeField(allow_null=True)


_submitted = flat_output(SubmittedOutput)


class DossierRowOutput(serializers.ModelSerializer):
    """A dossier in a list: no ID number, no phone; the name masked unless it is the user's own."""

    procedure = ProcedureRefOutput()
    agency = AgencyRefOutput(source="receiving_agency", help_text=gettext_lazy("Cơ quan tiếp nhận."))
    handling_agency = AgencyRefOutput(help_text=gettext_lazy("Cơ quan đang xử lý."))
    applicant_name = serializers.SerializerMethodField(
        help_text=gettext_lazy("Tên người nộp; che bớt (N. V. An) trong danh sách của cán bộ.")
    )
    overdue = serializers.SerializerMethodField()
    due_soon = serializers.SerializerMethodField(help_text=gettext_lazy("Còn không quá 1 ngày làm việc đến hạn."))

    class Meta:
        model = Dossier
        fields = [
            "id",
            "code",
            "procedure",
            "agency",
            "handling_agency",
            "channel",
            "state",
            "applicant_name",
            "submitted_at",
            "received_at",
            "due_at",
            "completed_at",
            "overdue",
            "due_soon",
        ]

    def get_applicant_name(self, dossier: Dossier) -> str:
        if dossier.applicant_id is not None and dossier.applicant_id == self.context["user_id"]:
            return dossier.applicant_name
        return mask_name(dossier.applicant_name)

    def get_overdue(self, dossier: Dossier) -> bool:
        return dossier_flags(dossier, self.context["now"])["overdue"]

    def get_due_soon(self, dossier: Dossier) -> bool:
        return dossier_flags(dossier, self.context["now"])["due_soon"]


DossierPageOutput = _page_output("DossierPageOutput", DossierRowOutput)


class ApplicantOutput(serializers.Serializer):
    name = serializers.CharField()
    personal_id = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()
    masked = serializers.BooleanField(
        help_text=gettext_lazy(
            "Thông tin cá nhân đã được che bớt (người xem không phải người nộp, bộ phận một cửa, chuyên viên được "
            "giao thụ lý hay lãnh đạo phê duyệt của cơ quan giải quyết hồ sơ)."
        )
    )


class PersonRefOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="get_full_name")


class EventOutput(serializers.ModelSerializer):
    actor = serializers.SerializerMethodField()
    agency = AgencyRefOutput(allow_null=True)

    class Meta:
        model = DossierEvent
        fields = ["action", "from_state", "to_state", "actor", "agency", "note", "at"]

    def get_actor(self, event: DossierEvent) -> str:
        personal: PersonalData | None = self.context.get("personal")
        if personal is None:
            return ""
        return personal.person_name(event.actor)


class FileOutput(serializers.ModelSerializer):
    """A file of a dossier. Context: ``personal`` (the viewer's :class:`PersonalData` of its
    dossier), or ``own`` for the applicant's own files; without either, it is listed masked."""

    requirement: serializers.PrimaryKeyRelatedField[DocumentRequirement] = serializers.PrimaryKeyRelatedField(
        read_only=True,
        allow_null=True,
    )
    original_name = serializers.SerializerMethodField(
        help_text=gettext_lazy(
            "Tên tệp khi tải lên; với người xem không được xem đầy đủ thông tin cá nhân: tên thành phần hồ sơ."
        )
    )
    download_url = serializers.SerializerMethodField(
        help_text=gettext_lazy("Địa chỉ tải tệp; null với người xem không được xem đầy đủ thông tin cá nhân của hồ sơ.")
    )

    class Meta:
        model = DossierFile
        fields = [
            "id",
            "kind",
            "requirement",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "digitised",
            "signed",
            "created_at",
            "download_url",
        ]

    def _open(self) -> bool:
        personal: PersonalData | None = self.context.get("personal")
        return personal.full if personal is not None else bool(self.context.get("own"))

    def get_original_name(self, file: DossierFile) -> str:
        return file_name(file, full=self._open())

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_download_url(self, file: DossierFile) -> str | None:
        from django.urls import reverse

        return reverse("file:download", args=[file.pk]) if self._open() else None


class FeeOutput(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=["none", "due", "paid", "exempt", "paid_elsewhere", "not_owed"],
        help_text=gettext_lazy(
            "none: không có phí; due: còn phải nộp; paid: đã thanh toán; exempt: được miễn; paid_elsewhere: đã thu "
            "trực tiếp ngoài hệ thống; not_owed: hồ sơ từ chối, dừng hoặc hủy."
        ),
    )
    fee_vnd = serializers.IntegerField()
    amount_due_vnd = serializers.IntegerField(help_text=gettext_lazy("Số tiền còn phải nộp (đồng)."))
    payable = serializers.BooleanField(help_text=gettext_lazy("Có thể thanh toán ngay lúc này."))
    receipt_number = serializers.CharField(help_text=gettext_lazy("Số biên lai (đã thanh toán hoặc đã thu trực tiếp)."))
    recorded_at = serializers.DateTimeField(
        allow_null=True, help_text=gettext_lazy("Thời điểm thanh toán hoặc ghi nhận miễn, đã thu trực tiếp.")
    )


def fee_output(dossier: Dossier) -> dict[str, Any]:
    from tinhso.onestop.payments.services import fee_status, payment_refusal

    status = fee_status(dossier)
    receipt, when = "", None
    if status.payment is not None:
        receipt, when = status.payment.receipt_number, status.payment.paid_at
    elif status.waiver is not None:
        receipt, when = status.waiver.receipt_number, status.waiver.recorded_at
    return {
        "status": status.state,
        "fee_vnd": status.fee_vnd,
        "amount_due_vnd": status.amount_due_vnd,
        "payable": status.due and payment_refusal(dossier) is None,
        "receipt_number": receipt,
        "recorded_at": when,
    }


class DossierDetailOutput(DossierRowOutput):
    applicant = serializers.SerializerMethodField()
    fee = serializers.SerializerMethodField()
    form_data = serializers.SerializerMethodField(
        help_text=gettext_lazy(
            "Tờ khai; với người xem không được xem đầy đủ thông tin cá nhân, mọi giá trị được che: số định danh, "
            "số điện thoại giữ 4 số cuối, thư điện tử giữ chữ đầu và tên miền, họ tên giữ chữ cái đầu, còn lại ***."
        )
    )
    assignee = PersonRefOutput(allow_null=True)
    events = serializers.SerializerMethodField()
    files = serializers.SerializerMethodField()

    class Meta(DossierRowOutput.Meta):
        fields = [
            *DossierRowOutput.Meta.fields,
            "applicant",
            "form_data",
            "assignee",
            "refusal_reason",
            "supplement_requests",
            "original_due_at",
            "due_reset_count",
            "decided_at",
            "fee_vnd",
            "fee",
            "events",
            "files",
        ]

    def get_applicant_name(self, dossier: Dossier) -> str:
        return self.context["personal"].name

    @extend_schema_field(ApplicantOutput)
    def get_applicant(self, dossier: Dossier) -> dict[str, Any]:
        return self.context["personal"].applicant()

    @extend_schema_field({"type": "object", "additionalProperties": {}})
    def get_form_data(self, dossier: Dossier) -> dict[str, Any]:
        return self.context["personal"].form_data()

    @extend_schema_field(FeeOutput)
    def get_fee(self, dossier: Dossier) -> dict[str, Any]:
        return fee_output(dossier)

    @extend_schema_field(EventOutput(many=True))
    def get_events(self, dossier: Dossier) -> Any:
        return EventOutput(dossier_timeline(dossier), many=True, context=self.context).data

    @extend_schema_field(FileOutput(many=True))
    def get_files(self, dossier: Dossier) -> Any:
        from tinhso.onestop.dossiers.access import dossier_files_visible

        files = dossier_files_visible(self.context["person"], dossier).select_related("requirement")
        return FileOutput(files, many=True, context=self.context).data


def _context(request: Request, **extra: Any) -> dict[str, Any]:
    return {"user_id": request.user.pk, "now": timezone.now(), **extra}


def dossier_detail_response(request: Request, dossier: Dossier, status: int = 200) -> Response:
    """The dossier as the user may see it, read afresh (a service may have changed it)."""
    fresh = Dossier.objects.select_related("procedure", "receiving_agency", "handling_agency", "assignee").get(
        pk=dossier.pk
    )
    actor = request_person(request)
    context = _context(request, personal=personal_data_for(actor, fresh), person=actor)
    return Response(DossierDetailOutput(fresh, context=context).data, status=status)


# --- dossier input ----------------------------------------------------------------------------


class _FormDataField(serializers.DictField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", gettext_lazy("tờ khai"))
        kwargs.setdefault(
            "help_text", gettext_lazy('Các trường của tờ khai điện tử theo thủ tục, ví dụ {"ho_ten": "Nguyễn Văn An"}.')
        )
        super().__init__(**kwargs)


class SubmitInput(Input):
    procedure = TextField(max_length=40, label=gettext_lazy("mã thủ tục"))
    agency = IdField(
        label=gettext_lazy("cơ quan tiếp nhận"),
        help_text=gettext_lazy("Mã (id) cơ quan thực hiện thủ tục nơi nộp hồ sơ."),
    )
    form_data = _FormDataField()


class CounterInput(SubmitInput):
    applicant_name = TextField(max_length=200, label=gettext_lazy("tên người nộp"))
    applicant_personal_id = TextField(
        max_length=20, required=False, allow_blank=True, default="", label=gettext_lazy("số định danh")
    )
    applicant_phone = TextField(
        max_length=20, required=False, allow_blank=True, default="", label=gettext_lazy("số điện thoại")
    )
    channel = serializers.ChoiceField(
        choices=Channel.choices,
        required=False,
        default=Channel.COUNTER,
        label=gettext_lazy("kênh nộp"),
        help_text=gettext_lazy("counter (trực tiếp) hoặc postal (bưu chính công ích)."),
    )


class DossierFilterInput(PageInput):
    queue = serializers.ChoiceField(
        choices=QUEUES,
        required=False,
        allow_blank=True,
        label=gettext_lazy("hàng đợi"),
        help_text=gettext_lazy("Hàng đợi công việc: quá hạn trước, rồi sắp đến hạn, rồi theo hạn."),
    )
    state = serializers.ChoiceField(
        choices=DossierState.choices, required=False, allow_blank=True, label=gettext_lazy("trạng thái")
    )


IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description=gettext_lazy(
        "Mã chống gửi trùng do ứng dụng tạo (tối đa 80 ký tự). Gửi lại cùng mã trả về đúng hồ sơ đã tạo (200)."
    ),
)


def _idempotency_key(request: Request) -> str:
    key = (request.headers.get("Idempotency-Key") or "").strip()
    if not key:
        raise DomainError(
            _("Thiếu tiêu đề Idempotency-Key (mã chống gửi trùng)."),
            field="Idempotency-Key",
            code="idempotency_key_required",
        )
    if len(key) > IDEMPOTENCY_KEY_MAX:
        raise DomainError(
            _("Mã chống gửi trùng dài quá %(n)s ký tự.") % {"n": IDEMPOTENCY_KEY_MAX},
            field="Idempotency-Key",
            code="idempotency_key_too_long",
        )
    return key


def _offering(procedure_code: str, agency_id: int) -> tuple[Procedure, Agency]:
    """The procedure and the agency offering it, in one query (the link row, with both joined)."""
    link = (
        Procedure.agencies.through.objects.select_related("procedure", "agency")
        .filter(procedure__code=procedure_code, agency_id=agency_id)
        .first()
    )
    if link is not None:
        return link.procedure, link.agency
    if not Procedure.objects.filter(code=procedure_code).exists():
        raise DomainError(
            _("Không tìm thấy thủ tục có mã “%(code)s”.") % {"code": procedure_code},
            field="procedure",
            code="unknown_procedure",
        )
    raise DomainError(_("Cơ quan đã chọn không thực hiện thủ tục này."), field="agency", code="agency_not_offering")


def _submission_offering(procedure_code: str, agency_id: int) -> tuple[Procedure, Agency]:
    """As :func:`_offering`, with ``procedure.has_steps`` annotated in the same query (the
    filing's check of the workflow then costs none)."""
    link = (
        Procedure.agencies.through.objects.select_related("procedure", "agency")
        .annotate(has_steps=Exists(WorkflowStep.objects.filter(procedure=OuterRef("procedure_id"))))
        .filter(procedure__code=procedure_code, agency_id=agency_id)
        .first()
    )
    if link is None:
        return _offering(procedure_code, agency_id)  # raises the right error
    link.procedure.has_steps = link.has_steps  # type: ignore[attr-defined]  # read with getattr by dossiers.services
    return link.procedure, link.agency


def _agency(agency_id: int, field: str) -> Agency:
    agency = Agency.objects.filter(pk=agency_id).first()
    if agency is None:
        raise DomainError(_("Không tìm thấy cơ quan, đơn vị."), field=field, code="unknown_agency")
    return agency


def _handler(person_id: int) -> Person:
    """The person to assign; one missing answers as one who is not a handler, so ids say nothing."""
    person = Person.objects.filter(pk=person_id, is_active=True).first()
    if person is None:
        raise DomainError(
            _("Người được phân công không phải chuyên viên thụ lý của cơ quan xử lý hồ sơ."),
            field="assignee",
            code="not_handler",
        )
    return person


# --- dossiers ---------------------------------------------------------------------------------

_SUBMITTED_FIELDS = ("id", "code", "state", "due_at", "submitted_at", "applicant_id")


class DossierListApi(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Hồ sơ người dùng được xem, theo hàng đợi hoặc trạng thái"),
        operation_id="services_dossiers_list",
        description=gettext_lazy(
            "Cán bộ: hồ sơ tiếp nhận hoặc xử lý trong phạm vi của mình, tên người nộp được che bớt; công dân: "
            "hồ sơ của mình. Danh sách không có số định danh và số điện thoại."
        ),
        parameters=[DossierFilterInput],
        responses=error_responses(DossierPageOutput, 400),
    )
    def get(self, request: Request) -> Response:
        actor = request_person(request)
        query = parse_input(DossierFilterInput, request.query_params)
        if query.get("queue"):
            dossiers = dossier_queue(person=actor, queue=query["queue"])
        else:
            dossiers = dossiers_visible(actor).order_by("-created_at", "-pk")
        if query.get("state"):
            dossiers = dossiers.filter(state=query["state"])
        dossiers = dossiers.select_related("procedure", "receiving_agency", "handling_agency").only(
            *[f.name for f in Dossier._meta.concrete_fields if f.name not in _NEVER_LISTED],
            "procedure__code",
            "procedure__name",
            "receiving_agency__name",
            "handling_agency__name",
        )
        meta, rows = _page(dossiers, query.get("page", 1))
        return Response({**meta, "results": DossierRowOutput(rows, many=True, context=_context(request)).data})

    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Nộp hồ sơ trực tuyến (công dân, tổ chức)"),
        description=gettext_lazy(
            "Tờ khai được kiểm tra theo thủ tục; lỗi trả về theo từng trường trong “errors” và không tạo hồ sơ. "
            "Gửi lại với cùng Idempotency-Key trả về hồ sơ đã tạo với mã 200."
        ),
        parameters=[IDEMPOTENCY_HEADER],
        request=SubmitInput,
        responses={**error_responses(SubmittedOutput, 400, 403, 409, 415, 503, status=201), 200: SubmittedOutput},
    )
    def post(self, request: Request) -> Response:
        actor = request_person(request)
        key = _idempotency_key(request)
        try:
            data = parse_input(SubmitInput, request_data(request))
            procedure, agency = _submission_offering(data["procedure"], data["agency"])
            filing = intake.filing_check(
                applicant=actor, procedure=procedure, agency=agency, form_data=data["form_data"], idempotency_key=key
            )
        except DomainError:
            # A retry answers with what the first request made, whatever it sends this time;
            # a first request never looks its key up (a retry of valid input is recognised
            # when its insert fails on the key, see intake.filing_submit).
            existing = intake.dossier_by_key(actor, key, fields=_SUBMITTED_FIELDS)
            if existing is None:
                raise
            return Response(_submitted(existing), status=200)
        filed = intake.filing_submit(filing)
        return Response(_submitted(filed.dossier), status=201 if filed.created else 200)


_NEVER_LISTED = frozenset({"applicant_personal_id", "applicant_phone", "applicant_email", "form_data"})


class DossierCounterApi(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Tiếp nhận hồ sơ trực tiếp hoặc qua bưu chính (một cửa)"),
        request=CounterInput,
        responses=error_responses(DossierDetailOutput, 400, 403, 415, status=201),
    )
    def post(self, request: Request) -> Response:
        if not rules.may_receive_at_counter(request_person(request)):  # before the input: it tells nothing
            raise NotAllowed(_("Bạn không có quyền thực hiện thao tác này."), code="forbidden")
        data = parse_input(CounterInput, request_data(request))
        procedure, agency = _offering(data["procedure"], data["agency"])
        dossier = services.dossier_receive_at_counter(
            actor=request_person(request),
            agency=agency,
            procedure=procedure,
            applicant_name=data["applicant_name"],
            applicant_personal_id=data["applicant_personal_id"],
            applicant_phone=data["applicant_phone"],
            form_data=data["form_data"],
            channel=data["channel"],
        )
        return dossier_detail_response(request, dossier, status=201)


class DossierDetailApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Một hồ sơ và diễn biến xử lý"),
        parameters=[DOSSIER_ID],
        responses=error_responses(DossierDetailOutput, *READ_ERRORS),
    )
    def get(self, request: Request, dossier_id: str) -> Response:
        return dossier_detail_response(request, access_dossier(request_person(request), dossier_id))


class BulkAssignInput(Input):
    ids = serializers.ListField(
        child=IdField(),
        min_length=1,
        max_length=200,
        label=gettext_lazy("các hồ sơ"),
        help_text=gettext_lazy("Mã (id) các hồ sơ."),
    )
    assignee = IdField(
        label=gettext_lazy("người được phân công"), help_text=gettext_lazy("Mã (id) chuyên viên thụ lý.")
    )


class BulkAssignOutput(serializers.Serializer):
    assigned = SubmittedOutput(many=True)


class DossierBulkAssignApi(APIView):
    parser_classes = [JSONParser]

    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Phân công nhiều hồ sơ cho một chuyên viên (tất cả hoặc không hồ sơ nào)"),
        description=gettext_lazy(
            "Nếu một hồ sơ không phân công được, không hồ sơ nào được giao; “errors” nêu từng hồ sơ theo mã."
        ),
        request=BulkAssignInput,
        responses=error_responses(BulkAssignOutput, *WRITE_ERRORS, 415),
    )
    def post(self, request: Request) -> Response:
        actor = request_person(request)
        if not rules.may_assign(actor):  # before the input: a refusal tells nothing about it
            raise NotAllowed(_("Bạn không có quyền thực hiện thao tác này."), code="forbidden")
        data = parse_input(BulkAssignInput, request_data(request))
        dossiers = [access_dossier(actor, pk) for pk in dict.fromkeys(data["ids"])]
        done = services.dossier_assign_bulk(actor=actor, dossiers=dossiers, assignee=_handler(data["assignee"]))
        return Response(BulkAssignOutput({"assigned": done}).data)


# --- transitions ------------------------------------------------------------------------------


class ReasonInput(Input):
    reason = TextField(max_length=5000, allow_blank=True, label=gettext_lazy("lý do"))


class NoteInput(Input):
    note = TextField(max_length=5000, allow_blank=True, required=False, default="", label=gettext_lazy("ý kiến"))


class ApproveInput(Input):
    draft = IdField(
        required=False,
        allow_null=True,
        default=None,
        label=gettext_lazy("dự thảo kết quả"),
        help_text=gettext_lazy(
            "Mã (id) tệp dự thảo kết quả đã xem, 0 nếu không có dự thảo. Nếu chuyên viên "
            "đã thay hoặc thêm dự thảo khác, hồ sơ không được phê duyệt (409, "
            "draft_changed)."
        ),
    )


class ForwardInput(Input):
    to_agency = IdField(
        required=False,
        allow_null=True,
        label=gettext_lazy("cơ quan xử lý"),
        help_text=gettext_lazy("Mặc định: cơ quan đang xử lý."),
    )


class AssignInput(Input):
    assignee = IdField(
        label=gettext_lazy("người được phân công"), help_text=gettext_lazy("Mã (id) chuyên viên thụ lý.")
    )


class SupplementInput(Input):
    form_data = _FormDataField(help_text=gettext_lazy("Các trường bổ sung hoặc sửa; trường không gửi giữ nguyên."))


class TransferInput(Input):
    to_agency = IdField(label=gettext_lazy("cơ quan nhận liên thông"))
    days = serializers.DecimalField(
        max_digits=6,
        decimal_places=2,
        label=gettext_lazy("thời gian xử lý"),
        help_text=gettext_lazy("Số ngày làm việc dành cho cơ quan nhận."),
    )


class ApologiseInput(Input):
    new_due_at = DateTimeField(
        label=gettext_lazy("ngày hẹn trả mới"),
        help_text=gettext_lazy("Thời điểm theo ISO 8601, ví dụ 2026-03-20T16:00:00+07:00."),
    )
    reason = TextField(max_length=5000, allow_blank=True, label=gettext_lazy("lý do chậm"))

    def get_fields(self) -> dict[str, serializers.Field]:
        fields = super().get_fields()
        fields["new_due_at"].error_messages["invalid"] = _(
            "Ngày hẹn trả mới phải là thời điểm hợp lệ, ví dụ 2026-03-20T16:00:00+07:00."
        )
        return fields


Call = Callable[[Person, Dossier, dict[str, Any]], Dossier]


class _TransitionApi(APIView):
    parser_classes = [JSONParser]
    input_class: type[Input] | None = None
    call: Call

    def post(self, request: Request, dossier_id: str) -> Response:
        actor, dossier, data = dossier_request(request, dossier_id, self.input_class)
        changed = type(self).call(actor, dossier, data)
        return dossier_detail_response(request, changed)


def _transition(name: str, summary: Any, call: Call, input_class: type[Input] | None = None) -> type[APIView]:
    errors = (*WRITE_ERRORS, 415) if input_class is not None else WRITE_ERRORS
    view = type(
        name, (_TransitionApi,), {"input_class": input_class, "call": staticmethod(call), "__doc__": str(summary)}
    )
    return extend_schema_view(
        post=extend_schema(
            tags=[TAG],
            summary=summary,
            parameters=[DOSSIER_ID],
            request=input_class,
            responses=error_responses(DossierDetailOutput, *errors),
        )
    )(view)


def _plain(service: Callable[..., Dossier]) -> Call:
    return lambda actor, dossier, data: service(actor=actor, dossier=dossier)


def _with_reason(service: Callable[..., Dossier]) -> Call:
    return lambda actor, dossier, data: service(actor=actor, dossier=dossier, reason=data["reason"])


S = services
TRANSITIONS: dict[str, type[APIView]] = {
    "receive": _transition(
        "DossierReceiveApi", gettext_lazy("Tiếp nhận hồ sơ nộp trực tuyến (một cửa)"), _plain(S.dossier_receive)
    ),
    "forward": _transition(
        "DossierForwardApi",
        gettext_lazy("Chuyển hồ sơ đến đơn vị xử lý (một cửa)"),
        lambda actor, dossier, data: S.dossier_forward(
            actor=actor,
            dossier=dossier,
            to_agency=_agency(data["to_agency"], "to_agency") if data.get("to_agency") else None,
        ),
        ForwardInput,
    ),
    "assign": _transition(
        "DossierAssignApi",
        gettext_lazy("Phân công chuyên viên thụ lý (lãnh đạo đơn vị)"),
        lambda actor, dossier, data: S.dossier_assign(
            actor=actor, dossier=dossier, assignee=_handler(data["assignee"])
        ),
        AssignInput,
    ),
    "start-review": _transition(
        "DossierStartReviewApi",
        gettext_lazy("Bắt đầu thẩm định (chuyên viên được giao)"),
        _plain(S.dossier_start_review),
    ),
    "submit-for-approval": _transition(
        "DossierSubmitForApprovalApi",
        gettext_lazy("Trình phê duyệt (chuyên viên được giao)"),
        lambda actor, dossier, data: S.dossier_submit_for_approval(actor=actor, dossier=dossier, note=data["note"]),
        NoteInput,
    ),
    "approve": _transition(
        "DossierApproveApi",
        gettext_lazy("Phê duyệt (lãnh đạo cơ quan xử lý); dự thảo kết quả được ký số và phát hành làm kết quả"),
        lambda actor, dossier, data: S.dossier_approve(actor=actor, dossier=dossier, draft_id=data.get("draft")),
        ApproveInput,
    ),
    "refuse": _transition(
        "DossierRefuseApi",
        gettext_lazy("Từ chối giải quyết, nêu lý do (lãnh đạo cơ quan xử lý)"),
        _with_reason(S.dossier_refuse),
        ReasonInput,
    ),
    "return-result": _transition(
        "DossierReturnResultApi",
        gettext_lazy("Trả kết quả cho người nộp (một cửa); bị từ chối (409, fee_due) khi còn phí, lệ phí chưa thu"),
        _plain(S.dossier_return_result),
    ),
    "request-supplement": _transition(
        "DossierRequestSupplementApi",
        gettext_lazy("Yêu cầu bổ sung hồ sơ (tạm dừng tính thời hạn)"),
        _with_reason(S.dossier_request_supplement),
        ReasonInput,
    ),
    "supplement": _transition(
        "DossierSupplementApi",
        gettext_lazy("Bổ sung hồ sơ (người nộp, hoặc một cửa nhận bản giấy)"),
        lambda actor, dossier, data: S.dossier_supplement(actor=actor, dossier=dossier, form_data=data["form_data"]),
        SupplementInput,
    ),
    "transfer": _transition(
        "DossierTransferApi",
        gettext_lazy("Chuyển liên thông sang cơ quan khác"),
        lambda actor, dossier, data: S.dossier_transfer(
            actor=actor, dossier=dossier, to_agency=_agency(data["to_agency"], "to_agency"), days=data["days"]
        ),
        TransferInput,
    ),
    "stop": _transition(
        "DossierStopApi",
        gettext_lazy("Dừng xử lý theo đề nghị của người nộp"),
        _with_reason(S.dossier_stop),
        ReasonInput,
    ),
    "cancel": _transition(
        "DossierCancelApi", gettext_lazy("Hủy hồ sơ (một cửa)"), _with_reason(S.dossier_cancel), ReasonInput
    ),
    "apologise": _transition(
        "DossierApologiseApi",
        gettext_lazy("Xin lỗi và hẹn lại ngày trả kết quả (một lần)"),
        lambda actor, dossier, data: S.dossier_apologise(
            actor=actor, dossier=dossier, new_due_at=data["new_due_at"], reason=data["reason"]
        ),
        ApologiseInput,
    ),
}
