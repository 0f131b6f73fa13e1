"""Daily: the acknowledgement and answer deadlines of open complaints (R-CPL-2):
the states that change are written and the managers alerted."""

import frappe
from frappe import _
from frappe.utils import get_datetime, now_datetime

from dds_assistance.background.runner import for_each
from dds_assistance.core import complaints as core

FIELDS = [
	"name",
	"ack_state",
	"answer_state",
	"ack_due",
	"ack_warn_at",
	"answer_due",
	"answer_warn_at",
	"acknowledged_on",
	"answered_on",
]


def _state(now, due, warn_at, done_on) -> str:
	deadline = core.Deadline(get_datetime(due), get_datetime(warn_at))
	return core.deadline_state(now, deadline, get_datetime(done_on) if done_on else None)


def sweep_complaints(now=None) -> list[tuple[str, str, str]]:
	"""Recompute the states; write only the ones that change (guarded update,
	committed each) and tell the managers of what became at risk or overdue."""
	now = get_datetime(now) if now else now_datetime()
	complaint = frappe.qb.DocType("Assistance Complaint")

	def check(row):
		new_ack = _state(now, row.ack_due, row.ack_warn_at, row.acknowledged_on)
		new_answer = _state(now, row.answer_due, row.answer_warn_at, row.answered_on)
		if (new_ack, new_answer) == (row.ack_state, row.answer_state):
			return None
		(
			frappe.qb.update(complaint)
			.set(complaint.ack_state, new_ack)
			.set(complaint.answer_state, new_answer)
			.where(
				(complaint.name == row.name)
				& (frappe.query_builder.functions.IfNull(complaint.ack_state, "") == (row.ack_state or ""))
				& (
					frappe.query_builder.functions.IfNull(complaint.answer_state, "")
					== (row.answer_state or "")
				)
			)
		).run()
		if not frappe.db._cursor.rowcount:
			return None
		changes = []
		for label, old, new in (
			("acknowledgement", row.ack_state, new_ack),
			("answer", row.answer_state, new_answer),
		):
			if new != old and new in (core.AT_RISK, core.OVERDUE):
				notify_managers(row.name, label, new)
				changes.append((row.name, label, new))
		return changes

	rows = frappe.get_all(
		"Assistance Complaint", filters={"status": ("in", ["Open", "Acknowledged"])}, fields=FIELDS
	)
	done = for_each(rows, check, "DDS Assistance: complaint {0} could not be checked")
	return [change for changes in done for change in changes]


def notify_managers(name: str, which: str, state: str) -> None:
	subject = _("Complaint {0}: {1} {2}.").format(name, _(which), _(state).lower())
	for user in frappe.get_all(
		"Has Role", filters={"role": "Assistance Manager", "parenttype": "User"}, pluck="parent"
	):
		if frappe.db.get_value("User", user, "enabled"):
			frappe.get_doc(
				{
					"doctype": "Notification Log",
					"for_user": user,
					"type": "Alert",
					"document_type": "Assistance Complaint",
					"document_name": name,
					"subject": subject,
					"from_user": "Administrator",
				}
			).insert(ignore_permissions=True)
