"""Desk actions on an Assistance Ticket: each door checks who may act, then the
ticket's own action decides (``AssistanceTicket.accept`` …)."""

import frappe
from frappe import _
from frappe.utils import get_datetime, now_datetime

from dds_assistance.api._common import locked_doc, retry_on_deadlock
from dds_assistance.context.business_calendar import time_to_due
from dds_assistance.context.staff import require_manager
from dds_assistance.core import sla as core_sla
from dds_assistance.guards.refusals import InvalidArguments
from dds_assistance.web.endpoints import check_bound, endpoint

TICKET = "Assistance Ticket"


@endpoint(methods=["POST"])
@retry_on_deadlock
def accept(ticket: str, reason: str | None = None) -> dict:
	"""Accept a request (R-TKT-3, R-TKT-7): a late one needs a reason; an on-demand
	ticket gets its one Sales Invoice and waits for payment; a covered request opens."""
	return locked_doc(TICKET, ticket).accept(reason)


@endpoint(methods=["POST"])
def refuse(ticket: str, reason: str) -> dict:
	"""Refuse a request (R-TKT-7) with a reason; nothing is invoiced."""
	return locked_doc(TICKET, ticket).refuse(reason)


@endpoint(methods=["POST"])
def set_client(ticket: str, customer: str) -> dict:
	"""Triage (R-TKT-1): name the client of a request before it is accepted or
	invoiced; its coverage is decided for that client."""
	return locked_doc(TICKET, ticket).set_client(customer)


@endpoint(methods=["POST"])
def confirm_sender(ticket: str) -> dict:
	"""R-SAN-2: an agent confirms that an unauthenticated e-mail is the client's."""
	return locked_doc(TICKET, ticket).confirm_sender()


@endpoint(methods=["POST"])
def mark_responded(ticket: str) -> dict:
	"""R-TKT-9: stamp the first response when it was given outside e-mail (phone …)."""
	return locked_doc(TICKET, ticket).record_first_response(now_datetime())


@endpoint(methods=["POST"])
def extend_response_due(ticket: str, new_due: str, reason: str, note: str) -> dict:
	"""R-TKT-10: a manager — only — extends the first-response due time."""
	require_manager(_("Only an Assistance Manager can extend a response due time."))
	doc = locked_doc(TICKET, ticket)
	try:
		new_due_at = get_datetime(new_due)
	except Exception:
		new_due_at = None
	if not new_due_at:
		frappe.throw(_("Invalid new due time: {0}").format(frappe.bold(new_due)), title=_("Invalid Value"))
	return doc.extend_response_due(new_due_at, reason, note)


@endpoint()
def response_countdown(ticket: str) -> dict | None:
	"""R-TKT-9: business time left before the first-response due time, for the form."""
	doc = frappe.get_doc(TICKET, ticket)
	doc.check_permission("read")
	if not doc.response_due or doc.first_responded_on:
		return None
	due = get_datetime(doc.response_due)
	overdue, span, text = time_to_due(due)
	if overdue:
		return {
			"text": _("First response overdue by {0} business time (due {1}).").format(
				text, frappe.utils.format_datetime(due)
			),
			"color": "red",
			"seconds": -int(span.total_seconds()),
		}
	return {
		"text": _("First response due in {0} business time ({1}).").format(
			text, frappe.utils.format_datetime(due)
		),
		"color": "orange" if doc.sla_status == core_sla.AT_RISK else "blue",
		"seconds": int(span.total_seconds()),
	}


@endpoint()
def payments(ticket: str) -> list[str]:
	"""The submitted payments (Payment Entries) against the ticket's invoices."""
	doc = frappe.get_doc(TICKET, ticket)
	doc.check_permission("read")
	frappe.has_permission("Payment Entry", "read", throw=True)
	invoices = frappe.get_all("Sales Invoice", filters={"dds_assistance_ticket": ticket}, pluck="name")
	if not invoices:
		return []
	return sorted(
		set(
			frappe.get_all(
				"Payment Entry Reference",
				filters={
					"reference_doctype": "Sales Invoice",
					"reference_name": ("in", invoices),
					"docstatus": 1,
				},
				pluck="parent",
			)
		)
	)


@endpoint()
def countdowns(tickets: list[str] | str) -> dict[str, str]:
	"""R-TKT-9: business time left before each ticket's first-response due time (list view)."""
	try:
		names = frappe.parse_json(tickets) if isinstance(tickets, str) else tickets
	except ValueError:
		names = None
	if not isinstance(names, list):
		frappe.throw(_("Invalid value for {0}.").format(_("Requests")), exc=InvalidArguments)
	check_bound("tickets", names)  # a page of the list at most (core.limits.LIST_ITEMS)
	result = {}
	for row in frappe.get_list(
		TICKET,
		filters={"name": ("in", [str(n) for n in names]), "first_responded_on": ("is", "not set")},
		fields=["name", "response_due"],
	):
		if row.response_due:
			overdue, _span, text = time_to_due(row.response_due)
			result[row.name] = _("overdue by {0}").format(text) if overdue else _("{0} left").format(text)
	return result
