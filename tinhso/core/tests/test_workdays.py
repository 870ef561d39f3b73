"""The shared working-day calendar: concrete deadlines around Vietnamese holidays, properties
that must hold for any receipt, and the province's configured days (database)."""

from __future__ import annotations

import math
from dataclasses import FrozenInstanceError
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from tinhso.core import workdays
from tinhso.core.models import CalendarDay
from tinhso.core.workdays import VIETNAM_TZ, WorkCalendar

# A calendar of the package's national days only, years small enough to build fast.
CAL = WorkCalendar(first_year=2023, last_year=2029)


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=VIETNAM_TZ)


def weekdays_off(calendar: WorkCalendar, year: int) -> list[date]:
    days = (date(year, 1, 1) + timedelta(n) for n in range(366))
    return [d for d in days if d.year == year and d.weekday() < 5 and not calendar.is_working_day(d)]


def weekends_worked(calendar: WorkCalendar, year: int) -> list[date]:
    days = (date(year, 1, 1) + timedelta(n) for n in range(366))
    return [d for d in days if d.year == year and d.weekday() >= 5 and calendar.is_working_day(d)]


# --- what the holidays package (0.109) gives for Vietnam -----------------------------------


def test_2025_days_off_and_make_up_saturday() -> None:
    assert weekdays_off(CAL, 2025) == [
        date(2025, 1, 1),
        date(2025, 1, 27),
        date(2025, 1, 28),
        date(2025, 1, 29),
        date(2025, 1, 30),
        date(2025, 1, 31),  # Tết
        date(2025, 4, 7),  # Giỗ Tổ Hùng Vương
        date(2025, 4, 30),
        date(2025, 5, 1),
        date(2025, 5, 2),  # 2/5 swapped with Saturday 26/4
        date(2025, 9, 1),
        date(2025, 9, 2),  # Quốc khánh, two days
    ]
    assert weekends_worked(CAL, 2025) == [date(2025, 4, 26)]


def test_2026_days_off_and_make_up_saturday() -> None:
    assert weekdays_off(CAL, 2026) == [
        date(2026, 1, 1),
        date(2026, 2, 16),
        date(2026, 2, 17),
        date(2026, 2, 18),
        date(2026, 2, 19),
        date(2026, 2, 20),  # Tết
        date(2026, 4, 27),  # Giỗ Tổ on Sunday 26/4, observed Monday
        date(2026, 4, 30),
        date(2026, 5, 1),
        date(2026, 8, 31),
        date(2026, 9, 1),
        date(2026, 9, 2),  # 31/8 swapped with Saturday 22/8
        date(2026, 11, 24),  # Ngày Văn hóa Việt Nam, a holiday from 2026
    ]
    assert weekends_worked(CAL, 2026) == [date(2026, 8, 22)]
    assert CAL.holiday_name(date(2026, 2, 17)) == "Tết Nguyên Đán"  # the lunar new year
    assert CAL.holiday_name(date(2026, 2, 16)) == "Giao thừa Tết Nguyên Đán"
    assert CAL.holiday_name(date(2026, 3, 7)) is None  # an ordinary Saturday
    assert CAL.holiday_name(date(2026, 8, 22)) is None  # worked


def test_2027_days_off() -> None:
    assert weekdays_off(CAL, 2027) == [
        date(2027, 1, 1),
        date(2027, 2, 4),
        date(2027, 2, 5),
        date(2027, 2, 8),
        date(2027, 2, 9),
        date(2027, 2, 10),  # Tết
        date(2027, 4, 16),
        date(2027, 4, 30),
        date(2027, 5, 3),  # 1/5 on Saturday, observed Monday
        date(2027, 9, 2),
        date(2027, 9, 3),
        date(2027, 11, 24),
    ]
    assert weekends_worked(CAL, 2027) == []


