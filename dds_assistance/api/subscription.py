"""Desk doors on a Premium Subscription (R-SUB-3, R-SUB-4, R-SUB-6): each checks
who may act, then the subscription's own action decides."""

import frappe
from frappe import _
from frappe.utils import getdate, nowdate

from dds_assistance.api._common import locked_doc
from dds_assistance.context.staff import require_manager
from dds_assistance.core import subscriptions as core
from dds_assistance.web.endpoints import endpoint

SUBSCRIPTION = "Premium Subscription"


def _parse_date(value, label: str):
	try:
		return getdate(value) if value else None
	except Exception:
		frappe.throw(
			_("Invalid date for {0}: {1}").format(_(label), frappe.bold(value)), title=_("Invalid Value")
		)


@endpoint(methods=["POST"])
def notice_preview(subscription: str, received_on: str | None = None) -> dict:
	"""R-SUB-3: the end a notice received on that date would give, before confirming."""
	doc = frappe.get_doc(SUBSCRIPTION, subscription)
	doc.check_permission("read")
	received = _parse_date(received_on, "Notice Received On") or getdate(nowdate())
	end = core.notice_effective_end(getdate(doc.start_date), received)
	current = core.term_at(getdate(doc.start_date), received)
	return {"effective_end": end, "notice_deadline": current.notice_deadline, "on_time": end == current.end}


@endpoint(methods=["POST"])
def give_notice(
	subscription: str,
	received_on: str,
	channel: str,
	reason: str = "Client decision",
	note: str | None = None,
) -> dict:
	"""Record a written notice (date received, channel, reason) and the end it gives:
	this term's end if received 30 days or more before the term, else the next term's."""
	doc = locked_doc(SUBSCRIPTION, subscription)
	doc.give_notice(_parse_date(received_on, "Notice Received On"), channel, reason, note)
	return {"status": doc.status, "ends_on": doc.ends_on}


@endpoint(methods=["POST"])
def withdraw_notice(subscription: str) -> dict:
	"""A notice can be withdrawn before it takes effect."""
	doc = locked_doc(SUBSCRIPTION, subscription)
	doc.withdraw_notice()
	return {"status": doc.status}


@endpoint(methods=["POST"])
def terminate_for_breach(subscription: str, effective_on: str, reason: str) -> dict:
	"""A manager — only — terminates for breach, at once or from a date."""
	require_manager(_("Only an Assistance Manager can terminate a subscription for breach."))
	doc = locked_doc(SUBSCRIPTION, subscription)
	if not (reason or "").strip():
		frappe.throw(_("Describe the breach and its facts."), title=_("Reason Required"))
	effective = _parse_date(effective_on, "Terminated From") or getdate(nowdate())
	doc.terminate_for_breach(effective, reason, frappe.session.user)
	return {"status": frappe.db.get_value(SUBSCRIPTION, doc.name, "status")}
