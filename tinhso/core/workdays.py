"""Working days: the one calendar every deadline of the platform is computed with.

Why one shared function: processing times of administrative procedures are set in *working
days* (FRAMEWORKS §2; Decree 118/2025/NĐ-CP on the one-stop shop and its Circulars 03/2025
and 4/2025/TT-VPCP). The clock starts at valid receipt, skips Saturdays, Sundays and public
holidays (lunar Tết and compensatory days included, Labour Code 2019 art. 112) and stops
while a supplement is awaited. The appointment slip, the apology slip, the "on time / early /
late" counts of the service index (Decision 766/QĐ-TTg) and the reports must all agree on
the same due moment, so they all go through this module.

Model of time. A working day is a list of working periods (07:30–11:30 and 13:30–17:00 by
default, configurable); a processing time of ``n`` days is ``n`` times the length of a
working day measured in working time only, so half a day is half the working hours and a
quarter day (a typical workflow step) is a quarter of them. Internally each moment maps to a
position on a working-time axis (integer microseconds), which makes addition and
elapsed-time measurement exact and each other's inverse.

Sources of days:
- the ``holidays`` package (Vietnam) for national holidays, observed days and the
  Government's announced swaps (a Saturday worked to bridge a holiday). The Decree on
  public holidays changes over time; we trust the package and do not hard-code dates;
- :class:`tinhso.core.models.CalendarDay` rows for what the province adds: extra days off
  (a provincial holiday, a storm closure) and make-up working days. They override the
  national calendar in both directions, so a swap the package does not know yet can be
  entered without a release.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType
from typing import Final
from zoneinfo import ZoneInfo

import holidays
from django.apps import apps
from django.conf import settings
from django.db.models import Count, Max

VIETNAM_TZ: Final = ZoneInfo("Asia/Ho_Chi_Minh")
# Office hours of state agencies (Decision 188/1999/QĐ-TTg lets provinces set them; most use
# these). A province with other hours sets TINHSO_WORKING_HOURS.
DEFAULT_PERIODS: Final[tuple[tuple[time, time], ...]] = ((time(7, 30), time(11, 30)), (time(13, 30), time(17, 0)))
# The years the calendar covers. The package knows the lunar calendar far beyond these;
# swaps are announced year by year and entered as CalendarDay rows when it does not.
FIRST_YEAR: Final = 2010
LAST_YEAR: Final = 2050

_US_PER_SECOND: Final = 1_000_000
_DAY_PRECISION: Final = Decimal("0.000001")  # a millionth of a working day: 27 ms with default hours

Days = Decimal | int | float


def _time_us(value: time) -> int:
    return ((value.hour * 60 + value.minute) * 60 + value.second) * _US_PER_SECOND + value.microsecond


def _require_aware(moment: datetime, name: str) -> None:
    if not isinstance(moment, datetime):
        raise TypeError(f"{name} must be a datetime, got {type(moment).__name__}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (Asia/Ho_Chi_Minh), got naive {moment!r}")


def _days_decimal(days: Days) -> Decimal:
    if isinstance(days, bool) or not isinstance(days, int | float | Decimal):
        raise TypeError(f"days must be a Decimal, int or float, got {type(days).__name__}")
    value = Decimal(days)  # exact for floats too: 0.25 and 0.5 are exact binary fractions
    if not value.is_finite():
        raise ValueError(f"days must be finite, got {days!r}")
    if value < 0:
        raise ValueError(f"days must not be negative, got {days!r}")
    return value


def _normalise_periods(periods: Iterable[tuple[time, time]]) -> tuple[tuple[time, time], ...]:
    result = tuple((start, end) for start, end in periods)
    if not result:
        raise ValueError("a working day needs at least one working period")
    previous_end = -1
    for start, end in result:
        if start.tzinfo is not None or end.tzinfo is not None:
            raise ValueError("working periods are local wall-clock times without tzinfo")
        if _time_us(start) >= _time_us(end):
            raise ValueError(f"working period {start}–{end} must end after it starts")
        if _time_us(start) < previous_end:
            raise ValueError("working periods must be in order and must not overlap")
        previous_end = _time_us(end)
    return result


@functools.lru_cache(maxsize=4)
def _national_days(first_year: int, last_year: int) -> tuple[Mapping[date, str], frozenset[date]]:
    """Public holidays (with their Vietnamese names) and make-up weekend working days from
    the ``holidays`` package. Built once per process: it is the slow part (~0.1 s)."""
    vietnam = holidays.country_holidays("VN", years=range(first_year, last_year + 1), language="vi")
    names = {day: str(name) for day, name in vietnam.items() if first_year <= day.year <= last_year}
    # weekend_workdays also lists swaps of neighbouring years; keep those in range.
    workdays = frozenset(day for day in vietnam.weekend_workdays if first_year <= day.year <= last_year)
    return MappingProxyType(names), workdays


@dataclass(frozen=True, slots=True, kw_only=True, eq=False, repr=False)
class WorkCalendar:
    """An immutable working-day calendar: national holidays plus configured days.

    Build one with :func:`calendar` (cached per process, rebuilt when CalendarDay rows
    change) or directly (tests, what-if computations). All datetimes must be aware; results
    are in Asia/Ho_Chi_Minh. Dates outside ``first_year``–``last_year`` raise ValueError
    rather than silently ignoring holidays.

    ``days_off`` and ``working_days`` map configured dates to their reason; they override
    the national calendar (a configured working day may even fall on a holiday). A date may
    not be in both. The calendar is a frozen dataclass: assigning or deleting an attribute
    raises :class:`dataclasses.FrozenInstanceError`; the configured days are kept as
    read-only copies, so changing the mappings given to the constructor changes nothing.
    Equality is identity (a calendar is a large table; nobody compares two).
    """

    days_off: Mapping[date, str] = field(default_factory=dict)
    working_days: Mapping[date, str] = field(default_factory=dict)
    periods: Sequence[tuple[time, time]] = DEFAULT_PERIODS
    first_year: int = FIRST_YEAR
    last_year: int = LAST_YEAR
    tz: ZoneInfo = field(default=VIETNAM_TZ, init=False)
    # Derived in __post_init__, the only place that sets them.
    _first: int = field(init=False)
    _last: int = field(init=False)
    _ordinals: tuple[int, ...] = field(init=False)
    _by_ordinal: frozenset[int] = field(init=False)
    _periods_us: tuple[tuple[int, int], ...] = field(init=False)
    _day_us: int = field(init=False)
    _names: Mapping[date, str] = field(init=False)

    def __post_init__(self) -> None:
        first_year, last_year = self.first_year, self.last_year
        if first_year > last_year:
            raise ValueError("first_year must not be after last_year")
        days_off = dict(self.days_off or {})
        working_days = dict(self.working_days or {})
        both = days_off.keys() & working_days.keys()
        if both:
            raise ValueError(f"configured both as day off and as working day: {sorted(both)}")
        periods = _normalise_periods(self.periods)
        national_names, national_workdays = _national_days(first_year, last_year)
        first, last = date(first_year, 1, 1).toordinal(), date(last_year, 12, 31).toordinal()

        ordinals: list[int] = []
        for ordinal in range(first, last + 1):
            day = date.fromordinal(ordinal)
            if day in working_days:
                working = True
            elif day in days_off:
                working = False
            elif day in national_workdays:
                working = True
            else:
                working = day.weekday() < 5 and day not in national_names
            if working:
                ordinals.append(ordinal)

        names = dict(national_names)
        names.update(days_off)
        periods_us = tuple((_time_us(start), _time_us(end)) for start, end in periods)
        # A frozen dataclass sets its derived fields once, here, through object.__setattr__
        # (the dataclasses documentation's way); nothing else can.
        derived: dict[str, object] = {
            "days_off": MappingProxyType(days_off),
            "working_days": MappingProxyType(working_days),
            "periods": periods,
            "_first": first,
            "_last": last,
            "_ordinals": tuple(ordinals),
            "_by_ordinal": frozenset(ordinals),
            "_periods_us": periods_us,
            "_day_us": sum(end - start for start, end in periods_us),
            "_names": MappingProxyType(names),
        }
        for name, value in derived.items():
            object.__setattr__(self, name, value)

    def __repr__(self) -> str:
        return (
            f"<WorkCalendar {self.first_year}–{self.last_year}, {len(self.days_off)} configured days off, "
            f"{len(self.working_days)} configured working days>"
        )

    # --- days -------------------------------------------------------------------------

    @property
    def working_day_length(self) -> timedelta:
        """Wall-clock length of the working periods of one day (7 h 30 min by default)."""
        return timedelta(microseconds=self._day_us)

    def covers(self, day: date | datetime) -> bool:
        """Whether ``day`` is within the years this calendar knows."""
        return self._first <= self._local_date(day).toordinal() <= self._last

    def is_working_day(self, day: date | datetime) -> bool:
        """Monday–Friday and not a public holiday or configured day off; or a make-up
        working day (announced nationally or configured). A datetime is judged by its local
        date, whatever the hour."""
        return self._ordinal(day) in self._by_ordinal

    def next_working_day(self, day: date | datetime) -> date:
        """The first working day strictly after ``day``."""
        index = bisect.bisect_right(self._ordinals, self._ordinal(day))
        return date.fromordinal(self._ordinal_at(index))

    def previous_working_day(self, day: date | datetime) -> date:
        """The last working day strictly before ``day`` (e.g. for "notify one working day
        before the deadline", FRAMEWORKS §2)."""
        index = bisect.bisect_left(self._ordinals, self._ordinal(day)) - 1
        return date.fromordinal(self._ordinal_at(index))

    def holiday_name(self, day: date | datetime) -> str | None:
        """Why ``day`` is a day off, in Vietnamese (configured reason or the package's name
        of the holiday); None for a working day or an ordinary weekend."""
        if self.is_working_day(day):
            return None
        return self._names.get(self._local_date(day))

    # --- moments ----------------------------------------------------------------------

    def add_working_days(self, start: datetime, days: Days, *, cutoff_hour: int | None = None) -> datetime:
        """The due moment of a processing time of ``days`` working days from a receipt at
        ``start``.

        - A receipt on a non-working day, outside working hours, or (with ``cutoff_hour``)
          from ``cutoff_hour``:00 on counts as received at the start of the next working
          day (local rules such as "after 15:00, the next working day", FRAMEWORKS §2).
        - ``days == 0`` is a same-day procedure: due at the end of the working day of the
          (effective) receipt. This is why, from a morning receipt, 0 days is due later
          than 0.25 days: monotonicity in ``days`` holds for ``days > 0``.
        - Fractions are fractions of the working hours: with the default 7 h 30 a day, 0.5
          day from 07:30 is due at 11:15 and 0.25 day at 09:22:30 (rounded to the
          microsecond, so any value works, e.g. 8/15 day for "4 working hours").
        - When the time runs out exactly at the end of a working period, the due moment is
          that end (11:30, 17:00), not the start of the next period: "due by Friday 17:00"
          rather than "Monday 07:30", the same instant in working time.

        To move a due date by a paused interval (a supplement), use :meth:`shift`, not this
        method: the same-day rule and the cut-off are rules about receipts.
        """
        _require_aware(start, "start")
        amount = self._days_us(days)
        position = self._receipt_position(start, cutoff_hour)
        if amount == 0:
            day_index = position // self._day_us
            return self._moment_at((day_index + 1) * self._day_us)
        return self._moment_at(position + amount)

    def shift(self, moment: datetime, days: Days) -> datetime:
        """The moment ``days`` working days of working time after ``moment``, with no
        receipt rules: use it to push a due date back by a paused interval. ``days == 0``
        returns ``moment`` unchanged."""
        _require_aware(moment, "moment")
        amount = self._days_us(days)
        if amount == 0:
            return moment.astimezone(self.tz)
        return self._moment_at(self._position(moment) + amount)

    def working_days_between(self, start: datetime, end: datetime) -> Decimal:
        """Working time from ``start`` to ``end`` in working days (to a millionth), counting
        only working periods of working days. Negative when ``end`` is before ``start``,
        so ``working_days_between(due, done)`` is the lateness (positive) or earliness."""
        _require_aware(start, "start")
        _require_aware(end, "end")
        return self._to_days(self._position(end) - self._position(start))

    def elapsed_working_days(
        self,
        start: datetime,
        end: datetime,
        pauses: Sequence[tuple[datetime, datetime]] = (),
    ) -> Decimal:
        """Working time from ``start`` to ``end`` minus the working time of ``pauses``
        (waiting for the applicant's supplement is not processing time, FRAMEWORKS §2).
        Pauses may overlap each other or stick out of ``start``–``end``: only their union
        inside it is subtracted."""
        _require_aware(start, "start")
        _require_aware(end, "end")
        if end < start:
            raise ValueError(f"end {end} is before start {start}")
        clipped: list[tuple[int, int]] = []
        for pause_start, pause_end in pauses:
            _require_aware(pause_start, "pause start")
            _require_aware(pause_end, "pause end")
            if pause_end < pause_start:
                raise ValueError(f"pause ends {pause_end} before it starts {pause_start}")
            inside_start, inside_end = max(pause_start, start), min(pause_end, end)
            if inside_start < inside_end:
                clipped.append((self._position(inside_start), self._position(inside_end)))
        paused = 0
        covered_to: int | None = None
        for low, high in sorted(clipped):
            if covered_to is not None and low < covered_to:
                low = covered_to
            if high > low:
                paused += high - low
            covered_to = high if covered_to is None else max(covered_to, high)
        return self._to_days(self._position(end) - self._position(start) - paused)

    # --- internals --------------------------------------------------------------------

    def _local_date(self, day: date | datetime) -> date:
        if isinstance(day, datetime):
            _require_aware(day, "day")
            return day.astimezone(self.tz).date()
        if not isinstance(day, date):
            raise TypeError(f"day must be a date or datetime, got {type(day).__name__}")
        return day

    def _ordinal(self, day: date | datetime) -> int:
        ordinal = self._local_date(day).toordinal()
        if not self._first <= ordinal <= self._last:
            raise ValueError(
                f"{date.fromordinal(ordinal)} is outside the working-day calendar ({self.first_year}–{self.last_year})"
            )
        return ordinal

    def _ordinal_at(self, index: int) -> int:
        if not 0 <= index < len(self._ordinals):
            raise ValueError(f"the result falls outside the working-day calendar ({self.first_year}–{self.last_year})")
        return self._ordinals[index]

    def _days_us(self, days: Days) -> int:
        return int((_days_decimal(days) * self._day_us).to_integral_value(ROUND_HALF_UP))

    def _to_days(self, microseconds: int) -> Decimal:
        value = (Decimal(microseconds) / Decimal(self._day_us)).quantize(_DAY_PRECISION, ROUND_HALF_UP)
        return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()

    def _position(self, moment: datetime) -> int:
        """Working time from the start of the calendar to ``moment``. Moments outside
        working hours sit where the last working period ended, so a Saturday has the
        position of Friday 17:00, which is also that of Monday 07:30."""
        local = moment.astimezone(self.tz)
        ordinal = self._ordinal(local)
        index = bisect.bisect_left(self._ordinals, ordinal)
        if index < len(self._ordinals) and self._ordinals[index] == ordinal:
            now = _time_us(local.time())
            offset = sum(max(0, min(now, end) - start) for start, end in self._periods_us)
            return index * self._day_us + offset
        return index * self._day_us

    def _receipt_position(self, start: datetime, cutoff_hour: int | None) -> int:
        position = self._position(start)
        if cutoff_hour is None:
            return position
        if isinstance(cutoff_hour, bool) or not isinstance(cutoff_hour, int) or not 0 <= cutoff_hour <= 23:
            raise ValueError(f"cutoff_hour must be an hour 0–23 or None, got {cutoff_hour!r}")
        local = start.astimezone(self.tz)
        if self.is_working_day(local) and local.time() >= time(cutoff_hour):
            # Received too late in the day: the clock starts with the next working day.
            index = bisect.bisect_left(self._ordinals, local.toordinal())
            return (index + 1) * self._day_us
        return position

    def _moment_at(self, position: int) -> datetime:
        """The earliest moment at a positive working-time position: when it is the end of a
        working period, the end rather than the next start."""
        if position <= 0:
            raise ValueError("the result falls before the start of the working-day calendar")
        index, offset = divmod(position - 1, self._day_us)
        offset += 1  # in (0, day length]
        day = date.fromordinal(self._ordinal_at(index))
        for start, end in self._periods_us:
            if offset <= end - start:
                midnight = datetime.combine(day, time(0), tzinfo=self.tz)
                return midnight + timedelta(microseconds=start + offset)
            offset -= end - start
        raise AssertionError("offset beyond the working day")  # pragma: no cover


# --- the shared calendar --------------------------------------------------------------


def national_calendar() -> WorkCalendar:
    """The calendar of the ``holidays`` package alone, with the configured working hours
    (no database access): what CalendarDay rows are validated against."""
    return _national_calendar(_configured_periods())


@functools.lru_cache(maxsize=4)
def _national_calendar(periods: tuple[tuple[time, time], ...]) -> WorkCalendar:
    return WorkCalendar(periods=periods)


def _configured_periods() -> tuple[tuple[time, time], ...]:
    """TINHSO_WORKING_HOURS, e.g. [("07:30", "11:30"), ("13:30", "17:00")], or the default."""
    configured = getattr(settings, "TINHSO_WORKING_HOURS", None)
    if not configured:
        return DEFAULT_PERIODS
    return _normalise_periods(
        (
            start if isinstance(start, time) else time.fromisoformat(start),
            end if isinstance(end, time) else time.fromisoformat(end),
        )
        for start, end in configured
    )


# province code → (fingerprint of its CalendarDay rows and the hours, calendar built from them)
_CALENDARS: dict[str, tuple[tuple[object, ...], WorkCalendar]] = {}


def calendar(province_code: str | None = None) -> WorkCalendar:
    """The working-day calendar of a province (default: settings.TINHSO_PROVINCE_CODE).

    Cached per process; each call costs one aggregate query (COUNT and MAX(updated_at) of
    the province's CalendarDay rows), and the calendar is rebuilt when that fingerprint
    changes. The key comes from the data, so a change saved by any process (admin, shell,
    another worker) is seen by all of them on their next call, without signals. Code that
    computes many deadlines at once should call this once and reuse the result.
    """
    # Through the app registry, not an import: the model validates its rows against
    # :func:`national_calendar`, so core.models imports this module.
    CalendarDay = apps.get_model("core", "CalendarDay")
    code = province_code or str(settings.TINHSO_PROVINCE_CODE)
    rows = CalendarDay.objects.filter(province_code=code)
    stats = rows.aggregate(count=Count("id"), last=Max("updated_at"))
    periods = _configured_periods()
    fingerprint: tuple[object, ...] = (stats["count"], stats["last"], periods)
    cached = _CALENDARS.get(code)
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    days_off: dict[date, str] = {}
    working_days: dict[date, str] = {}
    for day, kind, reason in rows.filter(date__year__gte=FIRST_YEAR, date__year__lte=LAST_YEAR).values_list(
        "date",
        "kind",
        "reason",
    ):
        (working_days if kind == CalendarDay.Kind.WORKING_DAY else days_off)[day] = reason
    built = WorkCalendar(days_off=days_off, working_days=working_days, periods=periods)
    _CALENDARS[code] = (fingerprint, built)
    return built


def due_at(received_at: datetime, processing_days: Days, *, cutoff_hour: int | None = None) -> datetime:
    """The due moment (hẹn trả kết quả) of a dossier received at ``received_at`` with a
    processing time of ``processing_days`` working days, on the province's calendar."""
    return calendar().add_working_days(received_at, processing_days, cutoff_hour=cutoff_hour)


def extend_due(due: datetime, paused_days: Days) -> datetime:
    """The due moment pushed back by ``paused_days`` working days (the working time spent
    waiting for a supplement), on the province's calendar."""
    return calendar().shift(due, paused_days)


def elapsed_working_days(
    start: datetime,
    end: datetime,
    pauses: Sequence[tuple[datetime, datetime]] = (),
) -> Decimal:
    """Processing time from ``start`` to ``end`` in working days, pauses excluded, on the
    province's calendar: compare with the procedure's processing time for on time / early /
    late."""
    return calendar().elapsed_working_days(start, end, pauses)
