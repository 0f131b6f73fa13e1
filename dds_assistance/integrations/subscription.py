"""Premium subscriptions and ERPNext: term invoices, reminders, the daily job (R-SUB-2, R-SUB-5)."""

import frappe
from frappe import _
from frappe.utils import getdate, nowdate

from dds_assistance.core import subscriptions as core
from dds_assistance.integrations.sales_invoice import make_invoice
from dds_assistance.lookups import client_email

SUBSCRIPTION_FIELD = "dds_premium_subscription"
TERM_FIELD = "dds_subscription_term"


def on_subscription_update(doc, method=None):
	"""A new or changed subscription is brought up to date at once (first term invoiced)."""
	if doc.flags.dds_processing:
		return
	process_subscription(doc.name)


def process_subscription(name: str, today=None) -> core.DailyPlan:
	"""Apply the term rules to one subscription today: invoice each begun term
	that has no invoice (in order), send the notice reminder, refresh the status.
	Idempotent: the row is locked, and each term's invoice is looked up before
	one is made."""
	today = getdate(today or nowdate())
	frappe.db.get_value("Premium Subscription", name, "name", for_update=True)
	doc = frappe.get_doc("Premium Subscription", name)
	reminder_days = reminder_days_setting()
	plan = core.daily_plan(doc.state(), today, reminder_days)
	for term in plan.invoice_terms:
		invoice = term_invoice(doc, term)
		row = next((r for r in doc.terms if r.term_index == term.index), None) or doc.append(
			"terms", {"term_index": term.index}
		)
		row.term_start, row.term_end, row.sales_invoice = term.start, term.end, invoice
	if plan.remind_term:
		send_notice_reminder(doc, plan.remind_term)
		row = next((r for r in doc.terms if r.term_index == plan.remind_term.index), None) or doc.append(
			"terms", {"term_index": plan.remind_term.index}
		)
		row.reminder_sent_on = today
	before = (doc.status, str(doc.current_term_end), len(doc.terms))
	doc.refresh_derived(today)
	changed = (
		plan.invoice_terms
		or plan.remind_term
		or before != (doc.status, str(doc.current_term_end), len(doc.terms))
	)
	if changed:
		doc.flags.dds_action = doc.flags.dds_processing = True
		doc.flags.ignore_permissions = True
		doc.save()
	return plan


def reminder_days_setting() -> int:
	value = frappe.get_cached_doc("Assistance Settings").subscription_reminder_days
	return 15 if value is None else max(int(value), 0)


def term_invoice(doc, term: core.Term) -> str:
	"""The term's one Sales Invoice (R-SUB-2): found if it exists, else made."""
	existing = frappe.db.get_value(
		"Sales Invoice",
		{SUBSCRIPTION_FIELD: doc.name, TERM_FIELD: term.index, "docstatus": ("<", 2), "is_return": 0},
	)
	if existing:
		return existing
	return make_invoice(
		customer=doc.customer,
		item=doc.item,
		rate=doc.annual_price,
		posting_date=term.start,
		links={SUBSCRIPTION_FIELD: doc.name, TERM_FIELD: term.index},
		remarks=_("Premium subscription {0}, term {1} to {2}").format(
			doc.name, frappe.utils.formatdate(term.start), frappe.utils.formatdate(term.end)
		),
	)


def send_notice_reminder(doc, term: core.Term):
	"""Remind the client of the notice deadline (R-SUB-5) through the standard
	Notification "DDS Notice Deadline Reminder", and note it on the subscription."""
	doc.client_email = doc.client_email or client_email(doc.customer)
	doc.run_method("dds_notice_reminder")
	doc.add_comment(
		"Info",
		_("Notice deadline reminder sent to {0}: the plan renews on {1}; notice by {2}.").format(
			doc.client_email or "-",
			frappe.utils.formatdate(term.renewal),
			frappe.utils.formatdate(term.notice_deadline),
		),
	)


# Subscriptions with something to do today, from their current state (one query):
# a term that ended (renewal or end), a plan that starts, a reminder window open
# without a reminder for the current term, a dated termination that arrived.
CANDIDATES_SQL = """
	select s.name from `tabPremium Subscription` s
	where s.status in %(live)s and (
		s.current_term_end is null
		or s.current_term_end < %(today)s
		or (s.status = 'Scheduled' and s.start_date <= %(today)s)
		or (s.breach_effective_on is not null and s.breach_effective_on <= %(today)s)
		or (s.notice_deadline between %(today)s and %(remind_until)s
			and s.notice_effective_end is null and s.no_renewal_after is null
			and not exists (
				select 1 from `tabPremium Subscription Term` t
				where t.parent = s.name and t.parenttype = 'Premium Subscription'
					and t.term_start = s.current_term_start and t.reminder_sent_on is not null))
	)
	order by s.start_date, s.name
"""


