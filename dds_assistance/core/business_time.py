"""Business-time arithmetic (R-TIME-1 … R-TIME-5).

A :class:`BusinessCalendar` knows a set of weekly opening windows (several per
day allowed), a time zone and a set of closed dates (public holidays, closure
days).  It answers the questions every deadline of the app depends on:

* ``add_business_hours(start, hours)``   — "N heures ouvrées" (R-TIME-3)
* ``business_hours_between(start, end)`` — business time in ``[start, end)``
* ``add_business_days(start, days)``     — "N jours ouvrés" (R-TIME-4)
* ``is_business_time(moment)`` and ``next_opening(moment)``

Conventions
-----------
* A window is half-open: ``[start, end)``; 12:30 is not business time when the
  morning window closes at 12:30.
* Naive datetimes are wall time in the calendar's zone (this is how Frappe
  stores datetimes); an aware datetime is converted to the zone and the result
  is aware in the zone. What comes out has the awareness of what came in.
* Every comparison is done on absolute instants (UTC), so a window that
  contains a daylight-saving change lasts its real length (an hour less or an
  hour more); the French windows never do, but the general calendar is exact.
* Closures by the hour (planned interruptions) close part of a day or several
  days: the business time inside them does not count.
* Cost: whole weeks are counted arithmetically; only closed days inside the
  span are looked up one by one, and the days carrying a DST change (at most
  two a year) or a closure by the hour are measured individually.

The module is pure Python (stdlib + dateutil): no Frappe import.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.easter import easter

UTC = timezone.utc
DAY_SECONDS = 86_400
MICROSECOND = timedelta(microseconds=1)
ZERO = timedelta(0)
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# How far a search for the next open day may go before the calendar is declared
# closed for good (a calendar whose every day is a holiday would loop forever).
MAX_SEARCH_DAYS = 366 * 20

FRENCH_WINDOWS = (
	(0, "09:00", "12:30"),
	(0, "14:00", "17:30"),
	(1, "09:00", "12:30"),
	(1, "14:00", "17:30"),
	(2, "09:00", "12:30"),
	(2, "14:00", "17:30"),
	(3, "09:00", "12:30"),
	(3, "14:00", "17:30"),
	(4, "09:00", "12:30"),
	(4, "14:00", "17:30"),
)
FRENCH_TIME_ZONE = "Europe/Paris"


# --------------------------------------------------------------------------- holidays
def french_public_holidays(year: int) -> dict[date, str]:
	"""The eleven public holidays of metropolitan France for ``year`` (R-TIME-2).

	Easter-based ones (Easter Monday, Ascension Thursday, Whit Monday) come from
	dateutil's Gregorian Easter. Names are in French, as on an ERPNext Holiday List.
	"""
	if not isinstance(year, int) or isinstance(year, bool) or not 1583 <= year <= 9999:
		raise ValueError(f"Invalid year for the French holiday calendar: {year!r}")
	sunday = easter(year)
	return {
		date(year, 1, 1): "Jour de l'an",
		sunday + timedelta(days=1): "Lundi de Pâques",
		date(year, 5, 1): "Fête du Travail",
		date(year, 5, 8): "Victoire 1945",
		sunday + timedelta(days=39): "Ascension",
		sunday + timedelta(days=50): "Lundi de Pentecôte",
		date(year, 7, 14): "Fête nationale",
		date(year, 8, 15): "Assomption",
		date(year, 11, 1): "Toussaint",
		date(year, 11, 11): "Armistice 1918",
		date(year, 12, 25): "Noël",
	}


class _ClosedDates:
	"""Closed dates, either a finite collection or a ``year -> dates`` function."""

	def __init__(self, source):
		self._by_year: Callable[[int], Iterable[date]] | None = None
		self._sorted: list[date] = []
		self._set: frozenset[date] = frozenset()
		if source is None:
			return
		if callable(source) and not isinstance(source, Mapping):
			self._by_year = source
			self._year_cache: dict[int, tuple[list[date], frozenset[date]]] = {}
			return
		dates = {_as_date(value) for value in source}
		self._sorted = sorted(dates)
		self._set = frozenset(dates)

	def _year(self, year: int) -> tuple[list[date], frozenset[date]]:
		cached = self._year_cache.get(year)
		if cached is None:
			values = {_as_date(value) for value in self._by_year(year)}
			if any(value.year != year for value in values):
				raise ValueError(f"The holiday function returned dates outside {year}")
			cached = (sorted(values), frozenset(values))
			self._year_cache[year] = cached
		return cached

	def __contains__(self, day: date) -> bool:
		if self._by_year is not None:
			return day in self._year(day.year)[1]
		return day in self._set

	def between(self, first: date, last: date) -> list[date]:
		"""Sorted closed dates in ``[first, last]``."""
		if first > last:
			return []
		if self._by_year is not None:
			found: list[date] = []
			for year in range(first.year, last.year + 1):
				days = self._year(year)[0]
				found.extend(days[bisect.bisect_left(days, first) : bisect.bisect_right(days, last)])
			return found
		return self._sorted[bisect.bisect_left(self._sorted, first) : bisect.bisect_right(self._sorted, last)]


def _as_date(value) -> date:
	if isinstance(value, datetime):
		return value.date()
	if isinstance(value, date):
		return value
	if isinstance(value, str):
		try:
			return date.fromisoformat(value.strip()[:10])
		except ValueError:
			pass
	raise ValueError(f"Invalid holiday date: {value!r} (expected a date or 'YYYY-MM-DD')")


# --------------------------------------------------------------------------- windows
def _seconds_of_day(value, *, what: str) -> int:
	"""A time of day as seconds from midnight; accepts time, timedelta (Frappe Time
	fields), 'HH:MM[:SS]' strings; '24:00' is the end of the day."""
	if isinstance(value, time):
		if value.tzinfo is not None:
			raise ValueError(f"The {what} of an opening window must be a local time, not {value!r}")
		return value.hour * 3600 + value.minute * 60 + value.second
	if isinstance(value, timedelta):
		seconds = value.total_seconds()
		if seconds != int(seconds) or not 0 <= seconds <= DAY_SECONDS:
			raise ValueError(f"Invalid {what} for an opening window: {value!r}")
		return int(seconds)
	if isinstance(value, str):
		parts = value.strip().split(":")
		if len(parts) == 3 and "." in parts[2]:
			whole, _, fraction = parts[2].partition(".")
			if fraction.strip("0"):
				raise ValueError(f"Invalid {what} for an opening window: {value!r} (whole seconds only)")
			parts[2] = whole
		if 2 <= len(parts) <= 3 and all(p.isdigit() for p in parts):
			hours, minutes = int(parts[0]), int(parts[1])
			seconds = int(parts[2]) if len(parts) == 3 else 0
			total = hours * 3600 + minutes * 60 + seconds
			if minutes < 60 and seconds < 60 and total <= DAY_SECONDS:
				return total
	raise ValueError(f"Invalid {what} for an opening window: {value!r} (expected HH:MM)")


def _weekday(value) -> int:
	if isinstance(value, bool):
		raise ValueError(f"Invalid weekday: {value!r}")
	if isinstance(value, int) and 0 <= value <= 6:
		return value
	if isinstance(value, str):
		name = value.strip().capitalize()
		if name in WEEKDAY_NAMES:
			return WEEKDAY_NAMES.index(name)
	raise ValueError(f"Invalid weekday: {value!r} (0 = Monday … 6 = Sunday, or an English day name)")


def normalise_windows(windows) -> tuple[tuple[tuple[int, int], ...], ...]:
	"""Validate opening windows and return, per weekday (0 = Monday), the sorted
	``(start_second, end_second)`` pairs.

	``windows`` is an iterable of ``(weekday, start, end)`` or a mapping
	``weekday -> [(start, end), …]``. A window must end after it starts and may
	not overlap another window of the same day (touching is allowed and merged).
	"""
	if windows is None:
		raise ValueError("Opening windows are required")
	triples = []
	if isinstance(windows, Mapping):
		for day, spans in windows.items():
			for span in spans:
				if len(span) != 2:
					raise ValueError(f"Invalid opening window: {span!r}")
				triples.append((day, span[0], span[1]))
	else:
		for item in windows:
			if isinstance(item, Mapping):
				item = (item.get("weekday"), item.get("start"), item.get("end"))
			if len(item) != 3:
				raise ValueError(f"Invalid opening window: {item!r} (expected weekday, start, end)")
			triples.append(tuple(item))
	per_day: list[list[tuple[int, int]]] = [[] for _ in range(7)]
	for day, start, end in triples:
		weekday = _weekday(day)
		first = _seconds_of_day(start, what="start")
		last = _seconds_of_day(end, what="end")
		if last <= first:
			raise ValueError(f"Opening window {WEEKDAY_NAMES[weekday]} {start}–{end} ends before it starts")
		per_day[weekday].append((first, last))
	result = []
	for weekday, spans in enumerate(per_day):
		spans.sort()
		merged: list[tuple[int, int]] = []
		for first, last in spans:
			if merged and first < merged[-1][1]:
				raise ValueError(f"Opening windows overlap on {WEEKDAY_NAMES[weekday]}")
			if merged and first == merged[-1][1]:
				merged[-1] = (merged[-1][0], last)
			else:
				merged.append((first, last))
		result.append(tuple(merged))
	if not any(result):
		raise ValueError("At least one opening window is required")
	return tuple(result)


def _zone(tz) -> ZoneInfo:
	if isinstance(tz, ZoneInfo):
		return tz
	if not isinstance(tz, str) or not tz.strip():
		raise ValueError(f"Unknown time zone: {tz!r}")
	try:
		return ZoneInfo(tz.strip())
	except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
		raise ValueError(f"Unknown time zone: {tz!r}") from exc


def _hours(value) -> timedelta:
	kind = value.__class__
	if kind is int or kind is float:
		if not math.isfinite(value):
			raise ValueError(f"Invalid number of business hours: {value!r}")
		delta = timedelta(hours=value)
	elif isinstance(value, timedelta):
		delta = value
	elif isinstance(value, bool) or value is None:
		raise ValueError(f"Invalid number of business hours: {value!r}")
	else:
		try:
			number = float(value)
		except (TypeError, ValueError) as exc:
			raise ValueError(f"Invalid number of business hours: {value!r}") from exc
		if not math.isfinite(number):
			raise ValueError(f"Invalid number of business hours: {value!r}")
		delta = timedelta(hours=number)
	if delta < ZERO:
		raise ValueError(f"Business hours cannot be negative: {value!r}")
	return delta


# --------------------------------------------------------------------------- calendar
class BusinessCalendar:
	"""Weekly opening windows in a time zone, minus closed dates, minus closures by
	the hour (planned interruptions, R-AVAIL-2)."""

	def __init__(self, windows, holidays=None, tz: str | ZoneInfo = FRENCH_TIME_ZONE, closures=()):
		self.windows = normalise_windows(windows)
		self.zone = _zone(tz)
		self.holidays = _ClosedDates(holidays)
		# closures by the hour: per local date they touch, the absolute spans closed;
		# such a day is measured individually, like a day with a DST change
		self._cuts: dict[date, list[tuple[datetime, datetime]]] = {}
		for begin, end in closures:
			first, last = self._to_utc(begin), self._to_utc(end)
			if last <= first:
				raise ValueError(f"A closure must end after it begins: {begin} – {end}")
			day, last_day = self._local_date(first), self._local_date(last - MICROSECOND)
			while day <= last_day:
				self._cuts.setdefault(day, []).append((first, last))
				day += timedelta(days=1)
		# nominal (wall-clock) business seconds per weekday and per week
		self._day_seconds = tuple(sum(last - first for first, last in spans) for spans in self.windows)
		self._week_seconds = sum(self._day_seconds)
		self._open_weekdays = sum(1 for seconds in self._day_seconds if seconds)
		self._transitions_cache: dict[int, frozenset[date]] = {}
		self._tables: dict[int, tuple[list[int], list[int]]] = {}
		self._closed_cache: dict[int, frozenset[int]] = {}
		self._sets_cache: dict[int, tuple[frozenset[int], frozenset[int]]] = {}
		self._span_deltas = tuple(
			tuple((timedelta(seconds=first), timedelta(seconds=last)) for first, last in spans)
			for spans in self.windows
		)

	def __repr__(self) -> str:
		return f"BusinessCalendar(zone={self.zone.key!r}, hours_per_week={self._week_seconds / 3600:g})"

	# ----------------------------------------------------------------- conversions
	def _to_utc(self, moment: datetime) -> datetime:
		if not isinstance(moment, datetime):
			raise ValueError(f"Expected a datetime, got {moment!r}")
		if moment.tzinfo is None or moment.tzinfo.utcoffset(moment) is None:
			return moment.replace(tzinfo=self.zone).astimezone(UTC)
		return moment.astimezone(UTC)

	def _local_date(self, instant: datetime) -> date:
		return instant.astimezone(self.zone).date()

	def _out(self, instant: datetime, like: datetime) -> datetime:
		local = instant.astimezone(self.zone)
		if like.tzinfo is None or like.tzinfo.utcoffset(like) is None:
			return local.replace(tzinfo=None)
		return local

	def _wall_to_utc(self, day: date, seconds: int) -> datetime:
		if seconds >= DAY_SECONDS:
			day, seconds = day + timedelta(days=1), seconds - DAY_SECONDS
		hours, rest = divmod(seconds, 3600)
		wall = datetime(day.year, day.month, day.day, hours, rest // 60, rest % 60, tzinfo=self.zone)
		return wall.astimezone(UTC)

	# ----------------------------------------------------------------- days
	def is_open_day(self, day: date) -> bool:
		"""True when ``day`` has business time: a window, not a closed date, not
		closed all day long by a closure."""
		if not self.windows[day.weekday()] or day in self.holidays:
			return False
		return day not in self._cuts or bool(self._intervals(day))

	def _intervals(self, day: date) -> list[tuple[datetime, datetime]]:
		"""The day's windows as absolute ``[start, end)`` instants, minus its closures;
		none when closed."""
		spans = self.windows[day.weekday()]
		if not spans or day in self.holidays:
			return []
		if day in self._transition_days(day.year):
			intervals = [
				(self._wall_to_utc(day, first), self._wall_to_utc(day, last)) for first, last in spans
			]
		else:
			# no offset change this day: one offset look-up, then plain arithmetic
			offset = datetime(day.year, day.month, day.day, 12, tzinfo=self.zone).utcoffset()
			midnight = datetime(day.year, day.month, day.day, tzinfo=UTC) - offset
			intervals = [
				(midnight + first, midnight + last) for first, last in self._span_deltas[day.weekday()]
			]
		cuts = self._cuts.get(day) if self._cuts else None
		return _without(intervals, cuts) if cuts else intervals

	def _cut_days(self, year: int) -> list[date]:
		return [day for day in self._cuts if day.year == year]

	def _real_day_seconds(self, day: date) -> int:
		return sum(int((end - start).total_seconds()) for start, end in self._intervals(day))

	def _transition_days(self, year: int) -> frozenset[date]:
		"""Local dates of the year on which the zone's UTC offset changes (and the day
		before, for changes at midnight)."""
		cached = self._transitions_cache.get(year)
		if cached is not None:
			return cached
		days: list[date] = []
		start = datetime(year, 1, 1, tzinfo=UTC) - timedelta(days=1)
		probes = [start + timedelta(days=7 * i) for i in range(54)]
		offsets = [probe.astimezone(self.zone).utcoffset() for probe in probes]
		for i in range(len(probes) - 1):
			if offsets[i] == offsets[i + 1]:
				continue
			low, high = probes[i], probes[i + 1]
			while (high - low) > timedelta(seconds=1):
				middle = low + (high - low) / 2
				if middle.astimezone(self.zone).utcoffset() == offsets[i]:
					low = middle
				else:
					high = middle
			day = high.astimezone(self.zone).date()
			days.extend(d for d in (day - timedelta(days=1), day) if d.year == year)
		result = frozenset(days)
		self._transitions_cache[year] = result
		return result

	def _year_table(self, year: int) -> tuple[list[int], list[int]]:
		"""Prefix sums for ``year``: ``seconds[i]`` business seconds and ``days[i]``
		open days in the first ``i`` days of the year. Built once per year from the
		weekly windows, the year's closed dates (one look-up each) and its DST days;
		every later question about the year is a subtraction or a bisection."""
		cached = self._tables.get(year)
		if cached is not None:
			return cached
		first = date(year, 1, 1)
		length = (date(year + 1, 1, 1) - first).days
		closed = self._closed_ordinals(year)
		special = {day.toordinal(): day for day in (*self._transition_days(year), *self._cut_days(year))}
		seconds, days = [0] * (length + 1), [0] * (length + 1)
		total = count = 0
		weekday, ordinal = first.weekday(), first.toordinal()
		for i in range(length):
			nominal = self._day_seconds[(weekday + i) % 7]
			if nominal and ordinal + i not in closed:
				day = special.get(ordinal + i)
				real = nominal if day is None else self._real_day_seconds(day)
				total += real
				count += 1 if real else 0  # a day closed all day long is no business day
			seconds[i + 1], days[i + 1] = total, count
		self._tables[year] = (seconds, days)
		return seconds, days

	def _full_days_seconds(self, first: date, last: date) -> int:
		"""Business seconds of the whole days ``first`` … ``last`` (inclusive)."""
		return self._full_days(first, last, 0)

	def _open_days_count(self, first: date, last: date) -> int:
		return self._full_days(first, last, 1)

	def _full_days(self, first: date, last: date, column: int) -> int:
		total = 0
		for year in range(first.year, last.year + 1):
			table = self._year_table(year)[column]
			low = first.timetuple().tm_yday - 1 if year == first.year else 0
			high = last.timetuple().tm_yday if year == last.year else len(table) - 1
			total += table[high] - table[low]
		return total

	def _find_day(self, after: date, amount: int, column: int) -> tuple[date, int]:
		"""The first day ``d`` > ``after`` at which the running total (column 0:
		business seconds, column 1: open days) from the day after ``after`` reaches
		``amount`` (> 0); and how much of ``amount`` is left for day ``d`` itself."""
		ordinal, _, left = self._find_ordinal(after.toordinal(), after.year, amount, column)
		return date.fromordinal(ordinal), left

	def _find_ordinal(self, after: int, year: int, amount: int, column: int) -> tuple[int, int, int]:
		"""``_find_day`` on day ordinals: (ordinal, its year, what is left for it)."""
		index = after + 1 - _year_start(year)  # days of ``year`` before the day after ``after``
		empty_years = 0
		while True:
			table = self._year_table(year)[column]
			base = table[index] if index < len(table) else table[-1]
			available = table[-1] - base
			if amount <= available:
				found = bisect.bisect_left(table, base + amount, index + 1)
				return _year_start(year) + found - 1, year, amount - (table[found - 1] - base)
			amount -= available
			empty_years = empty_years + 1 if not available else 0
			if empty_years > MAX_SEARCH_DAYS // 366:
				raise ValueError("The calendar has no opening in the next twenty years")
			year, index = year + 1, 0

	# ----------------------------------------------------------------- public API
	def is_business_time(self, moment: datetime) -> bool:
		instant = self._to_utc(moment)
		return any(start <= instant < end for start, end in self._intervals(self._local_date(instant)))

	def next_opening(self, moment: datetime) -> datetime:
		"""``moment`` itself when it is business time, else the next window's start."""
		instant = self._to_utc(moment)
		day = self._local_date(instant)
		for start, end in self._intervals(day):
			if start <= instant < end:
				return moment
			if start > instant:
				return self._out(start, moment)
		for _ in range(MAX_SEARCH_DAYS):
			day += timedelta(days=1)
			intervals = self._intervals(day)
			if intervals:
				return self._out(intervals[0][0], moment)
		raise ValueError("The calendar has no opening in the next twenty years")

	def business_hours_between(self, start: datetime, end: datetime) -> timedelta:
		"""Business time inside ``[start, end)``."""
		first, last = self._to_utc(start), self._to_utc(end)
		if last < first:
			raise ValueError(f"The end ({end}) is before the start ({start})")
		first_day, last_day = self._local_date(first), self._local_date(last)
		if first_day == last_day:
			return timedelta(seconds=_overlap(self._intervals(first_day), first, last))
		seconds = _overlap(self._intervals(first_day), first, None)
		seconds += self._full_days_seconds(first_day + timedelta(days=1), last_day - timedelta(days=1))
		seconds += _overlap(self._intervals(last_day), None, last)
		return timedelta(seconds=seconds)

	def add_business_hours(self, start: datetime, hours) -> datetime:
		"""The moment when ``hours`` of business time have elapsed from ``start``
		(R-TIME-3). A clock started outside business time starts at the next
		opening; a deadline that falls exactly at a closing time is that closing
		time (Friday 17:00 + 4 h → Monday 12:30).

		On days without a DST change, wall-clock time and real time advance
		together, so the first and the last day are computed on wall time; a day
		with a change is computed on absolute instants."""
		remaining = _hours(hours)
		if not isinstance(start, datetime):
			raise ValueError(f"Expected a datetime, got {start!r}")
		aware = start.tzinfo is not None and start.utcoffset() is not None
		local = start.astimezone(self.zone).replace(tzinfo=None) if aware else start
		ordinal = local.toordinal()
		closed, transitions = self._year_sets(local.year)
		if ordinal in transitions:
			return self._add_business_hours_exact(start, remaining)
		midnight = datetime.fromordinal(ordinal)
		since_midnight = local - midnight
		spans = () if ordinal in closed else self._span_deltas[local.weekday()]
		for first, last in spans:  # the start day, on wall time
			if since_midnight < last:
				begin = first if since_midnight < first else since_midnight
				available = last - begin
				if remaining <= available:
					wall = midnight + begin + remaining
					return wall.replace(tzinfo=self.zone) if aware else wall
				remaining -= available
		micro = remaining // MICROSECOND
		if micro == 0:  # nothing left and the day is over: the clock stops at the next opening
			return self.next_opening(start)
		whole_seconds = -(-micro // 1_000_000)
		found, year, left = self._find_ordinal(ordinal, local.year, whole_seconds, 0)
		leftover = timedelta(microseconds=micro - (whole_seconds - left) * 1_000_000)
		if found in self._year_sets(year)[1]:
			return self._out(_consume(self._intervals(date.fromordinal(found)), None, leftover), start)
		midnight = datetime.fromordinal(found)
		for first, last in self._span_deltas[midnight.weekday()]:  # the last day, on wall time
			available = last - first
			if leftover <= available:
				wall = midnight + first + leftover
				return wall.replace(tzinfo=self.zone) if aware else wall
			leftover -= available
		raise AssertionError("the day found has less business time than counted")  # pragma: no cover

	def _add_business_hours_exact(self, start: datetime, remaining: timedelta) -> datetime:
		"""``add_business_hours`` on absolute instants (start day with a DST change)."""
		instant = self._to_utc(start)
		day = self._local_date(instant)
		result = _consume(self._intervals(day), instant, remaining)
		if isinstance(result, datetime):
			return self._out(result, start)
		micro = result // MICROSECOND
		if micro == 0:
			return self.next_opening(start)
		whole_seconds = -(-micro // 1_000_000)
		found, left = self._find_day(day, whole_seconds, 0)
		leftover = timedelta(microseconds=micro - (whole_seconds - left) * 1_000_000)
		return self._out(_consume(self._intervals(found), None, leftover), start)

	def _is_transition_day(self, day: date) -> bool:
		return day.toordinal() in self._year_sets(day.year)[1]

	def _year_sets(self, year: int) -> tuple[frozenset[int], frozenset[int]]:
		"""Ordinals of the year's closed days, and of the days measured individually
		(a DST change, a closure by the hour)."""
		cached = self._sets_cache.get(year)
		if cached is None:
			cached = (
				self._closed_ordinals(year),
				frozenset(d.toordinal() for d in (*self._transition_days(year), *self._cut_days(year))),
			)
			self._sets_cache[year] = cached
		return cached

	def _closed_ordinals(self, year: int) -> frozenset[int]:
		cached = self._closed_cache.get(year)
		if cached is None:
			cached = frozenset(
				d.toordinal() for d in self.holidays.between(date(year, 1, 1), date(year, 12, 31))
			)
			self._closed_cache[year] = cached
		return cached

	def subtract_business_hours(self, end: datetime, hours) -> datetime:
		"""The latest moment from which ``hours`` of business time run until ``end``:
		``business_hours_between(result, end) == hours``. Used for "warn N business
		hours before the deadline" (a warning that falls at an opening is given at
		the opening, not at the previous evening's closing)."""
		remaining = _hours(hours)
		instant = self._to_utc(end)
		day = self._local_date(instant)
		result = _consume_back(self._intervals(day), instant, remaining)
		if isinstance(result, datetime):
			return self._out(result, end)
		micro = result // MICROSECOND
		if micro == 0:
			return end
		whole_seconds = -(-micro // 1_000_000)
		found, left = self._find_day_back(day, whole_seconds)
		leftover = timedelta(microseconds=micro - (whole_seconds - left) * 1_000_000)
		return self._out(_consume_back(self._intervals(found), None, leftover), end)

	def _find_day_back(self, before: date, amount: int) -> tuple[date, int]:
		"""The latest day ``d`` < ``before`` such that the business seconds of
		``d`` … ``before - 1`` reach ``amount``; and how much is left for ``d``."""
		year, index = before.year, before.timetuple().tm_yday - 1  # days of ``year`` before ``before``
		empty_years = 0
		while True:
			table = self._year_table(year)[0]
			top = table[index]
			if amount <= top:
				last = bisect.bisect_right(table, top - amount) - 1
				found = date(year, 1, 1) + timedelta(days=last)
				return found, amount - (top - table[last + 1])
			amount -= top
			empty_years = empty_years + 1 if not top else 0
			if empty_years > MAX_SEARCH_DAYS // 366:
				raise ValueError("The calendar has no opening in the previous twenty years")
			year -= 1
			index = len(self._year_table(year)[0]) - 1

	def add_business_days(self, start: datetime | date, days: int) -> datetime:
		"""The end (last closing time) of the ``days``-th business day strictly
		after the calendar day of ``start`` (R-TIME-4). A ``date`` gives a naive
		result; a datetime gives a result of the same awareness."""
		if isinstance(days, bool) or not isinstance(days, int):
			raise ValueError(f"Business days must be a whole number, got {days!r}")
		if days < 1:
			raise ValueError(f"Business days must be at least 1, got {days!r}")
		if isinstance(start, datetime):
			day, like = self._local_date(self._to_utc(start)), start
		elif isinstance(start, date):
			day, like = start, datetime(start.year, start.month, start.day)
		else:
			raise ValueError(f"Expected a date or datetime, got {start!r}")
		found, _ = self._find_day(day, days, 1)
		return self._out(self._intervals(found)[-1][1], like)


def _without(intervals, cuts):
	"""``intervals`` minus the ``cuts`` (both lists of absolute ``[start, end)``)."""
	result = []
	for start, end in intervals:
		pieces = [(start, end)]
		for cut_start, cut_end in cuts:
			pieces = [
				piece
				for low, high in pieces
				for piece in ((low, min(high, cut_start)), (max(low, cut_end), high))
				if piece[1] > piece[0]
			]
		result.extend(pieces)
	return result


@lru_cache(maxsize=512)
def _year_start(year: int) -> int:
	return date(year, 1, 1).toordinal()


def _overlap(intervals, first: datetime | None, last: datetime | None) -> float:
	total = 0.0
	for start, end in intervals:
		low = start if first is None or first < start else first
		high = end if last is None or last > end else last
		if high > low:
			total += (high - low).total_seconds()
	return total


def _consume(intervals, instant: datetime | None, remaining: timedelta):
	"""Spend ``remaining`` in the day's intervals from ``instant``: the moment it
	runs out, or what is left at the end of the day."""
	for start, end in intervals:
		if instant is not None and end <= instant:
			continue
		begin = start if instant is None or instant < start else instant
		available = end - begin
		if remaining <= available:
			return begin + remaining
		remaining -= available
	return remaining


def _consume_back(intervals, instant: datetime | None, remaining: timedelta):
	"""Spend ``remaining`` backwards in the day's intervals from ``instant``: the
	moment it runs out, or what is left at the start of the day."""
	for start, end in reversed(intervals):
		if instant is not None and start >= instant:
			continue
		top = end if instant is None or instant > end else instant
		available = top - start
		if remaining <= available:
			return top - remaining
		remaining -= available
	return remaining


@lru_cache(maxsize=8)
def french_business_calendar(extra_closed_dates: tuple[date, ...] = ()) -> BusinessCalendar:
	"""Mon–Fri 09:00–12:30 & 14:00–17:30, Europe/Paris, metropolitan French public
	holidays (R-TIME-1, R-TIME-2), plus optional closure dates."""
	extra = frozenset(_as_date(day) for day in extra_closed_dates)

	def closed(year: int):
		return set(french_public_holidays(year)) | {day for day in extra if day.year == year}

	return BusinessCalendar(FRENCH_WINDOWS, closed, FRENCH_TIME_ZONE)
