"""Forms of the citizen's pages (/dich-vu-cong/). They parse what the phone sends; the rules of
the e-form (required fields, formats, options) are the service's (``services.form_data_validate``),
whose per-field errors the views put back on these inputs, so the citizen, the desk and the API
get the same messages."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from tinhso.core.errors import DomainError
from tinhso.org.models import Agency

from .models import DocumentRequirement, DossierFile, Procedure

EFORM_PREFIX = "tk_"  # e-form inputs: tk_<field name>
FILE_PREFIX = "tep_"  # one upload per document requirement: tep_<requirement id>
REUSE_PREFIX = "dung_lai_"  # or one of the citizen's earlier digitised files: dung_lai_<requirement id>
KEY_RE = re.compile(r"^[A-Za-z0-9_-]{16,80}$")

BAD_CHOICE = {"invalid_choice": _("Lựa chọn không hợp lệ."), "required": _("Vui lòng chọn một mục.")}
REQUIRED = {"required": _("Vui lòng nhập thông tin này.")}


def new_idempotency_key() -> str:
    return secrets.token_urlsafe(24)


def _text(label: Any, *, required: bool = False, max_length: int | None = None, rows: int | None = None,
          **attrs: Any) -> forms.CharField:
    widget: forms.Widget = (forms.Textarea(attrs={"class": "form-control", "rows": rows, **attrs}) if rows
                            else forms.TextInput(attrs={"class": "form-control", **attrs}))
    messages = {**REQUIRED, "max_length": _("Tối đa %(limit_value)d ký tự (hiện có %(show_value)d).")}
    return forms.CharField(label=label, required=required, max_length=max_length, widget=widget,
                           error_messages=messages)


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


# --- the procedure's e-form --------------------------------------------------------------------

# Phone keyboards and autofill per field type: digits for numbers, a phone pad for phones.
_WIDGET_ATTRS: dict[str, dict[str, Any]] = {
    "number": {"inputmode": "decimal", "autocomplete": "off"},
    "email": {"type": "email", "inputmode": "email", "autocomplete": "email", "autocapitalize": "off",
              "spellcheck": "false"},
    "phone": {"type": "tel", "inputmode": "tel", "autocomplete": "tel", "maxlength": 10,
              "placeholder": "0912345678"},
    "personal_id": {"inputmode": "numeric", "autocomplete": "off", "maxlength": 12, "pattern": r"\d*"},
    "date": {"type": "date"},
    "text": {},
}


def eform_field(spec: Mapping[str, Any], initial: Any = None) -> forms.Field:
    """One input for one entry of ``Procedure.form_fields``.

    Never required for Django: the service checks required fields and formats, so that its
    messages (the same as the desk's and the API's) are the ones the citizen reads.
    """
    kind = spec.get("type", "text")
    label = spec.get("label") or spec["name"]
    attrs: dict[str, Any] = {"class": "form-control"}
    if spec.get("required"):
        attrs["aria-required"] = "true"
    if spec.get("max_length"):
        attrs["maxlength"] = int(spec["max_length"])
    widget: forms.Widget
    if kind == "select":
        choices = [("", _("— Chọn —"))] + [(str(option), str(option)) for option in spec.get("options", [])]
        widget = forms.Select(attrs={"class": "form-select", **({"aria-required": "true"}
                                                                if spec.get("required") else {})},
                              choices=choices)
    else:
        widget = forms.TextInput(attrs={**attrs, **_WIDGET_ATTRS.get(kind, {})})
    field = forms.CharField(label=label, required=False, widget=widget, initial=initial, strip=True)
    field.eform_required = bool(spec.get("required"))  # type: ignore[attr-defined]
    if kind == "personal_id":
        field.help_text = _("12 chữ số, in trên căn cước.")
    elif kind == "phone":
        field.help_text = _("10 chữ số, bắt đầu bằng 0.")
    return field


class EFormMixin:
    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]

    def add_eform(self, procedure: Procedure, initial: Mapping[str, Any] | None = None) -> None:
        self.eform_specs = [spec for spec in (procedure.form_fields or []) if isinstance(spec, dict)]
        for spec in self.eform_specs:
            self.fields[EFORM_PREFIX + spec["name"]] = eform_field(spec, (initial or {}).get(spec["name"]))

    def eform_raw(self) -> dict[str, Any]:
        """The e-form as typed (before any check), for the service to judge."""
        data = getattr(self, "data", {})
        return {spec["name"]: data.get(EFORM_PREFIX + spec["name"], "") for spec in self.eform_specs}

    def eform_bound_fields(self) -> list[forms.BoundField]:
        return [self[EFORM_PREFIX + spec["name"]] for spec in self.eform_specs]  # type: ignore[index]

    def add_service_errors(self, exc: DomainError) -> None:
        """Put a service's errors on the inputs they name, the rest on the form as a whole."""
        errors = dict(exc.errors) or ({exc.field: exc.message} if exc.field else {})
        attached = False
        for name, message in errors.items():
            key = name if name in self.fields else EFORM_PREFIX + name
            if key in self.fields:
                if message not in self.errors.get(key, []):  # type: ignore[attr-defined]
                    self.add_error(key, message)  # type: ignore[attr-defined]
                attached = True
        if not attached:
            self.add_error(None, exc.message)  # type: ignore[attr-defined]


# --- submission ---------------------------------------------------------------------------------