def process_all(today=None) -> dict[str, int]:
	"""Daily job (R-SUB-5): every subscription that is not over, one at a time,
	committed on its own; a failure is logged and the others go on."""
	today = getdate(today or nowdate())
	counts = {"processed": 0, "invoices": 0, "reminders": 0, "failed": 0}
	reminder_days = reminder_days_setting()
	names = frappe.db.sql(
		CANDIDATES_SQL,
		{
			"today": today,
			"remind_until": frappe.utils.add_days(today, reminder_days),
			"live": ("Scheduled", "Active", "Notice Given", "Suspended"),
		},
		pluck=True,
	)
	frappe.db.commit()  # each subscription is then read in its own transaction, after its lock
	for name in names:
		try:
			plan = process_subscription(name, today)
			frappe.db.commit()
			counts["processed"] += 1
			counts["invoices"] += len(plan.invoice_terms)
			counts["reminders"] += 1 if plan.remind_term else 0
		except Exception:
			frappe.db.rollback()
			counts["failed"] += 1
			frappe.log_error(title=f"DDS Assistance: subscription {name} could not be processed")
	return counts


def terminate_for_breach(name: str, effective_on, reason: str, user: str) -> str:
	"""R-SUB-6: record a termination for breach (at once or from a date) and apply it."""
	doc = frappe.get_doc("Premium Subscription", name)
	if doc.breach_effective_on:
		frappe.throw(_("This subscription is already terminated for breach."), title=_("Not Allowed"))
	doc.flags.dds_action = True
	doc.flags.ignore_permissions = True
	doc.update(
		{"breach_effective_on": getdate(effective_on), "breach_reason": reason.strip(), "terminated_by": user}
	)
	doc.save()
	process_subscription(doc.name)
	return frappe.db.get_value("Premium Subscription", doc.name, "status")


def record_notice(doc, received_on, channel: str, reason: str, note: str | None = None) -> object:
	"""R-SUB-3, R-SUB-4: check a written notice, record it (date, channel, reason, who)
	with the end it gives, and note it on the subscription. Returns that end."""
	today = getdate(nowdate())
	if doc.status not in (core.ACTIVE, core.SCHEDULED, core.SUSPENDED):
		frappe.throw(
			_("A notice can only be given on a live subscription without notice (status: {0}).").format(
				_(doc.status)
			),
			title=_("Not Allowed"),
		)
	try:
		end = core.check_notice(
			getdate(doc.start_date), getdate(received_on) if received_on else None, channel, reason, today
		)
	except core.TicketRuleError as error:
		frappe.throw(_(error.message).format(*error.args_), title=_("Not Allowed"))
	doc.flags.dds_action = True
	doc.update(
		{
			"notice_received_on": getdate(received_on),
			"notice_channel": channel,
			"notice_reason": reason,
			"notice_effective_end": end,
			"notice_recorded_by": frappe.session.user,
			"notice_note": (note or "").strip() or None,
		}
	)
	doc.save()
	doc.add_comment(
		"Info",
		_("Notice received on {0} by {1} ({2}): the subscription ends on {3}.").format(
			frappe.utils.formatdate(received_on), _(channel), _(reason), frappe.utils.formatdate(end)
		),
	)
	return end


def withdraw_notice(doc) -> None:
	"""R-SUB-3: withdraw a notice before it takes effect; noted on the subscription."""
	try:
		core.check_withdrawal(
			getdate(doc.notice_effective_end) if doc.notice_effective_end else None, getdate(nowdate())
		)
	except core.TicketRuleError as error:
		frappe.throw(_(error.message).format(*error.args_), title=_("Not Allowed"))
	previous = doc.notice_effective_end
	doc.flags.dds_action = True
	for fieldname in core.NOTICE_FIELDS:
		doc.set(fieldname, None)
	doc.save()
	doc.add_comment(
		"Info",
		_("Notice withdrawn by {0} (it would have ended the plan on {1}).").format(
			frappe.session.user, previous
		),
	)
