"""Free text the services take from officers and applicants (a note, a reason), checked alike
for every step: text (never a number or an object), NFC, within its length."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from tinhso.core import validation
from tinhso.core.errors import DomainError
from tinhso.core.validation import InvalidValue


def text_input(value: Any, field: str, label: str, *, max_length: int | None = None) -> str:
    """A text input as :func:`validation.text_value` has it ("" when none was given), or the
    :class:`DomainError` naming ``field``."""
    if value is None:
        return ""
    try:
        return validation.text_value(value, max_length=max_length, multiline=True)
    except InvalidValue as error:
        raise DomainError(error.sentence(label), field=field, code=error.code) from None


def reason_input(reason: Any, what: str) -> str:
    """A reason the applicant or the record will read: text, not only invisible characters;
    ``what`` names it in the refusal ("Vui lòng nêu <what>.")."""
    text = text_input(reason, "reason", what[:1].upper() + what[1:])
    if not text:
        raise DomainError(_("Vui lòng nêu %(what)s.") % {"what": what}, field="reason", code="required")
    return text
