"""Sanctions, terms publication, abuse flags and data retention on the site
(R-SAN-2, R-SAN-3, R-TERMS-3, R-DATA-1)."""

from datetime import timedelta

import frappe
from frappe import _
from frappe.utils import add_days, get_datetime, getdate, now_datetime, nowdate

from dds_assistance.core import conduct
from dds_assistance.integrations.subscription import process_subscription, terminate_for_breach
from dds_assistance.lookups import active_suspension, client_emails

LIVE = ("Scheduled", "Active", "Notice Given", "Suspended")


# ---------------------------------------------------------------------------- R-SAN-2
def on_sanction_update(doc, method=None):
	"""A sanction takes effect at once: the client's record shows it, a termination
	goes through the subscription's breach path, subscriptions show Suspended."""
	if doc.sanction == "Termination of the subscription" and doc.subscription:
		if not frappe.db.get_value("Premium Subscription", doc.subscription, "breach_effective_on"):
			terminate_for_breach(
				doc.subscription,
				getdate(doc.effective_from),
				f"{_(doc.breach)}: {doc.facts}",
				doc.recorded_by,
			)
	refresh_client(doc.customer)


def refresh_client(customer: str) -> None:
	"""Show the suspension (or its end) on the Customer, and refresh the client's plans."""
	suspension = active_suspension(customer)
	reason = (
		_("Suspended since {0}: {1} ({2}).").format(
			frappe.utils.format_datetime(suspension.effective_from), _(suspension.breach), suspension.name
		)
		if suspension
		else None
	)
	frappe.db.set_value(
		"Customer", customer, {"dds_suspended": 1 if suspension else 0, "dds_suspension_reason": reason}
	)
	for name in frappe.get_all(
		"Premium Subscription", filters={"customer": customer, "status": ("in", LIVE)}, pluck="name"
	):
		process_subscription(name)


# ---------------------------------------------------------------------------- R-SAN-3
def flag_abusive_clients(now=None) -> dict[str, list[str]]:
	"""Daily: flag for review the clients whose request count in the window passes
	the threshold; unflag the others. Never a sanction. One grouped query; only
	customers whose flag changes are written."""
	now = get_datetime(now) if now else now_datetime()
	settings = frappe.get_cached_doc("Assistance Settings")
	window, threshold = settings.abuse_window_days or 0, settings.abuse_threshold or 0
	counts = {}
	if window > 0 and threshold > 0:
		counts = dict(
			frappe.db.sql(
				"""select customer, count(*) from `tabAssistance Ticket`
				where customer is not null and received_at > %s and received_at <= %s
				group by customer""",
				(now - timedelta(days=window), now),
			)
		)
	flagged = {c for c, n in counts.items() if n > threshold}
	current = set(frappe.get_all("Customer", filters={"dds_abuse_flag": 1}, pluck="name"))
	changes = {"flagged": sorted(flagged - current), "cleared": sorted(current - flagged)}
	for customer in changes["flagged"]:
		frappe.db.set_value(
			"Customer",
			customer,
			{
				"dds_abuse_flag": 1,
				"dds_abuse_details": _("{0} requests in {1} days (threshold {2}), flagged on {3}.").format(
					counts[customer], window, threshold, frappe.utils.formatdate(now)
				),
			},
		)
		frappe.db.commit()
	for customer in changes["cleared"]:
		frappe.db.set_value("Customer", customer, {"dds_abuse_flag": 0, "dds_abuse_details": None})
		frappe.db.commit()
	return changes


