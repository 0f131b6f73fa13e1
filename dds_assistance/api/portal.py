"""Customer portal endpoints (R-TKT-6/7/8, R-RS-1/2, R-SUB-3, R-CPL-1, R-TERMS-3).

Every function derives the client (Customer) from the session user on the
server — through the Customer's Portal Users table — and filters by it before
anything else. A name that is not the client's gives "not found", never its
title or its existence. Nothing can be deleted from here."""

import base64
import binascii
import os

import frappe
from frappe import _
from frappe.utils import get_datetime, getdate, now_datetime, nowdate

from dds_assistance.api._common import time_to_due
from dds_assistance.core import subscriptions as core_subscriptions
from dds_assistance.core import tickets as core_tickets
from dds_assistance.core.conduct import by_precedence
from dds_assistance.core.tickets import TicketRuleError
from dds_assistance.dds_assistance.doctype.assistance_ticket.assistance_ticket import throw_rule
from dds_assistance.integrations.subscription import record_notice
from dds_assistance.integrations.subscription import withdraw_notice as withdraw
from dds_assistance.lookups import active_suspension, terms_in_force
from dds_assistance.permissions import customers_of, is_staff

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
LIVE_PLANS = ("Scheduled", "Active", "Notice Given", "Suspended")


class NotYours(frappe.DoesNotExistError):
	"""What a client may not see does not exist for them (404, nothing revealed)."""


# ---------------------------------------------------------------------------- who
def client() -> str:
	"""The session user's Customer; refused to guests, staff and unknown users."""
	user = frappe.session.user
	if user == "Guest":
		raise frappe.PermissionError(_("Please log in to reach your assistance space."))
	customers = customers_of(user)
	if not customers or is_staff(user):
		raise frappe.PermissionError(_("This space is for the clients of 3D Dental Store."))
	return customers[0]


def own(doctype: str, name: str, customer: str) -> str:
	"""``name`` if it is one of the client's records; otherwise a 404 that reveals nothing."""
	if (
		not name
		or not isinstance(name, str)
		or not frappe.db.exists(doctype, {"name": name, "customer": customer})
	):
		raise NotYours(_("Not found"))
	return name


def suspension_message(customer: str) -> str | None:
	suspension = active_suspension(customer)
	if not suspension:
		return None
	return _("Your access to assistance is suspended. Please contact us at {0}.").format(
		frappe.db.get_single_value("Assistance Settings", "support_email") or "support@3ddentalstore.fr"
	)


# ---------------------------------------------------------------------------- reads (portal pages)
def my_overview() -> dict:
	customer = client()
	tickets = client_tickets(customer, 0, 200)
	for ticket in tickets:
		if ticket.response_due and not ticket.first_responded_on:
			overdue, _span, text = time_to_due(ticket.response_due)
			ticket.remaining = _("Overdue") if overdue else _("{0} left").format(text)
	return {
		"customer": customer,
		"customer_name": frappe.db.get_value("Customer", customer, "customer_name"),
		"client_number": frappe.db.get_value("Customer", customer, "dds_client_number"),
		"tickets": tickets,
		"suspended": suspension_message(customer),
	}


TICKET_LIST_FIELDS = [
	"name",
	"subject",
	"status",
	"coverage",
	"is_paid",
	"response_due",
	"first_responded_on",
	"sla_status",
	"received_at",
	"sales_invoice",
]


def client_tickets(customer: str, start: int, page_length: int) -> list:
	"""The client's tickets, newest first (index ``customer, received_at``)."""
	return frappe.get_all(
		"Assistance Ticket",
		filters={"customer": customer},
		fields=TICKET_LIST_FIELDS,
		order_by="received_at desc",
		start=start,
		page_length=page_length,
	)


@frappe.whitelist(methods=["GET"])
def my_requests(start: int = 0, page_length: int = 50) -> list[dict]:
	"""My requests, newest first (the portal list as data)."""
	customer = client()
	start, page_length = max(int(start), 0), min(max(int(page_length), 1), 200)
	return client_tickets(customer, start, page_length)


def new_request_context() -> dict:
	customer = client()
	settings = frappe.get_cached_doc("Assistance Settings")
	from dds_assistance.dds_assistance.doctype.assistance_ticket.assistance_ticket import get_coverage

	coverage = get_coverage(customer, now_datetime())
	in_force = terms_in_force(nowdate())
	return {
		"customer": customer,
		"customer_name": frappe.db.get_value("Customer", customer, "customer_name"),
		"client_number": frappe.db.get_value("Customer", customer, "dds_client_number"),
		"equipment": frappe.get_all(
			"Assistance Equipment", filters={"customer": customer}, fields=["name", "serial_no", "reference"]
		),
		"on_demand": coverage.kind == core_tickets.ON_DEMAND,
		"price": settings.ticket_price,
		"terms": by_precedence([v for v in in_force.values() if v]),
		"suspended": suspension_message(customer),
	}


