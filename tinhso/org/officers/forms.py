"""Forms of the officers' pages: they parse what the browser sends; the rules are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Agency, AgencyQuerySet, Person
from .xlsx import grantable_roles

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
REQUIRED = {"required": _("Vui lòng nhập thông tin này.")}
BAD_DATE = {"invalid": _("Ngày không hợp lệ (định dạng ngày/tháng/năm).")}
BAD_CHOICE = {"invalid_choice": _("Lựa chọn không hợp lệ."), **REQUIRED}


def _date_field(label: Any, *, required: bool) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        error_messages={**REQUIRED, **BAD_DATE},
        widget=forms.DateInput(
            format="%d/%m/%Y",
            attrs={"class": "form-control", "inputmode": "numeric", "placeholder": "dd/mm/yyyy", "maxlength": 10},
        ),
    )


class AgencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name} ({obj.code})" if obj.code else obj.name


class RoleForm(forms.Form):
    """A role with its time limits, on an agency the administrator manages."""

    role = forms.ChoiceField(label=_("Vai trò"), choices=(), error_messages=BAD_CHOICE)
    agency = AgencyChoiceField(
        label=_("Cơ quan"), queryset=Agency.objects.none(), error_messages=BAD_CHOICE, empty_label=None
    )
    valid_from = _date_field(_("Từ ngày"), required=False)
    valid_to = _date_field(_("Đến ngày (để trống: không thời hạn)"), required=False)

    def __init__(self, *args: Any, agencies: AgencyQuerySet, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["role"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = grantable_roles()
        agency_field = self.fields["agency"]
        assert isinstance(agency_field, forms.ModelChoiceField)
        agency_field.queryset = agencies.active().order_by("path")
        for name in ("role", "agency"):
            self.fields[name].widget.attrs["class"] = "form-select"


class OfficerForm(RoleForm):
    """A new officer and their first role."""

    full_name = forms.CharField(label=_("Họ và tên"), max_length=150, error_messages=REQUIRED)
    email = forms.EmailField(
        label=_("Thư điện tử"),
        required=False,
        max_length=150,
        error_messages={"invalid": _("Thư điện tử không đúng dạng.")},
    )
    phone = forms.RegexField(
        label=_("Số điện thoại"),
        regex=r"^0[0-9]{9}$",
        required=False,
        error_messages={"invalid": _("Số điện thoại phải gồm 10 chữ số, bắt đầu bằng 0.")},
    )
    title = forms.CharField(label=_("Chức vụ"), max_length=150, required=False)

    field_order = ["full_name", "email", "phone", "title", "role", "agency", "valid_from", "valid_to"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("full_name", "email", "phone", "title"):
            self.fields[name].widget.attrs["class"] = "form-control"
        self.fields["phone"].widget.attrs["inputmode"] = "tel"


class HandoverForm(forms.Form):
    successor = forms.ModelChoiceField(
        label=_("Người nhận bàn giao"), queryset=Person.objects.none(), error_messages=BAD_CHOICE
    )
    leave = forms.BooleanField(
        label=_("Người này nghỉ việc, chuyển công tác: khóa tài khoản và kết thúc mọi vai trò sau khi bàn giao"),
        required=False,
    )

    def __init__(self, *args: Any, successors: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["successor"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = successors
        field.widget.attrs["class"] = "form-select"
        self.fields["leave"].widget.attrs["class"] = "form-check-input"
