"""Forms of the account pages (/tai-khoan/): they parse; the rules are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import CONSENT_TEXTS, CONSENT_VERSION

_INPUT = {"class": "form-control"}


class AddressForm(forms.Form):
    address = forms.CharField(
        label=_("Số điện thoại hoặc thư điện tử"),
        max_length=254,
        widget=forms.TextInput(attrs={**_INPUT, "autocomplete": "username", "autocapitalize": "none"}),
        error_messages={"required": _("Vui lòng nhập số điện thoại hoặc thư điện tử.")},
    )


class _NewPassword(forms.Form):
    password1 = forms.CharField(
        label=_("Mật khẩu"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={**_INPUT, "autocomplete": "new-password"}),
        help_text=_("Ít nhất 10 ký tự, không quá giống họ tên, không phải mật khẩu phổ biến."),
        error_messages={"required": _("Vui lòng nhập mật khẩu.")},
    )
    password2 = forms.CharField(
        label=_("Nhập lại mật khẩu"),
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={**_INPUT, "autocomplete": "new-password"}),
        error_messages={"required": _("Vui lòng nhập lại mật khẩu.")},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("Hai lần nhập mật khẩu không khớp."))
        return data


class RegisterForm(AddressForm, _NewPassword):
    full_name = forms.CharField(
        label=_("Họ và tên"),
        max_length=150,
        widget=forms.TextInput(attrs={**_INPUT, "autocomplete": "name"}),
        error_messages={"required": _("Vui lòng nhập họ và tên.")},
    )
    consent = forms.BooleanField(
        label=CONSENT_TEXTS[CONSENT_VERSION],
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
        error_messages={"required": _("Vui lòng đồng ý với việc xử lý dữ liệu cá nhân để tạo tài khoản.")},
    )
    field_order = ["address", "full_name", "password1", "password2", "consent"]


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Mã xác nhận (6 chữ số)"),
        max_length=12,
        widget=forms.TextInput(
            attrs={**_INPUT, "inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]*"}
        ),
        error_messages={"required": _("Vui lòng nhập mã xác nhận.")},
    )


class ResetConfirmForm(CodeForm, _NewPassword):
    field_order = ["code", "password1", "password2"]


def mark_invalid(form: forms.Form) -> forms.Form:
    """Bootstrap's red border on each bad input, linked to its message."""
    for name in form.errors:
        if name in form.fields:
            attrs = form.fields[name].widget.attrs
            attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
            attrs["aria-describedby"] = f"{form[name].auto_id}_error"
    return form
