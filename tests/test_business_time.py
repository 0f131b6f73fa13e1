"""Business-time engine (R-TIME-1 … R-TIME-4): worked examples and properties
checked against a brute-force minute-stepping oracle written here."""

import os
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from dds_assistance.core.business_time import (
	BusinessCalendar,
	french_business_calendar,
	french_public_holidays,
	normalise_windows,
)

PARIS = ZoneInfo("Europe/Paris")
# DDS_HYPOTHESIS_SCALE=10 runs every property with ten times more examples
SCALE = int(os.environ.get("DDS_HYPOTHESIS_SCALE", "1"))
UTC = timezone.utc
H = timedelta(hours=1)


@pytest.fixture(scope="module")
def cal():
	return french_business_calendar()


# --------------------------------------------------------------------------- R-TIME-2 holidays
@pytest.mark.parametrize(
	"year, movable",
	[
		(2026, [date(2026, 4, 6), date(2026, 5, 14), date(2026, 5, 25)]),
		(2027, [date(2027, 3, 29), date(2027, 5, 6), date(2027, 5, 17)]),
		(2028, [date(2028, 4, 17), date(2028, 5, 25), date(2028, 6, 5)]),
	],
)
def test_r_time_2_french_holidays_2026_2028(year, movable):
	days = french_public_holidays(year)
	fixed = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)]
	assert sorted(days) == sorted([date(year, m, d) for m, d in fixed] + movable)
	assert len(days) == 11


def test_r_time_2_holidays_are_closed(cal):
	for year in (2026, 2027, 2028):
		for day in french_public_holidays(year):
			noon = datetime.combine(day, time(10, 0))
			assert not cal.is_business_time(noon)
			assert not cal.is_open_day(day)


# --------------------------------------------------------------------------- R-TIME-1 windows
@pytest.mark.parametrize(
	"moment, expected",
	[
		(datetime(2026, 11, 23, 8, 59), False),
		(datetime(2026, 11, 23, 9, 0), True),
		(datetime(2026, 11, 23, 12, 29, 59), True),
		(datetime(2026, 11, 23, 12, 30), False),
		(datetime(2026, 11, 23, 13, 59), False),
		(datetime(2026, 11, 23, 14, 0), True),
		(datetime(2026, 11, 23, 17, 29), True),
		(datetime(2026, 11, 23, 17, 30), False),
		(datetime(2026, 11, 28, 10, 0), False),  # Saturday
		(datetime(2026, 11, 29, 10, 0), False),  # Sunday
	],
)
def test_r_time_1_is_business_time(cal, moment, expected):
	assert cal.is_business_time(moment) is expected


def test_r_time_1_seven_hours_a_day(cal):
	assert cal.business_hours_between(datetime(2026, 11, 23), datetime(2026, 11, 24)) == 7 * H
	assert cal.business_hours_between(datetime(2026, 11, 23), datetime(2026, 11, 30)) == 35 * H


# --------------------------------------------------------------------------- R-TIME-3 examples
def test_r_time_3_friday_17h_plus_4_is_monday_12h30(cal):
	assert cal.add_business_hours(datetime(2026, 11, 27, 17, 0), 4) == datetime(2026, 11, 30, 12, 30)


def test_r_time_3_monday_holiday_pushes_to_tuesday(cal):
	# Whit Monday 2027-05-17
	assert cal.add_business_hours(datetime(2027, 5, 14, 17, 0), 4) == datetime(2027, 5, 18, 12, 30)


