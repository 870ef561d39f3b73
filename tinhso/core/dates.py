"""Calendar dates typed by people: dd/mm/yyyy on every page (the order Vietnamese write and
read), ISO 8601 where a machine sends them (the API); both are understood everywhere."""

from __future__ import annotations

import datetime as dt

DAY_INPUT = "%d/%m/%Y"
DAY_PLACEHOLDER = "dd/mm/yyyy"


def day_parse(text: str | None) -> dt.date | None:
    """The date in ``text`` (``31/12/2026``, ``1/2/2026`` or ``2026-12-31``), None if none."""
    text = (text or "").strip()
    try:
        if "/" in text:
            return dt.datetime.strptime(text, DAY_INPUT).date()  # noqa: DTZ007 - a calendar date, no time
        return dt.date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


def day_display(day: dt.date | None) -> str:
    return day.strftime(DAY_INPUT) if day else ""
