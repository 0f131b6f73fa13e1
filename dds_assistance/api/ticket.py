"""Desk actions on an Assistance Ticket. Every endpoint checks permission first."""

import frappe
from frappe import _
from frappe.utils import get_datetime, now_datetime

from dds_assistance.api._common import locked_doc, require_manager
from dds_assistance.core import sla as core_sla
from dds_assistance.core import tickets as core
from dds_assistance.dds_assistance.doctype.assistance_settings.assistance_settings import (
	business_hours_between,
	subtract_business_hours,
)
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
		try:
			core.check_transition(
				doc.status, core.accept_target(doc.coverage), coverage=doc.coverage, paid=False
			)
		except core.TicketRuleError as error:
			throw_rule(error)
	if doc.is_late and doc.late_decision != "Accepted":
		if not (reason or "").strip():
			frappe.throw(
				_("This request is late (R-TKT-7): give the reason for accepting it."),
				title=_("Reason Required"),
			)
		doc.late_decision = "Accepted"
		doc.late_decision_reason = reason.strip()
		doc.late_decided_by, doc.late_decided_on = frappe.session.user, now_datetime()
	if doc.status == core.NEW:
		try:  # incomplete or undecided-late requests stop here, before any invoice
			core.check_transition(
				doc.status,
				core.accept_target(doc.coverage),
				coverage=doc.coverage,
				paid=True,
				late=bool(doc.is_late),
				late_accepted=doc.late_decision == "Accepted",
				missing=doc.missing(),
			)
		except core.TicketRuleError as error:
			throw_rule(error)
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
		doc.late_decision = "Refused"
		doc.late_decision_reason = reason.strip()
		doc.late_decided_by, doc.late_decided_on = frappe.session.user, now_datetime()
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
	settings = frappe.get_cached_doc("Assistance Settings")
	doc.response_due = new_due_at
	doc.response_warn_at = max(
		subtract_business_hours(new_due_at, min(settings.sla_warning_hours, settings.first_response_hours)),
		now_datetime(),
	)
	doc.sla_status = core_sla.sla_state(now_datetime(), new_due_at, get_datetime(doc.response_warn_at), None)
	doc.save()
	return {"response_due": doc.response_due, "sla_status": doc.sla_status}


@frappe.whitelist()
def response_countdown(ticket: str) -> dict | None:
	"""R-TKT-9: business time left before the first-response due time, for the form."""
	doc = frappe.get_doc("Assistance Ticket", ticket)
	doc.check_permission("read")
	if not doc.response_due or doc.first_responded_on:
		return None
	now = now_datetime()
	due = get_datetime(doc.response_due)
	if now >= due:
		late = business_hours_between(due, now)
		return {
			"text": _("First response overdue by {0} business time (due {1}).").format(
				_format_span(late), frappe.utils.format_datetime(due)
			),
			"color": "red",
			"seconds": -int(late.total_seconds()),
		}
	left = business_hours_between(now, due)
	return {
		"text": _("First response due in {0} business time ({1}).").format(
			_format_span(left), frappe.utils.format_datetime(due)
		),
		"color": "orange" if doc.sla_status == core_sla.AT_RISK else "blue",
		"seconds": int(left.total_seconds()),
	}


def _format_span(span) -> str:
	minutes = int(span.total_seconds() // 60)
	return _("{0} h {1} min").format(minutes // 60, minutes % 60)


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
	now = now_datetime()
	result = {}
	for row in frappe.get_list(
		"Assistance Ticket",
		filters={"name": ("in", [str(n) for n in names[:500]]), "first_responded_on": ("is", "not set")},
		fields=["name", "response_due"],
	):
		if not row.response_due:
			continue
		due = get_datetime(row.response_due)
		if now >= due:
			result[row.name] = _("overdue by {0}").format(_format_span(business_hours_between(due, now)))
		else:
			result[row.name] = _("{0} left").format(_format_span(business_hours_between(now, due)))
	return result