@pytest.mark.parametrize(
	"start, hours, expected",
	[
		(datetime(2026, 11, 23, 7, 0), 1, datetime(2026, 11, 23, 10, 0)),  # before opening
		(datetime(2026, 11, 23, 18, 0), 1, datetime(2026, 11, 24, 10, 0)),  # after closing
		(datetime(2026, 11, 23, 12, 0), 1, datetime(2026, 11, 23, 14, 30)),  # across lunch
		(datetime(2026, 11, 23, 13, 0), 1, datetime(2026, 11, 23, 15, 0)),  # during lunch
		(datetime(2026, 11, 23, 9, 0), 3.5, datetime(2026, 11, 23, 12, 30)),  # closing time itself
		(datetime(2026, 11, 23, 9, 0), 7, datetime(2026, 11, 23, 17, 30)),
		(datetime(2026, 11, 23, 9, 0), 7.25, datetime(2026, 11, 24, 9, 15)),
		(datetime(2026, 11, 28, 11, 0), 0, datetime(2026, 11, 30, 9, 0)),  # zero → next opening
		(datetime(2026, 12, 31, 17, 0), 4, datetime(2027, 1, 4, 12, 30)),  # year end + 1 Jan
		(datetime(2026, 11, 23, 9, 0), timedelta(minutes=90), datetime(2026, 11, 23, 10, 30)),
		(datetime(2026, 11, 23, 9, 0), 24, datetime(2026, 11, 26, 12, 0)),  # request window: 3 × 7 h + 3 h
		(datetime(2026, 11, 10, 17, 0), 4, datetime(2026, 11, 12, 12, 30)),  # 11 Nov holiday
	],
)
def test_r_time_3_add_business_hours_examples(cal, start, hours, expected):
	assert cal.add_business_hours(start, hours) == expected


def test_r_time_3_inside_business_time_zero_is_start(cal):
	start = datetime(2026, 11, 23, 10, 17, 3)
	assert cal.add_business_hours(start, 0) == start
	assert cal.next_opening(start) == start


# --------------------------------------------------------------------------- DST
def test_dst_spring_forward_weekend_naive(cal):
	# 2026-03-29: 02:00 → 03:00
	assert cal.add_business_hours(datetime(2026, 3, 27, 17, 0), 4) == datetime(2026, 3, 30, 12, 30)
	assert cal.business_hours_between(datetime(2026, 3, 27, 17, 0), datetime(2026, 3, 30, 12, 30)) == 4 * H


def test_dst_autumn_weekend_aware(cal):
	# 2026-10-25: 03:00 → 02:00. Friday 17:00 CEST = 15:00 UTC
	start = datetime(2026, 10, 23, 15, 0, tzinfo=UTC)
	due = cal.add_business_hours(start, 4)
	assert due == datetime(2026, 10, 26, 12, 30, tzinfo=PARIS)
	assert due.utcoffset() == timedelta(hours=1)
	assert due.tzinfo.key == "Europe/Paris"
	assert cal.business_hours_between(start, due) == 4 * H


def test_dst_spring_aware_result_in_zone(cal):
	start = datetime(2026, 3, 27, 16, 0, tzinfo=UTC)  # 17:00 CET
	due = cal.add_business_hours(start, 4)
	assert due.astimezone(UTC) == datetime(2026, 3, 30, 10, 30, tzinfo=UTC)


def test_awareness_out_equals_awareness_in(cal):
	naive = cal.add_business_hours(datetime(2026, 11, 23, 9, 0), 2)
	assert naive.tzinfo is None
	aware = cal.add_business_hours(datetime(2026, 11, 23, 8, 0, tzinfo=UTC), 2)
	assert aware.tzinfo is not None and aware == datetime(2026, 11, 23, 11, 0, tzinfo=PARIS)
	assert cal.next_opening(datetime(2026, 11, 28, 8, 0, tzinfo=UTC)).tzinfo is not None
	assert cal.add_business_days(datetime(2026, 11, 25, 8, 0, tzinfo=UTC), 5).tzinfo is not None


def test_window_containing_dst_change_lasts_real_length():
	# a Sunday window 01:00–04:00: 2 real hours on spring day, 4 on autumn day
	cal = BusinessCalendar([(6, "01:00", "04:00")], None, "Europe/Paris")
	spring, autumn, plain = date(2026, 3, 29), date(2026, 10, 25), date(2026, 3, 22)
	day = timedelta(days=1)
	assert (
		cal.business_hours_between(datetime.combine(spring, time()), datetime.combine(spring + day, time()))
		== 2 * H
	)
	assert (
		cal.business_hours_between(datetime.combine(autumn, time()), datetime.combine(autumn + day, time()))
		== 4 * H
	)
	assert (
		cal.business_hours_between(datetime.combine(plain, time()), datetime.combine(plain + day, time()))
		== 3 * H
	)
	# over a whole year: 52 Sundays × 3 h, -1 h in spring, +1 h in autumn
	year = cal.business_hours_between(datetime(2026, 1, 1), datetime(2027, 1, 1))
	assert year == 52 * 3 * H
	assert cal.add_business_hours(datetime(2026, 3, 29, 0, 0), 2) == datetime(2026, 3, 29, 4, 0)


