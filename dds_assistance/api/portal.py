"""The customer portal's writes (R-TKT-6/7/8, R-SUB-3, R-CPL-1): each derives the
client on the server — from the record it acts on (``portal_reads.owner_of``), or, for a
new record, the client the page names among the session user's own
(``portal_reads.client``) — and acts only on what is theirs. Texts have maxima
(``core.limits``); each write is rate-limited per account (``portal_write``).
Nothing can be deleted from here."""

import base64
import binascii

import frappe
from frappe import _
from frappe.utils import get_datetime, getdate, now_datetime, nowdate

from dds_assistance.api._common import portal_write
from dds_assistance.core import subscriptions as core_subscriptions
from dds_assistance.core import tickets as core_tickets
from dds_assistance.core.errors import RuleError
from dds_assistance.core.limits import check_lengths
from dds_assistance.guards.refusals import ClientSuspendedError, field_label, throw_rule
from dds_assistance.integrations import payment_means
from dds_assistance.integrations.acknowledgement import acknowledge
from dds_assistance.integrations.files import attach_private, check_room
from dds_assistance.web import portal_reads
from dds_assistance.web.endpoints import endpoint
from dds_assistance.web.portal_reads import client, client_tickets, own, owner_of, suspension_message


@endpoint(methods=["GET"])
def my_requests(start: int = 0, page_length: int = 50, customer: str | None = None) -> list[dict]:
	"""My requests, newest first (the portal list as data)."""
	customer = client(customer)
	start, page_length = max(int(start), 0), min(max(int(page_length), 1), 200)
	return client_tickets(customer, start, page_length)


@endpoint(methods=["GET"])
def download_einvoice(invoice: str) -> None:
	"""The Factur-X PDF of one of the client's invoices or credit notes (a ticket's,
	a Premium plan's), as a download; anyone else's is "not found"."""
	file_name, content = portal_reads.einvoice_download(invoice)
	frappe.local.response.filename = file_name
	frappe.local.response.filecontent = content
	frappe.local.response.type = "download"


@endpoint(methods=["POST"])
def choose_client(customer: str) -> dict:
	"""A user of several Customers chooses whom they act for (remembered)."""
	return {"customer": portal_reads.choose_client(customer)}


