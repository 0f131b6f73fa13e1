"""The customer portal's reads: who the client of the session is, and what each
page shows them (R-TKT-11, R-TKT-9, R-RS-1, R-SUB-3, R-CPL-1, R-TERMS-3).

Every function derives the client (Customer) from the session user on the
server — through the Customer's Portal Users table — and filters by it before
anything else. A name that is not the client's gives "not found", never its
title or its existence. The portal's writes are in ``api.portal``."""

from email.utils import getaddresses, parseaddr

import frappe
from frappe import _
from frappe.utils import cint, now_datetime, nowdate

from dds_assistance.context import clients
from dds_assistance.context.business_calendar import time_to_due
from dds_assistance.context.language import dds_money
from dds_assistance.context.staff import is_staff
from dds_assistance.context.terms_in_force import terms_in_force
from dds_assistance.core import limits
from dds_assistance.core import sepa_debit as core_sepa
from dds_assistance.core import tickets as core_tickets
from dds_assistance.core.subscriptions import LIVE_STATUSES
from dds_assistance.core.terms import by_precedence
from dds_assistance.guards.refusals import field_label
from dds_assistance.integrations import einvoice, payment_means, sepa_debit
from dds_assistance.integrations import files as client_files


class NotYours(frappe.DoesNotExistError):
	"""What a client may not see does not exist for them (404, nothing revealed)."""


class EInvoiceNotReady(frappe.DoesNotExistError):
	"""The client's own e-invoice, still being made by a worker (404 with its reason)."""


# ---------------------------------------------------------------------------- who
CHOSEN_CLIENT = "dds_assistance_client"  # the user default that remembers whom they act for


def my_clients() -> list[str]:
	"""The Customers the session user acts for; refused to guests, staff and unknown users."""
	user = frappe.session.user
	if user == "Guest":
		raise frappe.PermissionError(_("Please log in to reach your assistance space."))
	customers = clients.customers_of(user)
	if not customers or is_staff(user):
		raise frappe.PermissionError(_("This space is for the clients of 3D Dental Store."))
	return customers


def client(customer: str | None = None) -> str:
	"""The client the session user acts for: ``customer`` when the page names it
	(one of theirs — otherwise "not found"), else the one they chose last, else
	their first. A user of several Customers chooses on every page (``choose_client``)."""
	customers = my_clients()
	if customer:
		if customer not in customers:
			raise NotYours(_("Not found"))
		return customer
	chosen = frappe.defaults.get_user_default(CHOSEN_CLIENT)
	return chosen if chosen in customers else customers[0]


def choose_client(customer: str) -> str:
	"""Remember whom the session user acts for (one of their Customers)."""
	customer = client(customer)
	frappe.defaults.set_user_default(CHOSEN_CLIENT, customer)
	return customer


def client_choices() -> list[dict]:
	"""The clients a user of several Customers may act for (empty for one)."""
	customers = my_clients()
	if len(customers) < 2:
		return []
	names = dict(
		frappe.get_all(
			"Customer", filters={"name": ("in", customers)}, fields=["name", "customer_name"], as_list=True
		)
	)
	return [{"name": c, "customer_name": names.get(c) or c} for c in customers]


def owner_of(doctype: str, name: str) -> str:
	"""The client — one of the session user's — whose record ``name`` is;
	otherwise a 404 that reveals nothing."""
	customers = my_clients()
	customer = frappe.db.get_value(doctype, name, "customer") if name and isinstance(name, str) else None
	if not customer or customer not in customers:
		raise NotYours(_("Not found"))
	return customer


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
	suspension = clients.active_suspension(customer)
	if not suspension:
		return None
	return _("Your access to assistance is suspended. Please contact us at {0}.").format(
		frappe.db.get_single_value("Assistance Settings", "support_email") or "support@3ddentalstore.fr"
	)


# ---------------------------------------------------------------------------- reads (portal pages)
LIST_PAGE_LENGTH = 20  # requests per page of the portal's list


