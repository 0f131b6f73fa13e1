"""Daily: flag for review the clients whose request rate passes the threshold
(R-SAN-3). A flag, never a sanction."""

import frappe
from frappe import _
from frappe.query_builder.functions import Count
from frappe.utils import get_datetime, now_datetime

from dds_assistance.background.runner import for_each
from dds_assistance.core import sanctions as core


def flag_abusive_clients(now=None) -> dict[str, list[str]]:
	"""Flag the clients over the threshold in the window, unflag the others. One
	grouped query; only the customers whose flag changes are written."""
	now = get_datetime(now) if now else now_datetime()
	settings = frappe.get_cached_doc("Assistance Settings")
	window, threshold = settings.abuse_window_days or 0, settings.abuse_threshold or 0
	counts = {}
	if core.flagging_on(window, threshold):
		since, until = core.solicitation_window(now, window)
		ticket = frappe.qb.DocType("Assistance Ticket")
		counts = dict(
			frappe.qb.from_(ticket)
			.select(ticket.customer, Count("*"))
			.where(ticket.customer.isnotnull() & (ticket.received_at > since) & (ticket.received_at <= until))
			.groupby(ticket.customer)
			.run()
		)
	# the query counts; R-SAN-3 is the core's to decide
	flagged = {customer for customer, count in counts.items() if core.is_abusive(count, window, threshold)}
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
