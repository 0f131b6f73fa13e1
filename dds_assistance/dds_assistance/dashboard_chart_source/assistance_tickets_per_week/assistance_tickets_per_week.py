# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""Tickets received per week over the last twelve weeks, one dataset per coverage
(one indexed query on ``received_at``, computed at each view: never stale)."""

import frappe
from frappe import _
from frappe.utils import add_days, getdate, nowdate

from dds_assistance.web.endpoints import endpoint

WEEKS = 12


@endpoint()
def get(
	chart_name=None,
	chart=None,
	no_cache=None,
	filters=None,
	from_date=None,
	to_date=None,
	timespan=None,
	time_interval=None,
	heatmap_year=None,
):
	frappe.has_permission("Assistance Ticket", "read", throw=True)
	today = getdate(nowdate())
	monday = add_days(today, -today.weekday())
	starts = [add_days(monday, -7 * i) for i in reversed(range(WEEKS))]
	rows = frappe.get_list(
		"Assistance Ticket",
		filters={"received_at": (">=", starts[0])},
		fields=["received_at", "coverage"],
		limit_page_length=0,
	)
	counts = {coverage: [0] * WEEKS for coverage in ("On-demand", "Premium")}
	for row in rows:
		day = getdate(row.received_at)
		index = (day - starts[0]).days // 7
		if 0 <= index < WEEKS and row.coverage in counts:
			counts[row.coverage][index] += 1
	return {
		"labels": [frappe.utils.formatdate(start, "dd MMM") for start in starts],
		"datasets": [{"name": _(coverage), "values": values} for coverage, values in counts.items()],
	}