def ticket_detail(name: str) -> dict:
	customer = client()
	own("Assistance Ticket", name, customer)
	ticket = frappe.get_doc("Assistance Ticket", name)
	messages = frappe.get_all(
		"Communication",
		filters={
			"reference_doctype": "Assistance Ticket",
			"reference_name": name,
			"communication_type": "Communication",
		},
		fields=["sent_or_received", "content", "communication_date", "sender_full_name"],
		order_by="communication_date asc",
	)
	sessions = frappe.get_all(
		"Remote Session",
		filters={"ticket": name, "customer": customer},
		fields=["name", "status", "purpose", "tool", "requested_minutes", "technician"],
		order_by="creation desc",
	)
	files = frappe.get_all(
		"File",
		filters={"attached_to_doctype": "Assistance Ticket", "attached_to_name": name},
		fields=["file_name", "file_url"],
	)
	return {
		"ticket": ticket,
		"messages": messages,
		"sessions": sessions,
		"files": files,
		"suspended": suspension_message(customer),
	}


def session_detail(name: str) -> dict:
	customer = client()
	own("Remote Session", name, customer)
	session = frappe.get_doc("Remote Session", name)
	return {
		"session": session,
		"technician_name": frappe.utils.get_fullname(session.technician),
		"suspended": suspension_message(customer),
	}


def subscription_context() -> dict:
	customer = client()
	name = frappe.db.get_value(
		"Premium Subscription", {"customer": customer, "status": ("in", LIVE_PLANS)}, "name"
	) or frappe.db.get_value(
		"Premium Subscription", {"customer": customer}, "name", order_by="start_date desc"
	)
	return {"subscription": frappe.get_doc("Premium Subscription", name) if name else None}


def complaints_context() -> dict:
	customer = client()
	return {
		"complaints": frappe.get_all(
			"Assistance Complaint",
			filters={"customer": customer},
			fields=[
				"name",
				"subject",
				"status",
				"received_at",
				"ack_due",
				"acknowledged_on",
				"answered_on",
				"answer",
			],
			order_by="received_at desc",
		),
		"tickets": frappe.get_all(
			"Assistance Ticket",
			filters={"customer": customer},
			fields=["name", "subject"],
			order_by="received_at desc",
			limit_page_length=50,
		),
		"suspended": suspension_message(customer),
	}


def terms_context() -> dict:
	customer = client()
	return {
		"in_force": by_precedence([v for v in terms_in_force(nowdate()).values() if v]),
		"versions": frappe.get_all(
			"Terms Version",
			fields=[
				"name",
				"kind",
				"reference",
				"version_label",
				"publication_date",
				"effective_date",
				"document",
			],
			order_by="publication_date desc",
		),
		"notices": frappe.get_all(
			"Terms Notice",
			filters={"customer": customer},
			fields=["name", "subject", "message", "creation", "read_on"],
			order_by="creation desc",
		),
	}


# ---------------------------------------------------------------------------- actions
@frappe.whitelist(methods=["POST"])
def create_request(
	description: str,
	subject: str | None = None,
	equipment: str | None = None,
	serial_no: str | None = None,
	equipment_reference: str | None = None,
	incident_at: str | None = None,
) -> dict:
	"""R-TKT-6/7/8: a request from the portal. Incomplete requests are refused with
	what is missing; a late one is kept for review, and the client told why."""
	customer = client()
	message = suspension_message(customer)
	if message:
		frappe.throw(message, title=_("Access Suspended"))
	if equipment:
		own("Assistance Equipment", equipment, customer)
	try:
		incident = get_datetime(incident_at) if incident_at else None
	except Exception:
		incident = None
	if incident_at and not incident:
		frappe.throw(_("The date and time of the incident are not valid."), title=_("Invalid Value"))
	if incident and incident > now_datetime():
		frappe.throw(_("The incident cannot be in the future."), title=_("Invalid Value"))
	number = frappe.db.get_value("Customer", customer, "dds_client_number")
	if equipment:
		serial_no, equipment_reference = frappe.db.get_value(
			"Assistance Equipment", equipment, ["serial_no", "reference"]
		)
	missing = core_tickets.missing_request_information(
		customer=customer,
		client_number=number,
		serial_no=serial_no,
		equipment_reference=equipment_reference,
		description=description,
	)
	if missing:
		throw_rule(
			TicketRuleError(
				"incomplete",
				"The request is incomplete ({0}): it cannot go further until it is completed.",
				", ".join(missing),
			)
		)
	ticket = frappe.get_doc(
		{
			"doctype": "Assistance Ticket",
			"subject": (subject or "").strip()[:140] or None,
			"customer": customer,
			"channel": "Portal",
			"raised_by": frappe.session.user,
			"equipment": equipment,
			"serial_no": serial_no,
			"equipment_reference": equipment_reference,
			"incident_at": incident,
			"received_at": now_datetime(),
			"description": frappe.utils.escape_html(description),
		}
	)
	ticket.insert(ignore_permissions=True)
	late = (
		_(
			"Your request was made more than 24 business hours after the incident: our team will review it before accepting it (CGV art. 5)."
		)
		if ticket.is_late
		else None
	)
	return {"name": ticket.name, "late": late, "route": f"/assistance/tickets/{ticket.name}"}


