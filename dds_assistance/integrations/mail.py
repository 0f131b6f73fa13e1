"""Mail to a client: every address the client is known by (portal users and the
Customer's primary e-mail), queued through Frappe with a reference to the record,
written in the client's language."""

from contextlib import contextmanager

import frappe
from frappe.translate import print_language

from dds_assistance.context.clients import client_emails


def language_of(address: str | None) -> str:
	"""The language of the user behind ``address``, else the site's (French here)."""
	language = frappe.db.get_value("User", address, "language") if address else None
	return language or frappe.db.get_single_value("System Settings", "language") or "fr"


@contextmanager
def client_language(address: str | None):
	"""Translate what is written inside for the client who will read it."""
	with print_language(language_of(address)):
		yield


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
