# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""Assistance Settings and the site's business calendar (R-TIME-1 … R-TIME-5).

``get_business_calendar()`` is the one place the site's calendar is built:
opening windows and time zone from these settings, closed dates from the chosen
ERPNext Holiday List (years the list does not cover fall back to the French
public holidays of the core). The inputs are cached in Redis and the built
calendar per process; saving the settings or the Holiday List invalidates both.

Frappe stores naive datetimes in the system time zone; the helpers below take
and return such values and convert to and from the calendar's zone.
"""

from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import get_datetime, get_system_timezone, getdate

from dds_assistance.core.business_time import (
	WEEKDAY_NAMES,
	BusinessCalendar,
	french_public_holidays,
	normalise_windows,
)

CALENDAR_CACHE_KEY = "dds_assistance:business_calendar_inputs"


class AssistanceSettings(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from dds_assistance.dds_assistance.doctype.assistance_opening_window.assistance_opening_window import (
			AssistanceOpeningWindow,
		)

		abuse_threshold: DF.Int
		abuse_window_days: DF.Int
		cgu_version: DF.Data
		cgv_reference: DF.Data
		company: DF.Link | None
		complaint_ack_days: DF.Int
		complaint_answer_days: DF.Int
		first_response_hours: DF.Float
		holiday_list: DF.Link | None
		opening_windows: DF.Table[AssistanceOpeningWindow]
		request_window_hours: DF.Float
		retention_days: DF.Int
		sales_taxes_template: DF.Link | None
		session_default_minutes: DF.Int
		session_max_minutes: DF.Int
		sla_warning_hours: DF.Float
		subscription_reminder_days: DF.Int
		support_address: DF.SmallText | None
		support_company_name: DF.Data | None
		support_email: DF.Data | None
		support_phone: DF.Data | None
		ticket_item: DF.Link | None
		ticket_price: DF.Currency
		time_zone: DF.Autocomplete
	# end: auto-generated types

	def validate(self):
		self.validate_time_zone()
		self.validate_opening_windows()
		self.validate_service_levels()

	def on_update(self):
		clear_calendar_cache()

	def validate_time_zone(self):
		try:
			ZoneInfo((self.time_zone or "").strip())
		except Exception:
			frappe.throw(
				_("Unknown time zone: {0}").format(frappe.bold(self.time_zone or "")),
				title=_("Invalid Time Zone"),
			)

	def validate_opening_windows(self):
		if not self.opening_windows:
			frappe.throw(_("Add at least one opening window."), title=_("Invalid Opening Windows"))
		spans = []
		for row in self.opening_windows:
			start, end = _seconds(row.start_time), _seconds(row.end_time)
			if end is not None and end == 0:
				end = 86400  # 00:00 as a closing time is midnight
			if start is None or end is None or end <= start:
				frappe.throw(
					_("Row #{0}: the window must close after it opens.").format(row.idx),
					title=_("Invalid Opening Windows"),
				)
			for other in spans:
				if other[0] == row.weekday and start < other[2] and other[1] < end:
					frappe.throw(
						_("Row #{0}: the window overlaps row #{1} on {2}.").format(
							row.idx, other[3], _(row.weekday)
						),
						title=_("Invalid Opening Windows"),
					)
			spans.append((row.weekday, start, end, row.idx))
		normalise_windows(self.window_triples())  # the core's own check, same rules

	def validate_service_levels(self):
		for fieldname in ("first_response_hours", "request_window_hours"):
			if (self.get(fieldname) or 0) <= 0:
				frappe.throw(
					_("{0} must be greater than zero.").format(_(self.meta.get_label(fieldname))),
					title=_("Invalid Service Level"),
				)
		for fieldname in ("complaint_ack_days", "complaint_answer_days"):
			if (self.get(fieldname) or 0) < 1:
				frappe.throw(
					_("{0} must be at least one business day.").format(_(self.meta.get_label(fieldname))),
					title=_("Invalid Service Level"),
				)
		if (self.sla_warning_hours or 0) < 0:
			frappe.throw(_("The warning threshold cannot be negative."), title=_("Invalid Service Level"))
		if (self.ticket_price or 0) <= 0:
			frappe.throw(_("The ticket price must be greater than zero."), title=_("Invalid Tariff"))

	def window_triples(self) -> list[tuple[int, str, str]]:
		triples = []
		for row in self.opening_windows:
			start, end = _seconds(row.start_time), _seconds(row.end_time)
			triples.append((WEEKDAY_NAMES.index(row.weekday), _hhmmss(start), _hhmmss(end or 86400)))
		return triples


def _seconds(value) -> int | None:
	if value in (None, ""):
		return None
	if isinstance(value, timedelta):
		return int(value.total_seconds())
	try:
		parts = str(value).split(".")[0].split(":")
		hours, minutes = int(parts[0]), int(parts[1])
		seconds = int(parts[2]) if len(parts) > 2 else 0
	except (ValueError, IndexError):
		return None
	return hours * 3600 + minutes * 60 + seconds


def _hhmmss(seconds: int) -> str:
	return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


# --------------------------------------------------------------------------- calendar
def clear_calendar_cache(*args, **kwargs):
	"""Drop the cached calendar inputs (settings or holiday list changed)."""
	frappe.cache.delete_value(CALENDAR_CACHE_KEY)


def _calendar_inputs() -> tuple:
	settings = frappe.get_cached_doc("Assistance Settings")
	windows = tuple(settings.window_triples())
	covered_years: tuple[int, ...] = ()
	closed: tuple[str, ...] = ()
	if settings.holiday_list:
		bounds = frappe.db.get_value("Holiday List", settings.holiday_list, ["from_date", "to_date"])
		if bounds:
			first, last = getdate(bounds[0]), getdate(bounds[1])
			covered_years = tuple(range(first.year, last.year + 1))
			closed = tuple(
				str(day)
				for day in frappe.get_all(
					"Holiday",
					filters={"parent": settings.holiday_list, "parenttype": "Holiday List"},
					pluck="holiday_date",
					order_by="holiday_date asc",
				)
			)
	return (windows, (settings.time_zone or "Europe/Paris").strip(), covered_years, closed)


@lru_cache(maxsize=16)
def _build_calendar(inputs: tuple) -> BusinessCalendar:
	windows, time_zone, covered_years, closed = inputs
	listed: dict[int, set[date]] = {year: set() for year in covered_years}
	for value in closed:
		day = date.fromisoformat(value)
		listed.setdefault(day.year, set()).add(day)

	def closed_dates(year: int):
		if year in listed:
			return listed[year]
		return french_public_holidays(year)

	return BusinessCalendar(windows, closed_dates, time_zone)


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


# --------------------------------------------------------------------------- system-time helpers
def _system_zone() -> ZoneInfo:
	return ZoneInfo(get_system_timezone() or "Europe/Paris")


def _aware(moment) -> datetime:
	moment = get_datetime(moment)
	if moment.tzinfo is None:
		return moment.replace(tzinfo=_system_zone())
	return moment


def _system_naive(moment: datetime) -> datetime:
	return moment.astimezone(_system_zone()).replace(tzinfo=None)


def add_business_hours(start, hours) -> datetime:
	"""``start`` (system time) + ``hours`` business hours, as system time (R-TIME-3)."""
	return _system_naive(get_business_calendar().add_business_hours(_aware(start), hours))


def add_business_days(start, days: int) -> datetime:
	"""End of the ``days``-th business day after ``start``'s day, as system time (R-TIME-4)."""
	return _system_naive(get_business_calendar().add_business_days(_aware(start), days))


def business_hours_between(start, end) -> timedelta:
	return get_business_calendar().business_hours_between(_aware(start), _aware(end))


def subtract_business_hours(end, hours) -> datetime:
	"""The latest system time from which ``hours`` business hours run until ``end``."""
	return _system_naive(get_business_calendar().subtract_business_hours(_aware(end), hours))
