"""Masking of personal data in lists and logs (Law 91/2025/QH15 on personal data)."""

from __future__ import annotations


def mask_digits(value: str | None, visible: int = 4) -> str:
    """Keep the last ``visible`` characters: "034201001234" → "********1234"."""
    if not value:
        return ""
    if len(value) <= visible:
        return "*" * len(value)
    return "*" * (len(value) - visible) + value[-visible:]


def mask_name(full_name: str | None) -> str:
    """Initials of all but the given name: "Nguyễn Văn An" → "N. V. An"."""
    if not full_name:
        return ""
    parts = full_name.split()
    if len(parts) == 1:
        return parts[0][0] + "."
    return " ".join([f"{part[0]}." for part in parts[:-1]] + [parts[-1]])


def mask_email(email: str | None) -> str:
    if not email or "@" not in email:
        return ""
    local, _, domain = email.partition("@")
    return f"{local[0]}***@{domain}"


# A value of unknown kind shown to someone who may not read it: a fixed mark, so that not even
# its length (a short or a long address) is given away.
HIDDEN = "***"


def mask_text(value: object) -> str:
    """Any other value (an address, a date of birth, a free answer): ``HIDDEN`` when there is one."""
    return HIDDEN if value not in (None, "") else ""


def mask_value(kind: str | None, value: object) -> str:
    """A value masked by what it is: an ID number or a phone keeps its last four digits, an
    e-mail its first letter and domain, a person's name its initials; anything else is hidden."""
    if value in (None, ""):
        return ""
    if kind in ("personal_id", "phone"):
        return mask_digits(str(value))
    if kind == "email":
        return mask_email(str(value)) or HIDDEN
    if kind == "full_name":
        return mask_name(str(value))
    return mask_text(value)