# --------------------------------------------------------------------------- R-TIME-4
@pytest.mark.parametrize(
	"received, expected",
	[
		(datetime(2026, 11, 25, 0, 1), datetime(2026, 12, 2, 17, 30)),  # Wednesday
		(datetime(2026, 11, 25, 23, 59), datetime(2026, 12, 2, 17, 30)),
		(datetime(2026, 11, 28, 10, 0), datetime(2026, 12, 4, 17, 30)),  # Saturday → Friday
		(datetime(2026, 11, 4, 10, 0), datetime(2026, 11, 12, 17, 30)),  # 11 Nov in between
		(datetime(2026, 12, 24, 10, 0), datetime(2027, 1, 4, 17, 30)),  # Christmas + New Year
	],
)
def test_r_time_4_five_business_days(cal, received, expected):
	assert cal.add_business_days(received, 5) == expected


def test_r_time_4_accepts_a_date(cal):
	assert cal.add_business_days(date(2026, 11, 25), 5) == datetime(2026, 12, 2, 17, 30)


def test_r_time_4_long_spans_match_day_stepping(cal):
	start = date(2026, 1, 1)
	for days in (1, 9, 10, 11, 40, 250, 700):
		day, left = start, days
		while left:
			day += timedelta(days=1)
			if day.weekday() < 5 and day not in french_public_holidays(day.year):
				left -= 1
		assert cal.add_business_days(start, days) == datetime.combine(day, time(17, 30))


# --------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
	"windows",
	[
		[(0, "10:00", "09:00")],
		[(0, "09:00", "09:00")],
		[(0, "09:00", "12:00"), (0, "11:00", "13:00")],
		[(7, "09:00", "12:00")],
		[("Funday", "09:00", "12:00")],
		[(0, "25:00", "26:00")],
		[(0, "9h", "12:00")],
		[],
		[(0, "09:00")],
	],
)
def test_bad_windows_raise_value_error(windows):
	with pytest.raises(ValueError):
		BusinessCalendar(windows, None, "Europe/Paris")


@pytest.mark.parametrize("tz", ["Mars/Olympus", "", None, "../etc/passwd"])
def test_unknown_time_zone(tz):
	with pytest.raises(ValueError, match="time zone"):
		BusinessCalendar([(0, "09:00", "12:00")], None, tz)


def test_bad_arguments(cal):
	with pytest.raises(ValueError, match="before the start"):
		cal.business_hours_between(datetime(2026, 11, 24), datetime(2026, 11, 23))
	for hours in (-1, timedelta(hours=-1), float("nan"), float("inf"), "abc", None):
		with pytest.raises(ValueError):
			cal.add_business_hours(datetime(2026, 11, 23), hours)
	for days in (0, -1, 1.5, True, "5"):
		with pytest.raises(ValueError):
			cal.add_business_days(datetime(2026, 11, 23), days)
	with pytest.raises(ValueError):
		cal.is_business_time("2026-11-23 10:00")
	with pytest.raises(ValueError):
		BusinessCalendar([(0, "09:00", "12:00")], ["not a date"], "Europe/Paris")


def test_touching_windows_merge_and_accept_many_forms():
	per_day = normalise_windows(
		[
			("Monday", time(9), time(12)),
			(0, "12:00", "13:00"),
			{"weekday": 1, "start": timedelta(hours=9), "end": "24:00"},
		]
	)
	assert per_day[0] == ((9 * 3600, 13 * 3600),)
	assert per_day[1] == ((9 * 3600, 86400),)


def test_closed_dates_from_collection_and_strings():
	cal = BusinessCalendar([(d, "09:00", "17:00") for d in range(5)], ["2026-11-24"], "Europe/Paris")
	assert cal.add_business_hours(datetime(2026, 11, 23, 16, 0), 2) == datetime(2026, 11, 25, 10, 0)


# --------------------------------------------------------------------------- properties
def oracle_is_open(cal, instant_utc):
	local = instant_utc.astimezone(cal.zone)
	day = local.date()
	if day in cal.holidays:
		return False
	wall = local.hour * 3600 + local.minute * 60 + local.second
	spans = cal.windows[day.weekday()]
	# a window holds the instant when its real (UTC) bounds hold it — for ambiguous
	# wall times that is what a human clock on the wall shows
	for first, last in spans:
		if first <= wall < last:
			return True
	return False


