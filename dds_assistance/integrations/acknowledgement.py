"""The acknowledgement of a new request, mailed at once as a good helpdesk does
(R-TKT-6, R-TKT-8, R-TKT-9, R-TKT-4, R-SAN-2): ``core.acknowledgements`` decides
whether and what; this sends it.

* Once per request: the ticket's ``acknowledged_on`` is claimed by a guarded update
  in the transaction that queues the mail — a mail delivered twice (one ticket), a
  pull or a request retried after a failure, two workers at once: one acknowledgement.
* From the support address (``mail.support_sender``: the settings' support address, or
  the Email Account that receives the tickets); its subject ends with "(#TKT-…)" and,
  for a mail, it answers that mail (In-Reply-To): the client's reply threads onto the
  ticket. It is marked as an automatic answer (``X-Autoreply``,
  ``X-Auto-Response-Suppress``), so that no auto-responder answers it back.
* In the client's language (theirs, else French), from the editable Email Templates
  "DDS Request Received" and "DDS Sender Not a Client" — "<name> (<language>)" for
  another language (e.g. "DDS Request Received (en)"), the French one otherwise.
* Kept in the ticket's conversation as an automated message (not a first response).
"""

import frappe
from frappe import _
from frappe.core.doctype.communication.email import _make as make_communication
from frappe.translate import print_language
from frappe.utils import get_url, now_datetime

from dds_assistance.context.language import dds_date_time, dds_money, language_of
from dds_assistance.core import acknowledgements as core
from dds_assistance.core import mail_intake
from dds_assistance.guards.refusals import field_label
from dds_assistance.integrations.mail import own_addresses, support_sender

TICKET = "Assistance Ticket"
TEMPLATES = {core.RECEIVED: "DDS Request Received", core.NOT_A_CLIENT: "DDS Sender Not a Client"}
# an automatic answer, that auto-responders do not answer back (Frappe writes only
# "X-" headers of its own: RFC 3834's Auto-Submitted is out of its reach)
AUTOMATIC_ANSWER = {"X-Autoreply": "yes", "X-Auto-Response-Suppress": "All"}
# why a request got no acknowledgement, as the agent reads it on the ticket
NO_ACKNOWLEDGEMENT_LABELS = {
	core.ALREADY: "Already acknowledged.",
	core.OTHER_CHANNEL: "Not acknowledged automatically on this channel.",
	core.NO_ADDRESS: "No address to answer.",
	core.REFUSED: "Refused at receipt: the refusal was sent instead.",
	core.NOT_ANSWERABLE: "No automatic answer to this address.",
	core.UNVERIFIED_STRANGER: (
		"No answer: the address is not a client's and our mail server did not authenticate the sender."
	),
}


def acknowledge(ticket, mail=None) -> str | None:
	"""Acknowledge a new request once, if ``core.acknowledgements.decide`` says so;
	``mail`` is the incoming mail that made it (its headers say whether it may be
	answered). Returns the kind sent, or None."""
	if mail is not None:
		verdict = mail_intake.may_answer(mail.headers, own_addresses())
		verified = bool(ticket.sender_verified)
	else:
		verdict = mail_intake.answerable_address(ticket.raised_by, own_addresses())
		verified = True  # the portal's user is logged in
	decision = core.decide(
		channel=ticket.channel,
		status=ticket.status,
		address=ticket.raised_by,
		client_known=bool(ticket.customer),
		sender_verified=verified,
		already_acknowledged=bool(ticket.get("acknowledged_on")),
		answerable=verdict.is_request,
		not_answerable_because="" if verdict.is_request else verdict.kind,
	)
	if not decision.send:
		if not ticket.get("acknowledged_on"):
			ticket.db_set("acknowledgement", no_acknowledgement_note(decision.reason), update_modified=False)
		return None
	if not claim(ticket, decision.kind):
		return None  # another run acknowledged it
	send(ticket, decision.kind, in_reply_to=getattr(mail, "message_id", None))
	return decision.kind


def no_acknowledgement_note(reason: str) -> str:
	if reason in NO_ACKNOWLEDGEMENT_LABELS:
		return _(NO_ACKNOWLEDGEMENT_LABELS[reason])
	return _("No automatic answer: {0}.").format(_(reason))  # what the mail is (a list, a bounce …)


def claim(ticket, kind: str) -> bool:
	"""Mark the ticket acknowledged if nobody has (a guarded update): True for the one
	run that does."""
	table = frappe.qb.DocType(TICKET)
	now, note = now_datetime(), _(kind)
	(
		frappe.qb.update(table)
		.set(table.acknowledged_on, now)
		.set(table.acknowledgement, note)
		.where((table.name == ticket.name) & table.acknowledged_on.isnull())
	).run()
	if not frappe.db._cursor.rowcount:
		return False
	ticket.acknowledged_on, ticket.acknowledgement = now, note
	return True


def template_for(kind: str, language: str) -> "frappe.Document":
	"""The Email Template of ``kind`` in ``language`` if the site has one, else the French one."""
	base = TEMPLATES[kind]
	for name in (f"{base} ({language})", f"{base} ({language.split('-')[0]})"):
		if language.split("-")[0] != "fr" and frappe.db.exists("Email Template", name):
			return frappe.get_cached_doc("Email Template", name)
	return frappe.get_cached_doc("Email Template", base)


def facts(ticket, kind: str, language: str) -> dict:
	"""What the templates say, written for the client (``ack.…``)."""
	settings = frappe.get_cached_doc("Assistance Settings")
	contents = core.contents(
		missing=ticket.missing(),
		coverage=ticket.coverage,
		sender_held=ticket.sender_held(),
		late=ticket.is_late,
	)
	return frappe._dict(
		kind=kind,
		received=dds_date_time(ticket.received_at, language),
		due=dds_date_time(ticket.response_due, language),
		hours=frappe.utils.cint(settings.first_response_hours),
		missing=[field_label(key) for key in contents.missing],
		incomplete=contents.incomplete,
		on_demand=contents.on_demand,
		covered=contents.covered,
		subscription=ticket.coverage_reference,
		sender_to_confirm=contents.sender_to_confirm,
		late=contents.late,
		price=dds_money(ticket.tariff_amount or settings.ticket_price, "EUR", language),
		portal_url=get_url(f"/assistance/tickets/{ticket.name}"),
		company=settings.support_company_name,
		phone=settings.support_phone,
		email=settings.support_email,
		address=settings.support_address,
	)


def send(ticket, kind: str, in_reply_to: str | None = None):
	"""Queue the acknowledgement, in the client's language, kept in the ticket's conversation."""
	language = language_of(ticket.raised_by)
	sender = support_sender()
	template = template_for(kind, language)
	with print_language(language):
		context = {**ticket.as_dict(), "doc": ticket, "ack": facts(ticket, kind, language)}
		subject = frappe.render_template(template.subject, context)
		message = frappe.render_template(template.response_, context)
	communication = make_communication(
		doctype=TICKET,
		name=ticket.name,
		content=message,
		subject=subject,
		sender=sender,
		recipients=[ticket.raised_by],
		communication_medium="Email",
		send_email=False,
		communication_type="Automated Message",
	).get("name")
	frappe.sendmail(
		recipients=[ticket.raised_by],
		sender=sender,
		subject=subject,
		message=message,
		reference_doctype=TICKET,
		reference_name=ticket.name,
		communication=communication,
		in_reply_to=f"<{in_reply_to}>" if in_reply_to else None,
		email_headers=AUTOMATIC_ANSWER,
	)
