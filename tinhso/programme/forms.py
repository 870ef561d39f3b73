"""Forms of the programme pages. They only parse what the browser sends (numbers, dates, files,
one link a line); the rules of the domain are checked by the services, whose errors the views
attach back to these forms."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tinhso.org.models import Agency

from .models import Level, Programme, TaskStatus

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
IMPORT_MAX_BYTES = 10 * 1024 * 1024
IMPORT_EXTENSIONS = (".docx", ".xlsx", ".txt")

REQUIRED = {"required": _("Vui lòng nhập thông tin này.")}
BAD_DATE = {"invalid": _("Ngày không hợp lệ (định dạng ngày/tháng/năm).")}
BAD_CHOICE = {"invalid_choice": _("Lựa chọn “%(value)s” không hợp lệ."), **REQUIRED}


class DateInput(forms.DateInput):
    """dd/mm/yyyy in a text input: <input type="date"> shows the browser's locale order."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            attrs={
                "class": "form-control",
                "inputmode": "numeric",
                "autocomplete": "off",
                "placeholder": "dd/mm/yyyy",
                "maxlength": 10,
                "pattern": r"\d{1,2}/\d{1,2}/\d{4}",
                **(attrs or {}),
            },
            format="%d/%m/%Y",
        )


def _text(
    label: str | Any, *, required: bool = False, max_length: int | None = None, rows: int | None = None, **attrs: Any
) -> forms.CharField:
    widget: forms.Widget = (
        forms.Textarea(attrs={"class": "form-control", "rows": rows, **attrs})
        if rows
        else forms.TextInput(attrs={"class": "form-control", **attrs})
    )
    messages = {**REQUIRED, "max_length": _("Tối đa %(limit_value)d ký tự (hiện có %(show_value)d).")}
    return forms.CharField(
        label=label, required=required, max_length=max_length, widget=widget, error_messages=messages
    )


def number_text(value: Decimal | str | None) -> str:
    """A stored figure as a Vietnamese user types it back: "58,5", "92" (never "9.2E+1")."""
    if value in (None, ""):
        return ""
    number = Decimal(str(value)).normalize()
    return format(number, "f").replace(".", ",")


class LinksField(forms.CharField):
    """Links to evidence, one a line; the service checks each is a web address."""

    widget = forms.Textarea

    def to_python(self, value: Any) -> list[str]:  # type: ignore[override]
        text = super().to_python(value) or ""  # CharField gives "" for no value; the stubs allow None
        return [line.strip() for line in text.splitlines() if line.strip()]

    def prepare_value(self, value: Any) -> Any:
        return "\n".join(value) if isinstance(value, list | tuple) else value


def _links() -> LinksField:
    return LinksField(
        label=_("Liên kết minh chứng"),
        required=False,
        help_text=_("Mỗi dòng một địa chỉ, bắt đầu bằng https://"),
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2, "inputmode": "url"}),
    )


def _evidence() -> forms.FileField:
    return forms.FileField(
        label=_("Tệp minh chứng"),
        required=False,
        help_text=_("PDF, Word, Excel, PNG hoặc JPEG; tối đa 20 MB."),
        widget=forms.FileInput(attrs={"class": "form-control", "accept": ".pdf,.docx,.xlsx,.png,.jpg,.jpeg"}),
        error_messages={"empty": _("Tệp minh chứng rỗng."), "invalid": _("Tệp minh chứng không hợp lệ.")},
    )


class ReportAction(forms.Form):
    """Which button was pressed: "Lưu nháp" or "Gửi báo cáo"."""

    SAVE, SUBMIT = "save", "submit"
    action = forms.ChoiceField(choices=[(SAVE, SAVE), (SUBMIT, SUBMIT)], required=False, widget=forms.HiddenInput)

    @property
    def submitting(self) -> bool:
        return self.cleaned_data.get("action") == self.SUBMIT