# --- concrete deadlines ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "days", "due"),
    [
        # Tết 2026: 16–20/2 off, with the weekends around it nine days without work.
        (at(2026, 2, 13, 10), 1, at(2026, 2, 23, 10)),
        (at(2026, 2, 13, 10), 3, at(2026, 2, 25, 10)),
        (at(2026, 2, 13, 14), Decimal("0.5"), at(2026, 2, 23, 8, 15)),  # 3 h on Friday, 45 min after Tết
        (at(2026, 2, 18, 9), 0, at(2026, 2, 23, 17)),  # received during Tết: same day = first day after
        (at(2026, 2, 18, 9), 1, at(2026, 2, 23, 17)),
        (at(2026, 2, 18, 9), Decimal("0.5"), at(2026, 2, 23, 11, 15)),
        # Tết 2025: 27–31/1 off.
        (at(2025, 1, 24, 10), 1, at(2025, 2, 3, 10)),
        # 30/4–1/5.
        (at(2026, 4, 29, 9), 1, at(2026, 5, 4, 9)),
        (at(2025, 4, 29, 9), 1, at(2025, 5, 5, 9)),  # 2/5/2025 off too
        (at(2025, 4, 25, 10), 1, at(2025, 4, 26, 10)),  # Saturday 26/4/2025 is worked
        # 2/9.
        (at(2025, 8, 29, 10), 1, at(2025, 9, 3, 10)),
        (at(2026, 8, 21, 10), 1, at(2026, 8, 22, 10)),  # Saturday 22/8/2026 is worked
        (at(2026, 8, 28, 10), 1, at(2026, 9, 3, 10)),  # 31/8, 1/9, 2/9 off
        # Friday afternoon.
        (at(2026, 3, 6, 16), 1, at(2026, 3, 9, 16)),
        (at(2026, 3, 6, 16), Decimal("0.5"), at(2026, 3, 9, 10, 15)),
        (at(2026, 3, 6, 16), 0, at(2026, 3, 6, 17)),
        (at(2026, 3, 6, 17, 30), 0, at(2026, 3, 9, 17)),  # after closing time
        # Outside working hours: before opening, at lunch.
        (at(2026, 3, 10, 6), Decimal("0.5"), at(2026, 3, 10, 11, 15)),  # half of 7 h 30
        (at(2026, 3, 10, 12), Decimal("0.5"), at(2026, 3, 11, 7, 45)),  # 3 h 30 afternoon + 15 min
        # Quarter and half days from the opening of a Monday.
        (at(2026, 3, 9, 7, 30), Decimal("0.25"), at(2026, 3, 9, 9, 22, 30)),
        (at(2026, 3, 9, 7, 30), 0.5, at(2026, 3, 9, 11, 15)),
        (at(2026, 3, 9, 7, 30), Decimal("0.75"), at(2026, 3, 9, 15, 7, 30)),
        (at(2026, 3, 9, 7, 30), 1, at(2026, 3, 9, 17)),  # the whole Monday: due by its end
        (at(2026, 3, 9, 7, 30), Decimal("1.5"), at(2026, 3, 10, 11, 15)),
        (at(2026, 3, 9, 7, 30), Decimal(8) / 15, at(2026, 3, 9, 11, 30)),  # 4 working hours
        (at(2026, 3, 9, 7, 30), 2.0, at(2026, 3, 10, 17)),
    ],
)
def test_due_moment(received: datetime, days: Decimal | int | float, due: datetime) -> None:
    result = CAL.add_working_days(received, days)
    assert result == due
    assert result.tzinfo == VIETNAM_TZ


