"""The e-form of a procedure (``Procedure.form_fields``) edited in the admin as rows, one per
field (name, label, type, required, options, maximum length, prefill), instead of raw JSON.

Plain HTML inputs named ``<field>-<row>-<column>`` with a row count, like a formset, so it works
without JavaScript; a small static script (no inline code, CSP-compatible) only adds rows. Keys
of a field the editor has no column for are carried through untouched in a hidden input.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tinhso.onestop.catalogue.workbook import FORM_FIELD_TYPES
from tinhso.onestop.models import PREFILL_SOURCES

COLUMNS = ("name", "label", "type", "required", "options", "max_length", "prefill")
KNOWN_KEYS = frozenset(COLUMNS)
EXTRA_ROWS = 2
MAX_ROWS = 200
NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,49}$")

TYPE_LABELS = {
    "text": _("Văn bản"),
    "number": _("Số"),
    "date": _("Ngày (dd/mm/yyyy)"),
    "email": _("Thư điện tử"),
    "phone": _("Số điện thoại"),
    "personal_id": _("Số định danh cá nhân"),
    "select": _("Chọn trong danh sách"),
}
PREFILL_LABELS = {
    "full_name": _("Họ và tên của tài khoản"),
    "personal_id": _("Số định danh của tài khoản"),
    "phone": _("Số điện thoại của tài khoản"),
    "email": _("Thư điện tử của tài khoản"),
}


def _row_for_display(spec: Mapping[str, Any]) -> dict[str, Any]:
    options = spec.get("options") or []
    extra = {
        key: value
        for key, value in spec.items()
        if key not in KNOWN_KEYS and key != "extra" and not key.startswith("_")
    }
    extra_text = str(spec.get("extra") or "") or (json.dumps(extra, ensure_ascii=False) if extra else "")
    return {
        "name": str(spec.get("name") or ""),
        "label": str(spec.get("label") or ""),
        "type": str(spec.get("type") or "text"),
        "required": bool(spec.get("required")),
        "options": "\n".join(str(o) for o in options) if isinstance(options, list) else str(options),
        "max_length": "" if spec.get("max_length") in (None, "") else str(spec.get("max_length")),
        "prefill": str(spec.get("prefill") or ""),
        "extra": extra_text,
        "delete": bool(spec.get("_delete")),
    }


class EFormFieldsWidget(forms.Widget):
    template_name = "services/widgets/eform_fields.html"  # in the app: the form renderer reads apps' templates

    class Media:
        css = {"all": ["css/eform_admin.css"]}
        js = ["js/eform_admin.js"]

    def format_value(self, value: Any) -> list[Mapping[str, Any]]:  # type: ignore[override]
        if isinstance(value, str):
            try:
                value = json.loads(value or "[]")
            except ValueError:
                value = []
        return [spec for spec in value or [] if isinstance(spec, Mapping)]

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        rows = [_row_for_display(spec) for spec in self.format_value(value)]
        rows += [_row_for_display({}) for _ in range(EXTRA_ROWS)]
        for number, row in enumerate(rows, start=1):
            row["number"] = number
            row["prefix"] = f"{name}-{number - 1}"
        context["widget"].update(
            {
                "rows": rows,
                "total": len(rows),
                "types": list(TYPE_LABELS.items()),
                "prefills": list(PREFILL_LABELS.items()),
            }
        )
        return context

    def value_from_datadict(self, data: Mapping[str, Any], files: Any, name: str) -> Any:
        if f"{name}-TOTAL" not in data:  # a client posting the raw JSON (or nothing)
            return data.get(name)
        try:
            total = min(int(data.get(f"{name}-TOTAL") or 0), MAX_ROWS)
        except (TypeError, ValueError):
            total = 0
        rows = []
        for index in range(max(total, 0)):
            prefix = f"{name}-{index}"
            row = {column: data.get(f"{prefix}-{column}", "") for column in COLUMNS}
            row["required"] = bool(data.get(f"{prefix}-required"))
            row["extra"] = data.get(f"{prefix}-extra", "")
            row["_delete"] = bool(data.get(f"{prefix}-delete"))
            row["_row"] = index + 1
            rows.append(row)
        return rows

    def value_omitted_from_data(self, data: Mapping[str, Any], files: Any, name: str) -> bool:
        return f"{name}-TOTAL" not in data and name not in data


class EFormFieldsField(forms.Field):
    """The rows back to ``form_fields``: blank and deleted rows dropped, every row checked,
    all errors named by their row."""

    widget = EFormFieldsWidget

    def prepare_value(self, value: Any) -> Any:
        return value

    def to_python(self, value: Any) -> list[dict[str, Any]]:
        if value in (None, ""):
            return []
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise ValidationError(_("Tờ khai không đọc được."), code="invalid") from None
        if not isinstance(value, list):
            raise ValidationError(_("Tờ khai không đọc được."), code="invalid")
        errors: list[ValidationError] = []
        out: list[dict[str, Any]] = []
        seen: set[str] = set()
        for index, raw in enumerate(value, start=1):
            if not isinstance(raw, Mapping):
                errors.append(ValidationError(_("Dòng %(n)s không hợp lệ.") % {"n": index}))
                continue
            number = raw.get("_row", index)
            spec, problems = self._row(raw, number, seen)
            errors += problems
            if spec is not None:
                out.append(spec)
        if errors:
            raise ValidationError(errors)
        return out

    def _row(
        self, raw: Mapping[str, Any], number: int, seen: set[str]
    ) -> tuple[dict[str, Any] | None, list[ValidationError]]:
        def text(key: str) -> str:
            value = raw.get(key)
            return "" if value is None else str(value).strip()

        options_raw = raw.get("options")
        options = (
            [str(o).strip() for o in options_raw]
            if isinstance(options_raw, list)
            else [line.strip() for line in str(options_raw or "").replace(";", "\n").splitlines()]
        )
        options = [o for o in options if o]
        filled = any(text(key) for key in ("name", "label", "max_length", "prefill")) or options
        if raw.get("_delete") or not filled:
            return None, []
        problems = []

        def problem(message: Any, **values: Any) -> None:
            problems.append(ValidationError(_("Dòng %(n)s: ") % {"n": number} + str(message) % values))

        name, label, kind = text("name"), text("label"), text("type") or "text"
        if not name:
            problem(_("thiếu tên trường."))
        elif not NAME_RE.match(name):
            problem(
                _(
                    "tên trường “%(name)s” chỉ gồm chữ thường không dấu, chữ số và dấu gạch dưới, bắt đầu bằng "
                    "chữ (ví dụ ho_ten)."
                ),
                name=name,
            )
        elif name in seen:
            problem(_("tên trường “%(name)s” bị trùng với một dòng trên."), name=name)
        seen.add(name)
        if not label:
            problem(_("thiếu nhãn hiển thị cho người nộp."))
        if kind not in FORM_FIELD_TYPES:
            problem(_("kiểu trường “%(type)s” không hợp lệ."), type=kind)
        if kind == "select" and not options:
            problem(_("trường chọn trong danh sách cần ít nhất một lựa chọn (mỗi dòng một lựa chọn)."))
        max_length = None
        if text("max_length"):
            try:
                max_length = int(text("max_length"))
            except ValueError:
                max_length = 0
            if max_length <= 0 or max_length > 100_000:
                problem(_("độ dài tối đa phải là số nguyên dương."))
        prefill = text("prefill")
        if prefill and prefill not in PREFILL_SOURCES:
            problem(_("nguồn điền sẵn “%(source)s” không hợp lệ."), source=prefill)
        extra: dict[str, Any] = {}
        if text("extra"):
            try:
                loaded = json.loads(text("extra"))
            except ValueError:
                loaded = None
            if isinstance(loaded, dict):
                extra = {key: value for key, value in loaded.items() if key not in KNOWN_KEYS}
        if problems:
            return None, problems
        spec: dict[str, Any] = {"name": name, "label": label, "type": kind, "required": bool(raw.get("required"))}
        if kind == "select":
            spec["options"] = options
        if max_length:
            spec["max_length"] = max_length
        if prefill:
            spec["prefill"] = prefill
        spec.update(extra)
        return spec, []
