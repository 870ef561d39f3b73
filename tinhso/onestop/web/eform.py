"""Form fields shared by the citizen's pages and the desk's: the procedure's e-form
(``Procedure.form_fields``) as Django inputs, plain text inputs, and putting a service's errors
back on the inputs they name.

The rules of the e-form (required fields, formats, options) are the service's
(``services.form_data_validate``), so the citizen, the desk and the API read the same messages;
these inputs are therefore never required for Django. The two sides differ only in how the
inputs help the typist (:class:`EFormStyle`): a citizen fills in their own data on a phone, the
desk types someone else's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from tinhso.core.dates import DAY_PLACEHOLDER, day_display
from tinhso.core.errors import DomainError
from tinhso.onestop.models import PREFILL_SOURCES, Procedure

EFORM_PREFIX = "tk_"  # e-form inputs: tk_<field name>, apart from the form's own fields
REQUIRED = {"required": _("Vui lòng nhập thông tin này.")}
BAD_CHOICE = {"invalid_choice": _("Lựa chọn không hợp lệ."), "required": _("Vui lòng chọn một mục.")}


def text_field(
    label: Any, *, required: bool = False, max_length: int | None = None, rows: int | None = None, **attrs: Any
) -> forms.CharField:
    """A Bootstrap text input (a textarea with ``rows``) with Vietnamese messages."""
    widget: forms.Widget = (
        forms.Textarea(attrs={"class": "form-control", "rows": rows, **attrs})
        if rows
        else forms.TextInput(attrs={"class": "form-control", **attrs})
    )
    messages = {**REQUIRED, "max_length": _("Tối đa %(limit_value)d ký tự (hiện có %(show_value)d).")}
    return forms.CharField(
        label=label, required=required, max_length=max_length, widget=widget, error_messages=messages
    )


# --- the procedure's e-form --------------------------------------------------------------------


def eform_prefill(procedure: Procedure, person: Any) -> dict[str, str]:
    """What the applicant's account already says, for the e-form fields that ask for it
    (``prefill`` in the field's spec): the citizen gives each piece of information once."""
    known = {
        "full_name": person.get_full_name(),
        "personal_id": getattr(person, "personal_id", ""),
        "phone": getattr(person, "phone", ""),
        "email": getattr(person, "email", ""),
    }
    return {
        spec["name"]: known[spec["prefill"]]
        for spec in procedure.form_fields or []
        if isinstance(spec, dict) and spec.get("prefill") in PREFILL_SOURCES and known[spec["prefill"]]
    }


@dataclass(frozen=True)
class EFormStyle:
    """How the e-form's inputs look for one audience: HTML attributes and help per field type."""

    attrs: Mapping[str, Mapping[str, Any]]  # field type → extra input attributes
    help_texts: Mapping[str, Any] = field(default_factory=dict)  # field type → help under the input
    select_marks_required: bool = False  # aria-required on a required select too


# Dates are typed as dd/mm/yyyy in a text input: <input type="date"> shows whatever the
# browser's locale says, which is not always the Vietnamese order.
DATE_ATTRS = {
    "inputmode": "numeric",
    "autocomplete": "off",
    "placeholder": DAY_PLACEHOLDER,
    "maxlength": 10,
    "pattern": r"\d{1,2}/\d{1,2}/\d{4}",
}
DATE_HELP = _("Ngày/tháng/năm, ví dụ 31/12/1990.")


def eform_value_display(spec: Mapping[str, Any], value: Any) -> str:
    """A stored e-form value as people read it: a date (kept as ISO 8601) as dd/mm/yyyy."""
    if value in (None, ""):
        return ""
    if spec.get("type") == "date" and isinstance(value, str):
        try:
            return day_display(dt.date.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def eform_initial_display(spec: Mapping[str, Any], value: Any) -> Any:
    """What an input shows for a stored value (a date as dd/mm/yyyy), ``None`` for nothing."""
    return eform_value_display(spec, value) if value not in (None, "") else None


def eform_declared(procedure: Procedure, form_data: Mapping[str, Any] | None) -> list[tuple[str, str]]:
    """(label, value as read) for every e-form field of ``procedure`` that ``form_data`` fills,
    in the order of the form, then any value filed under a field the form no longer has."""
    data = dict(form_data or {})
    out = []
    for spec in procedure.form_fields or []:
        if isinstance(spec, dict) and spec.get("name") in data:
            value = eform_value_display(spec, data.pop(spec["name"]))
            if value:
                out.append((str(spec.get("label") or spec["name"]), value))
    out += [(str(name), str(value)) for name, value in data.items() if value not in (None, "")]
    return out


# The citizen, on a phone: the right keyboard, and autofill from their own details.
APPLICANT = EFormStyle(
    attrs={
        "number": {"inputmode": "decimal", "autocomplete": "off"},
        "email": {
            "type": "email",
            "inputmode": "email",
            "autocomplete": "email",
            "autocapitalize": "off",
            "spellcheck": "false",
        },
        "phone": {
            "type": "tel",
            "inputmode": "tel",
            "autocomplete": "tel",
            "maxlength": 10,
            "placeholder": "0912345678",
        },
        "personal_id": {"inputmode": "numeric", "autocomplete": "off", "maxlength": 12, "pattern": r"\d*"},
        "date": DATE_ATTRS,
    },
    help_texts={
        "personal_id": _("12 chữ số, in trên căn cước."),
        "phone": _("10 chữ số, bắt đầu bằng 0."),
        "date": DATE_HELP,
    },
    select_marks_required=True,
)
# The desk types an applicant's data: never autofill the officer's own.
DESK = EFormStyle(
    attrs={
        "number": {"inputmode": "decimal", "autocomplete": "off"},
        "email": {"type": "email", "autocomplete": "off"},
        "phone": {"type": "tel", "inputmode": "tel", "autocomplete": "off"},
        "personal_id": {"inputmode": "numeric", "autocomplete": "off", "maxlength": 12},
        "date": DATE_ATTRS,
    },
    help_texts={"date": DATE_HELP},
)


def eform_field(spec: Mapping[str, Any], initial: Any = None, *, style: EFormStyle) -> forms.Field:
    """One input for one entry of ``Procedure.form_fields``; never required for Django (the
    service checks required fields and formats, and names the field in its error)."""
    kind = spec.get("type", "text")
    label = spec.get("label") or spec["name"]
    required = bool(spec.get("required"))
    widget: forms.Widget
    if kind == "select":
        # A plain CharField with a Select widget: an unknown value reaches the service, which names the field.
        choices = [("", _("— Chọn —"))] + [(str(option), str(option)) for option in spec.get("options", [])]
        select_attrs = {
            "class": "form-select",
            **({"aria-required": "true"} if required and style.select_marks_required else {}),
        }
        widget = forms.Select(attrs=select_attrs, choices=choices)
    else:
        attrs: dict[str, Any] = {"class": "form-control"}
        if required:
            attrs["aria-required"] = "true"
        if spec.get("max_length"):
            attrs["maxlength"] = int(spec["max_length"])
        widget = forms.TextInput(attrs={**attrs, **style.attrs.get(kind, {})})
    field = forms.CharField(label=label, required=False, widget=widget, initial=initial, strip=True)
    field.eform_required = required  # type: ignore[attr-defined]
    if kind in style.help_texts:
        field.help_text = style.help_texts[kind]
    return field


def add_service_errors(form: forms.Form, exc: DomainError) -> None:
    """Put a service's errors on the inputs they name (a form field, or an e-form field by its
    name in ``Procedure.form_fields``), and the message on the form as a whole if none fits."""
    errors = dict(exc.errors) or ({exc.field: exc.message} if exc.field else {})
    attached = False
    for name, message in errors.items():
        key = name if name in form.fields else EFORM_PREFIX + name
        if key in form.fields:
            if message not in form.errors.get(key, []):
                form.add_error(key, message)
            attached = True
    if not attached:
        form.add_error(None, exc.message)


class EFormMixin:
    """Adds the procedure's e-form inputs (``tk_<name>``) to a form, in its ``eform_style``."""

    eform_style: ClassVar[EFormStyle]
    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]

    def add_eform(self, procedure: Procedure | None, initial: Mapping[str, Any] | None = None) -> None:
        specs = (procedure.form_fields or []) if procedure is not None else []
        self.eform_specs = [spec for spec in specs if isinstance(spec, dict)]
        for spec in self.eform_specs:
            self.fields[EFORM_PREFIX + spec["name"]] = eform_field(
                spec, eform_initial_display(spec, (initial or {}).get(spec["name"])), style=self.eform_style
            )

    def eform_raw(self) -> dict[str, Any]:
        """The e-form as typed (before any check), for the service to judge."""
        data = getattr(self, "data", {})
        return {spec["name"]: data.get(EFORM_PREFIX + spec["name"], "") for spec in self.eform_specs}

    def eform_data(self) -> dict[str, Any]:
        """The e-form as cleaned (stripped) by the form."""
        return {spec["name"]: self.cleaned_data.get(EFORM_PREFIX + spec["name"], "") for spec in self.eform_specs}

    def eform_bound_fields(self) -> list[forms.BoundField]:
        return [self[EFORM_PREFIX + spec["name"]] for spec in self.eform_specs]  # type: ignore[index]

    def add_service_errors(self, exc: DomainError) -> None:
        add_service_errors(self, exc)  # type: ignore[arg-type]
