"""Scheduler entry points (hooks.scheduler_events). Thin: each calls the code
that knows the rule, and commits per document."""

import frappe

from dds_assistance.dds_assistance.doctype.assistance_complaint.assistance_complaint import sweep_complaints
from dds_assistance.dds_assistance.doctype.assistance_ticket.assistance_ticket import sweep_response_sla
from dds_assistance.dds_assistance.doctype.remote_session.remote_session import expire_overdue_sessions
from dds_assistance.integrations import conduct
from dds_assistance.integrations.holiday_list import ensure_holiday_years
from dds_assistance.integrations.subscription import process_all


def extend_holiday_list():
	"""Daily: keep next year's public holidays present in the calendar's Holiday List
	(R-TIME-2). Idempotent: nothing is written once the list covers next year."""
	holiday_list = frappe.db.get_single_value("Assistance Settings", "holiday_list")
	try:
		ensure_holiday_years(holiday_list or None)
		frappe.db.commit()
	except Exception:
		frappe.db.rollback()
		frappe.log_error(title="DDS Assistance: holiday list extension failed")


def response_sla_sweep():
	"""Every 5 minutes: first-response breaches and warnings (R-TKT-9). Commits per
	ticket inside; a second run finds nothing left to change."""
	sweep_response_sla()


def process_subscriptions():
	"""Daily: renew (new term + invoice) or end subscriptions at their term, remind
	clients before their notice deadline (R-SUB-5). Commits per subscription."""
	process_all()


def expire_remote_sessions():
	"""Every 5 minutes: close the remote sessions whose authorised time is over and
	log it (R-RS-3). Commits per session; a second run has nothing to do."""
	expire_overdue_sessions()


def check_complaints():
	"""Daily: flag complaints whose acknowledgement or answer is at risk or overdue and
	tell the managers (R-CPL-2). Writes only what changes; commits per complaint."""
	sweep_complaints()


def flag_abusive_clients():
	"""Daily: flag for review the clients whose request rate passes the threshold (R-SAN-3)."""
	conduct.flag_abusive_clients()


def purge_closed_ticket_files():
	"""Daily: remove the files of tickets closed past the grace period (R-DATA-1)."""
	conduct.purge_closed_ticket_files()
