# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""Assistance Complaint (réclamation, CGU art. 10): received by e-mail or post,
acknowledged within 5 business days, answered within the settings' target
(R-CPL-1, R-CPL-2). Acknowledging and answering go through ``api.complaint``."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import get_datetime, now_datetime

from dds_assistance.core import conduct
from dds_assistance.dds_assistance.doctype.assistance_settings.assistance_settings import (
	get_business_calendar,
)
from dds_assistance.lookups import client_email, customer_for_email
from dds_assistance.protection import guard_action_fields

ACTION_FIELDS = ["acknowledged_on", "acknowledged_by", "answered_on", "answered_by", "answer", "status"]


class AssistanceComplaint(Document):
	def validate(self):
		self.validate_protected_fields()
		if not self.channel and self.flags.ignore_mandatory and self.raised_by:
			self.channel = "E-mail"  # appended by an Email Account (R-CPL-1)
		if not self.received_at:
			self.received_at = now_datetime()
		if not self.customer and self.raised_by:
			match = customer_for_email(self.raised_by)
			if match:
				self.customer = match[0]
		self.client_email = self.client_email or self.raised_by or client_email(self.customer)
		if get_datetime(self.received_at) > now_datetime():
			frappe.throw(_("A complaint cannot be received in the future."), title=_("Invalid Date"))
		self.set_deadlines()

	def validate_protected_fields(self):
		if guard_action_fields(self, ACTION_FIELDS) is None and not self.flags.dds_action:
			self.status = "Open"

	def set_deadlines(self, now=None):
		"""R-TIME-5: deadlines recomputed from the receipt; states from the clock."""
		settings = frappe.get_cached_doc("Assistance Settings")
		ack, answer = deadlines(get_datetime(self.received_at), settings)
		self.ack_due, self.ack_warn_at = ack.due, ack.warn_at
		self.answer_due, self.answer_warn_at = answer.due, answer.warn_at
		self.ack_state, self.answer_state = self.states(now or now_datetime(), ack, answer)

	def states(self, now, ack, answer) -> tuple[str, str]:
		acknowledged = get_datetime(self.acknowledged_on) if self.acknowledged_on else None
		answered = get_datetime(self.answered_on) if self.answered_on else None
		return conduct.deadline_state(now, ack, acknowledged), conduct.deadline_state(now, answer, answered)


def deadlines(received_at, settings) -> tuple[conduct.Deadline, conduct.Deadline]:
	"""(acknowledgement, answer) deadlines of a complaint received at ``received_at``
	(system time), in system time."""
	from zoneinfo import ZoneInfo

	from frappe.utils import get_system_timezone

	zone = ZoneInfo(get_system_timezone() or "Europe/Paris")
	calendar = get_business_calendar()
	aware = received_at.replace(tzinfo=zone)

	def local(deadline: conduct.Deadline) -> conduct.Deadline:
		return conduct.Deadline(
			deadline.due.astimezone(zone).replace(tzinfo=None),
			deadline.warn_at.astimezone(zone).replace(tzinfo=None),
		)

	return (
		local(conduct.complaint_deadline(calendar, aware, settings.complaint_ack_days or 5)),
		local(conduct.complaint_deadline(calendar, aware, settings.complaint_answer_days or 30)),
	)


def sweep_complaints(now=None) -> list[tuple[str, str, str]]:
	"""Daily (R-CPL-2): recompute the deadline states of open complaints; write only
	the ones that change (guarded update, commit each) and tell the managers."""
	now = get_datetime(now) if now else now_datetime()
	changes = []
	for row in frappe.get_all(
		"Assistance Complaint",
		filters={"status": ("in", ["Open", "Acknowledged"])},
		fields=[
			"name",
			"ack_state",
			"answer_state",
			"ack_due",
			"ack_warn_at",
			"answer_due",
			"answer_warn_at",
			"acknowledged_on",
			"answered_on",
		],
	):
		ack = conduct.Deadline(get_datetime(row.ack_due), get_datetime(row.ack_warn_at))
		answer = conduct.Deadline(get_datetime(row.answer_due), get_datetime(row.answer_warn_at))
		new_ack = conduct.deadline_state(
			now, ack, get_datetime(row.acknowledged_on) if row.acknowledged_on else None
		)
		new_answer = conduct.deadline_state(
			now, answer, get_datetime(row.answered_on) if row.answered_on else None
		)
		if (new_ack, new_answer) == (row.ack_state, row.answer_state):
			continue
		try:
			frappe.db.sql(
				"""update `tabAssistance Complaint` set ack_state = %s, answer_state = %s
				where name = %s and ifnull(ack_state, '') = %s and ifnull(answer_state, '') = %s""",
				(new_ack, new_answer, row.name, row.ack_state or "", row.answer_state or ""),
			)
			if not frappe.db._cursor.rowcount:
				continue
			for label, old, new in (
				("acknowledgement", row.ack_state, new_ack),
				("answer", row.answer_state, new_answer),
			):
				if new != old and new in (conduct.AT_RISK, conduct.OVERDUE):
					notify_managers(row.name, label, new)
					changes.append((row.name, label, new))
			frappe.db.commit()
		except Exception:
			frappe.db.rollback()
			frappe.log_error(title=f"DDS Assistance: complaint {row.name} could not be checked")
	return changes


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
