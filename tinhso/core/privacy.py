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