@pytest.mark.parametrize(
    ("received", "days", "due"),
    [
        (at(2026, 3, 10, 14, 59), 0, at(2026, 3, 10, 17)),
        (at(2026, 3, 10, 15, 0), 0, at(2026, 3, 11, 17)),
        (at(2026, 3, 10, 15, 30), 0, at(2026, 3, 11, 17)),
        (at(2026, 3, 10, 15, 30), 1, at(2026, 3, 11, 17)),  # the clock starts Wednesday 07:30
        (at(2026, 3, 6, 16), 1, at(2026, 3, 9, 17)),  # Friday after the cut-off
        (at(2026, 2, 13, 15, 30), 0, at(2026, 2, 23, 17)),  # the Friday before Tết
        (at(2026, 3, 7, 16), 0, at(2026, 3, 9, 17)),  # Saturday: next working day anyway
    ],
)
def test_receipt_after_cutoff_counts_from_next_working_day(received: datetime, days: int, due: datetime) -> None:
    assert CAL.add_working_days(received, days, cutoff_hour=15) == due


def test_without_cutoff_a_late_receipt_keeps_its_hour() -> None:
    assert CAL.add_working_days(at(2026, 3, 10, 15, 30), 1) == at(2026, 3, 11, 15, 30)


def test_aware_datetimes_in_other_zones_are_read_as_vietnam_time() -> None:
    due = CAL.add_working_days(datetime(2026, 3, 9, 0, 30, tzinfo=UTC), Decimal("0.5"))  # 07:30 in Hà Nội
    assert due == at(2026, 3, 9, 11, 15)
    assert due.tzinfo == VIETNAM_TZ


def test_configured_day_off_and_make_up_saturday() -> None:
    cal = WorkCalendar(
        days_off={date(2026, 3, 11): "Nghỉ do bão số 3"},
        working_days={date(2026, 3, 14): "Làm bù cho ngày 11/3"},
        first_year=2026,
        last_year=2026,
    )
    assert not cal.is_working_day(date(2026, 3, 11))
    assert cal.holiday_name(date(2026, 3, 11)) == "Nghỉ do bão số 3"
    assert cal.add_working_days(at(2026, 3, 10, 10), 1) == at(2026, 3, 12, 10)
    assert cal.is_working_day(date(2026, 3, 14))
    assert cal.add_working_days(at(2026, 3, 13, 10), 1) == at(2026, 3, 14, 10)
    assert cal.next_working_day(date(2026, 3, 13)) == date(2026, 3, 14)
    assert cal.next_working_day(date(2026, 3, 10)) == date(2026, 3, 12)
    # The national calendar is untouched.
    assert CAL.is_working_day(date(2026, 3, 11))
    assert not CAL.is_working_day(date(2026, 3, 14))


def test_configured_days_override_the_national_calendar() -> None:
    cal = WorkCalendar(
        days_off={date(2026, 8, 22): "Không làm bù"},
        working_days={date(2026, 11, 24): "Làm việc"},
        first_year=2026,
        last_year=2026,
    )
    assert not cal.is_working_day(date(2026, 8, 22))
    assert cal.is_working_day(date(2026, 11, 24))


def test_next_and_previous_working_day() -> None:
    assert CAL.next_working_day(date(2026, 2, 13)) == date(2026, 2, 23)
    assert CAL.next_working_day(at(2026, 2, 13, 23, 59)) == date(2026, 2, 23)
    assert CAL.next_working_day(date(2026, 3, 9)) == date(2026, 3, 10)
    assert CAL.previous_working_day(date(2026, 2, 23)) == date(2026, 2, 13)
    # A datetime is judged by its date in Vietnam: 20:00 UTC on Sunday is Monday morning there.
    assert CAL.is_working_day(datetime(2026, 3, 8, 20, tzinfo=UTC))


