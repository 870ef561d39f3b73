"""Forms of the citizen's pages (/dich-vu-cong/). They parse what the phone sends; the rules of
the e-form (required fields, formats, options) are the service's (``services.form_data_validate``),
whose per-field errors the views put back on these inputs, so the citizen, the desk and the API
get the same messages."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from tinhso.core.errors import DomainError
from tinhso.onestop.files.pending import PendingUpload, pending_open
from tinhso.onestop.models import DocumentRequirement, DossierFile, Procedure
from tinhso.onestop.web.eform import APPLICANT, BAD_CHOICE, EFORM_PREFIX, EFormMixin, eform_initial_display, text_field
from tinhso.org.models import Agency

# (requirement id, token from the form) → the upload kept for it in this session, or None
KeptLookup = Callable[[int, str], PendingUpload | None]
# (upload, extension, requirement id) → the upload, now kept
KeepUpload = Callable[[Any, str, int], PendingUpload]

FILE_PREFIX = "tep_"  # one upload per document requirement: tep_<requirement id>
KEEP_PREFIX = "giu_"  # or the token of an upload kept from the last try (pending_uploads): giu_<requirement id>
DROP_PREFIX = "bo_"  # ticked: drop the kept upload: bo_<requirement id>
REUSE_PREFIX = "dung_lai_"  # or one of the citizen's earlier digitised files: dung_lai_<requirement id>
KEY_RE = re.compile(r"^[A-Za-z0-9_-]{16,80}$")


def new_idempotency_key() -> str:
    return secrets.token_urlsafe(24)


def mark_invalid(form: forms.Form) -> forms.Form:
    """Bootstrap's red border and the link from each bad input to its message."""
    for name in form.errors:
        if name in form.fields:
            attrs = form.fields[name].widget.attrs
            attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
            described = [f"{form[name].auto_id}_error"]
            if form.fields[name].help_text:
                described.insert(0, f"{form[name].auto_id}_helptext")
            attrs["aria-describedby"] = " ".join(described)
    return form


# --- submission ---------------------------------------------------------------------------------


def _file_label(row: DossierFile) -> str:
    day = formats.date_format(timezone.localtime(row.created_at), "d/m/Y")
    return f"{row.original_name} ({row.dossier.code}, {day})"


class AgencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Agency) -> str:
        return obj.name