def oracle_add_minutes(cal, start_utc, minutes):
	t = start_utc
	if minutes == 0:
		while not oracle_is_open(cal, t):
			t += timedelta(minutes=1)
		return t
	count = 0
	while True:
		if oracle_is_open(cal, t):
			count += 1
			if count == minutes:
				return t + timedelta(minutes=1)
		t += timedelta(minutes=1)


def oracle_minutes_between(cal, start_utc, end_utc):
	t, count = start_utc, 0
	while t < end_utc:
		count += oracle_is_open(cal, t)
		t += timedelta(minutes=1)
	return count


moments = st.datetimes(min_value=datetime(2025, 12, 15), max_value=datetime(2029, 1, 10)).map(
	lambda d: d.replace(second=0, microsecond=0)
)
# the French calendar plus a weird one: split windows, a Sunday window over the DST hours
WEIRD = BusinessCalendar(
	[
		(6, "01:00", "04:00"),
		(6, "20:00", "24:00"),
		(2, "00:00", "00:30"),
		(2, "08:15", "08:45"),
		(4, "23:00", "24:00"),
	],
	["2026-06-03", "2027-03-28"],
	"Europe/Paris",
)


def _utc(cal, naive):
	return naive.replace(tzinfo=cal.zone).astimezone(UTC)


@settings(max_examples=150 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start=moments, minutes=st.integers(min_value=0, max_value=60 * 30))
def test_property_add_matches_oracle_french(cal, start, minutes):
	a = _utc(cal, start)
	got = cal.add_business_hours(a, timedelta(minutes=minutes))
	# compared in UTC: PEP 495 makes inter-zone == false for times in a DST fold
	assert got.astimezone(UTC) == oracle_add_minutes(cal, a, minutes)


@settings(max_examples=150 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start=moments, span=st.integers(min_value=0, max_value=60 * 24 * 20))
def test_property_between_matches_oracle_french(cal, start, span):
	a = _utc(cal, start)
	b = a + timedelta(minutes=span)
	assert cal.business_hours_between(a, b) == timedelta(minutes=oracle_minutes_between(cal, a, b))


@settings(max_examples=100 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start=moments, minutes=st.integers(min_value=0, max_value=60 * 25))
def test_property_weird_calendar_add_and_between_match_oracle(start, minutes):
	a = start.replace(tzinfo=UTC)
	expected = oracle_add_minutes(WEIRD, a, minutes)
	got = WEIRD.add_business_hours(a, timedelta(minutes=minutes))
	assert got.astimezone(UTC) == expected
	assert WEIRD.business_hours_between(a, got) == timedelta(minutes=minutes)


@settings(max_examples=300 * SCALE, deadline=None)
@given(start=moments, hours=st.floats(min_value=0, max_value=3000, allow_nan=False))
def test_property_between_inverts_add(cal, start, hours):
	hours = round(hours, 4)
	due = cal.add_business_hours(start, hours)
	assert due >= start
	got = cal.business_hours_between(start, due)
	assert abs(got - timedelta(hours=hours)) <= timedelta(microseconds=1)


@settings(max_examples=300 * SCALE, deadline=None)
@given(start=moments, end=moments)
def test_property_add_inverts_between(cal, start, end):
	assume(end >= start)
	spent = cal.business_hours_between(start, end)
	due = cal.add_business_hours(start, spent)
	if spent == timedelta(0):
		assert due == cal.next_opening(start)
		return
	# the due time is the earliest moment with that much business time: the end
	# itself, or the last closing time before it when the end lies outside business time
	assert due <= end
	assert cal.business_hours_between(due, end) == timedelta(0)
	assert cal.business_hours_between(start, due) == spent


@settings(max_examples=200 * SCALE, deadline=None)
@given(start=moments, days=st.integers(min_value=1, max_value=400))
def test_property_add_days_lands_on_closing_of_nth_open_day(cal, start, days):
	due = cal.add_business_days(start, days)
	assert due.time() == time(17, 30)
	first = start.date() + timedelta(days=1)
	count = sum(1 for i in range((due.date() - first).days + 1) if cal.is_open_day(first + timedelta(days=i)))
	assert count == days and cal.is_open_day(due.date())