def _file_label(row: DossierFile) -> str:
    day = formats.date_format(timezone.localtime(row.created_at), "d/m/Y")
    return f"{row.original_name} ({row.dossier.code}, {day})"


class AgencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Agency) -> str:  # type: ignore[override]
        return obj.name


class SubmitForm(EFormMixin, forms.Form):
    """Nộp hồ sơ trực tuyến: the receiving agency, the e-form, and one file per component.

    ``inspect`` (``files.inspect_upload`` when the files module is installed) judges each
    upload from its content here, before anything is created.
    """

    idempotency_key = forms.CharField(
        widget=forms.HiddenInput, max_length=80,
        error_messages={"required": _("Thiếu mã chống gửi trùng, vui lòng tải lại trang.")},
    )
    agency = AgencyChoiceField(
        label=_("Cơ quan tiếp nhận hồ sơ"), queryset=Agency.objects.none(), error_messages=BAD_CHOICE,
        empty_label=_("— Chọn cơ quan —"), widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args: Any, procedure: Procedure, agencies: QuerySet[Agency],
                 requirements: Iterable[DocumentRequirement] = (), reusable: Iterable[DossierFile] = (),
                 with_files: bool = False, inspect: Any = None, components_required: bool = True,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.procedure = procedure
        self.components_required = components_required
        self.inspect = inspect
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        if agencies.count() == 1:
            self.fields["agency"].initial = agencies.first()
        self.add_eform(procedure)
        self.requirements = list(requirements) if with_files else []
        reuse_choices = [(row.pk, _file_label(row)) for row in reusable]
        self.component_rows: list[dict[str, Any]] = []
        for requirement in self.requirements:
            upload = forms.FileField(
                label=requirement.name, required=False,
                error_messages={"empty": _("Tệp rỗng, không có nội dung."), "invalid": _("Tệp không hợp lệ.")},
                widget=forms.ClearableFileInput(attrs={
                    "class": "form-control", "accept": ".pdf,.jpg,.jpeg,.png,.docx,.xlsx,application/pdf,image/*",
                }),
            )
            upload.eform_required = requirement.required and components_required  # type: ignore[attr-defined]
            self.fields[FILE_PREFIX + str(requirement.pk)] = upload
            row: dict[str, Any] = {"requirement": requirement, "file": FILE_PREFIX + str(requirement.pk)}
            if reuse_choices:
                self.fields[REUSE_PREFIX + str(requirement.pk)] = forms.TypedChoiceField(
                    label=_("Hoặc dùng lại giấy tờ đã số hóa"), required=False, coerce=int, empty_value=None,
                    choices=[("", _("— Không dùng lại —")), *reuse_choices], error_messages=BAD_CHOICE,
                    widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
                )
                row["reuse"] = REUSE_PREFIX + str(requirement.pk)
            self.component_rows.append(row)

    def component_fields(self) -> list[dict[str, Any]]:
        return [{"requirement": row["requirement"], "file": self[row["file"]],
                 "reuse": self[row["reuse"]] if "reuse" in row else None} for row in self.component_rows]

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
                    self.inspect(upload)
                except DomainError as exc:
                    self.add_error(row["file"], exc.message)
            elif not upload and not reuse and requirement.required and self.components_required:
                self.add_error(row["file"], _("Vui lòng đính kèm “%(name)s”.") % {"name": requirement.name})
        return cleaned

    def attachments(self) -> list[tuple[DocumentRequirement, Any, int | None]]:
        """(requirement, upload or None, reused file id or None) for every component given."""
        out = []
        for row in self.component_rows:
            upload = self.cleaned_data.get(row["file"])
            reuse = self.cleaned_data.get(row.get("reuse", ""))
            if upload or reuse:
                out.append((row["requirement"], upload, reuse))
        return out


# --- actions on one's own dossier ----------------------------------------------------------------

class SupplementForm(SubmitForm):
    """Bổ sung hồ sơ: the e-form, prefilled with what was filed, and more components (none
    required again: the components already filed stay)."""

    def __init__(self, *args: Any, initial_data: Mapping[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, components_required=False, **kwargs)
        del self.fields["idempotency_key"]
        del self.fields["agency"]
        for spec in self.eform_specs:
            self.fields[EFORM_PREFIX + spec["name"]].initial = initial_data.get(spec["name"])


class ReasonForm(forms.Form):
    reason = _text(_("Lý do đề nghị dừng xử lý"), required=True, max_length=2000, rows=3)


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Mức độ hài lòng"), coerce=int, choices=[], widget=forms.RadioSelect,
        error_messages={"required": _("Vui lòng chọn mức độ hài lòng."), "invalid_choice": _("Lựa chọn không hợp lệ.")},
    )
    comment = _text(_("Góp ý (không bắt buộc)"), max_length=1000, rows=3)

    def __init__(self, *args: Any, labels: Mapping[int, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(score, label) for score, label in sorted(labels.items(), reverse=True)]
        self.fields["score"].choices = choices  # type: ignore[attr-defined]


class LookupForm(forms.Form):
    code = _text(_("Mã hồ sơ"), required=True, max_length=60, autocomplete="off", autocapitalize="characters",
                 spellcheck="false", placeholder="H31.01-260302-0001")
    digits = _text(_("4 số cuối số điện thoại hoặc số định danh cá nhân"), required=True, max_length=4,
                   inputmode="numeric", pattern=r"\d{4}", autocomplete="off")
