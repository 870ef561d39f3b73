"""Dossier codes and the daily counters behind them.

A dossier's code is ``<agency code>-YYMMDD-<sequence>`` (Circular 4/2025/TT-VPCP): the
receiving agency's electronic id, the day, and that agency's counter for the day. Counters are
rows of :class:`DossierSequence`, taken with one upsert each (however many numbers it takes),
locked until the caller's transaction ends: numbers never repeat, and a rolled-back caller gives
its numbers back.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from tinhso.core.errors import DomainError
from tinhso.onestop.models import DossierSequence
from tinhso.org.models import Agency

# The table name comes from the model; every value is a parameter. Upsert + RETURNING works on
# PostgreSQL and SQLite ≥ 3.35 alike.
_NEXT_SEQUENCE_SQL = (
    f'INSERT INTO "{DossierSequence._meta.db_table}" ("agency_code", "day", "last") VALUES (%s, %s, %s) '  # noqa: S608
    f'ON CONFLICT ("agency_code", "day") DO UPDATE SET "last" = "{DossierSequence._meta.db_table}"."last" + %s '
    'RETURNING "last"'
)


def agency_code(agency: Agency) -> str:
    """The agency's electronic id, which numbers its dossiers; refused when it has none."""
    code = (agency.code or "").strip()
    if not code:
        raise DomainError(
            _("Cơ quan “%(name)s” chưa có mã định danh điện tử, không thể cấp mã hồ sơ.") % {"name": agency.name},
            code="agency_without_code",
        )
    return code


def dossier_code_next(*, agency: Agency, day: dt.date) -> str:
    """``<agency code>-YYMMDD-<sequence>`` (Circular 4/2025/TT-VPCP), sequence ≥ 4 digits.

    One statement creates the day's counter row or bumps it (an upsert ``RETURNING`` the new
    value). The row stays locked until the caller's transaction ends, so two desks never get
    the same number and a rolled-back dossier gives its number back.
    """
    code = agency_code(agency)
    return f"{code}-{day:%y%m%d}-{sequence_next(key=code, day=day):04d}"


def dossier_codes_next(*, agencies: Sequence[Agency], day: dt.date) -> list[str]:
    """:func:`dossier_code_next` for several dossiers at once, one code per agency given, in
    order: one upsert per agency however many of the dossiers it receives (a group of filings
    written together, see :mod:`.intake`). Counters are taken in the order of their codes, so
    two such calls never wait for each other's rows crosswise (no deadlock)."""
    codes = [agency_code(agency) for agency in agencies]
    counts = Counter(codes)
    following = {
        code: sequence_next(key=code, day=day, count=counts[code]) - counts[code] + 1 for code in sorted(counts)
    }
    numbered = []
    for code in codes:
        numbered.append(f"{code}-{day:%y%m%d}-{following[code]:04d}")
        following[code] += 1
    return numbered


def sequence_next(*, key: str, day: dt.date, count: int = 1) -> int:
    """Take ``count`` numbers of the counter ``key`` for ``day`` (from 1): one upsert
    ``RETURNING`` the last one taken; the numbers taken are the ``count`` up to it.

    The counter row stays locked until the caller's transaction ends: numbers never repeat,
    and a rolled-back caller gives its numbers back, so the sequence has no gaps.
    """
    if count < 1:
        raise ValueError("sequence_next() takes at least one number.")
    connection = transaction.get_connection()
    with connection.cursor() as cursor:
        cursor.execute(_NEXT_SEQUENCE_SQL, [key, connection.ops.adapt_datefield_value(day), count, count])
        (last,) = cursor.fetchone()
    return int(last)
