# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""Assistance Complaint (réclamation, CGU art. 10): received by e-mail, post or
the portal, acknowledged within 5 business days, answered within the settings'
target (R-CPL-1, R-CPL-2). Acknowledging and answering are the actions below."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import get_datetime, now_datetime

from dds_assistance.context import clients
from dds_assistance.context.business_calendar import get_business_calendar, in_system_time, system_aware
from dds_assistance.core import complaints as core
from dds_assistance.core.errors import RuleError
from dds_assistance.core.tickets import check_receipt
from dds_assistance.guards.field_guards import guard_fields
from dds_assistance.guards.refusals import throw_rule
from dds_assistance.integrations.mail import client_language, mail_client

ACTION_FIELDS = (
	"acknowledged_on",
	"acknowledged_by",
	"answered_on",
	"answered_by",
	"answer",
	"status",
	"deadline_changes",
)


class AssistanceComplaint(Document):
	def validate(self):
		before = guard_fields(self, action=ACTION_FIELDS)
		if before is None and not self.flags.dds_action:
			self.status = core.OPEN
		if not self.channel and self.flags.ignore_mandatory and self.raised_by:
			self.channel = "E-mail"  # appended by an Email Account (R-CPL-1)
		if not self.received_at:
			self.received_at = now_datetime()
		if not self.customer and self.raised_by:
			match = clients.customer_for_email(self.raised_by)
			if match:
				self.customer = match[0]
		self.client_email = self.client_email or self.raised_by or clients.client_email(self.customer)
		if before is None or get_datetime(before.received_at) != get_datetime(self.received_at):
			try:
				check_receipt(get_datetime(self.received_at), now_datetime())
			except RuleError as error:
				throw_rule(error, title=_("Invalid Date"))
		if before is None or get_datetime(before.received_at) != get_datetime(self.received_at):
			self.set_deadlines(*deadlines(get_datetime(self.received_at)))
		self.set_states()

	def set_deadlines(self, ack: core.Deadline, answer: core.Deadline):
		"""R-TIME-5: the deadlines, computed when their input (the receipt) changes."""
		self.ack_due, self.ack_warn_at = ack.due, ack.warn_at
		self.answer_due, self.answer_warn_at = answer.due, answer.warn_at

	def set_states(self, now=None):
		"""The deadlines' states from the clock (R-CPL-2)."""
		now = now or now_datetime()
		acknowledged = get_datetime(self.acknowledged_on) if self.acknowledged_on else None
		answered = get_datetime(self.answered_on) if self.answered_on else None
		ack = core.Deadline(get_datetime(self.ack_due), get_datetime(self.ack_warn_at))
		answer = core.Deadline(get_datetime(self.answer_due), get_datetime(self.answer_warn_at))
		self.ack_state = core.deadline_state(now, ack, acknowledged)
		self.answer_state = core.deadline_state(now, answer, answered)

	def recompute_deadlines(self, reason: str, source_doctype=None, source_name=None) -> bool:
		"""R-TIME-5, R-AVAIL-2: the calendar changed: the pending deadlines are
		computed again from the receipt and each change is recorded with its cause.
		Returns whether one moved."""
		ack, answer = deadlines(get_datetime(self.received_at))
		pending = (
			("Acknowledgement", "ack_due", ack, self.acknowledged_on),
			("Answer", "answer_due", answer, self.answered_on),
		)
		moved = [
			(label, field, new)
			for label, field, new, done in pending
			if not done and new.due != get_datetime(self.get(field))
		]
		if not moved:
			return False
		for label, field, new in moved:
			self.append(
				"deadline_changes",
				{
					"deadline": label,
					"previous_due": self.get(field),
					"new_due": new.due,
					"reason": reason,
					"source_doctype": source_doctype,
					"source_name": source_name,
					"changed_on": now_datetime(),
				},
			)
		self.set_deadlines(
			ack
			if not self.acknowledged_on
			else core.Deadline(get_datetime(self.ack_due), get_datetime(self.ack_warn_at)),
			answer
			if not self.answered_on
			else core.Deadline(get_datetime(self.answer_due), get_datetime(self.answer_warn_at)),
		)
		self.flags.dds_action = self.flags.ignore_permissions = True
		self.save()
		return True

	# ------------------------------------------------------------------ actions
	def acknowledge(self) -> dict:
		"""R-CPL-2: acknowledge receipt (who and when); the Notification "DDS
		Complaint Acknowledgement" tells the client."""
		try:
			core.check_acknowledge(bool(self.acknowledged_on))
		except RuleError as error:
			throw_rule(error)
		self.flags.dds_action = True
		self.acknowledged_on, self.acknowledged_by, self.status = (
			now_datetime(),
			frappe.session.user,
			core.ACKNOWLEDGED,
		)
		self.save()
		return {"status": self.status, "ack_state": self.ack_state}

	def answer_client(self, answer: str) -> dict:
		"""R-CPL-2: answer (who and when; an unacknowledged complaint is acknowledged
		too) and mail the answer to the client."""
		try:
			core.check_answer(answer)
		except RuleError as error:
			throw_rule(error, title=_("Answer Required"))
		now = now_datetime()
		self.flags.dds_action = True
		if not self.acknowledged_on:
			self.acknowledged_on, self.acknowledged_by = now, frappe.session.user
		self.answered_on, self.answered_by, self.answer, self.status = (
			now,
			frappe.session.user,
			answer,
			core.ANSWERED,
		)
		self.save()
		with client_language(self.client_email):
			mail_client(
				self,
				_("Answer to your complaint (#{0})").format(self.name),
				answer,
				[self.client_email] if self.client_email else None,
			)
		return {"status": self.status}


def deadlines(received_at) -> tuple[core.Deadline, core.Deadline]:
	"""(acknowledgement, answer) deadlines of a complaint received at ``received_at``
	(system time), in system time."""
	settings = frappe.get_cached_doc("Assistance Settings")
	calendar, received = get_business_calendar(), system_aware(received_at)

	def local(deadline: core.Deadline) -> core.Deadline:
		return core.Deadline(in_system_time(deadline.due), in_system_time(deadline.warn_at))

	return (
		local(core.complaint_deadline(calendar, received, settings.complaint_ack_days or 5)),
		local(core.complaint_deadline(calendar, received, settings.complaint_answer_days or 30)),
	)
