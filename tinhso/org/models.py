"""Places, agencies, people and the roles people hold on agencies.

Administrative units and agencies are kept with their validity dates, never rewritten: after
the July 2025 reorganisation the old units (63 provinces, their districts and communes) stay,
closed on 30/6/2025, and a succession row says what each became. Data recorded against an old
unit or agency therefore stays attributable to it and still rolls up into its successor.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar, Self

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tinhso.core import channels
from tinhso.core.text import clean, fold

from .roles import Role

REORGANISATION_DATE = dt.date(2025, 7, 1)


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("Tỉnh, thành phố")
    DISTRICT = "district", _("Huyện, quận, thị xã, thành phố thuộc tỉnh")
    COMMUNE = "commune", _("Xã, phường, thị trấn, đặc khu")


class ValidityQuerySet(models.QuerySet):
    """Rows with ``valid_from``/``valid_to`` (either may be open): those in force on a day."""

    def valid_on(self, day: dt.date) -> Self:
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )


class AdministrativeUnitQuerySet(ValidityQuerySet):
    def current(self) -> Self:
        return self.valid_on(timezone.localdate())


class AdministrativeUnit(models.Model):
    """A province, district or commune as it existed between ``valid_from`` and ``valid_to``.

    ``code`` is the General Statistics Office code (2 digits for a province, 3 for a district,
    5 for a commune). A code is reused across eras (the new Hưng Yên keeps 33), so a code names
    a unit only together with a date.
    """

    code = models.CharField(_("mã"), max_length=10)
    level = models.CharField(_("cấp"), max_length=10, choices=UnitLevel.choices)
    name = models.CharField(_("tên"), max_length=200)
    division_type = models.CharField(_("loại đơn vị"), max_length=40, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    name_folded = models.CharField(max_length=200, editable=False, db_index=True)

    objects = AdministrativeUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        ordering = ["level", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["level", "code"],
                condition=Q(valid_to__isnull=True),
                name="unit_code_unique_current",
            ),
            models.UniqueConstraint(
                fields=["level", "code", "valid_to"],
                name="unit_code_unique_per_era",
            ),
        ]
        indexes = [models.Index(fields=["code", "valid_to"])]

    def __str__(self) -> str:
        if self.valid_to:
            return f"{self.name} ({_('đến')} {self.valid_to:%d/%m/%Y})"
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.name = clean(self.name)
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def is_valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

    @property
    def province(self) -> AdministrativeUnit:
        """The province this unit lies in (itself for a province)."""
        unit = self
        while unit.level != UnitLevel.PROVINCE and unit.parent is not None:
            unit = unit.parent
        return unit


class SuccessionKind(models.TextChoices):
    MERGE = "merge", _("Sáp nhập, hợp nhất")
    SPLIT = "split", _("Chia tách")
    RENAME = "rename", _("Đổi tên")
    ABOLISH = "abolish", _("Kết thúc hoạt động, chuyển giao nhiệm vụ")


class UnitSuccession(models.Model):
    """Old unit → new unit from ``effective_date`` (e.g. Thái Bình → Hưng Yên, 1/7/2025).

    ``partial`` marks an old unit whose territory went to several successors.
    """

    predecessor = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.CASCADE,
        related_name="successions_out",
        verbose_name=_("đơn vị cũ"),
    )
    successor = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.CASCADE,
        related_name="successions_in",
        verbose_name=_("đơn vị mới"),
    )
    effective_date = models.DateField(_("ngày hiệu lực"))
    kind = models.CharField(_("hình thức"), max_length=10, choices=SuccessionKind.choices)
    partial = models.BooleanField(_("một phần"), default=False)
    source = models.CharField(_("căn cứ"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("kế thừa đơn vị hành chính")
        verbose_name_plural = _("kế thừa đơn vị hành chính")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="unit_succession_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.effective_date:%d/%m/%Y})"


class AgencyKind(models.TextChoices):
    PEOPLES_COMMITTEE = "ppc", _("Ủy ban nhân dân")
    DEPARTMENT = "department", _("Sở, ban, ngành")
    DIVISION = "division", _("Phòng, đơn vị trực thuộc")
    SERVICE_CENTRE = "service_centre", _("Trung tâm Phục vụ hành chính công")
    OTHER = "other", _("Cơ quan, đơn vị khác")


class AgencyQuerySet(ValidityQuerySet):
    def active(self) -> Self:
        return self.valid_on(timezone.localdate())

    def subtree_of(self, agencies: models.QuerySet[Agency] | list[Agency]) -> Self:
        """The given agencies and everything below them."""
        condition = Q(pk__in=[])
        for path in {agency.path for agency in agencies}:
            condition |= Q(path__startswith=path)
        return self.filter(condition)


class Agency(models.Model):
    """A body of the local government: UBND tỉnh, a sở and its phòng, the Public
    Administration Service Centre, a UBND xã. Agencies form a tree (``parent``); ``path``
    holds the ids from the root so that a role granted on an agency reaches its whole subtree
    with one indexed prefix query.

    Renaming keeps the agency and adds an :class:`AgencyName` row. A merger closes the old
    agency (``valid_to``) and records an :class:`AgencySuccession` to the one that took it
    over, so a task assigned in 2022 to Thái Bình's Sở Thông tin và Truyền thông can be
    followed to Hưng Yên's Sở Khoa học và Công nghệ.
    """

    key = models.CharField(
        _("khóa"),
        max_length=60,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Khóa ổn định dùng khi nhập dữ liệu (ví dụ hy.skhcn)."),
    )
    name = models.CharField(_("tên"), max_length=255)
    short_name = models.CharField(_("tên viết tắt"), max_length=80, blank=True)
    aliases = models.JSONField(
        _("cách viết khác"),
        default=list,
        blank=True,
        help_text=_("Những cách văn bản thường viết tên cơ quan (ví dụ Sở TT&TT)."),
    )
    code = models.CharField(
        _("mã định danh điện tử"),
        max_length=40,
        blank=True,
        help_text=_("Mã định danh của cơ quan, dùng trong mã hồ sơ (ví dụ H15.50)."),
    )
    kind = models.CharField(_("loại cơ quan"), max_length=20, choices=AgencyKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    unit = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("đơn vị hành chính"),
        on_delete=models.PROTECT,
        related_name="agencies",
    )
    valid_from = models.DateField(_("hoạt động từ"), null=True, blank=True)
    valid_to = models.DateField(_("hoạt động đến"), null=True, blank=True)
    source = models.CharField(
        _("căn cứ"),
        max_length=300,
        blank=True,
        help_text=_("Văn bản quy định cơ quan này, hoặc “theo quy định chung, chưa được tỉnh xác nhận”."),
    )
    confirmed_on = models.DateField(
        _("ngày tỉnh xác nhận"),
        null=True,
        blank=True,
        help_text=_("Ngày tỉnh xác nhận hoặc sửa thông tin cơ quan (trống: dữ liệu sinh theo quy định chung)."),
    )
    path = models.CharField(max_length=255, editable=False, db_index=True)
    name_folded = models.CharField(max_length=255, editable=False, db_index=True)

    objects = AgencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("cơ quan, đơn vị")
        verbose_name_plural = _("cơ quan, đơn vị")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=~Q(code=""),
                name="agency_code_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.name = clean(self.name)
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def is_active_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or day <= self.valid_to)

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]


class AgencyName(models.Model):
    """A name an agency bore between two dates (the current name is on the agency too)."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(_("tên"), max_length=255)
    name_folded = models.CharField(max_length=255, editable=False, db_index=True)
    valid_from = models.DateField(_("từ ngày"), null=True, blank=True)
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("tên gọi qua các thời kỳ")
        verbose_name_plural = _("tên gọi qua các thời kỳ")
        ordering = ["agency", "valid_from"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.name = clean(self.name)
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class AgencySuccession(models.Model):
    """Old agency → the agency that took over its functions from ``effective_date``."""

    predecessor = models.ForeignKey(
        Agency,
        on_delete=models.CASCADE,
        related_name="successions_out",
        verbose_name=_("cơ quan cũ"),
    )
    successor = models.ForeignKey(
        Agency,
        on_delete=models.CASCADE,
        related_name="successions_in",
        verbose_name=_("cơ quan kế thừa"),
    )
    effective_date = models.DateField(_("ngày hiệu lực"))
    kind = models.CharField(_("hình thức"), max_length=10, choices=SuccessionKind.choices)
    source = models.CharField(_("căn cứ"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("kế thừa cơ quan")
        verbose_name_plural = _("kế thừa cơ quan")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="agency_succession_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.effective_date:%d/%m/%Y})"


# Usernames of the accounts citizens make themselves: a random name, never their phone or
# e-mail (the ledger records who acted by username); they sign in with the phone or e-mail.
CITIZEN_USERNAME_PREFIX = "cd-"


class PersonManager(UserManager["Person"]):
    pass


class Person(AbstractUser):
    """Anyone who signs in: civil servants of every agency and citizens.

    ``personal_id`` (the 12-digit số định danh cá nhân) and ``phone`` are personal data:
    lists and logs show them masked (:func:`tinhso.core.privacy.mask_digits`).
    """

    full_name = models.CharField(_("họ và tên"), max_length=150)
    personal_id = models.CharField(
        _("số định danh cá nhân"),
        max_length=12,
        null=True,
        blank=True,
        unique=True,
    )
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    title = models.CharField(_("chức vụ"), max_length=150, blank=True)

    objects: ClassVar[PersonManager] = PersonManager()

    REQUIRED_FIELDS = ["email", "full_name"]

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~Q(email=""),
                name="person_email_unique_ci",
            ),
            # A citizen's account signs in with its confirmed phone: one account per phone.
            models.UniqueConstraint(
                fields=["phone"],
                condition=Q(username__startswith=CITIZEN_USERNAME_PREFIX) & ~Q(phone=""),
                name="person_citizen_phone_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def save(self, *args: object, **kwargs: object) -> None:
        self.full_name = clean(self.full_name)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class RoleAssignmentQuerySet(models.QuerySet["RoleAssignment"]):
    def active(self, day: dt.date | None = None) -> RoleAssignmentQuerySet:
        day = day or timezone.localdate()
        return self.filter(Q(valid_from__lte=day), Q(valid_to__isnull=True) | Q(valid_to__gte=day))


class RoleAssignment(models.Model):
    """``person`` holds ``role`` on ``agency`` and, by cascade, on every agency below it.

    System administrators and citizens hold their role without an agency.
    """

    person = models.ForeignKey(
        Person, verbose_name=_("người dùng"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="role_assignments",
    )
    valid_from = models.DateField(_("từ ngày"), default=timezone.localdate)
    valid_to = models.DateField(_("đến ngày"), null=True, blank=True)
    granted_by = models.ForeignKey(
        Person,
        verbose_name=_("người cấp"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("cấp lúc"), auto_now_add=True)

    objects = RoleAssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("phân quyền")
        verbose_name_plural = _("phân quyền")
        ordering = ["person", "agency", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "role", "agency"],
                condition=Q(valid_to__isnull=True),
                name="role_assignment_unique_open",
            ),
        ]

    def __str__(self) -> str:
        where = self.agency.name if self.agency is not None else _("toàn hệ thống")
        return f"{self.person} – {self.get_role_display()} – {where}"


# --- citizens' accounts (tinhso.org.accounts) -------------------------------------------------


class CodePurpose(models.TextChoices):
    REGISTER = "register", _("Đăng ký tài khoản")
    RESET = "reset", _("Lấy lại mật khẩu")
    LINK = "link", _("Xác minh số định danh")


class OneTimeCode(models.Model):
    """A 6-digit code sent to a phone or an e-mail address, kept only as a keyed hash.

    ``ticket`` is the random token the browser's session holds: the confirm form names the code
    it answers by it, never by the address. States: pending (``used_at`` empty, before
    ``expires_at``, fewer than the maximum ``attempts``), used, expired, exhausted.
    """

    purpose = models.CharField(_("mục đích"), max_length=10, choices=CodePurpose.choices)
    ticket = models.CharField(max_length=64, unique=True)
    channel = models.CharField(_("kênh"), max_length=10)
    destination_digest = models.CharField(max_length=64, db_index=True)
    destination_masked = models.CharField(_("gửi đến"), max_length=120)
    code_digest = models.CharField(max_length=64)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("tạo lúc"))
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    attempts = models.PositiveSmallIntegerField(_("số lần nhập sai"), default=0)
    used_at = models.DateTimeField(_("dùng lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("mã xác nhận")
        verbose_name_plural = _("mã xác nhận")

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} → {self.destination_masked}"


class Consent(models.Model):
    """A person's consent to the processing of their personal data for ``purpose`` (Decree
    13/2023/NĐ-CP), in the wording of ``text_version``; withdrawn when ``withdrawn_at`` is set."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người dùng"), on_delete=models.CASCADE, related_name="consents"
    )
    purpose = models.CharField(_("mục đích"), max_length=40)
    text_version = models.CharField(_("phiên bản nội dung"), max_length=20)
    given_at = models.DateTimeField(_("đồng ý lúc"))
    withdrawn_at = models.DateTimeField(_("rút lại lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("sự đồng ý xử lý dữ liệu cá nhân")
        verbose_name_plural = _("sự đồng ý xử lý dữ liệu cá nhân")
        ordering = ["person", "-given_at"]

    def __str__(self) -> str:
        return f"{self.purpose} v{self.text_version}"


class ExternalIdentity(models.Model):
    """An account at an OpenID Connect provider (``issuer``, ``subject``) that signs in as
    ``person``. The match is by the provider's subject, never by an e-mail address."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người dùng"),
        on_delete=models.CASCADE,
        related_name="external_identities",
    )
    issuer = models.CharField(_("nhà cung cấp định danh"), max_length=255)
    subject = models.CharField(_("mã định danh tại nhà cung cấp"), max_length=255)
    created_at = models.DateTimeField(_("liên kết lúc"))

    class Meta:
        verbose_name = _("tài khoản định danh liên kết")
        verbose_name_plural = _("tài khoản định danh liên kết")
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"], name="external_identity_unique")]

    def __str__(self) -> str:
        return self.issuer


class PersonalIdProof(models.Model):
    """``person`` has proven to hold ``personal_id`` (an identity provider asserted it): their
    account then shows the dossiers filed under it. One proven holder per personal id."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người dùng"),
        on_delete=models.CASCADE,
        related_name="personal_id_proof",
    )
    personal_id = models.CharField(_("số định danh cá nhân"), max_length=12, unique=True)
    method = models.CharField(_("cách xác minh"), max_length=20)
    issuer = models.CharField(_("nhà cung cấp định danh"), max_length=255, blank=True)
    proven_at = models.DateTimeField(_("xác minh lúc"))

    class Meta:
        verbose_name = _("xác minh số định danh cá nhân")
        verbose_name_plural = _("xác minh số định danh cá nhân")

    def __str__(self) -> str:
        return self.method


# --- delegations (ủy quyền) -------------------------------------------------------------------
# Here with the other models of the app (one app, one migration history, as the one-stop shop
# keeps its models); what is done with them is in tinhso.org.delegation.
#
# A delegator lends some or all of their roles on one agency to a named person for a period, and
# the documents signed under it say so (Decree 30/2020/NĐ-CP, art. 13). States: *in force*
# between ``valid_from`` and ``valid_to`` (both days included) while ``revoked_at`` is empty and
# the delegator still holds the role on the agency; *revoked* once ``revoked_at`` is set (never
# cleared); *expired* after ``valid_to``. Nothing else changes a delegation after it is made.


class DelegationKind(models.TextChoices):
    """How a document signed under the delegation is headed (Decree 30/2020, art. 13)."""

    ON_BEHALF = "KT", _("Ký thay (KT.)")  # a deputy signs for the head of the agency
    AUTHORISED = "TUQ", _("Thừa ủy quyền (TUQ.)")  # anyone else the head authorises in writing


class DelegationQuerySet(models.QuerySet["Delegation"]):
    def in_force(self, day: dt.date | None = None) -> DelegationQuerySet:
        """Not revoked and ``day`` (today) within the period. Whether the delegator still holds
        the roles is checked where a role is used (:mod:`tinhso.org.access`)."""
        day = day or timezone.localdate()
        return self.filter(revoked_at__isnull=True, valid_from__lte=day, valid_to__gte=day)


class Delegation(models.Model):
    """``delegator`` lends ``roles`` (:class:`DelegationRole`) held on ``agency`` to ``delegate``
    from ``valid_from`` to ``valid_to``. A delegate never lends on what was lent to them: only
    roles the delegator holds themselves can be delegated (Decree 30: no re-delegation)."""

    delegator = models.ForeignKey(
        Person, verbose_name=_("người ủy quyền"), on_delete=models.PROTECT, related_name="delegations_given"
    )
    delegate = models.ForeignKey(
        Person,
        verbose_name=_("người được ủy quyền"),
        on_delete=models.PROTECT,
        related_name="delegations_received",
    )
    agency = models.ForeignKey(Agency, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="delegations")
    kind = models.CharField(_("hình thức ký"), max_length=3, choices=DelegationKind.choices)
    valid_from = models.DateField(_("từ ngày"))
    valid_to = models.DateField(_("đến ngày"))
    reason = models.TextField(_("lý do"), blank=True)
    created_by = models.ForeignKey(Person, verbose_name=_("người tạo"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        Person,
        verbose_name=_("người thu hồi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = DelegationQuerySet.as_manager()

    class Meta:
        verbose_name = _("ủy quyền")
        verbose_name_plural = _("ủy quyền")
        ordering = ["-valid_from", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_to__gte=models.F("valid_from")), name="delegation_period"),
            models.CheckConstraint(condition=~Q(delegator=models.F("delegate")), name="delegation_not_to_self"),
        ]
        indexes = [models.Index(fields=["delegate", "valid_to"], name="delegation_delegate_idx")]

    def __str__(self) -> str:
        return f"{self.kind}. {self.delegator} → {self.delegate} ({self.valid_from:%d/%m/%Y}–{self.valid_to:%d/%m/%Y})"

    def is_in_force(self, day: dt.date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.revoked_at is None and self.valid_from <= day <= self.valid_to


class DelegationRole(models.Model):
    """One of the roles a delegation lends."""

    delegation = models.ForeignKey(Delegation, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("vai trò"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("vai trò được ủy quyền")
        verbose_name_plural = _("vai trò được ủy quyền")
        constraints = [models.UniqueConstraint(fields=["delegation", "role"], name="delegation_role_unique")]

    def __str__(self) -> str:
        return self.get_role_display()


# --- in-app notifications (tinhso.org.notifications) -------------------------------------------
#
# A Notification is one line of a person's list: what happened (``verb``), to what
# (``object_label``) and where to see it (``link``, a path on this site); unread while ``read_at``
# is empty. A NotificationPreference is a person's choice of one channel for one kind (no row:
# the kind's default). A NotificationMessage is the outbox row of an e-mail or a text carrying a
# notification, delivered by tinhso.core.channels. Rows hold no personal data of anyone but the
# recipient (their own address, in the outbox row that must carry it).


class NotificationChannel(models.TextChoices):
    """The channels a person chooses per kind (the in-app list is always on)."""

    EMAIL = channels.EMAIL, _("Thư điện tử")
    SMS = channels.SMS, _("Tin nhắn SMS")


class Notification(models.Model):
    """One notification of one person. States: unread (``read_at`` empty), read."""

    recipient = models.ForeignKey(
        "org.Person", verbose_name=_("người nhận"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("loại"), max_length=60)
    verb = models.CharField(_("sự việc"), max_length=200)
    object_label = models.CharField(_("đối tượng"), max_length=300, blank=True)
    link = models.CharField(_("đường dẫn"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("lúc"), auto_now_add=True)
    read_at = models.DateTimeField(_("đã đọc lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo trên hệ thống")
        verbose_name_plural = _("thông báo trên hệ thống")
        ordering = ["-created_at", "-pk"]
        indexes = [
            # The header's unread count (recipient, read_at IS NULL) and the list, newest first.
            models.Index(fields=["recipient", "read_at"], name="org_notification_unread"),
            models.Index(fields=["recipient", "-created_at"], name="org_notification_list"),
        ]

    def __str__(self) -> str:
        return f"{self.verb}: {self.object_label}" if self.object_label else self.verb


class NotificationPreference(models.Model):
    """``person`` wants (``enabled``) or not notifications of ``kind`` by ``channel``."""

    person = models.ForeignKey(
        "org.Person", verbose_name=_("người dùng"), on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("loại"), max_length=60)
    channel = models.CharField(_("kênh"), max_length=10, choices=NotificationChannel.choices)
    enabled = models.BooleanField(_("nhận"))

    class Meta:
        verbose_name = _("tùy chọn nhận thông báo")
        verbose_name_plural = _("tùy chọn nhận thông báo")
        constraints = [
            models.UniqueConstraint(fields=["person", "kind", "channel"], name="org_notification_preference_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind} {self.channel}: {self.enabled}"


class MessageState(models.TextChoices):
    PENDING = channels.PENDING, _("Chờ gửi")
    SENT = channels.SENT, _("Đã gửi")
    FAILED = channels.FAILED, _("Gửi lỗi")


class NotificationMessage(models.Model):
    """An e-mail or a text carrying a notification (outbox): written with the notification, sent
    after commit by :func:`tinhso.org.notifications.tasks.messages_send`, retried on its own."""

    notification = models.ForeignKey(
        Notification, verbose_name=_("thông báo"), on_delete=models.CASCADE, related_name="messages"
    )
    channel = models.CharField(_("kênh"), max_length=10)
    recipient = models.CharField(_("người nhận"), max_length=254)
    subject = models.CharField(_("tiêu đề"), max_length=300, blank=True)
    body = models.TextField(_("nội dung"))
    state = models.CharField(_("trạng thái"), max_length=10, choices=MessageState.choices, default=MessageState.PENDING)
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    error = models.TextField(_("lỗi"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thư, tin nhắn thông báo")
        verbose_name_plural = _("thư, tin nhắn thông báo")
        indexes = [models.Index(fields=["state"], name="org_notification_msg_state")]

    def __str__(self) -> str:
        return f"{self.channel}: {self.subject}"