class TaskReportForm(ReportAction):
    status = forms.ChoiceField(
        label=_("Tình trạng"),
        choices=TaskStatus.choices,
        error_messages=BAD_CHOICE,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    percent_done = forms.IntegerField(
        label=_("Phần trăm hoàn thành"),
        error_messages={**REQUIRED, "invalid": _("Phần trăm phải là số nguyên.")},
        widget=forms.NumberInput(
            attrs={"class": "form-control", "min": 0, "max": 100, "step": 1, "inputmode": "numeric"}
        ),
    )
    narrative = _text(_("Thuyết minh kết quả"), rows=3)
    links = _links()
    evidence = _evidence()


class TargetReportForm(ReportAction):
    """The achieved value, or one value per level when the target is split by level."""

    value = _text(_("Giá trị đạt được"), max_length=30, inputmode="decimal", autocomplete="off")
    as_of = forms.DateField(
        label=_("Số liệu tính đến ngày"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=DateInput(),
        error_messages=BAD_DATE,
    )
    source = _text(_("Nguồn số liệu"), max_length=500)
    narrative = _text(_("Thuyết minh"), rows=3)
    links = _links()
    evidence = _evidence()

    def __init__(self, *args: Any, levels: list[str] | tuple[str, ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.levels = [level for level in Level.values if level in levels]
        for level in self.levels:
            self.fields[f"level_{level}"] = _text(
                Level(level).label.capitalize(), max_length=30, inputmode="decimal", autocomplete="off"
            )
        if self.levels:
            self.fields["value"].label = _("Giá trị chung (nếu có)")

    def level_fields(self) -> list[forms.BoundField]:
        return [self[f"level_{level}"] for level in self.levels]

    def level_values(self) -> dict[str, str]:
        return {level: self.cleaned_data[f"level_{level}"] for level in self.levels}


class CommentForm(forms.Form):
    text = _text(_("Ý kiến của đơn vị"), rows=3)


class ReturnForm(forms.Form):
    comment = _text(_("Lý do trả lại"), rows=2)


class TaskFilterForm(forms.Form):
    """Filters of the task list (a GET form); anything unknown is ignored rather than refused."""

    q = _text(_("Tìm nhiệm vụ"), max_length=200, type="search", placeholder=_("Mã hoặc tên, có dấu hay không"))
    pillar = forms.ChoiceField(label=_("Trụ cột"), required=False, widget=forms.Select(attrs={"class": "form-select"}))
    agency = forms.TypedChoiceField(
        label=_("Đơn vị chủ trì"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    status = forms.ChoiceField(
        label=_("Tình trạng"), required=False, widget=forms.Select(attrs={"class": "form-select"})
    )
    late = forms.ChoiceField(
        label=_("Tiến độ"),
        required=False,
        choices=[("", _("Tất cả")), ("1", _("Chỉ nhiệm vụ chậm tiến độ"))],
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(
        self,
        *args: Any,
        pillars: list[tuple[str, str]],
        agencies: list[tuple[int, str]],
        statuses: list[tuple[str, str | Promise]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        everything = ("", _("Tất cả"))
        # self.fields maps names to Field; these three are the ChoiceFields declared above.
        self.fields["pillar"].choices = [everything, *pillars]  # type: ignore[attr-defined]
        self.fields["agency"].choices = [everything, *agencies]  # type: ignore[attr-defined]
        self.fields["status"].choices = [everything, *statuses]  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        """The cleaned filters, dropping any field the user mangled."""
        data = getattr(self, "cleaned_data", {})
        for name in self.errors:
            data.pop(name, None)
        return {
            "query": data.get("q") or "",
            "pillar": data.get("pillar") or None,
            "agency_id": data.get("agency") or None,
            "status": data.get("status") or None,
            "late": data.get("late") == "1",
        }


class RoundOpenForm(forms.Form):
    period = _text(
        _("Kỳ báo cáo"),
        required=True,
        max_length=10,
        placeholder="2025-H1",
        autocomplete="off",
        autocapitalize="characters",
    )
    cutoff_date = forms.DateField(
        label=_("Ngày chốt số liệu"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=DateInput(),
        error_messages=BAD_DATE,
    )
    due_date = forms.DateField(
        label=_("Hạn nộp báo cáo"),
        required=False,
        input_formats=DATE_FORMATS,
        widget=DateInput(),
        error_messages=BAD_DATE,
    )


class ImportForm(forms.Form):
    """A scheme to import: a file, or its tables pasted as text (tab-separated)."""

    programme = forms.ModelChoiceField(
        label=_("Nhập vào đề án"),
        queryset=Programme.objects.none(),
        required=False,
        empty_label=_("— Đề án mới (đọc từ quyết định trong tệp) —"),
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"invalid_choice": _("Đề án đã chọn không hợp lệ.")},
    )
    file = forms.FileField(
        label=_("Tệp đề án"),
        required=False,
        help_text=_(".docx, .xlsx (theo mẫu) hoặc .txt; tối đa 10 MB."),
        widget=forms.FileInput(attrs={"class": "form-control", "accept": ",".join(IMPORT_EXTENSIONS)}),
        error_messages={"empty": _("Tệp rỗng."), "invalid": _("Tệp không hợp lệ.")},
    )
    text = _text(
        _("Hoặc dán nội dung bảng"),
        rows=6,
        spellcheck="false",
        placeholder=_("Dán các bảng chỉ tiêu, nhiệm vụ (các cột cách nhau bằng phím Tab)"),
    )

    def __init__(self, *args: Any, programmes: QuerySet[Programme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload, text = data.get("file"), (data.get("text") or "").strip()
        if upload and text:
            raise forms.ValidationError(_("Chọn tải tệp lên hoặc dán nội dung, không làm cả hai."))
        if not upload and not text:
            raise forms.ValidationError(_("Vui lòng chọn tệp đề án hoặc dán nội dung bảng."))
        if upload:
            if not upload.name.lower().endswith(IMPORT_EXTENSIONS):
                self.add_error("file", _("Chỉ nhận tệp .docx, .xlsx hoặc .txt."))
            elif upload.size > IMPORT_MAX_BYTES:
                self.add_error("file", _("Tệp vượt quá 10 MB."))
        return data

    def payload(self) -> tuple[str, bytes]:
        """(file name, bytes) to hand to the importer."""
        upload = self.cleaned_data.get("file")
        if upload:
            return upload.name, upload.read()
        return "noi-dung-dan.txt", self.cleaned_data["text"].encode("utf-8")


NOT_AN_AGENCY = "none"


class AgencyMappingForm(forms.Form):
    """One select per name the importer could not match, shown with the preview."""

    def __init__(self, *args: Any, texts: list[str], agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.texts = texts
        self.agencies = {str(agency.pk): agency for agency in agencies}
        choices = [
            ("", _("— Để sau —")),
            (NOT_AN_AGENCY, _("Không phải một cơ quan (cụm từ chung)")),
            *((pk, agency.name) for pk, agency in self.agencies.items()),
        ]
        for index, text in enumerate(texts):
            self.fields[f"map_{index}"] = forms.ChoiceField(
                label=text,
                choices=choices,
                required=False,
                error_messages=BAD_CHOICE,
                widget=forms.Select(attrs={"class": "form-select"}),
            )

    def rows(self) -> list[tuple[str, forms.BoundField]]:
        return [(text, self[f"map_{index}"]) for index, text in enumerate(self.texts)]

    def chosen(self) -> list[tuple[str, Agency | None]]:
        """(name as written, agency or None for "not an agency") for each select that was set."""
        picked: list[tuple[str, Agency | None]] = []
        for index, text in enumerate(self.texts):
            value = self.cleaned_data.get(f"map_{index}")
            if value == NOT_AN_AGENCY:
                picked.append((text, None))
            elif value:
                picked.append((text, self.agencies[value]))
        return picked


class PlanImportForm(forms.Form):
    """An agency's own yearly plan to import under a scheme: whose, which year, the file.
    ``owners`` are the agencies the user may import for (one: shown, not chosen)."""

    owner = forms.TypedChoiceField(
        label=_("Đơn vị"),
        coerce=int,
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"required": _("Vui lòng chọn đơn vị."), "invalid_choice": _("Đơn vị đã chọn không hợp lệ.")},
    )
    year = forms.TypedChoiceField(
        label=_("Năm kế hoạch"),
        coerce=int,
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={
            "required": _("Vui lòng chọn năm kế hoạch."),
            "invalid_choice": _("Năm kế hoạch phải trong giai đoạn của kế hoạch cấp trên."),
        },
    )
    file = forms.FileField(
        label=_("Tệp kế hoạch"),
        help_text=_(".docx, .xlsx (theo mẫu) hoặc .txt; tối đa 10 MB."),
        widget=forms.FileInput(attrs={"class": "form-control", "accept": ",".join(IMPORT_EXTENSIONS)}),
        error_messages={
            "required": _("Vui lòng chọn tệp kế hoạch."),
            "empty": _("Tệp rỗng."),
            "invalid": _("Tệp không hợp lệ."),
        },
    )

    def __init__(self, *args: Any, owners: list[Agency], parent: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        owner = self.fields["owner"]
        owner.choices = [(agency.pk, agency.name) for agency in owners]  # type: ignore[attr-defined]
        if len(owners) == 1:
            owner.widget = forms.HiddenInput()
            self.initial["owner"] = owners[0].pk  # the only one, whatever the link asked for
        self.fixed_owner = owners[0] if len(owners) == 1 else None
        years = range(parent.period_start, parent.period_end + 1)
        self.fields["year"].choices = [(year, str(year)) for year in years]  # type: ignore[attr-defined]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(IMPORT_EXTENSIONS):
            raise forms.ValidationError(_("Chỉ nhận tệp .docx, .xlsx hoặc .txt."))
        if upload.size > IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("Tệp vượt quá 10 MB."))
        return upload
