"""Who a client is on this site: its Customer, its addresses, its portal users, its
suspension and its coverage (R-TKT-1, R-TKT-6, R-TKT-11, R-SAN-2).

Reads only. A client is an ERPNext Customer; its people are the Contacts linked
to it and the users of its Portal Users table.
"""

from datetime import datetime

import frappe
from frappe.utils import get_datetime, getdate, now_datetime

from dds_assistance.core import sanctions
from dds_assistance.core import tickets as core_tickets
from dds_assistance.core.subscriptions import LIVE_STATUSES


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


def customers_of(user: str | None = None) -> list[str]:
	"""The Customers a portal user belongs to (ERPNext's Portal Users table)."""
	user = user or frappe.session.user
	if not user or user == "Guest":
		return []
	return frappe.get_all(
		"Portal User",
		filters={"user": user, "parenttype": "Customer"},
		pluck="parent",
		order_by="creation asc",
		ignore_permissions=True,
	)


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


# ---------------------------------------------------------------------------- R-SAN-2
def active_suspension(customer: str, at: datetime | None = None):
	"""The client's suspension in force at ``at`` (R-SAN-2), or None."""
	if not customer:
		return None
	at = get_datetime(at) if at else now_datetime()
	for row in frappe.get_all(
		"Assistance Sanction",
		filters={"customer": customer, "sanction": sanctions.SUSPENSION, "effective_from": ("<=", at)},
		fields=["name", "breach", "effective_from", "lifted_on"],
		order_by="effective_from desc",
	):
		span = sanctions.Suspension(
			get_datetime(row.effective_from), get_datetime(row.lifted_on) if row.lifted_on else None
		)
		if sanctions.suspended_at([span], at):
			return row
	return None


def is_suspended(customer: str, at=None) -> bool:
	return active_suspension(customer, at) is not None


# ---------------------------------------------------------------------------- R-TKT-1
def coverage(customer: str, at) -> core_tickets.Coverage:
	"""R-TKT-1: Premium while one of the client's subscriptions is active at ``at``
	with an up-to-date exocad licence; otherwise an on-demand ticket. The facts
	come from each subscription, the decision from the core."""
	day = getdate(at)
	facts = [
		frappe.get_doc("Premium Subscription", name).coverage_facts(day)
		for name in frappe.get_all(
			"Premium Subscription", filters={"customer": customer, "start_date": ("<=", day)}, pluck="name"
		)
	]
	return core_tickets.decide_coverage(facts, get_datetime(at))


def with_active_relationship() -> list[str]:
	"""R-AVAIL-1: the clients to tell of an interruption — an open request or a live plan."""
	open_tickets = frappe.get_all(
		"Assistance Ticket",
		filters={"status": ("not in", list(core_tickets.FINAL_STATUSES)), "customer": ("is", "set")},
		pluck="customer",
		distinct=True,
	)
	live_plans = frappe.get_all(
		"Premium Subscription",
		filters={"status": ("in", LIVE_STATUSES)},
		pluck="customer",
		distinct=True,
	)
	return sorted(set(open_tickets) | set(live_plans))