class SubmitForm(EFormMixin, forms.Form):
    """Nộp hồ sơ trực tuyến: the receiving agency, the e-form, and one file per component.

    ``inspect`` (``files.inspect_upload``) judges each upload from its content here, before
    anything is created. An upload that passed its check while the form as a whole failed can
    be kept (:meth:`keep_checked_uploads`); the next post names it by a token (``giu_<id>``)
    that ``kept_lookup`` resolves in the user's session, and a new upload replaces it.
    """

    eform_style = APPLICANT

    idempotency_key = forms.CharField(
        widget=forms.HiddenInput,
        max_length=80,
        error_messages={"required": _("Thiếu mã chống gửi trùng, vui lòng tải lại trang.")},
    )
    agency = AgencyChoiceField(
        label=_("Cơ quan tiếp nhận hồ sơ"),
        queryset=Agency.objects.none(),
        error_messages=BAD_CHOICE,
        empty_label=_("— Chọn cơ quan —"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(
        self,
        *args: Any,
        procedure: Procedure,
        agencies: QuerySet[Agency],
        requirements: Iterable[DocumentRequirement] = (),
        reusable: Iterable[DossierFile] = (),
        inspect: Any = None,
        components_required: bool = True,
        eform_initial: Mapping[str, Any] | None = None,
        kept_lookup: KeptLookup | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.procedure = procedure
        self.components_required = components_required
        self.inspect = inspect
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        if agencies.count() == 1:
            self.fields["agency"].initial = agencies.first()
        self.add_eform(procedure, eform_initial)
        self.requirements = list(requirements)
        reuse_choices = [(row.pk, _file_label(row)) for row in reusable]
        self.component_rows: list[dict[str, Any]] = []
        for requirement in self.requirements:
            upload = forms.FileField(
                label=requirement.name,
                required=False,
                error_messages={"empty": _("Tệp rỗng, không có nội dung."), "invalid": _("Tệp không hợp lệ.")},
                widget=forms.ClearableFileInput(
                    attrs={
                        "class": "form-control",
                        "accept": ".pdf,.jpg,.jpeg,.png,.docx,.xlsx,application/pdf,image/*",
                    }
                ),
            )
            upload.eform_required = requirement.required and components_required  # type: ignore[attr-defined]
            self.fields[FILE_PREFIX + str(requirement.pk)] = upload
            row: dict[str, Any] = {
                "requirement": requirement,
                "file": FILE_PREFIX + str(requirement.pk),
                "kept": None,
                "checked": None,
            }
            if self.is_bound and kept_lookup is not None and not self.data.get(DROP_PREFIX + str(requirement.pk)):
                token = self.data.get(KEEP_PREFIX + str(requirement.pk))
                row["kept"] = kept_lookup(requirement.pk, token) if token else None
            if reuse_choices:
                self.fields[REUSE_PREFIX + str(requirement.pk)] = forms.TypedChoiceField(
                    label=_("Hoặc dùng lại giấy tờ đã số hóa"),
                    required=False,
                    coerce=int,
                    empty_value=None,
                    choices=[("", _("— Không dùng lại —")), *reuse_choices],
                    error_messages=BAD_CHOICE,
                    widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
                )
                row["reuse"] = REUSE_PREFIX + str(requirement.pk)
            self.component_rows.append(row)

    def component_fields(self) -> list[dict[str, Any]]:
        return [
            {
                "requirement": row["requirement"],
                "file": self[row["file"]],
                "kept": row["kept"],
                "keep_name": KEEP_PREFIX + str(row["requirement"].pk),
                "drop_name": DROP_PREFIX + str(row["requirement"].pk),
                "reuse": self[row["reuse"]] if "reuse" in row else None,
            }
            for row in self.component_rows
        ]

    def clean_idempotency_key(self) -> str:
        key = self.cleaned_data["idempotency_key"].strip()
        if not KEY_RE.match(key):
            raise forms.ValidationError(_("Mã chống gửi trùng không hợp lệ, vui lòng tải lại trang."))
        return key

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for row in self.component_rows:
            requirement = row["requirement"]
            upload = cleaned.get(row["file"])
            reuse = cleaned.get(row.get("reuse", ""))
            if upload and reuse:
                self.add_error(row["file"], _("Chọn tải tệp mới hoặc dùng lại giấy tờ cũ, không chọn cả hai."))
            elif upload and self.inspect is not None:
                try:
                    row["checked"] = self.inspect(upload)
                except DomainError as exc:
                    self.add_error(row["file"], exc.message)
            elif not upload and not reuse and not row["kept"] and requirement.required and self.components_required:
                self.add_error(row["file"], _("Vui lòng đính kèm “%(name)s”.") % {"name": requirement.name})
        return cleaned

    def attachments(self) -> list[tuple[DocumentRequirement, Any, int | None]]:
        """(requirement, upload or None, reused file id or None) for every component given; an
        upload kept from an earlier try counts as an upload unless a new file or a reuse replaces it."""
        out = []
        for row in self.component_rows:
            upload = self.cleaned_data.get(row["file"])
            reuse = self.cleaned_data.get(row.get("reuse", ""))
            if not upload and not reuse and row["kept"]:
                upload = pending_open(row["kept"])
            if upload or reuse:
                out.append((row["requirement"], upload, reuse))
        return out

    def kept_uploads(self) -> list[PendingUpload]:
        """The kept uploads this post uses or replaces (to forget once the dossier is saved)."""
        return [row["kept"] for row in self.component_rows if row["kept"]]

    def keep_checked_uploads(self, keep: KeepUpload) -> None:
        """Keep every new upload that passed its check (the form failed for something else), so
        that the form shows it attached and the next post uses it without attaching it again."""
        for row in self.component_rows:
            upload = self.cleaned_data.get(row["file"]) if hasattr(self, "cleaned_data") else None
            if upload and row["checked"] is not None and not self.errors.get(row["file"]):
                row["kept"] = keep(upload, row["checked"].extension, row["requirement"].pk)


# --- actions on one's own dossier ----------------------------------------------------------------


class SupplementForm(SubmitForm):
    """Bổ sung hồ sơ: the e-form, prefilled with what was filed, and more components (none
    required again: the components already filed stay)."""

    def __init__(self, *args: Any, initial_data: Mapping[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, components_required=False, **kwargs)
        del self.fields["idempotency_key"]
        del self.fields["agency"]
        for spec in self.eform_specs:
            self.fields[EFORM_PREFIX + spec["name"]].initial = eform_initial_display(
                spec, initial_data.get(spec["name"])
            )


class ReasonForm(forms.Form):
    reason = text_field(_("Lý do đề nghị dừng xử lý"), required=True, max_length=2000, rows=3)


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Mức độ hài lòng"),
        coerce=int,
        choices=[],
        widget=forms.RadioSelect,
        error_messages={"required": _("Vui lòng chọn mức độ hài lòng."), "invalid_choice": _("Lựa chọn không hợp lệ.")},
    )
    comment = text_field(_("Góp ý (không bắt buộc)"), max_length=1000, rows=3)

    def __init__(self, *args: Any, labels: Mapping[int, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(score, label) for score, label in sorted(labels.items(), reverse=True)]
        self.fields["score"].choices = choices  # type: ignore[attr-defined]


class LookupForm(forms.Form):
    code = text_field(
        _("Mã hồ sơ"),
        required=True,
        max_length=60,
        autocomplete="off",
        autocapitalize="characters",
        spellcheck="false",
        placeholder="H31.01-260302-0001",
    )
    digits = text_field(
        _("4 số cuối số điện thoại hoặc số định danh cá nhân"),
        required=True,
        max_length=4,
        inputmode="numeric",
        pattern=r"\d{4}",
        autocomplete="off",
    )