def test_working_days_between() -> None:
    assert CAL.working_days_between(at(2026, 2, 13, 10), at(2026, 2, 23, 10)) == 1
    assert CAL.working_days_between(at(2026, 3, 9, 7, 30), at(2026, 3, 9, 9, 22, 30)) == Decimal("0.25")
    assert str(CAL.working_days_between(at(2026, 3, 9, 7, 30), at(2026, 3, 9, 9, 22, 30))) == "0.25"
    assert str(CAL.working_days_between(at(2026, 3, 2, 7, 30), at(2026, 3, 6, 17))) == "5"
    assert CAL.working_days_between(at(2026, 3, 7, 8), at(2026, 3, 8, 20)) == 0  # a weekend
    assert CAL.working_days_between(at(2026, 3, 9, 12), at(2026, 3, 9, 13)) == 0  # lunch
    # Signed: late by 0.8 day, or early by it.
    assert CAL.working_days_between(at(2026, 2, 13, 12), at(2026, 2, 23, 10)) == Decimal("0.8")
    assert CAL.working_days_between(at(2026, 2, 23, 10), at(2026, 2, 13, 12)) == Decimal("-0.8")


def test_elapsed_excludes_the_union_of_pauses() -> None:
    start, end = at(2026, 3, 2, 7, 30), at(2026, 3, 6, 17)  # Monday to Friday: 5 days
    tuesday_wednesday = (at(2026, 3, 3, 7, 30), at(2026, 3, 4, 17))
    assert CAL.elapsed_working_days(start, end) == 5
    assert CAL.elapsed_working_days(start, end, [tuesday_wednesday]) == 3
    overlapping = [(at(2026, 3, 3, 7, 30), at(2026, 3, 4, 11, 30)), (at(2026, 3, 4, 7, 30), at(2026, 3, 4, 17))]
    assert CAL.elapsed_working_days(start, end, overlapping) == 3
    sticking_out = [(at(2026, 2, 27, 9), at(2026, 3, 2, 11, 30)), (at(2026, 3, 6, 13, 30), at(2026, 3, 9, 9))]
    assert CAL.elapsed_working_days(start, end, sticking_out) == Decimal("4")
    with pytest.raises(ValueError, match="before start"):
        CAL.elapsed_working_days(end, start)
    with pytest.raises(ValueError, match="before it starts"):
        CAL.elapsed_working_days(start, end, [(end, start)])


def test_shift_moves_a_due_date_by_a_pause_without_receipt_rules() -> None:
    due = at(2026, 3, 9, 17)
    assert CAL.shift(due, Decimal("0.5")) == at(2026, 3, 10, 11, 15)
    assert CAL.shift(due, 0) == due
    assert CAL.shift(at(2026, 3, 7, 10), 1) == at(2026, 3, 9, 17)  # from a Saturday
    # add_working_days would apply the same-day rule to 0 days: the wrong tool for pauses.
    assert CAL.add_working_days(due, 0) == at(2026, 3, 10, 17)