# ---------------------------------------------------------------------------- R-TERMS-3
def publish_terms(version_name: str) -> int:
	"""Inform every client of a new terms version: a portal notice each, mailed by the
	standard Notification; Premium clients are reminded of their right to end the plan
	at its term (R-SUB-4). Idempotent: a client already informed is skipped."""
	version = frappe.get_doc("Terms Version", version_name)
	informed = set(frappe.get_all("Terms Notice", filters={"terms_version": version.name}, pluck="customer"))
	premium = set(frappe.get_all("Premium Subscription", filters={"status": ("in", LIVE)}, pluck="customer"))
	applies = frappe.utils.formatdate(version.effective_date or version.publication_date)
	created = 0
	for customer in frappe.get_all("Customer", filters={"disabled": 0}, pluck="name"):
		if customer in informed:
			continue
		emails = client_emails(customer)
		message = _(
			"A new version of our {0} ({1}, version {2}) applies from {3}. You can read it on your client portal."
		).format(version.kind, version.reference, version.version_label, applies)
		if customer in premium:
			message += " " + _(
				"If you do not accept it, you may end your Premium plan at its annual term without penalty, "
				"by written notice received at least 30 days before the term (CGU art. 9.4)."
			)
		frappe.get_doc(
			{
				"doctype": "Terms Notice",
				"terms_version": version.name,
				"customer": customer,
				"email": emails[0] if emails else None,
				"premium": 1 if customer in premium else 0,
				"subject": _("New {0}: version {1}").format(version.kind, version.version_label),
				"message": message,
			}
		).insert(ignore_permissions=True)
		created += 1
	if not version.published_on:
		version.flags.dds_action = True
		version.published_on = now_datetime()
		version.save(ignore_permissions=True)
	return created


# ---------------------------------------------------------------------------- R-DATA-1
def purge_closed_ticket_files(today=None) -> dict[str, int]:
	"""Daily: delete the files attached to tickets closed longer than the grace
	period ago — and to their remote sessions — unless the client agreed to their
	retention. Logs what went and when, never the content. Commits per ticket;
	a second run finds nothing left."""
	today = getdate(today or nowdate())
	grace = frappe.get_cached_doc("Assistance Settings").retention_days or 0
	counts = {"tickets": 0, "files": 0}
	tickets = frappe.db.sql(
		"""select t.name, t.customer, t.closed_on from `tabAssistance Ticket` t
		where t.status = 'Closed' and t.closed_on is not null and t.closed_on < %s
			and exists (
				select 1 from `tabFile` f where (f.attached_to_doctype = 'Assistance Ticket' and f.attached_to_name = t.name)
				or (f.attached_to_doctype = 'Remote Session' and f.attached_to_name in (
					select s.name from `tabRemote Session` s where s.ticket = t.name)))""",
		(add_days(today, -grace + 1),),
		as_dict=True,
	)
	frappe.db.commit()  # each ticket is then read in its own transaction, after its lock
	for ticket in tickets:
		frappe.db.get_value("Assistance Ticket", ticket.name, "name", for_update=True)
		agreed = bool(frappe.db.get_value("Customer", ticket.customer, "dds_retention_agreement"))
		if not conduct.purge_due(ticket.closed_on, grace, today, agreed):
			continue
		try:
			sessions = frappe.get_all("Remote Session", filters={"ticket": ticket.name}, pluck="name")
			files = frappe.get_all(
				"File",
				filters={"attached_to_doctype": "Assistance Ticket", "attached_to_name": ticket.name},
				fields=["name", "file_name", "file_size", "attached_to_doctype", "attached_to_name"],
			)
			if sessions:
				files += frappe.get_all(
					"File",
					filters={"attached_to_doctype": "Remote Session", "attached_to_name": ("in", sessions)},
					fields=["name", "file_name", "file_size", "attached_to_doctype", "attached_to_name"],
				)
			for file in files:
				frappe.delete_doc("File", file.name, ignore_permissions=True, force=True)
				frappe.get_doc(
					{
						"doctype": "Assistance Data Purge Log",
						"ticket": ticket.name,
						"customer": ticket.customer,
						"attached_to": f"{file.attached_to_doctype} {file.attached_to_name}",
						"file_name": file.file_name,
						"file_size": file.file_size,
						"removed_on": now_datetime(),
					}
				).insert(ignore_permissions=True)
			frappe.db.commit()
			counts["tickets"] += 1
			counts["files"] += len(files)
		except Exception:
			frappe.db.rollback()
			frappe.log_error(title=f"DDS Assistance: files of {ticket.name} could not be purged")
	return counts