def my_overview(start=0) -> dict:
	"""The list page: the client's requests, newest first, ``LIST_PAGE_LENGTH`` from
	``start`` (a page's link; past the last page, the last page; not a number, the first)."""
	customer = client()
	total = frappe.db.count("Assistance Ticket", {"customer": customer})
	start = min(max(cint(start), 0), max(total - 1, 0) // LIST_PAGE_LENGTH * LIST_PAGE_LENGTH)
	tickets = client_tickets(customer, start, LIST_PAGE_LENGTH)
	for ticket in tickets:
		if ticket.response_due and not ticket.first_responded_on:
			overdue, _span, text = time_to_due(ticket.response_due)
			ticket.remaining = _("Overdue") if overdue else _("{0} left").format(text)
	return {
		"customer": customer,
		"customer_name": frappe.db.get_value("Customer", customer, "customer_name"),
		"client_number": frappe.db.get_value("Customer", customer, "dds_client_number"),
		"tickets": tickets,
		"page": {
			"first": start + 1,
			"last": start + len(tickets),
			"total": total,
			"newer": max(start - LIST_PAGE_LENGTH, 0) if start else None,
			"older": start + LIST_PAGE_LENGTH if start + LIST_PAGE_LENGTH < total else None,
		},
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


def new_request_context() -> dict:
	customer = client()
	settings = frappe.get_cached_doc("Assistance Settings")
	coverage = clients.coverage(customer, now_datetime())
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
		# the bound of an attachment, stated on the form and checked before sending
		"attachment_max_bytes": client_files.max_bytes(),
		"attachment_mb": client_files.max_bytes() // limits.MB,
		"attachment_types": client_files.allowed_types(),
	}


def ticket_detail(name: str) -> dict:
	customer = owner_of("Assistance Ticket", name)
	ticket = frappe.get_doc("Assistance Ticket", name)
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
	missing = ticket.missing() if ticket.status == core_tickets.INCOMPLETE else []
	return {
		"customer": customer,
		"ticket": ticket,
		# R-TKT-8: what the request lacks, and what of it the client completes here
		"missing": [{"key": key, "label": field_label(key)} for key in missing],
		"completable": core_tickets.completable_by_client(missing),
		"messages": conversation(ticket, customer),
		"sessions": sessions,
		"files": files,
		"payment": how_to_pay(ticket),
		"einvoices": einvoices(customer, einvoice.TICKET_FIELD, name),
		"suspended": suspension_message(customer),
	}


def how_to_pay(ticket) -> dict | None:
	"""R-TKT-4: how the client pays an unpaid on-demand ticket — by transfer (the
	company's bank details, the reference and the QR code), online only where the
	site has a payment gateway, and the support phone."""
	if ticket.is_paid or not ticket.sales_invoice or ticket.coverage != core_tickets.ON_DEMAND:
		return None
	if ticket.status in (core_tickets.REJECTED, core_tickets.CANCELLED):
		return None
	outstanding = frappe.db.get_value(
		"Sales Invoice", {"name": ticket.sales_invoice, "docstatus": 1}, "outstanding_amount"
	)
	if not outstanding or outstanding <= 0:
		return None
	return {
		"invoice": ticket.sales_invoice,
		"transfer": payment_means.transfer_details(ticket.sales_invoice),
		"online": payment_means.online_payment_available(),
		"phone": frappe.db.get_single_value("Assistance Settings", "support_phone"),
	}


def conversation(ticket, customer: str) -> list[dict]:
	"""The ticket's messages the client took part in: mail they sent, mail sent to
	them, their portal replies — never mail between staff (R-TKT-11)."""
	addresses = {e.lower() for e in clients.client_emails(customer)}
	addresses |= {e.strip().lower() for e in (ticket.raised_by, frappe.session.user) if e}
	messages = frappe.get_all(
		"Communication",
		filters={
			"reference_doctype": "Assistance Ticket",
			"reference_name": ticket.name,
			"communication_type": "Communication",
		},
		fields=[
			"sent_or_received",
			"content",
			"communication_date",
			"sender_full_name",
			"sender",
			"recipients",
			"cc",
		],
		order_by="communication_date asc",
	)

	def involves_client(message) -> bool:
		if message.sent_or_received == "Received":
			return (parseaddr(message.sender or "")[1] or "").lower() in addresses
		sent_to = getaddresses([message.recipients or "", message.cc or ""])
		return any(address.lower() in addresses for _name, address in sent_to)

	return [
		{key: m[key] for key in ("sent_or_received", "content", "communication_date", "sender_full_name")}
		for m in messages
		if involves_client(m)
	]


def session_detail(name: str) -> dict:
	customer = owner_of("Remote Session", name)
	session = frappe.get_doc("Remote Session", name)
	return {
		"customer": customer,
		"session": session,
		"technician_name": frappe.utils.get_fullname(session.technician),
		"suspended": suspension_message(customer),
	}


def subscription_context() -> dict:
	customer = client()
	name = frappe.db.get_value(
		"Premium Subscription", {"customer": customer, "status": ("in", LIVE_STATUSES)}, "name"
	) or frappe.db.get_value(
		"Premium Subscription", {"customer": customer}, "name", order_by="start_date desc"
	)
	return {
		"customer": customer,
		"subscription": frappe.get_doc("Premium Subscription", name) if name else None,
		"einvoices": einvoices(customer, einvoice.SUBSCRIPTION_FIELD, name) if name else [],
		"debits": upcoming_debits(customer, name) if name else [],
		"mandate": masked_mandate(sepa_debit.usable_mandate(customer)),
	}


def masked_mandate(mandate):
	if mandate:
		mandate.iban = sepa_debit.masked(mandate.iban)
	return mandate


# ---------------------------------------------------------------------------- SEPA direct debit (#29)
def upcoming_debits(customer: str, subscription: str) -> list[dict]:
	"""The plan's invoices to be debited (pre-notification: amount and date), or
	collected by direct debit, newest first."""
	names = frappe.get_all(
		"Sales Invoice",
		filters={
			"customer": customer,
			einvoice.SUBSCRIPTION_FIELD: subscription,
			"docstatus": 1,
			"is_return": 0,
			sepa_debit.MANDATE_FIELD: ("is", "set"),
		},
		pluck="name",
		order_by="posting_date desc",
		limit=5,
	)
	return [debit for debit in map(sepa_debit.direct_debit_of, names) if debit]


def mandate_context() -> dict:
	"""The client's mandates (the usable one first) and, to sign a new one, the French
	text with the creditor's identity and the reference it will have."""
	customer = client()
	mandates = frappe.get_all(
		"SEPA Mandate",
		filters={"customer": customer},
		fields=[
			"name",
			"status",
			"scheme",
			"iban",
			"signed_on",
			"revoked_on",
			"collection_stopped",
			"signature_method",
		],
		order_by="signed_on desc, creation desc",
	)
	for mandate in mandates:
		mandate.iban = sepa_debit.masked(mandate.iban)
	creditor = sepa_debit.creditor_facts()
	text = []
	if creditor:
		number = frappe.db.get_value("Customer", customer, "dds_client_number") or customer
		text = core_sepa.mandate_text(
			creditor_name=creditor["name"],
			creditor_address=creditor["address"],
			creditor_id=creditor["creditor_id"],
			reference=core_sepa.mandate_reference(number, len(mandates) + 1),
			scheme=core_sepa.CORE,
			prenotice_days=creditor["prenotice_days"],
		)
	return {
		"customer": customer,
		"customer_name": frappe.db.get_value("Customer", customer, "customer_name"),
		"mandates": mandates,
		"usable": masked_mandate(sepa_debit.usable_mandate(customer)),
		"creditor": creditor,
		"mandate_rows": [
			row
			for row in text
			if row[0]
			and row[0] not in ("Titulaire du compte à débiter", "IBAN", "BIC", "Fait à", "Le", "Schéma")
		],
		"mandate_paragraphs": [row[1] for row in text if not row[0]],
		"refund_b2b": core_sepa.MANDATE_REFUND_B2B,
		"suspended": suspension_message(customer),
	}


# ---------------------------------------------------------------------------- e-invoices (Factur-X)
def einvoices(customer: str, link_field: str, record: str) -> list[dict]:
	"""The client's e-invoices of one ticket or Premium plan (``link_field`` names
	it): its submitted invoices and the credit notes against them, oldest first —
	each with its Factur-X PDF to download, or "being prepared" while a worker makes
	it (never a link to a file that is not there yet)."""
	fields = ["name", "posting_date", "grand_total", "currency", "is_return"]
	if frappe.get_meta("Sales Invoice").has_field(einvoice.PENDING_FIELD):
		fields.append(einvoice.PENDING_FIELD)
	invoices = frappe.get_all(
		"Sales Invoice",
		filters={"customer": customer, link_field: record, "docstatus": 1, "is_return": 0},
		fields=fields,
		order_by="posting_date asc, creation asc",
	)
	if invoices:
		invoices += frappe.get_all(
			"Sales Invoice",
			filters={
				"customer": customer,
				"return_against": ("in", [row.name for row in invoices]),
				"docstatus": 1,
				"is_return": 1,
			},
			fields=fields,
			order_by="posting_date asc, creation asc",
		)
	with_file = set(
		frappe.get_all(
			"File",
			filters={
				"attached_to_doctype": "Sales Invoice",
				"attached_to_name": ("in", [row.name for row in invoices] or [""]),
				"file_name": ("in", [einvoice.facturx_file_name(row.name) for row in invoices] or [""]),
			},
			pluck="attached_to_name",
		)
	)
	return [
		{
			"name": row.name,
			"credit_note": bool(row.is_return),
			"date": frappe.utils.formatdate(row.posting_date),
			"amount": dds_money(abs(row.grand_total), row.currency),
			"ready": row.name in with_file,
		}
		for row in invoices
		if row.name in with_file or row.get(einvoice.PENDING_FIELD)
	]


def einvoice_download(invoice: str) -> tuple[str, bytes]:
	"""(file name, content) of the Factur-X PDF of ``invoice`` — a submitted invoice
	of a ticket or Premium plan of one of the session user's clients, or a credit
	note against one; otherwise a 404 that reveals nothing."""
	customers = my_clients()
	fields = ["customer", "docstatus", "return_against", einvoice.TICKET_FIELD, einvoice.SUBSCRIPTION_FIELD]
	values = (
		frappe.db.get_value("Sales Invoice", invoice, fields, as_dict=True)
		if invoice and isinstance(invoice, str)
		else None
	)
	if not values or values.customer not in customers or values.docstatus != 1:
		raise NotYours(_("Not found"))
	original = (
		frappe.db.get_value("Sales Invoice", values.return_against, fields, as_dict=True)
		if values.return_against
		else values
	)
	owned = original and original.customer == values.customer and original.docstatus == 1
	ticket, plan = (
		(original or {}).get(einvoice.TICKET_FIELD),
		(original or {}).get(einvoice.SUBSCRIPTION_FIELD),
	)
	if not owned or not (
		(ticket and frappe.db.exists("Assistance Ticket", {"name": ticket, "customer": values.customer}))
		or (plan and frappe.db.exists("Premium Subscription", {"name": plan, "customer": values.customer}))
	):
		raise NotYours(_("Not found"))
	file = einvoice.facturx_file(invoice)
	if not file and einvoice.facturx_pending(invoice):
		raise EInvoiceNotReady(
			_("The e-invoice {0} is being prepared: it will be here in a moment.").format(invoice)
		)
	if not file:
		raise NotYours(_("Not found"))
	return einvoice.facturx_file_name(invoice), frappe.get_doc("File", file).get_content()


def complaints_context() -> dict:
	customer = client()
	complaints = frappe.get_all(
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
	)
	changes = frappe.get_all(
		"Assistance Deadline Change",
		filters={
			"parenttype": "Assistance Complaint",
			"parent": ("in", [c.name for c in complaints] or [""]),
		},
		fields=["parent", "deadline", "previous_due", "new_due", "reason"],
		order_by="idx asc",
	)
	for complaint in complaints:
		complaint.deadline_changes = [
			c for c in changes if c.parent == complaint.name
		]  # R-AVAIL-2: never silent
	return {
		"customer": customer,
		"complaints": complaints,
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
		"customer": customer,
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


def interruptions_to_show() -> list:
	"""R-AVAIL-1: the announced interruptions, from their announcement until their end."""
	return frappe.get_all(
		"Planned Interruption",
		filters={"status": "Announced", "ends_at": (">", now_datetime())},
		fields=["name", "starts_at", "ends_at", "message"],
		order_by="starts_at asc",
	)