@endpoint(methods=["POST"])
@portal_write
def create_request(
	description: str,
	subject: str | None = None,
	equipment: str | None = None,
	serial_no: str | None = None,
	equipment_reference: str | None = None,
	incident_at: str | None = None,
	accept_terms: int = 0,
	customer: str | None = None,
) -> dict:
	"""R-TKT-6/7/8: a request from the portal. Incomplete requests are refused with
	what is missing; a late one is kept for review, and the client told why. The
	client's acceptance of the terms in force (CGU art. 1.3) is recorded on it."""
	customer = client(customer)
	refuse_if_suspended(customer)
	_check_lengths(
		subject=subject, description=description, serial_no=serial_no, equipment_reference=equipment_reference
	)
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
			RuleError(
				"incomplete",
				"The request is incomplete ({0}): it cannot go further until it is completed.",
				", ".join(missing),
			)
		)
	ticket = frappe.get_doc(
		{
			"doctype": "Assistance Ticket",
			"subject": (subject or "").strip() or None,
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
	if frappe.utils.cint(accept_terms):
		ticket.update(
			{
				"terms_acceptance": "On the portal",
				"terms_accepted_on": now_datetime(),
				"terms_accepted_by": frappe.session.user,
			}
		)
		ticket.flags.dds_action = True  # what the portal sets, and nothing else of the action fields
	ticket.insert(ignore_permissions=True)
	acknowledge(ticket)  # mailed once: reference, due time, price or coverage
	late = (
		_(
			"Your request was made more than 24 business hours after the incident: our team will review it before accepting it (CGV art. 5)."
		)
		if ticket.is_late
		else None
	)
	return {"name": ticket.name, "late": late, "route": f"/assistance/tickets/{ticket.name}"}


@endpoint(methods=["POST"])
@portal_write
def complete_request(
	ticket: str,
	serial_no: str | None = None,
	equipment_reference: str | None = None,
	details: str | None = None,
) -> dict:
	"""R-TKT-8: the client completes their incomplete request on its page — the serial
	number, the equipment's reference, more about the incident; what they give is added
	to the conversation for the agent, and a complete request goes to them (New)."""
	customer = owner_of("Assistance Ticket", ticket)
	refuse_if_suspended(customer)
	refuse_if_final(ticket)
	_check_lengths(serial_no=serial_no, equipment_reference=equipment_reference, description=details)
	doc = frappe.get_doc("Assistance Ticket", ticket)
	if doc.status != core_tickets.INCOMPLETE:
		frappe.throw(_("This request is already complete."), title=_("Not Allowed"))
	given = []
	for field, value in (("serial_no", serial_no), ("equipment_reference", equipment_reference)):
		value = (value or "").strip()
		if value and not (doc.get(field) or "").strip():
			doc.set(field, value)
			given.append(_("{0}: {1}").format(field_label(field), frappe.utils.escape_html(value)))
	if (details or "").strip():
		text = frappe.utils.escape_html(details.strip()).replace("\n", "<br>")
		doc.description = f"{doc.description or ''}<p>{text}</p>"
		given.append(text)
	if not given:
		frappe.throw(_("Give what the request lacks."), title=_("Nothing to Add"))
	doc.flags.ignore_permissions = True
	doc.save()
	add_client_message(ticket, _("Request completed on the portal"), "<br>".join(given))
	return {"status": doc.status, "missing": doc.missing_information}


@endpoint(methods=["POST"])
@portal_write
def attach_file(ticket: str, filename: str | None = None, filedata: str | None = None) -> dict:
	"""An attachment to one's own open ticket, kept private (only its client and
	staff reach it): sent as a multipart upload (``file``) or base64 ``filedata``.
	Only the allowed types, with a content that matches the extension, within the
	bounds of ``core.limits`` (its size, the files of one request)."""
	customer = owner_of("Assistance Ticket", ticket)
	refuse_if_suspended(customer)
	refuse_if_final(ticket)
	check_room("Assistance Ticket", ticket)
	upload = frappe.request.files.get("file") if frappe.request and frappe.request.files else None
	if upload:
		filename, content = filename or upload.filename, upload.stream.read()
	else:
		try:
			content = base64.b64decode((filedata or "").split(",", 1)[-1], validate=True)
		except (binascii.Error, ValueError):
			frappe.throw(_("The file could not be read."), title=_("Invalid File"))
	return {"file_url": attach_private("Assistance Ticket", ticket, filename, content)}


@endpoint(methods=["POST"])
@portal_write
def reply(ticket: str, message: str) -> dict:
	"""The client's reply, appended to the ticket's conversation."""
	customer = owner_of("Assistance Ticket", ticket)
	refuse_if_suspended(customer)
	if not (message or "").strip():
		frappe.throw(_("Write a message."), title=_("Message Required"))
	_check_lengths(message=message)
	refuse_if_final(ticket)
	add_client_message(
		ticket, _("Reply from the portal"), frappe.utils.escape_html(message.strip()).replace("\n", "<br>")
	)
	return {"ok": True}


def add_client_message(ticket: str, subject: str, content: str) -> None:
	"""What the session's client wrote on the portal, in the ticket's conversation
	(the agent sees that the client wrote: ``integrations.communication``)."""
	frappe.get_doc(
		{
			"doctype": "Communication",
			"communication_type": "Communication",
			"communication_medium": "Other",
			"sent_or_received": "Received",
			"subject": subject,
			"content": content,
			"sender": frappe.session.user,
			"sender_full_name": frappe.utils.get_fullname(frappe.session.user),
			"reference_doctype": "Assistance Ticket",
			"reference_name": ticket,
			"communication_date": now_datetime(),
		}
	).insert(ignore_permissions=True)


def refuse_if_suspended(customer: str) -> None:
	"""R-SAN-2: a suspended client sends no request, reply or attachment (the server
	refuses, whatever the page shows). Complaints stay open to them (CGU art. 10)."""
	message = suspension_message(customer)
	if message:
		frappe.throw(message, exc=ClientSuspendedError, title=_("Access Suspended"))


def refuse_if_final(ticket: str) -> None:
	"""R-TKT-5: a closed, refused or cancelled ticket takes no more messages or files."""
	if frappe.db.get_value("Assistance Ticket", ticket, "status") in core_tickets.FINAL_STATUSES:
		frappe.throw(
			_("This ticket is closed: open a new request for a new incident."), title=_("Not Allowed")
		)


def _check_lengths(**texts):
	try:
		check_lengths(**texts)
	except RuleError as error:
		throw_rule(error, title=_("Text Too Long"))


def _own_subscription(name: str):
	owner_of("Premium Subscription", name)
	doc = frappe.get_doc("Premium Subscription", name)
	doc.flags.ignore_permissions = True
	return doc


@endpoint(methods=["POST"])
def notice_preview(subscription: str) -> dict:
	doc = _own_subscription(subscription)
	today = getdate(nowdate())
	end = core_subscriptions.notice_effective_end(getdate(doc.start_date), today)
	return {
		"effective_end": end,
		"notice_deadline": core_subscriptions.term_at(getdate(doc.start_date), today).notice_deadline,
		"text": _("With a notice received today, your plan ends on {0}.").format(
			frappe.utils.formatdate(end)
		),
	}


@endpoint(methods=["POST"])
def give_notice(subscription: str, reason: str = "Client decision") -> dict:
	"""R-SUB-3: written notice given on the portal, received today."""
	doc = _own_subscription(subscription)
	return {"ends_on": doc.give_notice(getdate(nowdate()), "Portal", reason)}


@endpoint(methods=["POST"])
def withdraw_notice(subscription: str) -> dict:
	doc = _own_subscription(subscription)
	doc.withdraw_notice()
	return {"status": doc.status}


@endpoint(methods=["POST"])
@portal_write
def file_complaint(
	subject: str, description: str, ticket: str | None = None, customer: str | None = None
) -> dict:
	"""R-CPL-1: a complaint filed on the portal, received now (about one of the
	client's requests, if named)."""
	customer = client(customer)
	if ticket:
		own("Assistance Ticket", ticket, customer)
	if not (subject or "").strip() or not (description or "").strip():
		frappe.throw(_("Give the subject and the details of your complaint."), title=_("Complaint"))
	_check_lengths(subject=subject, complaint=description)
	doc = frappe.get_doc(
		{
			"doctype": "Assistance Complaint",
			"subject": subject.strip(),
			"customer": customer,
			"channel": "Portal",
			"raised_by": frappe.session.user,
			"received_at": now_datetime(),
			"ticket": ticket,
			"description": frappe.utils.escape_html(description.strip()).replace("\n", "<br>"),
		}
	).insert(ignore_permissions=True)
	return {"name": doc.name, "ack_due": doc.ack_due}


@endpoint(methods=["POST"])
@portal_write
def pay_online(ticket: str) -> dict:
	"""R-TKT-4: the payment page of the ticket's invoice — an ERPNext Payment Request
	through the site's payment gateway (refused where the site has none)."""
	owner_of("Assistance Ticket", ticket)
	payment = portal_reads.how_to_pay(frappe.get_doc("Assistance Ticket", ticket))
	if not payment:
		frappe.throw(_("This request has nothing left to pay."), title=_("Nothing to Pay"))
	if not payment["online"]:
		frappe.throw(
			_("Online payment is not available: please pay by bank transfer."), title=_("Online Payment")
		)
	return {"url": payment_means.online_payment_url(payment["invoice"], frappe.session.user)}


# ---------------------------------------------------------------------------- SEPA direct debit (#29)
@endpoint(methods=["POST"])
@portal_write
def sign_mandate(
	debtor_name: str,
	iban: str,
	place: str,
	accept_mandate: int = 0,
	bic: str | None = None,
	scheme: str = "CORE",
	customer: str | None = None,
) -> dict:
	"""The client signs a SEPA mandate on the portal: the French text accepted, with
	who, when and from which address (as a remote session's consent). It replaces
	the client's previous mandate; the next renewals are debited under it."""
	customer = client(customer)
	refuse_if_suspended(customer)
	if not frappe.utils.cint(accept_mandate):
		frappe.throw(_("Tick the box to sign the mandate."), title=_("SEPA Mandate"))
	doc = frappe.get_doc(
		{
			"doctype": "SEPA Mandate",
			"customer": customer,
			"scheme": scheme,
			"debtor_name": debtor_name,
			"iban": iban,
			"bic": (bic or "").strip() or None,
			"signed_on": nowdate(),
			"signed_at": place,
			"signature_method": "Portal",
			"signed_by": frappe.utils.get_fullname(frappe.session.user),
			"signed_user": frappe.session.user,
			"accepted_at": now_datetime(),
			"accepted_ip": getattr(frappe.local, "request_ip", None),
			"recorded_by": frappe.session.user,
		}
	)
	doc.flags.dds_action = True  # what the portal records, and nothing else of the action fields
	doc.insert(ignore_permissions=True)
	return {"name": doc.name, "status": doc.status, "route": "/assistance/mandate"}


@endpoint(methods=["POST"])
@portal_write
def revoke_mandate(mandate: str) -> dict:
	"""The client revokes one of its mandates, in effect for the next debit."""
	owner_of("SEPA Mandate", mandate)
	doc = frappe.get_doc("SEPA Mandate", mandate, for_update=True)
	return doc.revoke(
		_("Revoked by the client on the portal."), frappe.utils.get_fullname(frappe.session.user)
	)