@settings(max_examples=200 * SCALE, deadline=None)
@given(moment=moments)
def test_property_next_opening(cal, moment):
	opening = cal.next_opening(moment)
	assert cal.is_business_time(opening)
	assert cal.business_hours_between(moment, opening) == timedelta(0)
	assert (opening == moment) == cal.is_business_time(moment)


def test_frappe_time_strings_with_microseconds():
	assert normalise_windows([(0, "09:00:00.000000", "12:30:00")])[0] == ((9 * 3600, 12 * 3600 + 1800),)
	with pytest.raises(ValueError):
		normalise_windows([(0, "09:00:00.5", "12:30:00")])


# --------------------------------------------------------------------------- subtract (SLA warnings)
@pytest.mark.parametrize(
	"end, hours, expected",
	[
		(datetime(2026, 11, 23, 15, 0), 1, datetime(2026, 11, 23, 14, 0)),
		(datetime(2026, 11, 23, 14, 30), 1, datetime(2026, 11, 23, 12, 0)),  # across lunch
		(datetime(2026, 11, 30, 10, 0), 1, datetime(2026, 11, 30, 9, 0)),  # at the opening, not Friday
		(datetime(2026, 11, 30, 9, 30), 1, datetime(2026, 11, 27, 17, 0)),  # into Friday
		(datetime(2027, 1, 4, 12, 30), 4, datetime(2026, 12, 31, 17, 0)),  # across 1 Jan and the year
		(datetime(2026, 11, 28, 12, 0), 0, datetime(2026, 11, 28, 12, 0)),
	],
)
def test_subtract_business_hours_examples(cal, end, hours, expected):
	assert cal.subtract_business_hours(end, hours) == expected


def test_subtract_rejects_negative(cal):
	with pytest.raises(ValueError):
		cal.subtract_business_hours(datetime(2026, 11, 23, 10), -1)


@settings(max_examples=300 * SCALE, deadline=None)
@given(end=moments, hours=st.floats(min_value=0, max_value=3000, allow_nan=False))
def test_property_subtract_is_the_latest_start(cal, end, hours):
	hours = round(hours, 4)
	begin = cal.subtract_business_hours(end, hours)
	assert begin <= end
	assert abs(cal.business_hours_between(begin, end) - timedelta(hours=hours)) <= timedelta(microseconds=1)
	if hours:
		# latest: just after it, less business time remains
		later = begin + timedelta(seconds=1)
		assert later > end or cal.business_hours_between(later, end) < timedelta(hours=hours)


@settings(max_examples=100 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start=moments, minutes=st.integers(min_value=0, max_value=60 * 25))
def test_property_weird_calendar_subtract_inverts(start, minutes):
	a = start.replace(tzinfo=UTC)
	back = WEIRD.subtract_business_hours(a, timedelta(minutes=minutes))
	assert WEIRD.business_hours_between(back, a) == timedelta(minutes=minutes)


# --------------------------------------------------------------------------- R-AVAIL-2 closures by the hour
def closed(*spans):
	"""The French calendar minus planned interruptions (naive Paris wall times)."""
	return BusinessCalendar(FRENCH, lambda year: french_public_holidays(year), "Europe/Paris", closures=spans)


FRENCH = [(d, "09:00", "12:30") for d in range(5)] + [(d, "14:00", "17:30") for d in range(5)]
MON = datetime(2026, 11, 30)


def test_r_avail_2_an_interruption_cut_in_the_middle_of_a_window():
	cal = closed((MON.replace(hour=10), MON.replace(hour=11)))
	# Monday 09:00 + 4 bh: 09–10, [10–11 closed], 11–12:30, 14:00–14:30 → 15:30
	assert cal.add_business_hours(MON.replace(hour=9), 4) == MON.replace(hour=15, minute=30)
	assert cal.business_hours_between(MON.replace(hour=9), MON.replace(hour=12, minute=30)) == 2.5 * H
	assert not cal.is_business_time(MON.replace(hour=10, minute=30))
	assert cal.next_opening(MON.replace(hour=10, minute=30)) == MON.replace(hour=11)


