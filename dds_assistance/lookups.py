"""Site facts several doctypes need (clients, suspensions, terms in force).
Reads only: no controller imports this module's callers, and it imports no controller."""

from datetime import datetime

import frappe
from frappe.utils import get_datetime, getdate, now_datetime

from dds_assistance.core import conduct


def customer_for_email(email: str) -> tuple[str, str | None] | None:
	"""(Customer, Contact) of an e-mail address: a Contact with that address linked
	to a Customer, else a portal user of a Customer. None when unknown."""
	if not email:
		return None
	contact_email = frappe.qb.DocType("Contact Email")
	link = frappe.qb.DocType("Dynamic Link")
	row = (
		frappe.qb.from_(contact_email)
		.join(link)
		.on((link.parent == contact_email.parent) & (link.parenttype == "Contact"))
		.select(link.link_name, contact_email.parent)
		.where((contact_email.email_id == email) & (link.link_doctype == "Customer"))
		.limit(1)
	).run()
	if row:
		return row[0][0], row[0][1]
	customer = frappe.db.get_value("Portal User", {"user": email, "parenttype": "Customer"}, "parent")
	return (customer, None) if customer else None


def active_suspension(customer: str, at: datetime | None = None):
	"""The client's suspension in force at ``at`` (R-SAN-2), or None."""
	if not customer:
		return None
	at = get_datetime(at) if at else now_datetime()
	for row in frappe.get_all(
		"Assistance Sanction",
		filters={"customer": customer, "sanction": "Suspension", "effective_from": ("<=", at)},
		fields=["name", "breach", "effective_from", "lifted_on"],
		order_by="effective_from desc",
	):
		span = conduct.Suspension(
			get_datetime(row.effective_from), get_datetime(row.lifted_on) if row.lifted_on else None
		)
		if conduct.suspended_at([span], at):
			return row
	return None


def is_suspended(customer: str, at=None) -> bool:
	"""Hook ``assistance_is_suspended``."""
	return active_suspension(customer, at) is not None


def terms_versions() -> list[conduct.TermsVersion]:
	return [
		conduct.TermsVersion(
			v.kind,
			v.reference,
			v.version_label,
			getdate(v.publication_date),
			getdate(v.effective_date) if v.effective_date else None,
		)
		for v in frappe.get_all(
			"Terms Version",
			fields=["kind", "reference", "version_label", "publication_date", "effective_date"],
		)
	]


def terms_in_force(at) -> dict[str, conduct.TermsVersion | None]:
	"""R-TERMS-1, R-TKT-2: the CGV and CGU in force on that day."""
	versions = terms_versions()
	day = getdate(at)
	return {kind: conduct.terms_in_force(versions, kind, day) for kind in conduct.TERMS_KINDS}


def client_emails(customer: str | None) -> list[str]:
	"""Every address a client is known by: its portal users and the Customer's e-mail."""
	if not customer:
		return []
	emails = set(
		frappe.get_all("Portal User", filters={"parent": customer, "parenttype": "Customer"}, pluck="user")
	)
	primary = frappe.db.get_value("Customer", customer, "email_id")
	if primary:
		emails.add(primary)
	return sorted(e for e in emails if e and "@" in e)


def client_email(customer: str | None, contact: str | None = None) -> str | None:
	"""The address to write to: the contact's, else the client's first one."""
	if contact:
		email = frappe.db.get_value("Contact", contact, "email_id")
		if email:
			return email
	emails = client_emails(customer)
	return emails[0] if emails else None
