"""ERPNext Holiday List glue (R-TIME-2, R-TIME-5).

The app keeps one Holiday List of French public holidays, filled through
ERPNext's own mechanism (``HolidayList.get_local_holidays``, country FR), covering
the current year and the next; a daily job extends it. Any change to a Holiday
List drops the cached business calendar.
"""

import frappe
from frappe import _
from frappe.utils import getdate, nowdate

from dds_assistance.context.business_calendar import calendar_changed, clear_calendar_cache
from dds_assistance.core.business_time import french_public_holidays

HOLIDAY_LIST_NAME = "DDS Assistance - France"


def on_change(doc, method=None):
	"""Any change to a Holiday List may change the site's calendar: drop the cache;
	a change to the calendar's own list moves the pending deadlines it touches,
	each change recorded (R-TIME-5)."""
	if doc.name == frappe.db.get_single_value("Assistance Settings", "holiday_list"):
		calendar_changed(_("The Holiday List {0} changed.").format(doc.name), doc.doctype, doc.name)
	else:
		clear_calendar_cache()


def ensure_holiday_years(holiday_list: str | None = None, through_year: int | None = None) -> str:
	"""Make ``holiday_list`` (default: the app's list) cover 1 January of this year to
	31 December of ``through_year`` (default: next year). Idempotent: a list that
	already covers the range is not saved again."""
	this_year = getdate(nowdate()).year
	through_year = through_year or this_year + 1
	name = holiday_list or HOLIDAY_LIST_NAME
	first, last = getdate(f"{this_year}-01-01"), getdate(f"{through_year}-12-31")

	if frappe.db.exists("Holiday List", name):
		doc = frappe.get_doc("Holiday List", name)
		if getdate(doc.to_date) >= last:
			return name
		doc.to_date = last
	else:
		doc = frappe.new_doc("Holiday List")
		doc.holiday_list_name = name
		doc.from_date, doc.to_date = first, last
		doc.country = "FR"

	if doc.country:
		lang = frappe.local.lang
		frappe.local.lang = "fr"  # holiday names in French, as the users read them
		try:
			doc.get_local_holidays()
		finally:
			frappe.local.lang = lang
	else:
		known = set(doc.get_holidays())
		for year in range(getdate(doc.from_date).year, through_year + 1):
			for day, label in sorted(french_public_holidays(year).items()):
				if day not in known and getdate(doc.from_date) <= day <= last:
					doc.append("holidays", {"holiday_date": day, "description": label, "weekly_off": 0})
	doc.save(ignore_permissions=True)
	return doc.name