def test_r_avail_2_an_interruption_across_lunch_and_a_request_received_during_it():
	cal = closed((MON.replace(hour=12), MON.replace(hour=15)))
	# received at 12:15, inside the interruption: the clock starts at the reopening, 15:00
	assert cal.add_business_hours(MON.replace(hour=12, minute=15), 1) == MON.replace(hour=16)
	assert cal.business_hours_between(MON.replace(hour=9), MON.replace(hour=17, minute=30)) == 5.5 * H


def test_r_avail_2_an_interruption_across_days_and_a_weekend():
	# Friday 16:00 → Tuesday 10:00: Friday 16–17:30 and Monday closed, Tuesday from 10:00
	cal = closed((datetime(2026, 11, 27, 16), datetime(2026, 12, 1, 10)))
	assert cal.add_business_hours(datetime(2026, 11, 27, 15, 0), 2) == datetime(2026, 12, 1, 11, 0)
	assert not cal.is_open_day(MON.date())  # Monday is closed all day long
	# five business days from Wednesday 25: Thu, Fri (part), Tue, Wed, Thu → Thursday 3 Dec
	assert cal.add_business_days(datetime(2026, 11, 25, 10), 5) == datetime(2026, 12, 3, 17, 30)


def test_r_avail_2_an_interruption_over_a_holiday_counts_once():
	# 11 November 2026 (Wednesday) is a public holiday; the interruption covers it and Thursday morning
	cal = closed((datetime(2026, 11, 10, 17, 0), datetime(2026, 11, 12, 12, 30)))
	# Tuesday 16–17:00, then Thursday from 14:00: 15:00
	assert cal.add_business_hours(datetime(2026, 11, 10, 16, 0), 2) == datetime(2026, 11, 12, 15, 0)


def test_r_avail_2_an_interruption_across_the_dst_change():
	# Friday 27 March 2026 16:00 Paris → Monday 30 March 10:00 (summer time from Sunday)
	cal = closed((datetime(2026, 3, 27, 16), datetime(2026, 3, 30, 10)))
	assert cal.add_business_hours(datetime(2026, 3, 27, 15, 0), 2) == datetime(2026, 3, 30, 11, 0)
	aware = datetime(2026, 3, 27, 15, 0, tzinfo=PARIS)
	assert cal.add_business_hours(aware, 2).utcoffset() == timedelta(hours=2)


def test_a_closure_must_end_after_it_begins():
	with pytest.raises(ValueError):
		closed((MON.replace(hour=11), MON.replace(hour=10)))


def oracle_is_open_with(cal, spans):
	closures = [(_utc(cal, a), _utc(cal, b)) for a, b in spans]

	def is_open(instant_utc):
		return oracle_is_open(cal, instant_utc) and not any(a <= instant_utc < b for a, b in closures)

	return is_open


closure = st.tuples(
	st.datetimes(min_value=datetime(2026, 3, 20), max_value=datetime(2026, 4, 10)).map(
		lambda d: d.replace(second=0, microsecond=0)
	),
	st.integers(min_value=1, max_value=60 * 80),
).map(lambda t: (t[0], t[0] + timedelta(minutes=t[1])))


@settings(max_examples=120 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
	spans=st.lists(closure, max_size=3),
	start=st.datetimes(min_value=datetime(2026, 3, 18), max_value=datetime(2026, 4, 8)).map(
		lambda d: d.replace(second=0, microsecond=0)
	),
	minutes=st.integers(min_value=0, max_value=60 * 20),
)
def test_property_interruptions_match_the_minute_oracle(spans, start, minutes):
	cal = closed(*spans)
	is_open = oracle_is_open_with(cal, spans)
	a = _utc(cal, start)
	t, count = a, 0
	if minutes == 0:
		while not is_open(t):
			t += timedelta(minutes=1)
		expected = t
	else:
		while True:
			if is_open(t):
				count += 1
				if count == minutes:
					expected = t + timedelta(minutes=1)
					break
			t += timedelta(minutes=1)
	got = cal.add_business_hours(a, timedelta(minutes=minutes))
	assert got.astimezone(UTC) == expected
	b = a + timedelta(minutes=minutes * 3)
	between = sum(1 for i in range(minutes * 3) if is_open(a + timedelta(minutes=i)))
	assert cal.business_hours_between(a, b) == timedelta(minutes=between)
