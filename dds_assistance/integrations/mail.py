"""Mail to a client: every address the client is known by (portal users and the
Customer's primary e-mail), queued through Frappe with a reference to the record."""

import frappe


def client_emails(customer: str) -> list[str]:
	emails = set(
		frappe.get_all("Portal User", filters={"parent": customer, "parenttype": "Customer"}, pluck="user")
	)
	primary = frappe.db.get_value("Customer", customer, "email_id")
	if primary:
		emails.add(primary)
	return sorted(e for e in emails if e and "@" in e)


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
