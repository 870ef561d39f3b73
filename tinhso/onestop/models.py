"""The one-stop shop: the procedure catalogue and the life of a dossier.

Rules: ``../shared/domain/FRAMEWORKS.md`` §2 (Decree 118/2025/NĐ-CP, Circulars 03 and
4/2025/TT-VPCP, Decree 42/2022 on online services, Decree 45/2020 on digitisation).
A procedure's internal workflow is data (:class:`WorkflowStep`), never code, because every
procedure has its own steps and shares of the processing time.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tinhso.core.text import clean, fold
from tinhso.org.models import Agency
from tinhso.org.roles import Role


class AuthorityLevel(models.TextChoices):
    PROVINCE = "province", _("Cấp tỉnh")
    COMMUNE = "commune", _("Cấp xã")


class OnlineLevel(models.TextChoices):
    """Decree 42/2022 (levels 1–4 before): everything online, partly online, or not online."""

    FULL = "full", _("Toàn trình")
    PARTIAL = "partial", _("Một phần")
    NONE = "none", _("Không cung cấp trực tuyến")


# What an e-form field may be filled in with from the applicant's account ("prefill" in
# Procedure.form_fields), so that a citizen does not type again what the platform knows.
PREFILL_SOURCES = ("full_name", "personal_id", "phone", "email")


class Procedure(models.Model):
    """Thủ tục hành chính, by its national catalogue code (e.g. 1.001234.000.00.00.H12)."""

    code = models.CharField(_("mã thủ tục"), max_length=40, unique=True)
    name = models.CharField(_("tên thủ tục"), max_length=500)
    field = models.CharField(_("lĩnh vực"), max_length=200)
    authority_level = models.CharField(_("cấp thực hiện"), max_length=10, choices=AuthorityLevel.choices)
    agencies = models.ManyToManyField(Agency, verbose_name=_("cơ quan thực hiện"), related_name="procedures")
    online_level = models.CharField(_("mức độ trực tuyến"), max_length=10, choices=OnlineLevel.choices)
    not_full_reason = models.TextField(
        _("lý do chưa cung cấp toàn trình"),
        blank=True,
        help_text=_("Bắt buộc công khai khi thủ tục không cung cấp trực tuyến toàn trình (Nghị định 224/2026)."),
    )
    processing_days = models.DecimalField(
        _("thời hạn giải quyết (ngày làm việc)"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )
    receipt_cutoff_hour = models.PositiveSmallIntegerField(
        _("giờ chốt tiếp nhận trong ngày"),
        null=True,
        blank=True,
        help_text=_("Hồ sơ tiếp nhận sau giờ này được tính từ ngày làm việc tiếp theo (ví dụ 15)."),
    )
    fee_vnd = models.PositiveBigIntegerField(_("phí, lệ phí (đồng)"), default=0)
    fee_note = models.CharField(_("ghi chú về phí, lệ phí"), max_length=500, blank=True)
    result_type = models.CharField(_("kết quả giải quyết"), max_length=300)
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)
    form_fields = models.JSONField(
        _("trường của tờ khai điện tử"),
        default=list,
        blank=True,
        help_text=_(
            "Danh sách trường: name, label, type (text, number, date, email, phone, personal_id, select), "
            "required, options, max_length, prefill (full_name, personal_id, phone, email: điền sẵn từ "
            "tài khoản người nộp)."
        ),
    )
    active = models.BooleanField(_("đang áp dụng"), default=True)
    name_folded = models.CharField(max_length=500, editable=False, db_index=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["field", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(online_level="full") | ~Q(not_full_reason=""),
                name="procedure_reason_when_not_full",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.name = clean(self.name)
        self.name_folded = fold(f"{self.code} {self.name} {self.field}")
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class CurrentRequirementManager(models.Manager["DocumentRequirement"]):
    """The requirements in force: what ``procedure.documents``, the e-form, the export and the
    completeness checks see. Retired ones stay reachable from the files that name them (a
    foreign key is read through the base manager) and through ``DocumentRequirement.every``."""

    def get_queryset(self) -> models.QuerySet[DocumentRequirement]:
        return super().get_queryset().filter(retired_at__isnull=True)


class DocumentRequirement(models.Model):
    """Thành phần hồ sơ.

    A requirement that dossier files refer to is never deleted: when the catalogue drops it,
    it is retired (``retired_at``), so that every filed component keeps naming what it was
    filed as; an import that lists it again brings it back.
    """

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.CASCADE, related_name="documents"
    )
    name = models.CharField(_("tên giấy tờ"), max_length=500)
    required = models.BooleanField(_("bắt buộc"), default=True)
    copies = models.PositiveSmallIntegerField(_("số bản"), default=1)
    order = models.PositiveSmallIntegerField(default=0)
    retired_at = models.DateTimeField(_("ngừng áp dụng từ"), null=True, blank=True)

    every = models.Manager()
    objects = CurrentRequirementManager()

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["procedure", "order"]
        default_manager_name = "objects"
        base_manager_name = "every"

    def __str__(self) -> str:
        return self.name


class StepAction(models.TextChoices):
    RECEIVE = "receive", _("Tiếp nhận")
    FORWARD = "forward", _("Chuyển xử lý")
    ASSIGN = "assign", _("Phân công")
    REVIEW = "review", _("Thẩm định")
    APPROVE = "approve", _("Phê duyệt")
    RETURN_RESULT = "return_result", _("Trả kết quả")


class WorkflowStep(models.Model):
    """One step of a procedure's internal workflow: who acts and what share of the time it has.

    E.g. Hà Tĩnh QĐ 2904/QĐ-UBND 2025: receive → forward (0.25 day) → assign (0.25) → review
    (0.5) → head of agency (0.5) → approval (1.5) → return the result.
    """

    procedure = models.ForeignKey(Procedure, verbose_name=_("thủ tục"), on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("thứ tự"))
    action = models.CharField(_("thao tác"), max_length=20, choices=StepAction.choices)
    name = models.CharField(_("tên bước"), max_length=200)
    role = models.CharField(_("vai trò thực hiện"), max_length=20, choices=Role.choices)
    days = models.DecimalField(
        _("thời gian (ngày làm việc)"), max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )

    class Meta:
        verbose_name = _("bước quy trình")
        verbose_name_plural = _("bước quy trình")
        ordering = ["procedure", "order"]
        constraints = [models.UniqueConstraint(fields=["procedure", "order"], name="workflow_step_order_unique")]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class Channel(models.TextChoices):
    ONLINE = "online", _("Trực tuyến")
    COUNTER = "counter", _("Trực tiếp")
    POSTAL = "postal", _("Bưu chính công ích")


class DossierState(models.TextChoices):
    SUBMITTED = "submitted", _("Đã nộp trực tuyến, chờ tiếp nhận")
    RECEIVED = "received", _("Đã tiếp nhận")
    FORWARDED = "forwarded", _("Đã chuyển xử lý")
    ASSIGNED = "assigned", _("Đã phân công")
    UNDER_REVIEW = "under_review", _("Đang thẩm định")
    PENDING_APPROVAL = "pending_approval", _("Chờ phê duyệt")
    SUPPLEMENT_REQUESTED = "supplement_requested", _("Chờ bổ sung hồ sơ")
    TRANSFERRED = "transferred", _("Chuyển liên thông")
    APPROVED = "approved", _("Đã phê duyệt, chờ trả kết quả")
    REFUSED = "refused", _("Từ chối giải quyết")
    RESULT_RETURNED = "result_returned", _("Đã trả kết quả")
    STOPPED = "stopped", _("Dừng xử lý theo đề nghị")
    CANCELLED = "cancelled", _("Đã hủy")


class Dossier(models.Model):
    """Hồ sơ: one application under one procedure.

    States (transitions are services in ``services.py``, each allowed only from the states
    listed and to the roles named there):

    - ``submitted`` — filed online, awaiting the one-stop desk's check;
    - ``received`` — accepted at the desk (receipt with code and due date issued);
    - ``forwarded`` → ``assigned`` → ``under_review`` → ``pending_approval``;
    - ``supplement_requested`` — the clock stops until the applicant supplements, then the
      dossier goes back to the state it left;
    - ``transferred`` — sent to another agency (liên thông) for its share of the work;
    - ``approved`` or ``refused`` (with a reason) → ``result_returned``;
    - ``stopped`` at the applicant's request, ``cancelled``.
    """

    code = models.CharField(_("mã hồ sơ"), max_length=60)  # unique: see Meta.constraints
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.PROTECT, related_name="dossiers"
    )
    receiving_agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan tiếp nhận"),
        on_delete=models.PROTECT,
        related_name="dossiers",
        db_column="agency_id",  # the column keeps the field's first name: renaming rewrites no table
    )
    handling_agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan đang xử lý"),
        on_delete=models.PROTECT,
        related_name="handled_dossiers",
        db_index=False,
    )  # leads dossier_queue
    channel = models.CharField(_("kênh nộp"), max_length=10, choices=Channel.choices)
    state = models.CharField(_("trạng thái"), max_length=24, choices=DossierState.choices)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản người nộp"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dossiers",
        db_index=False,
    )  # leads dossier_applicant
    applicant_name = models.CharField(_("người nộp"), max_length=200)
    applicant_personal_id = models.CharField(_("số định danh"), max_length=20, blank=True)
    applicant_phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("thư điện tử"), blank=True)
    form_data = models.JSONField(_("tờ khai"), default=dict, blank=True)
    # unique: see Meta.constraints
    idempotency_key = models.CharField(_("mã chống gửi trùng"), max_length=80, null=True, blank=True)
    submitted_at = models.DateTimeField(_("nộp lúc"), null=True, blank=True)
    received_at = models.DateTimeField(_("tiếp nhận lúc"), null=True, blank=True)
    due_at = models.DateTimeField(_("hẹn trả kết quả"), null=True, blank=True)
    original_due_at = models.DateTimeField(_("hẹn trả ban đầu"), null=True, blank=True)
    due_reset_count = models.PositiveSmallIntegerField(_("số lần hẹn lại"), default=0)
    paused_at = models.DateTimeField(_("tạm dừng từ"), null=True, blank=True)
    # Working days are computed to a millionth of a day (tinhso.core.workdays).
    paused_working_days = models.DecimalField(
        _("số ngày làm việc tạm dừng"), max_digits=14, decimal_places=6, default=Decimal(0)
    )
    supplement_requests = models.PositiveSmallIntegerField(_("số lần yêu cầu bổ sung"), default=0)
    state_before_pause = models.CharField(_("trạng thái trước khi tạm dừng"), max_length=24, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xử lý"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_dossiers",
    )
    decided_at = models.DateTimeField(_("quyết định lúc"), null=True, blank=True)
    refusal_reason = models.TextField(_("lý do từ chối"), blank=True)
    completed_at = models.DateTimeField(_("trả kết quả lúc"), null=True, blank=True)
    fee_vnd = models.PositiveBigIntegerField(_("phí, lệ phí (đồng)"), default=0)
    # Set by the late-dossier job when the deadline is one working day away or past.
    at_risk_since = models.DateTimeField(_("cảnh báo sắp quá hạn từ"), null=True, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        ordering = ["-created_at"]
        # Every online filing writes a row in each index: only the ones the reads use. Unique
        # values and states are indexed by constraints and Meta indexes, which on PostgreSQL
        # (unlike unique=True and db_index=True on a text field) do not add a second
        # "LIKE prefix" index that no query uses; foreign keys leading a composite index have
        # no index of their own.
        indexes = [
            models.Index(fields=["handling_agency", "state", "due_at"], name="dossier_queue"),
            models.Index(fields=["applicant", "-created_at"], name="dossier_applicant"),
            models.Index(fields=["state"], name="dossier_state"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="dossier_code_unique"),
            models.UniqueConstraint(fields=["idempotency_key"], name="dossier_idempotency_key_unique"),
        ]

    def __str__(self) -> str:
        return self.code


class DossierEvent(models.Model):
    """Every transition of a dossier: who, what, from which state to which, and when; and, when
    the actor acted under a delegation (ủy quyền), which one: on whose behalf, KT. or TUQ."""

    dossier = models.ForeignKey(Dossier, verbose_name=_("hồ sơ"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=40)
    from_state = models.CharField(max_length=24, blank=True)
    to_state = models.CharField(max_length=24)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.TextField(blank=True)
    at = models.DateTimeField()
    delegation = models.ForeignKey("org.Delegation", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("diễn biến hồ sơ")
        verbose_name_plural = _("diễn biến hồ sơ")
        ordering = ["dossier", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.from_state} → {self.to_state}"


class DossierSequence(models.Model):
    """A numbered counter per key and day, incremented under a row lock so numbers never repeat:
    dossier codes per agency and day (Circular 4/2025/TT-VPCP: ``<agency id>-YYMMDD-<sequence>``,
    the key is the agency id) and fee receipt numbers per year (key ``receipt:BL``, 1 January)."""

    agency_code = models.CharField(max_length=40)
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency_code", "day"], name="dossier_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.agency_code} {self.day}: {self.last}"


# --- files, payments, ratings, notifications --------------------------------------------------


class FileKind(models.TextChoices):
    COMPONENT = "component", _("Thành phần hồ sơ")
    DRAFT = "draft", _("Dự thảo kết quả")
    RESULT = "result", _("Kết quả giải quyết")


def dossier_file_path(instance: DossierFile, filename: str) -> str:
    """Stored names never carry what the user typed: ``dossiers/<dossier id>/<random>.<ext>``."""
    import secrets
    from pathlib import PurePath

    suffix = PurePath(filename).suffix.lower()[:10]
    return f"dossiers/{instance.dossier_id}/{secrets.token_hex(16)}{suffix}"


class DossierFile(models.Model):
    """A file of a dossier, kept through Django's storage API (disk by default, S3-compatible in
    production): a component the applicant or the desk provided, the draft of the result the
    handler prepares for the approver (at most one per dossier, never shown to the applicant), or
    the result: the draft as approved, signed.

    ``digitised`` is the mark of Decree 118/2025 art. 17 (an electronic copy matching the
    original). A citizen's earlier digitised component can be reused in a new dossier: the new
    row points at the same stored file and records where it came from.
    """

    dossier = models.ForeignKey(Dossier, verbose_name=_("hồ sơ"), on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("loại"), max_length=10, choices=FileKind.choices, default=FileKind.COMPONENT)
    requirement = models.ForeignKey(
        DocumentRequirement,
        verbose_name=_("thành phần hồ sơ"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    file = models.FileField(_("tệp"), upload_to=dossier_file_path, max_length=300)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(_("định dạng"), max_length=100)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64, db_index=True)
    digitised = models.BooleanField(_("đã số hóa"), default=False)
    signed = models.BooleanField(_("đã ký số"), default=False)
    verification_token = models.CharField(_("mã xác minh"), max_length=64, null=True, blank=True, unique=True)
    reused_from = models.ForeignKey(
        "self", verbose_name=_("dùng lại từ tệp"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chủ sở hữu"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dossier_files",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tải lên"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("tệp hồ sơ")
        verbose_name_plural = _("tệp hồ sơ")
        ordering = ["dossier", "kind", "pk"]
        indexes = [models.Index(fields=["owner", "digitised"], name="dossier_file_owner")]
        constraints = [
            models.UniqueConstraint(fields=["dossier"], condition=Q(kind="draft"), name="dossier_file_one_draft"),
        ]

    def __str__(self) -> str:
        # Not the uploaded name: people name scans after themselves ("CCCD Nguyen Van An.pdf"),
        # and this shows wherever a file is named (the admin's titles, logs).
        return f"{FileKind(self.kind).label} #{self.pk}"


class PaymentMethod(models.TextChoices):
    ONLINE = "online", _("Thanh toán trực tuyến")
    COUNTER = "counter", _("Nộp tại quầy")


class PaymentState(models.TextChoices):
    PENDING = "pending", _("Chờ thanh toán")
    PAID = "paid", _("Đã thanh toán")
    FAILED = "failed", _("Không thành công")


class Payment(models.Model):
    """A fee payment of a dossier; at most one paid payment per dossier (a database constraint)."""

    dossier = models.ForeignKey(Dossier, verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="payments")
    amount_vnd = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    method = models.CharField(_("hình thức"), max_length=10, choices=PaymentMethod.choices)
    provider = models.CharField(_("cổng thanh toán"), max_length=40, blank=True)
    reference = models.CharField(_("mã giao dịch"), max_length=64, unique=True)
    provider_transaction = models.CharField(_("mã giao dịch của cổng"), max_length=100, blank=True)
    state = models.CharField(_("trạng thái"), max_length=10, choices=PaymentState.choices, default=PaymentState.PENDING)
    receipt_number = models.CharField(_("số biên lai"), max_length=40, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tạo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    paid_at = models.DateTimeField(_("thanh toán lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thanh toán")
        verbose_name_plural = _("thanh toán")
        ordering = ["dossier", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["dossier"], condition=Q(state="paid"), name="payment_one_paid"),
        ]

    def __str__(self) -> str:
        return self.reference


class FeeWaiverReason(models.TextChoices):
    EXEMPT = "exempt", _("Được miễn phí, lệ phí")
    PAID_ELSEWHERE = "paid_elsewhere", _("Đã thu trực tiếp (ngoài hệ thống)")


class FeeWaiver(models.Model):
    """Why a dossier's fee is not collected through the platform, recorded by the one-stop desk:
    the applicant is exempt, or paid at the counter or elsewhere (with that receipt's number).
    Once recorded the fee is no longer due and the result may be returned; one per dossier."""

    dossier = models.OneToOneField(
        Dossier, verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="fee_waiver"
    )
    reason = models.CharField(_("lý do"), max_length=20, choices=FeeWaiverReason.choices)
    receipt_number = models.CharField(_("số biên lai"), max_length=40, blank=True)
    note = models.TextField(_("ghi chú"))
    amount_vnd = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người ghi nhận"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("ghi nhận lúc"))

    class Meta:
        verbose_name = _("ghi nhận không thu phí trực tuyến")
        verbose_name_plural = _("ghi nhận không thu phí trực tuyến")
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason="paid_elsewhere") | ~Q(receipt_number=""),
                name="fee_waiver_receipt_when_paid_elsewhere",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.reason}"


class Rating(models.Model):
    """The applicant's rating of the service, once, after the result is returned."""

    dossier = models.OneToOneField(Dossier, verbose_name=_("hồ sơ"), on_delete=models.CASCADE, related_name="rating")
    score = models.PositiveSmallIntegerField(_("mức độ hài lòng"))
    comment = models.TextField(_("góp ý"), blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người đánh giá"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("đánh giá")
        verbose_name_plural = _("đánh giá")
        constraints = [
            models.CheckConstraint(condition=Q(score__gte=1) & Q(score__lte=5), name="rating_score_1_5"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.score}"


class NotificationChannel(models.TextChoices):
    EMAIL = "email", _("Thư điện tử")
    SMS = "sms", _("Tin nhắn SMS")
    ZALO = "zalo", _("Zalo")


class NotificationState(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Gửi lỗi")


class Notification(models.Model):
    """An outgoing message about a dossier (outbox): written in the transition's transaction,
    sent afterwards by a background task, so a failed send never undoes a transition."""

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("hồ sơ"), on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    channel = models.CharField(_("kênh"), max_length=10, choices=NotificationChannel.choices)
    recipient = models.CharField(_("người nhận"), max_length=254)
    subject = models.CharField(_("tiêu đề"), max_length=300, blank=True)
    body = models.TextField(_("nội dung"))
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=NotificationState.choices, default=NotificationState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    error = models.TextField(_("lỗi"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state"], name="notification_state")]  # no "LIKE" twin (see Dossier)

    def __str__(self) -> str:
        return f"{self.channel}: {self.subject}"
