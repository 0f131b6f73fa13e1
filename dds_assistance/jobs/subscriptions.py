"""Daily: renew (new term and its invoice) or end subscriptions at their term,
and remind clients before their notice deadline (R-SUB-2, R-SUB-5)."""

import frappe
from frappe.utils import add_days, getdate, nowdate
from pypika.terms import ExistsCriterion

from dds_assistance.background.runner import for_each
from dds_assistance.core.subscriptions import LIVE_STATUSES, SCHEDULED
from dds_assistance.dds_assistance.doctype.premium_subscription.premium_subscription import (
	reminder_days_setting,
)


def candidates(today, remind_until):
	"""Subscriptions with something to do today, from their current state (one
	query): a term that ended (renewal or end), a plan that starts, a reminder
	window open without a reminder for the current term, a dated termination
	that arrived."""
	sub = frappe.qb.DocType("Premium Subscription")
	term = frappe.qb.DocType("Premium Subscription Term")
	reminded = (
		frappe.qb.from_(term)
		.select(term.name)
		.where(
			(term.parent == sub.name)
			& (term.parenttype == "Premium Subscription")
			& (term.term_start == sub.current_term_start)
			& term.reminder_sent_on.isnotnull()
		)
	)
	return (
		frappe.qb.from_(sub)
		.select(sub.name)
		.where(
			sub.status.isin(list(LIVE_STATUSES))
			& (
				sub.current_term_end.isnull()
				| (sub.current_term_end < today)
				| ((sub.status == SCHEDULED) & (sub.start_date <= today))
				| (sub.breach_effective_on.isnotnull() & (sub.breach_effective_on <= today))
				| (
					sub.notice_deadline.between(today, remind_until)
					& sub.notice_effective_end.isnull()
					& sub.no_renewal_after.isnull()
					& ExistsCriterion(reminded).negate()
				)
			)
		)
		.orderby(sub.start_date)
		.orderby(sub.name)
	)


def process_one(name: str, today):
	return frappe.get_doc("Premium Subscription", name).process(today)


def process_all(today=None) -> dict[str, int]:
	"""Every subscription with something to do, one at a time, committed on its
	own; a failure is logged and the others go on."""
	today = getdate(today or nowdate())
	names = candidates(today, add_days(today, reminder_days_setting())).run(pluck=True)
	plans = for_each(
		names,
		lambda name: process_one(name, today),
		"DDS Assistance: subscription {0} could not be processed",
	)
	return {
		"processed": len(plans),
		"invoices": sum(len(plan.invoice_terms) for plan in plans),
		"reminders": sum(1 for plan in plans if plan.remind_term),
		"failed": len(names) - len(plans),
	}
