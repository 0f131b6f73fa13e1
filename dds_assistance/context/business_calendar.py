"""The site's business calendar (R-TIME-1 … R-TIME-5).

``get_business_calendar()`` is the one place the site's calendar is built:
opening windows and time zone from Assistance Settings, closed dates from the
chosen ERPNext Holiday List (the days the list does not cover fall back to the
French public holidays of the core), and the announced planned interruptions,
closed by the hour (R-AVAIL-2). The inputs are cached in Redis and the
built calendar per process; saving the settings or a Holiday List drops both.

Frappe stores naive datetimes in the system time zone; the helpers below take
and return such values and convert to and from the calendar's zone.
"""

from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import frappe
from frappe import _
from frappe.utils import get_datetime, get_system_timezone, getdate, now_datetime

from dds_assistance.background.runner import enqueue_resumable
from dds_assistance.core.business_time import BusinessCalendar, french_public_holidays

CALENDAR_CACHE_KEY = "dds_assistance:business_calendar_inputs:v3"


def clear_calendar_cache(*args, **kwargs):
	"""Drop the cached calendar inputs (settings or holiday list changed)."""
	frappe.cache.delete_value(CALENDAR_CACHE_KEY)


def calendar_changed(
	reason: str, source_doctype: str | None = None, source_name: str | None = None, between=None
) -> str:
	"""The calendar changed: drop the cache now, record the change (an Assistance
	Calendar Change, Pending, in this transaction) and, once it is committed,
	recompute the pending deadlines it moves in the background (``jobs.deadlines``;
	R-TIME-5, R-AVAIL-2). A job lost on the way is resumed (``jobs.recovery``).
	``between`` (start, end): the change is limited to that span, so only the
	deadlines around it are looked at."""
	clear_calendar_cache()
	change = frappe.get_doc(
		{
			"doctype": "Assistance Calendar Change",
			"reason": reason,
			"source_doctype": source_doctype,
			"source_name": source_name,
			"span_start": between[0] if between else None,
			"span_end": between[1] if between else None,
		}
	).insert(ignore_permissions=True)
	enqueue_resumable("dds_assistance.jobs.deadlines.recompute_open_deadlines", change=change.name)
	return change.name


def _calendar_inputs() -> tuple:
	settings = frappe.get_cached_doc("Assistance Settings")
	windows = tuple(settings.window_triples())
	covered: tuple[str, str] | tuple = ()
	closed: tuple[str, ...] = ()
	if settings.holiday_list:
		bounds = frappe.db.get_value("Holiday List", settings.holiday_list, ["from_date", "to_date"])
		if bounds:
			covered = (str(getdate(bounds[0])), str(getdate(bounds[1])))
			closed = tuple(
				str(day)
				for day in frappe.get_all(
					"Holiday",
					filters={"parent": settings.holiday_list, "parenttype": "Holiday List"},
					pluck="holiday_date",
					order_by="holiday_date asc",
				)
			)
	# R-AVAIL-2: the announced interruptions close the calendar by the hour (absolute instants)
	interruptions = tuple(
		(system_aware(row.starts_at).isoformat(), system_aware(row.ends_at).isoformat())
		for row in frappe.get_all(
			"Planned Interruption",
			filters={"status": "Announced"},
			fields=["starts_at", "ends_at"],
			order_by="starts_at asc",
		)
	)
	return (windows, (settings.time_zone or "Europe/Paris").strip(), covered, closed, interruptions)


@lru_cache(maxsize=16)
def _build_calendar(inputs: tuple) -> BusinessCalendar:
	"""R-TIME-2: inside the Holiday List's period its dates are the closed days (a
	manager may add closures or remove a day); outside it — other years, or the
	part of a year the list does not cover — the French public holidays."""
	windows, time_zone, covered, closed, interruptions = inputs
	first, last = (
		(date.fromisoformat(covered[0]), date.fromisoformat(covered[1])) if covered else (None, None)
	)
	listed: dict[int, set[date]] = {}
	for value in closed:
		day = date.fromisoformat(value)
		listed.setdefault(day.year, set()).add(day)

	def closed_dates(year: int):
		public = french_public_holidays(year)
		if first is None:
			return public
		outside = {day for day in public if not first <= day <= last}
		return outside | listed.get(year, set())

	closures = [(datetime.fromisoformat(start), datetime.fromisoformat(end)) for start, end in interruptions]
	return BusinessCalendar(windows, closed_dates, time_zone, closures=closures)


def get_business_calendar() -> BusinessCalendar:
	"""The site's business calendar: settings windows + Holiday List (cached)."""
	inputs = frappe.cache.get_value(CALENDAR_CACHE_KEY)
	if inputs is None:
		inputs = _calendar_inputs()
		frappe.cache.set_value(CALENDAR_CACHE_KEY, inputs)
	else:
		inputs = _freeze(inputs)
	return _build_calendar(inputs)


def _freeze(value):
	"""Redis round-trips tuples as lists; the calendar memo needs hashable keys."""
	if isinstance(value, list | tuple):
		return tuple(_freeze(item) for item in value)
	return value


# ---------------------------------------------------------------------------- system time
def _system_zone() -> ZoneInfo:
	return ZoneInfo(get_system_timezone() or "Europe/Paris")


def system_aware(moment) -> datetime:
	moment = get_datetime(moment)
	if moment.tzinfo is None:
		return moment.replace(tzinfo=_system_zone())
	return moment


def in_system_time(moment: datetime) -> datetime:
	return moment.astimezone(_system_zone()).replace(tzinfo=None)


def add_business_hours(start, hours) -> datetime:
	"""``start`` (system time) + ``hours`` business hours, as system time (R-TIME-3)."""
	return in_system_time(get_business_calendar().add_business_hours(system_aware(start), hours))


def add_business_days(start, days: int) -> datetime:
	"""End of the ``days``-th business day after ``start``'s day, as system time (R-TIME-4)."""
	return in_system_time(get_business_calendar().add_business_days(system_aware(start), days))


def business_hours_between(start, end) -> timedelta:
	return get_business_calendar().business_hours_between(system_aware(start), system_aware(end))


def subtract_business_hours(end, hours) -> datetime:
	"""The latest system time from which ``hours`` business hours run until ``end``."""
	return in_system_time(get_business_calendar().subtract_business_hours(system_aware(end), hours))


def time_to_due(due, now=None) -> tuple[bool, timedelta, str]:
	"""R-TKT-9: (overdue?, business time between now and the due time, that time as
	"H h M min") — the countdown of the form, the list and the portal."""
	now, due = get_datetime(now) if now else now_datetime(), get_datetime(due)
	overdue = now >= due
	span = business_hours_between(due, now) if overdue else business_hours_between(now, due)
	minutes = int(span.total_seconds() // 60)
	return overdue, span, _("{0} h {1} min").format(minutes // 60, minutes % 60)
