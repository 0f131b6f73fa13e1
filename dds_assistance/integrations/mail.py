"""Mail to a client: every address the client is known by (portal users and the
Customer's primary e-mail), queued through Frappe with a reference to the record."""

import frappe

from dds_assistance.clients import client_emails


def mail_client(doc, subject: str, message: str, recipients: list[str] | None = None) -> list[str]:
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
		)
	return recipients