@frappe.whitelist(methods=["POST"])
def attach_file(ticket: str, filename: str, filedata: str) -> dict:
	"""An attachment to one's own ticket, kept private (only its client and staff reach it)."""
	customer = client()
	own("Assistance Ticket", ticket, customer)
	try:
		content = base64.b64decode(filedata.split(",", 1)[-1], validate=True)
	except (binascii.Error, ValueError):
		frappe.throw(_("The file could not be read."), title=_("Invalid File"))
	if not content or len(content) > MAX_ATTACHMENT_BYTES:
		frappe.throw(_("Files must be between 1 byte and 10 MB."), title=_("Invalid File"))
	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": os.path.basename((filename or "").replace("\\", "/"))[:140] or "piece-jointe",
			"attached_to_doctype": "Assistance Ticket",
			"attached_to_name": ticket,
			"is_private": 1,
			"content": content,
		}
	).insert(ignore_permissions=True)
	return {"file_url": file.file_url}


@frappe.whitelist(methods=["POST"])
def reply(ticket: str, message: str) -> dict:
	"""The client's reply, appended to the ticket's conversation."""
	customer = client()
	own("Assistance Ticket", ticket, customer)
	if not (message or "").strip():
		frappe.throw(_("Write a message."), title=_("Message Required"))
	if frappe.db.get_value("Assistance Ticket", ticket, "status") in core_tickets.FINAL_STATUSES:
		frappe.throw(
			_("This ticket is closed: open a new request for a new incident."), title=_("Not Allowed")
		)
	frappe.get_doc(
		{
			"doctype": "Communication",
			"communication_type": "Communication",
			"communication_medium": "Other",
			"sent_or_received": "Received",
			"subject": _("Reply from the portal"),
			"content": frappe.utils.escape_html(message.strip()).replace("\n", "<br>"),
			"sender": frappe.session.user,
			"sender_full_name": frappe.utils.get_fullname(frappe.session.user),
			"reference_doctype": "Assistance Ticket",
			"reference_name": ticket,
			"communication_date": now_datetime(),
		}
	).insert(ignore_permissions=True)
	return {"ok": True}


def _own_subscription(customer: str, name: str):
	own("Premium Subscription", name, customer)
	doc = frappe.get_doc("Premium Subscription", name)
	doc.flags.dds_action = True
	doc.flags.ignore_permissions = True
	return doc


@frappe.whitelist(methods=["POST"])
def notice_preview(subscription: str) -> dict:
	customer = client()
	doc = _own_subscription(customer, subscription)
	today = getdate(nowdate())
	end = core_subscriptions.notice_effective_end(getdate(doc.start_date), today)
	return {
		"effective_end": end,
		"notice_deadline": core_subscriptions.term_at(getdate(doc.start_date), today).notice_deadline,
		"text": _("With a notice received today, your plan ends on {0}.").format(
			frappe.utils.formatdate(end)
		),
	}


@frappe.whitelist(methods=["POST"])
def give_notice(subscription: str, reason: str = "Client decision") -> dict:
	"""R-SUB-3: written notice given on the portal, received today."""
	customer = client()
	doc = _own_subscription(customer, subscription)
	return {"ends_on": record_notice(doc, getdate(nowdate()), "Portal", reason)}


@frappe.whitelist(methods=["POST"])
def withdraw_notice(subscription: str) -> dict:
	customer = client()
	doc = _own_subscription(customer, subscription)
	withdraw(doc)
	return {"status": doc.status}


@frappe.whitelist(methods=["POST"])
def file_complaint(subject: str, description: str, ticket: str | None = None) -> dict:
	"""R-CPL-1: a complaint filed on the portal, received now."""
	customer = client()
	if ticket:
		own("Assistance Ticket", ticket, customer)
	if not (subject or "").strip() or not (description or "").strip():
		frappe.throw(_("Give the subject and the details of your complaint."), title=_("Complaint"))
	doc = frappe.get_doc(
		{
			"doctype": "Assistance Complaint",
			"subject": subject.strip()[:140],
			"customer": customer,
			"channel": "Portal",
			"raised_by": frappe.session.user,
			"received_at": now_datetime(),
			"ticket": ticket,
			"description": frappe.utils.escape_html(description.strip()).replace("\n", "<br>"),
		}
	).insert(ignore_permissions=True)
	return {"name": doc.name, "ack_due": doc.ack_due}
