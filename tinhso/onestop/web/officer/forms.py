"""Forms of the officers' pages (/mot-cua/). They only parse what the browser sends; the rules
of the one-stop shop (states, roles, e-form validity, deadlines) are checked by the services,
whose errors the views attach back to these forms."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tinhso.onestop.models import FeeWaiverReason, Procedure
from tinhso.onestop.web.eform import BAD_CHOICE, DATE_ATTRS, DESK, REQUIRED, EFormMixin, text_field
from tinhso.org.models import Agency, Person


class AgencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Agency) -> str:
        return obj.short_name or obj.name


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Person) -> str:
        return obj.get_full_name()


def _agency_field(
    label: Any, queryset: QuerySet[Agency], *, required: bool = True, empty_label: Any = None
) -> AgencyChoiceField:
    return AgencyChoiceField(
        label=label,
        queryset=queryset,
        required=required,
        error_messages=BAD_CHOICE,
        empty_label=empty_label or _("— Chọn cơ quan —"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class CounterReceiptForm(EFormMixin, forms.Form):
    """A dossier handed in at the desk: the procedure, who hands it in, and the e-form."""

    eform_style = DESK

    procedure = forms.ModelChoiceField(
        label=_("Thủ tục hành chính"),
        queryset=Procedure.objects.none(),
        error_messages=BAD_CHOICE,
        empty_label=_("— Chọn thủ tục —"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    agency = _agency_field(_("Cơ quan tiếp nhận"), Agency.objects.none())
    applicant_name = text_field(_("Họ và tên người nộp"), required=True, max_length=200, autocomplete="off")
    applicant_personal_id = text_field(
        _("Số định danh cá nhân"), max_length=12, inputmode="numeric", autocomplete="off"
    )
    applicant_phone = text_field(_("Số điện thoại"), max_length=10, type="tel", inputmode="tel", autocomplete="off")

    def __init__(
        self,
        *args: Any,
        procedures: QuerySet[Procedure],
        agencies: QuerySet[Agency],
        procedure: Procedure | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["procedure"].queryset = procedures  # type: ignore[attr-defined]
        self.fields["procedure"].label_from_instance = lambda p: f"{p.name} ({p.code})"  # type: ignore[attr-defined]
        self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
        if procedure is not None:
            self.fields["procedure"].initial = procedure.pk
        self.add_eform(procedure)


# --- actions on one dossier --------------------------------------------------------------------


class EmptyForm(forms.Form):
    """Actions that need nothing but the button (receive, start review, approve, return…)."""


class NoteForm(forms.Form):
    note = text_field(_("Ý kiến trình"), max_length=2000, rows=2)


class ReasonForm(forms.Form):
    reason = text_field(_("Lý do"), required=True, max_length=2000, rows=3)

    def __init__(self, *args: Any, label: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if label:
            self.fields["reason"].label = label


class ForwardForm(forms.Form):
    to_agency = _agency_field(
        _("Chuyển đến cơ quan"), Agency.objects.none(), required=False, empty_label=_("— Cơ quan đang xử lý —")
    )

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_agency"].queryset = agencies  # type: ignore[attr-defined]


class AssignForm(forms.Form):
    assignee = PersonChoiceField(
        label=_("Chuyên viên thụ lý"),
        queryset=Person.objects.none(),
        error_messages=BAD_CHOICE,
        empty_label=_("— Chọn chuyên viên —"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args: Any, handlers: QuerySet[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = handlers  # type: ignore[attr-defined]


class BulkAssignForm(AssignForm):
    dossiers = forms.TypedMultipleChoiceField(
        label=_("Hồ sơ"),
        coerce=int,
        choices=[],
        error_messages={**BAD_CHOICE, "required": _("Chưa chọn hồ sơ nào để phân công.")},
    )

    def __init__(self, *args: Any, dossier_ids: Iterable[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["dossiers"].choices = [(pk, pk) for pk in dossier_ids]  # type: ignore[attr-defined]


class TransferForm(forms.Form):
    to_agency = _agency_field(_("Cơ quan phối hợp (liên thông)"), Agency.objects.none())
    days = forms.DecimalField(
        label=_("Thời gian của cơ quan phối hợp (ngày làm việc)"),
        max_digits=6,
        decimal_places=2,
        localize=True,
        error_messages={**REQUIRED, "invalid": _("Số ngày phải là một số.")},
        widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "decimal", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_agency"].queryset = agencies  # type: ignore[attr-defined]


class ApologyForm(forms.Form):
    """Phiếu xin lỗi và hẹn lại ngày trả kết quả."""

    new_date = forms.DateField(
        label=_("Ngày hẹn trả mới"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        error_messages={**REQUIRED, "invalid": _("Ngày không hợp lệ (định dạng ngày/tháng/năm).")},
        widget=forms.DateInput(attrs={"class": "form-control", **DATE_ATTRS}, format="%d/%m/%Y"),
    )
    new_time = forms.TimeField(
        label=_("Giờ hẹn trả"),
        initial=dt.time(16, 0),
        input_formats=["%H:%M", "%H:%M:%S"],
        error_messages={**REQUIRED, "invalid": _("Giờ không hợp lệ (giờ:phút).")},
        widget=forms.TimeInput(attrs={"class": "form-control", "type": "time"}, format="%H:%M"),
    )
    reason = text_field(_("Lý do chậm trả kết quả"), required=True, max_length=2000, rows=3)

    def new_due_at(self) -> dt.datetime:
        moment = dt.datetime.combine(self.cleaned_data["new_date"], self.cleaned_data["new_time"])
        return timezone.make_aware(moment, timezone.get_current_timezone())


class SupplementForm(EFormMixin, forms.Form):
    """The desk records a paper supplement: the e-form, prefilled, may be corrected."""

    eform_style = DESK

    def __init__(self, *args: Any, procedure: Procedure, initial_data: Mapping[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_eform(procedure, initial_data)


class FileUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp thành phần hồ sơ"),
        help_text=_("PDF, ảnh PNG hoặc JPEG."),
        error_messages={
            "required": _("Chọn tệp để tải lên."),
            "empty": _("Tệp rỗng."),
            "invalid": _("Tệp không hợp lệ."),
        },
        widget=forms.ClearableFileInput(attrs={"class": "form-control"}),
    )
    requirement = forms.TypedChoiceField(
        label=_("Thuộc thành phần"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[],
        error_messages=BAD_CHOICE,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    digitised = forms.BooleanField(
        label=_("Bản điện tử đã đối chiếu khớp với bản gốc (số hóa)"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def __init__(self, *args: Any, requirements: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["requirement"].choices = [("", _("— Không chọn —"))] + [  # type: ignore[attr-defined]
            (r.pk, r.name) for r in requirements
        ]


class ResultUploadForm(forms.Form):
    """The draft result: what the approver sees, and what is signed when they approve."""

    pdf = forms.FileField(
        label=_("Dự thảo kết quả giải quyết (PDF)"),
        help_text=_(
            "Lãnh đạo xem dự thảo trước khi phê duyệt; khi phê duyệt, đúng tệp này được ký số, gắn mã QR "
            "xác minh và phát hành. Tải tệp khác lên để thay dự thảo."
        ),
        error_messages={
            "required": _("Chọn tệp PDF kết quả."),
            "empty": _("Tệp rỗng."),
            "invalid": _("Tệp không hợp lệ."),
        },
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": "application/pdf,.pdf"}),
    )


class ApproveForm(forms.Form):
    """The approver approves the draft they saw: if it was replaced meanwhile, the service refuses."""

    draft = forms.IntegerField(required=False, widget=forms.HiddenInput)


class FeeWaiverForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Lý do không thu phí trực tuyến"),
        choices=[("", _("— Chọn lý do —")), *FeeWaiverReason.choices],
        error_messages=BAD_CHOICE,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    receipt_number = text_field(_("Số biên lai (khi đã thu trực tiếp)"), max_length=40, autocomplete="off")
    note = text_field(_("Căn cứ, ghi chú"), required=True, max_length=2000, rows=2)


class MarkDigitisedForm(forms.Form):
    file_id = forms.IntegerField(widget=forms.HiddenInput, error_messages=REQUIRED)
