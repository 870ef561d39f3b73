"""A province's digital-transformation programme: its targets and tasks, and the agencies'
periodic reports on them.

Texts are kept as written in the scheme (``*_text`` fields: "Sở TT&TT", "UBND huyện, thành
phố") beside the agency they were matched to, because the document is the legal reference and
the agency may since have merged; the current responsible agency follows from the agency's
succession (``tinhso.org.selectors.agency_successor_on``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tinhso.core.text import clean, fold
from tinhso.indicators.models import Indicator
from tinhso.org.models import AdministrativeUnit, Agency


class ColumnMapping(models.Model):
    """What each column of a table is, said once by a user for a table the importer could not
    classify, and applied to every later table of the same header shape in the province.

    ``signature`` is the header row folded (``importing.headers.header_signature``); ``columns``
    holds one entry per column, by index: ``{"role": ..., "phase": ..., "year": ...}``, or None
    for a column left out. Scoped to today's province (the one carrying the schemes on), since
    another province's tables of the same shape may mean something else.
    """

    province = models.ForeignKey(AdministrativeUnit, on_delete=models.CASCADE, related_name="+")
    signature = models.TextField(_("dạng dòng tiêu đề"))
    digest = models.CharField(max_length=64, editable=False)
    header = models.JSONField(_("tiêu đề các cột như văn bản"), default=list)
    columns = models.JSONField(_("vai trò các cột"), default=list)
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    saved_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ánh xạ cột bảng")
        verbose_name_plural = _("ánh xạ cột bảng")
        constraints = [models.UniqueConstraint(fields=["province", "digest"], name="column_mapping_unique")]

    def __str__(self) -> str:
        return " | ".join(self.header)[:120]

    def save(self, *args: object, **kwargs: object) -> None:
        import hashlib

        self.digest = hashlib.sha256(self.signature.encode()).hexdigest()
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Programme(models.Model):
    """Đề án / Kế hoạch chuyển đổi số, issued by a decision."""

    title = models.CharField(_("tên đề án, kế hoạch"), max_length=500)
    decision_number = models.CharField(_("số quyết định"), max_length=60, blank=True)
    decision_date = models.DateField(_("ngày ký"), null=True, blank=True)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=255, blank=True)
    owner = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan chủ quản hiện nay"),
        on_delete=models.PROTECT,
        related_name="programmes",
        help_text=_("Cơ quan đang thực hiện đề án (sau sáp nhập: UBND tỉnh mới)."),
    )
    province = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("tỉnh ban hành"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Tỉnh ban hành đề án, theo địa giới tại thời điểm ban hành."),
    )
    period_start = models.PositiveSmallIntegerField(_("từ năm"))
    period_end = models.PositiveSmallIntegerField(_("đến năm"))
    created_at = models.DateTimeField(auto_now_add=True)
    # A derived plan (a commune's or a department's yearly plan) implements its parent's tasks
    # and targets: see tinhso.programme.cascade. PROTECT: a scheme with plans under it stays.
    parent = models.ForeignKey(
        "self",
        verbose_name=_("kế hoạch cấp trên"),
        on_delete=models.PROTECT,
        related_name="derived",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("đề án, kế hoạch chuyển đổi số")
        verbose_name_plural = _("đề án, kế hoạch chuyển đổi số")
        ordering = ["-decision_date", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "owner", "period_start"],
                condition=Q(parent__isnull=False),
                name="programme_derived_once_a_year",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class PillarCode(models.TextChoices):
    DIGITAL_GOVERNMENT = "digital_government", _("Chính quyền số")
    DIGITAL_ECONOMY = "digital_economy", _("Kinh tế số")
    DIGITAL_SOCIETY = "digital_society", _("Xã hội số")
    FOUNDATION = "foundation", _("Nền tảng")


class Pillar(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="pillars")
    code = models.CharField(_("trụ cột"), max_length=30, choices=PillarCode.choices)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("trụ cột")
        verbose_name_plural = _("trụ cột")
        ordering = ["programme", "order"]
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="pillar_unique")]

    def __str__(self) -> str:
        return self.get_code_display()


class Comparator(models.TextChoices):
    GT = ">", _("trên")
    GTE = ">=", _("tối thiểu")
    EQ = "=", _("đạt")
    LTE = "<=", _("không quá")
    LT = "<", _("dưới")


class Level(models.TextChoices):
    PROVINCE = "province", _("cấp tỉnh")
    DISTRICT = "district", _("cấp huyện")
    COMMUNE = "commune", _("cấp xã")


class Target(models.Model):
    """Chỉ tiêu: a sentence of the scheme with a number to reach by a year."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="targets")
    pillar = models.ForeignKey(Pillar, on_delete=models.PROTECT, related_name="targets", null=True, blank=True)
    code = models.CharField(_("mã chỉ tiêu"), max_length=40)
    text = models.TextField(_("chỉ tiêu (như văn bản)"))
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("chỉ số"),
        on_delete=models.PROTECT,
        related_name="targets",
        null=True,
        blank=True,
    )
    baseline_value = models.DecimalField(_("giá trị cơ sở"), max_digits=18, decimal_places=4, null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("năm cơ sở"), null=True, blank=True)
    unit = models.CharField(_("đơn vị tính"), max_length=60, blank=True)
    tracking_agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan theo dõi"),
        on_delete=models.PROTECT,
        related_name="tracked_targets",
        null=True,
        blank=True,
    )
    tracking_agency_text = models.CharField(_("cơ quan theo dõi (như văn bản)"), max_length=500, blank=True)
    partner_agencies = models.ManyToManyField(
        Agency, verbose_name=_("cơ quan phối hợp"), blank=True, related_name="partner_targets"
    )
    partner_agencies_text = models.JSONField(_("cơ quan phối hợp (như văn bản)"), default=list, blank=True)
    order = models.PositiveIntegerField(default=0)
    text_folded = models.TextField(editable=False, default="")
    source_target = models.ForeignKey(
        "self",
        verbose_name=_("chỉ tiêu của kế hoạch cấp trên"),
        on_delete=models.SET_NULL,
        related_name="derived_targets",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["programme", "order"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="target_code_unique"),
            models.UniqueConstraint(
                fields=["programme", "source_target"],
                condition=Q(source_target__isnull=False),
                name="target_derived_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.text[:80]}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.text = clean(self.text)
        self.text_folded = fold(self.text)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Milestone(models.Model):
    """The value a target must reach by ``year`` — for one level when the scheme splits it."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="milestones")
    year = models.PositiveSmallIntegerField(_("năm"))
    comparator = models.CharField(_("so sánh"), max_length=2, choices=Comparator.choices, default=Comparator.GTE)
    value = models.DecimalField(_("giá trị"), max_digits=18, decimal_places=4, null=True, blank=True)
    unit = models.CharField(_("đơn vị tính"), max_length=60, blank=True)
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices, blank=True)
    text = models.TextField(_("như văn bản"), blank=True)

    class Meta:
        verbose_name = _("mốc chỉ tiêu")
        verbose_name_plural = _("mốc chỉ tiêu")
        ordering = ["target", "year", "level"]
        constraints = [
            models.UniqueConstraint(fields=["target", "year", "level"], name="milestone_unique"),
            models.CheckConstraint(condition=Q(value__isnull=True) | Q(value__gte=0), name="milestone_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.comparator} {self.value}{self.unit}"


class TaskKind(models.TextChoices):
    TASK = "task", _("Nhiệm vụ, dự án")
    ACTION = "action", _("Nhiệm vụ cụ thể")


class Task(models.Model):
    """Nhiệm vụ / dự án with a hierarchical code (CQS2 → CQS2.1); the schemes' "nhiệm vụ cụ
    thể" appendices list actions under a task (``kind="action"``)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="tasks")
    pillar = models.ForeignKey(Pillar, on_delete=models.PROTECT, related_name="tasks", null=True, blank=True)
    code = models.CharField(_("mã nhiệm vụ"), max_length=40)
    parent = models.ForeignKey("self", on_delete=models.CASCADE, related_name="children", null=True, blank=True)
    name = models.TextField(_("nhiệm vụ"))
    content_items = models.JSONField(_("nội dung"), default=list, blank=True)
    lead_agency = models.ForeignKey(
        Agency,
        verbose_name=_("đơn vị chủ trì"),
        on_delete=models.PROTECT,
        related_name="led_tasks",
        null=True,
        blank=True,
    )
    lead_agency_text = models.CharField(_("đơn vị chủ trì (như văn bản)"), max_length=500, blank=True)
    partner_agencies = models.ManyToManyField(
        Agency, verbose_name=_("đơn vị phối hợp"), blank=True, related_name="partner_tasks"
    )
    partner_agencies_text = models.JSONField(_("đơn vị phối hợp (như văn bản)"), default=list, blank=True)
    timeline_start = models.PositiveSmallIntegerField(_("bắt đầu"), null=True, blank=True)
    timeline_end = models.PositiveSmallIntegerField(_("kết thúc"), null=True, blank=True)
    recurring = models.BooleanField(_("hằng năm"), default=False)
    funding_source = models.CharField(_("nguồn vốn"), max_length=500, blank=True)
    phase = models.CharField(_("giai đoạn"), max_length=20, blank=True)
    appendix = models.CharField(_("phụ lục"), max_length=20, blank=True)
    kind = models.CharField(_("loại"), max_length=10, choices=TaskKind.choices, default="task")
    deliverable = models.TextField(_("sản phẩm"), blank=True)
    note = models.TextField(_("ghi chú"), blank=True)
    order = models.PositiveIntegerField(default=0)
    name_folded = models.TextField(editable=False, default="")
    source_task = models.ForeignKey(
        "self",
        verbose_name=_("nhiệm vụ của kế hoạch cấp trên"),
        on_delete=models.SET_NULL,
        related_name="derived_tasks",
        null=True,
        blank=True,
        help_text=_("Nhiệm vụ của kế hoạch cấp trên mà nhiệm vụ này thực hiện."),
    )

    class Meta:
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        ordering = ["programme", "order"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "appendix", "code"], name="task_code_unique"),
            models.UniqueConstraint(
                fields=["programme", "source_task"],
                condition=Q(source_task__isnull=False),
                name="task_derived_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.name[:80]}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.name = clean(self.name)
        self.name_folded = fold(f"{self.code} {self.name}")
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Budget(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="budgets")
    phase = models.CharField(_("giai đoạn"), max_length=20)
    amount_million_vnd = models.DecimalField(_("kinh phí (triệu đồng)"), max_digits=18, decimal_places=3)

    class Meta:
        verbose_name = _("kinh phí")
        verbose_name_plural = _("kinh phí")
        constraints = [
            models.UniqueConstraint(fields=["task", "phase"], name="budget_unique"),
            models.CheckConstraint(condition=Q(amount_million_vnd__gte=0), name="budget_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.phase}: {self.amount_million_vnd} triệu đồng"


class AgencyNameMapping(models.Model):
    """A name as written in documents, mapped once by a user to an agency and remembered.

    Scoped to a province (as it was when the document was issued), since "Sở Tài chính"
    means a different agency in every province.
    """

    province = models.ForeignKey(AdministrativeUnit, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(_("tên như văn bản"), max_length=500)
    text_folded = models.CharField(max_length=500, editable=False)
    agency = models.ForeignKey(
        Agency,
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
        help_text=_("Để trống nếu đây là cụm từ chung, không phải một cơ quan."),
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ánh xạ tên cơ quan")
        verbose_name_plural = _("ánh xạ tên cơ quan")
        constraints = [models.UniqueConstraint(fields=["province", "text_folded"], name="agency_mapping_unique")]

    def __str__(self) -> str:
        return f"{self.text} → {self.agency or '—'}"

    def save(self, *args: object, **kwargs: object) -> None:
        self.text = clean(self.text)
        self.text_folded = fold(self.text)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Đang mở")
    CLOSED = "closed", _("Đã đóng")


class ReportingRound(models.Model):
    """Kỳ báo cáo, e.g. 2025-H1: agencies report between opening and ``due_date``; data as of
    ``cutoff_date``. States: open → closed (no report can change once closed)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="rounds")
    period = models.CharField(_("kỳ"), max_length=10, help_text=_("Ví dụ 2025-H1, 2025-H2, 2025"))
    period_start = models.DateField(_("từ ngày"))
    period_end = models.DateField(_("đến ngày"))
    cutoff_date = models.DateField(_("ngày chốt số liệu"))
    due_date = models.DateField(_("hạn nộp báo cáo"))
    status = models.CharField(_("trạng thái"), max_length=10, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("kỳ báo cáo")
        verbose_name_plural = _("kỳ báo cáo")
        ordering = ["programme", "period_end"]
        constraints = [models.UniqueConstraint(fields=["programme", "period"], name="round_period_unique")]

    def __str__(self) -> str:
        return f"{self.programme} – {self.period}"


class ReportState(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    SUBMITTED = "submitted", _("Đã gửi")
    RETURNED = "returned", _("Trả lại để bổ sung")
    APPROVED = "approved", _("Đã duyệt")


class TaskStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("Chưa triển khai")
    IN_PROGRESS = "in_progress", _("Đang triển khai")
    DONE = "done", _("Hoàn thành")
    LATE = "late", _("Chậm tiến độ")
    DROPPED = "dropped", _("Dừng thực hiện")


class ReportBase(models.Model):
    """Shared by task and target reports. States: draft → submitted → approved, or
    submitted → returned (with a comment) → submitted again. Only the DX office approves or
    returns; only the reporting agency edits, and only in draft or returned."""

    round = models.ForeignKey(ReportingRound, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey(Agency, verbose_name=_("cơ quan báo cáo"), on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("trạng thái"), max_length=10, choices=ReportState.choices, default=ReportState.DRAFT)
    narrative = models.TextField(_("thuyết minh"), blank=True)
    links = models.JSONField(_("liên kết minh chứng"), default=list, blank=True)
    submitted_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    late = models.BooleanField(_("nộp muộn"), default=False)
    review_comment = models.TextField(_("ý kiến của cơ quan chuyên trách"), blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class TaskReport(ReportBase):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="reports")
    status = models.CharField(
        _("tình trạng"),
        max_length=12,
        choices=TaskStatus.choices,
        default=TaskStatus.NOT_STARTED,
    )
    percent_done = models.PositiveSmallIntegerField(_("% hoàn thành"), default=0)

    class Meta:
        verbose_name = _("báo cáo nhiệm vụ")
        verbose_name_plural = _("báo cáo nhiệm vụ")
        constraints = [
            models.UniqueConstraint(fields=["round", "task"], name="task_report_unique"),
            models.CheckConstraint(condition=Q(percent_done__lte=100), name="task_report_percent"),
        ]

    def __str__(self) -> str:
        return f"{self.round.period} – {self.task.code}"


class TargetReport(ReportBase):
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="reports")
    value = models.DecimalField(_("giá trị đạt được"), max_digits=18, decimal_places=4, null=True, blank=True)
    level_values = models.JSONField(
        _("giá trị theo cấp"),
        default=dict,
        blank=True,
        help_text=_('Khi chỉ tiêu tách theo cấp: {"province": 92, "commune": 61}'),
    )
    as_of = models.DateField(_("số liệu tính đến ngày"), null=True, blank=True)
    source = models.CharField(_("nguồn số liệu"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("báo cáo chỉ tiêu")
        verbose_name_plural = _("báo cáo chỉ tiêu")
        constraints = [models.UniqueConstraint(fields=["round", "target"], name="target_report_unique")]

    def __str__(self) -> str:
        return f"{self.round.period} – {self.target.code}"


def evidence_path(instance: Evidence, filename: str) -> str:
    return f"programme/evidence/{instance.round_id}/{filename}"


class Evidence(models.Model):
    """A file proving a report (stored through Django's storage API)."""

    round = models.ForeignKey(ReportingRound, on_delete=models.CASCADE, related_name="evidence")
    task_report = models.ForeignKey(TaskReport, on_delete=models.CASCADE, null=True, blank=True, related_name="files")
    target_report = models.ForeignKey(
        TargetReport, on_delete=models.CASCADE, null=True, blank=True, related_name="files"
    )
    file = models.FileField(_("tệp"), upload_to=evidence_path)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    # Detected from the content at upload; empty for files kept before it was recorded.
    content_type = models.CharField(_("định dạng"), max_length=100, blank=True, default="")
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("minh chứng")
        verbose_name_plural = _("minh chứng")
        constraints = [
            models.CheckConstraint(
                condition=Q(task_report__isnull=False, target_report__isnull=True)
                | Q(task_report__isnull=True, target_report__isnull=False),
                name="evidence_one_report",
            ),
        ]

    def __str__(self) -> str:
        return self.original_name


class Comment(models.Model):
    """A note by a lead or partner agency on a task or target (partners read and comment)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, null=True, blank=True, related_name="comments")
    target = models.ForeignKey(Target, on_delete=models.CASCADE, null=True, blank=True, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("nội dung"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ý kiến")
        verbose_name_plural = _("ý kiến")
        ordering = ["created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(task__isnull=False, target__isnull=True) | Q(task__isnull=True, target__isnull=False),
                name="comment_one_subject",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class ReminderKind(models.TextChoices):
    BEFORE_DUE = "before_due", _("Nhắc trước hạn")
    OVERDUE = "overdue", _("Đôn đốc quá hạn")
    RETURNED = "returned", _("Báo cáo bị trả lại")


class Reminder(models.Model):
    """One reminder sent to one agency for one round on one day: the row makes the job safe to
    retry and run on several workers (the unique constraint lets only one of them send)."""

    round = models.ForeignKey(ReportingRound, on_delete=models.CASCADE, related_name="reminders")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=ReminderKind.choices)
    sent_on = models.DateField()
    recipients = models.JSONField(default=list)
    pending = models.PositiveIntegerField(_("số báo cáo chưa gửi"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("nhắc việc")
        verbose_name_plural = _("nhắc việc")
        constraints = [
            models.UniqueConstraint(fields=["round", "agency", "kind", "sent_on"], name="reminder_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"{self.round} – {self.agency} – {self.kind} – {self.sent_on}"
