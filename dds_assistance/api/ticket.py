"""Desk actions on an Assistance Ticket. Every endpoint checks permission first."""

import frappe
from frappe import _
from frappe.utils import get_datetime, now_datetime

from dds_assistance.api._common import locked_doc, require_manager, time_to_due
from dds_assistance.core import sla as core_sla
from dds_assistance.core import tickets as core
from dds_assistance.dds_assistance.doctype.assistance_ticket.assistance_ticket import (
	record_first_response,
	throw_rule,
)
from dds_assistance.integrations.sales_invoice import make_ticket_invoice


def _ticket_for_write(name: str):
	return locked_doc("Assistance Ticket", name)


@frappe.whitelist(methods=["POST"])
def accept(ticket: str, reason: str | None = None) -> dict:
	"""Accept a request (R-TKT-3, R-TKT-7): a late one needs a reason; an on-demand
	ticket gets its one Sales Invoice and waits for payment; a covered request
	opens. Accepting twice changes nothing and never invoices twice."""
	doc = _ticket_for_write(ticket)
	if doc.status not in (core.NEW, core.AWAITING_PAYMENT):
		doc.check_move(doc.status, core.accept_target(doc.coverage), paid=False)
	if doc.is_late and doc.late_decision != "Accepted":
		if not (reason or "").strip():
			frappe.throw(
				_("This request is late (R-TKT-7): give the reason for accepting it."),
				title=_("Reason Required"),
			)
		doc.record_late_decision("Accepted", reason)
	if doc.status == core.NEW:
		# incomplete or undecided-late requests stop here, before any invoice
		doc.check_move(doc.status, core.accept_target(doc.coverage), paid=True)
		if doc.coverage == core.ON_DEMAND:
			doc.sales_invoice = make_ticket_invoice(doc)
		doc.status = core.accept_target(doc.coverage)
		doc.accepted_by, doc.accepted_on = frappe.session.user, now_datetime()
		if doc.live_paid():  # e.g. paid at the counter with the invoice
			doc.status = core.status_after_payment_change(doc.status, doc.coverage, True)
	elif doc.status == core.AWAITING_PAYMENT:
		live = make_ticket_invoice(doc)  # re-issues only if the invoice was cancelled
		if live != doc.sales_invoice:
			doc.sales_invoice = live
	doc.save()
	return {"status": doc.status, "sales_invoice": doc.sales_invoice}


@frappe.whitelist(methods=["POST"])
def refuse(ticket: str, reason: str) -> dict:
	"""Refuse a request (R-TKT-7: a late one is refused with a reason); nothing is invoiced."""
	doc = _ticket_for_write(ticket)
	if not (reason or "").strip():
		frappe.throw(_("Give the reason for refusing this request."), title=_("Reason Required"))
	if doc.sales_invoice and frappe.db.get_value("Sales Invoice", doc.sales_invoice, "docstatus") == 1:
		frappe.throw(
			_(
				"This ticket has a submitted invoice {0}: cancel or credit it before refusing the ticket."
			).format(frappe.bold(doc.sales_invoice)),
			title=_("Not Allowed"),
		)
	if doc.is_late:
		doc.record_late_decision("Refused", reason)
	doc.rejection_reason = reason.strip()
	doc.status = core.REJECTED
	doc.save()
	return {"status": doc.status}


@frappe.whitelist(methods=["POST"])
def mark_responded(ticket: str) -> dict:
	"""R-TKT-9: stamp the first response when it was given outside e-mail (phone …)."""
	doc = _ticket_for_write(ticket)
	record_first_response(doc, now_datetime())
	return {"sla_status": doc.sla_status, "first_responded_on": doc.first_responded_on}


@frappe.whitelist(methods=["POST"])
def extend_response_due(ticket: str, new_due: str, reason: str, note: str) -> dict:
	"""R-TKT-10: a manager — only — extends the first-response due time with a
	reason from the terms' list and a note; the extension is recorded on the ticket."""
	require_manager(_("Only an Assistance Manager can extend a response due time."))
	doc = _ticket_for_write(ticket)
	if doc.first_responded_on:
		frappe.throw(_("The first response was already given."), title=_("Not Allowed"))
	try:
		new_due_at = get_datetime(new_due)
	except Exception:
		new_due_at = None
	if not new_due_at:
		frappe.throw(_("Invalid new due time: {0}").format(frappe.bold(new_due)), title=_("Invalid Value"))
	try:
		core_sla.check_extension(get_datetime(doc.response_due), new_due_at, reason, note)
	except core.TicketRuleError as error:
		throw_rule(error)
	doc.append(
		"sla_extensions",
		{
			"previous_due": doc.response_due,
			"new_due": new_due_at,
			"reason": reason,
			"note": note.strip(),
			"extended_by": frappe.session.user,
			"extended_on": now_datetime(),
		},
	)
	doc.set_response_due(new_due_at, now_datetime())
	doc.save()
	return {"response_due": doc.response_due, "sla_status": doc.sla_status}


@frappe.whitelist()
def response_countdown(ticket: str) -> dict | None:
	"""R-TKT-9: business time left before the first-response due time, for the form."""
	doc = frappe.get_doc("Assistance Ticket", ticket)
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


@frappe.whitelist()
def payments(ticket: str) -> list[str]:
	"""The submitted payments (Payment Entries, Journal Entries) against the ticket's invoices."""
	doc = frappe.get_doc("Assistance Ticket", ticket)
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


@frappe.whitelist()
def countdowns(tickets: list[str] | str) -> dict[str, str]:
	"""R-TKT-9: business time left before each ticket's first-response due time (list view)."""
	names = frappe.parse_json(tickets) if isinstance(tickets, str) else tickets
	if not isinstance(names, list):
		frappe.throw(_("Invalid Value"))
	result = {}
	for row in frappe.get_list(
		"Assistance Ticket",
		filters={"name": ("in", [str(n) for n in names[:500]]), "first_responded_on": ("is", "not set")},
		fields=["name", "response_due"],
	):
		if row.response_due:
			overdue, _span, text = time_to_due(row.response_due)
			result[row.name] = _("overdue by {0}").format(text) if overdue else _("{0} left").format(text)
	return result
