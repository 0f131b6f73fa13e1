"""Mail to a client: every address the client is known by (portal users and the
Customer's primary e-mail), queued through Frappe with a reference to the record,
written in the client's language (``context.language``: theirs, else French)."""

from email.utils import formataddr

import frappe

from dds_assistance.context.clients import client_emails
from dds_assistance.context.language import client_language  # noqa: F401 (the mails' language)

TICKET = "Assistance Ticket"


def own_addresses() -> set[str]:
	"""Addresses that are ours: every Email Account, the support and complaints addresses."""
	settings = frappe.get_cached_doc("Assistance Settings")
	addresses = set(frappe.get_all("Email Account", pluck="email_id"))
	addresses |= {settings.support_email, settings.get("complaint_email")}
	return {a.lower() for a in addresses if a}


def support_sender() -> str | None:
	"""The support address, as the From of the mails about requests: the outgoing
	Email Account of the settings' support address, else the one that receives the
	tickets, else the support address of the settings."""
	settings = frappe.get_cached_doc("Assistance Settings")
	address = None
	if settings.support_email:
		address = frappe.db.get_value(
			"Email Account", {"email_id": settings.support_email, "enable_outgoing": 1}, "email_id"
		)
	if not address:
		folder = frappe.qb.DocType("IMAP Folder")
		account = frappe.qb.DocType("Email Account")
		rows = (
			frappe.qb.from_(account)
			.left_join(folder)
			.on(folder.parent == account.name)
			.select(account.email_id)
			.where(
				(account.enable_outgoing == 1)
				& (account.enable_incoming == 1)
				& ((account.append_to == TICKET) | (folder.append_to == TICKET))
			)
			.orderby(account.name)
			.limit(1)
		).run()
		address = rows[0][0] if rows else None
	address = address or settings.support_email
	return formataddr((settings.support_company_name or "", address)) if address else None


def mail_client(doc, subject: str, message: str, recipients: list[str] | None = None, **extra) -> list[str]:
	"""Queue a mail about ``doc`` to ``recipients`` (default: the client's addresses)."""
	recipients = (
		recipients if recipients is not None else client_emails(doc.customer) if doc.get("customer") else []
	)
	if recipients:
		frappe.sendmail(
			recipients=recipients,
			subject=subject,
			message=message,
			reference_doctype=doc.doctype,
			reference_name=doc.name,
			**extra,
		)
	return recipients
