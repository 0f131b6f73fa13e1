"""Daily: flag for review the clients whose request rate passes the threshold
(R-SAN-3). A flag, never a sanction."""

from datetime import timedelta

import frappe
from frappe import _
from frappe.query_builder.functions import Count
from frappe.utils import get_datetime, now_datetime

from dds_assistance.background.runner import for_each


def flag_abusive_clients(now=None) -> dict[str, list[str]]:
	"""Flag the clients over the threshold in the window, unflag the others. One
	grouped query; only the customers whose flag changes are written."""
	now = get_datetime(now) if now else now_datetime()
	settings = frappe.get_cached_doc("Assistance Settings")
	window, threshold = settings.abuse_window_days or 0, settings.abuse_threshold or 0
	counts = {}
	if window > 0 and threshold > 0:
		ticket = frappe.qb.DocType("Assistance Ticket")
		counts = dict(
			frappe.qb.from_(ticket)
			.select(ticket.customer, Count("*"))
			.where(
				ticket.customer.isnotnull()
				& (ticket.received_at > now - timedelta(days=window))
				& (ticket.received_at <= now)
			)
			.groupby(ticket.customer)
			.run()
		)
	flagged = {c for c, n in counts.items() if n > threshold}
	current = set(frappe.get_all("Customer", filters={"dds_abuse_flag": 1}, pluck="name"))

	def flag(customer):
		details = _("{0} requests in {1} days (threshold {2}), flagged on {3}.").format(
			counts[customer], window, threshold, frappe.utils.formatdate(now)
		)
		frappe.db.set_value("Customer", customer, {"dds_abuse_flag": 1, "dds_abuse_details": details})
		return customer

	def clear(customer):
		frappe.db.set_value("Customer", customer, {"dds_abuse_flag": 0, "dds_abuse_details": None})
		return customer

	return {
		"flagged": for_each(
			sorted(flagged - current), flag, "DDS Assistance: client {0} could not be flagged"
		),
		"cleared": for_each(
			sorted(current - flagged), clear, "DDS Assistance: client {0} could not be unflagged"
		),
	}