def test_custom_working_hours() -> None:
    cal = WorkCalendar(periods=[(time(8), time(12)), (time(13), time(17))], first_year=2026, last_year=2026)
    assert cal.working_day_length == timedelta(hours=8)
    assert cal.add_working_days(at(2026, 3, 9, 8), Decimal("0.5")) == at(2026, 3, 9, 12)
    assert cal.add_working_days(at(2026, 3, 9, 8), Decimal("0.75")) == at(2026, 3, 9, 15)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: CAL.add_working_days(datetime(2026, 3, 9, 8), 1), ValueError, "timezone-aware"),
        (lambda: CAL.working_days_between(at(2026, 3, 9), datetime(2026, 3, 9)), ValueError, "timezone-aware"),
        (lambda: CAL.is_working_day(datetime(2026, 3, 9)), ValueError, "timezone-aware"),
        (lambda: CAL.add_working_days(at(2026, 3, 9), -1), ValueError, "negative"),
        (lambda: CAL.add_working_days(at(2026, 3, 9), Decimal("-0.25")), ValueError, "negative"),
        (lambda: CAL.add_working_days(at(2026, 3, 9), Decimal("NaN")), ValueError, "finite"),
        (lambda: CAL.add_working_days(at(2026, 3, 9), math.inf), ValueError, "finite"),
        (lambda: CAL.add_working_days(at(2026, 3, 9), True), TypeError, "days"),
        (lambda: CAL.add_working_days(at(2026, 3, 9), "1"), TypeError, "days"),  # type: ignore[arg-type]  # refused at run time too
        (lambda: CAL.add_working_days(at(2026, 3, 9), 1, cutoff_hour=24), ValueError, "cutoff_hour"),
        (lambda: CAL.is_working_day(date(2031, 1, 2)), ValueError, "outside"),
        (lambda: CAL.add_working_days(at(2029, 12, 31, 9), 5), ValueError, "outside"),
        (
            lambda: WorkCalendar(days_off={date(2026, 1, 5): "a"}, working_days={date(2026, 1, 5): "b"}),
            ValueError,
            "both",
        ),
        (lambda: WorkCalendar(periods=[(time(13), time(17)), (time(8), time(12))]), ValueError, "order"),
        (lambda: WorkCalendar(periods=[(time(12), time(8))]), ValueError, "end after"),
        (lambda: WorkCalendar(periods=[]), ValueError, "at least one"),
    ],
)
def test_invalid_input_is_refused(call: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        call()


def test_calendar_is_immutable() -> None:
    with pytest.raises(FrozenInstanceError):
        CAL.periods = ()  # type: ignore[misc]  # the assignment mypy refuses is refused at run time too
    with pytest.raises(FrozenInstanceError):
        del CAL.tz


def test_calendar_keeps_its_own_copy_of_the_configured_days() -> None:
    days_off = {date(2026, 3, 10): "Bão"}
    cal = WorkCalendar(days_off=days_off, first_year=2026, last_year=2026)
    days_off[date(2026, 3, 11)] = "Bão"
    assert not cal.is_working_day(date(2026, 3, 10))
    assert cal.is_working_day(date(2026, 3, 11))
    with pytest.raises(TypeError):
        cal.days_off[date(2026, 3, 12)] = "Bão"  # type: ignore[index]  # a read-only mapping


# --- properties ------------------------------------------------------------------------------

LUNAR_NEW_YEARS = [date(2024, 2, 10), date(2025, 1, 29), date(2026, 2, 17), date(2027, 2, 6)]
BOUNDARIES = [
    time(0),
    time(7, 29, 59),
    time(7, 30),
    time(11, 30),
    time(12),
    time(13, 30),
    time(14, 59, 59),
    time(15),
    time(17),
    time(17, 0, 1),
    time(23, 59, 59),
]

around_tet = st.sampled_from(LUNAR_NEW_YEARS).flatmap(lambda d: st.integers(-15, 15).map(lambda k: d + timedelta(k)))
any_day = st.dates(min_value=date(2024, 1, 1), max_value=date(2027, 12, 31))
times = st.one_of(
    st.sampled_from(BOUNDARIES),
    st.integers(0, 24 * 3600 - 1).map(lambda s: time(s // 3600, s // 60 % 60, s % 60)),
)
starts = st.builds(lambda d, t: datetime.combine(d, t, tzinfo=VIETNAM_TZ), st.one_of(around_tet, any_day), times)
quarters = st.integers(1, 120).map(lambda q: Decimal(q) / 4)  # 0.25 … 30 days
whole = st.integers(1, 60)
any_days = st.one_of(st.just(Decimal(0)), quarters, whole.map(Decimal))
cutoffs = st.sampled_from([None, 15])
PROPERTY = settings(max_examples=150, deadline=None)


def working_days_from_to(first: date, last: date) -> int:
    return sum(CAL.is_working_day(first + timedelta(n)) for n in range((last - first).days + 1))


@PROPERTY
@given(start=starts, days=any_days, cutoff=cutoffs)
def test_due_is_inside_working_hours_of_a_working_day(start: datetime, days: Decimal, cutoff: int | None) -> None:
    due = CAL.add_working_days(start, days, cutoff_hour=cutoff)
    assert due.tzinfo == VIETNAM_TZ
    assert CAL.is_working_day(due)
    # After a period's opening, at the latest at its end.
    assert any(begin < due.time() <= end for begin, end in CAL.periods)


@PROPERTY
@given(start=starts, a=quarters, b=quarters, cutoff=cutoffs)
def test_due_is_monotonic_in_days(start: datetime, a: Decimal, b: Decimal, cutoff: int | None) -> None:
    low, high = sorted((a, b))
    assert CAL.add_working_days(start, low, cutoff_hour=cutoff) <= CAL.add_working_days(start, high, cutoff_hour=cutoff)


@PROPERTY
@given(first=starts, second=starts, days=any_days, cutoff=cutoffs)
def test_due_is_monotonic_in_receipt_time(first: datetime, second: datetime, days: Decimal, cutoff: int | None) -> None:
    early, late = sorted((first, second))
    assert CAL.add_working_days(early, days, cutoff_hour=cutoff) <= CAL.add_working_days(late, days, cutoff_hour=cutoff)


@PROPERTY
@given(start=starts, a=whole, b=whole)
def test_adding_whole_days_in_two_steps_is_adding_their_sum(start: datetime, a: int, b: int) -> None:
    assert CAL.add_working_days(CAL.add_working_days(start, a), b) == CAL.add_working_days(start, a + b)


@PROPERTY
@given(start=starts, a=quarters, b=quarters)
def test_adding_quarter_days_in_two_steps_is_adding_their_sum(start: datetime, a: Decimal, b: Decimal) -> None:
    assert CAL.add_working_days(CAL.add_working_days(start, a), b) == CAL.add_working_days(start, a + b)


@PROPERTY
@given(day=st.one_of(around_tet, any_day), period=st.sampled_from(CAL.periods), days=st.one_of(quarters, whole))
def test_elapsed_time_to_the_due_moment_is_the_processing_time(
    day: date,
    period: tuple[time, time],
    days: Decimal | int,
) -> None:
    start = datetime.combine(CAL.next_working_day(day), period[0], tzinfo=VIETNAM_TZ)
    assert CAL.working_days_between(start, CAL.add_working_days(start, days)) == days


@PROPERTY
@given(start=starts, days=st.one_of(quarters, whole))
def test_elapsed_time_to_the_due_moment_is_the_processing_time_from_any_receipt(
    start: datetime,
    days: Decimal | int,
) -> None:
    # Without a cut-off, time outside working hours counts for nothing either way.
    assert CAL.working_days_between(start, CAL.add_working_days(start, days)) == days


@PROPERTY
@given(start=starts, days=any_days, cutoff=cutoffs)
def test_due_is_never_earlier_than_the_days_allow(start: datetime, days: Decimal, cutoff: int | None) -> None:
    due = CAL.add_working_days(start, days, cutoff_hour=cutoff)
    assert due >= start
    assert due - start >= timedelta(microseconds=int(days * 27_000_000_000))  # n × 7 h 30
    # n days reach at least the n-th working day counting the day of receipt, hence at least
    # n − 1 calendar days later (n at the opening of a day ends that day at 17:00).
    assert working_days_from_to(start.date(), due.date()) >= max(1, math.ceil(days))
    assert (due.date() - start.date()).days >= math.ceil(days) - 1


@PROPERTY
@given(day=st.one_of(around_tet, any_day), minutes=st.integers(1, 7 * 60 + 29), days=whole)
def test_receipt_inside_working_hours_is_due_at_least_n_calendar_days_later(
    day: date,
    minutes: int,
    days: int,
) -> None:
    start = datetime.combine(CAL.next_working_day(day), time(7, 30), tzinfo=VIETNAM_TZ) + timedelta(minutes=minutes)
    if not any(begin < start.time() < end for begin, end in CAL.periods):
        return  # lunch: counts as 13:30, possibly less than n × 24 h before the due moment
    due = CAL.add_working_days(start, days)
    assert due - start >= timedelta(days=days)
    assert due.time() == start.time()


# --- configured days (database) ------------------------------------------------------------------


@pytest.mark.django_db
def test_calendar_day_belongs_to_the_installation_province(settings: Any) -> None:
    settings.TINHSO_PROVINCE_CODE = "38"
    day = CalendarDay.objects.create(date=date(2026, 3, 11), kind=CalendarDay.Kind.DAY_OFF, reason="Bão")
    assert day.province_code == "38"
    assert str(day) == "11/03/2026: ngày nghỉ"


@pytest.mark.django_db
def test_calendar_uses_the_province_days_only(settings: Any) -> None:
    settings.TINHSO_PROVINCE_CODE = "33"
    CalendarDay.objects.create(date=date(2026, 3, 11), kind=CalendarDay.Kind.DAY_OFF, reason="Nghỉ do bão")
    CalendarDay.objects.create(date=date(2026, 3, 14), kind=CalendarDay.Kind.WORKING_DAY, reason="Làm bù")
    CalendarDay.objects.create(
        province_code="38", date=date(2026, 3, 12), kind=CalendarDay.Kind.DAY_OFF, reason="Riêng Thanh Hóa"
    )
    cal = workdays.calendar()
    assert not cal.is_working_day(date(2026, 3, 11))
    assert cal.is_working_day(date(2026, 3, 12))
    assert cal.is_working_day(date(2026, 3, 14))
    assert cal.holiday_name(date(2026, 3, 11)) == "Nghỉ do bão"
    assert not workdays.calendar("38").is_working_day(date(2026, 3, 12))
    assert workdays.calendar("38").is_working_day(date(2026, 3, 11))
    assert workdays.due_at(at(2026, 3, 10, 10), 1) == at(2026, 3, 12, 10)
    assert workdays.due_at(at(2026, 3, 13, 15, 30), 0, cutoff_hour=15) == at(2026, 3, 14, 17)
    assert workdays.elapsed_working_days(at(2026, 3, 10, 10), at(2026, 3, 12, 10)) == 1
    assert (
        workdays.elapsed_working_days(
            at(2026, 3, 9, 7, 30),
            at(2026, 3, 13, 17),
            [(at(2026, 3, 9, 7, 30), at(2026, 3, 9, 17))],
        )
        == 3
    )
    assert workdays.extend_due(at(2026, 3, 10, 17), 1) == at(2026, 3, 12, 17)


@pytest.mark.django_db
def test_calendar_is_cached_until_the_rows_change(django_assert_num_queries: Any) -> None:
    first = workdays.calendar()
    with django_assert_num_queries(1):  # the fingerprint only
        assert workdays.calendar() is first

    row = CalendarDay.objects.create(date=date(2026, 3, 11), kind=CalendarDay.Kind.DAY_OFF, reason="Bão")
    second = workdays.calendar()
    assert second is not first
    assert not second.is_working_day(date(2026, 3, 11))

    row.date = date(2026, 3, 12)
    row.save()
    third = workdays.calendar()
    assert third.is_working_day(date(2026, 3, 11))
    assert not third.is_working_day(date(2026, 3, 12))

    # A bulk update (no save(), no signal) still changes the fingerprint.
    CalendarDay.objects.filter(pk=row.pk).update(date=date(2026, 3, 13))
    fourth = workdays.calendar()
    assert fourth.is_working_day(date(2026, 3, 12))
    assert not fourth.is_working_day(date(2026, 3, 13))

    CalendarDay.objects.all().delete()
    assert workdays.calendar().is_working_day(date(2026, 3, 13))


@pytest.mark.django_db
def test_working_hours_come_from_settings(settings: Any) -> None:
    settings.TINHSO_WORKING_HOURS = [("08:00", "12:00"), ("13:00", "17:00")]
    assert workdays.due_at(at(2026, 3, 9, 8), Decimal("0.5")) == at(2026, 3, 9, 12)
    settings.TINHSO_WORKING_HOURS = None
    assert workdays.due_at(at(2026, 3, 9, 7, 30), Decimal("0.5")) == at(2026, 3, 9, 11, 15)


@pytest.mark.parametrize(
    ("day", "kind", "field", "message"),
    [
        (date(2026, 3, 10), CalendarDay.Kind.WORKING_DAY, "kind", "Ngày này vốn đã là ngày làm việc."),
        (date(2026, 3, 8), CalendarDay.Kind.DAY_OFF, "kind", "Ngày này vốn đã là ngày nghỉ."),
        (date(2026, 2, 17), CalendarDay.Kind.DAY_OFF, "kind", "Ngày này vốn đã là ngày nghỉ."),
        (date(2099, 3, 10), CalendarDay.Kind.DAY_OFF, "date", "Ngày nằm ngoài phạm vi lịch làm việc của hệ thống."),
    ],
)
def test_a_configured_day_that_changes_nothing_is_refused(
    day: date,
    kind: str,
    field: str,
    message: str,
) -> None:
    row = CalendarDay(province_code="33", date=day, kind=kind, reason="Thử")
    with pytest.raises(ValidationError) as caught:
        row.full_clean(validate_unique=False, validate_constraints=False)
    assert caught.value.message_dict == {field: [message]}


@pytest.mark.parametrize(
    ("day", "kind"),
    [
        (date(2026, 3, 10), CalendarDay.Kind.DAY_OFF),
        (date(2026, 3, 14), CalendarDay.Kind.WORKING_DAY),
        (date(2026, 2, 17), CalendarDay.Kind.WORKING_DAY),
    ],
)
def test_a_configured_day_that_changes_the_calendar_is_accepted(day: date, kind: str) -> None:
    row = CalendarDay(province_code="33", date=day, kind=kind, reason="  Nghỉ   do bão  ")
    row.full_clean(validate_unique=False, validate_constraints=False)
    assert row.reason == "Nghỉ do bão"


@pytest.mark.django_db
def test_admin_records_a_configured_day_in_the_ledger(client: Client) -> None:
    from tinhso.ledger.models import Entry
    from tinhso.org.models import Person

    client.force_login(
        Person.objects.create_superuser(
            username="quantri",
            email="quantri@example.vn",
            password="x",
            full_name="Quản Trị",
        )
    )
    assert client.get("/quan-tri/core/calendarday/").status_code == 200
    response = client.post(
        "/quan-tri/core/calendarday/add/",
        {
            "date": "2026-03-11",
            "kind": "day_off",
            "reason": "Nghỉ do bão số 3",
            "province_code": "33",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    row = CalendarDay.objects.get()
    assert (row.date, row.kind, row.reason) == (date(2026, 3, 11), "day_off", "Nghỉ do bão số 3")
    assert Entry.objects.filter(action="core.calendarday.create", object_id=str(row.pk)).count() == 1
    assert not workdays.calendar().is_working_day(date(2026, 3, 11))

    refused = client.post(
        "/quan-tri/core/calendarday/add/",
        {
            "date": "2026-03-10",
            "kind": "working_day",
            "reason": "Nhầm",
            "province_code": "33",
        },
    )
    assert refused.status_code == 200
    assert CalendarDay.objects.count() == 1
    assert Entry.objects.filter(action="core.calendarday.create").count() == 1


@PROPERTY
@given(a=starts, b=starts, c=starts)
def test_elapsed_time_adds_up_and_changes_sign_when_reversed(a: datetime, b: datetime, c: datetime) -> None:
    # Each result is rounded to a millionth of a day, so the sum may be off by two of them.
    total = CAL.working_days_between(a, b) + CAL.working_days_between(b, c)
    assert abs(total - CAL.working_days_between(a, c)) <= Decimal("0.000002")
    assert CAL.working_days_between(b, a) == -CAL.working_days_between(a, b)
