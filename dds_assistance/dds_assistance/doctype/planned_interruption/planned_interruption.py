# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""Planned Interruption (CGU art. 8.2; R-AVAIL-1, R-AVAIL-2): a manager records a
temporary suspension of the services — start and end to the minute, reason,
message — and announces it. Announcing tells each client with an active
relationship once (a notice each, mailed by the Notification "DDS Planned
Interruption") and shows it on every portal page until its end; the business
calendar treats its business hours as closed, and the pending deadlines it
overlaps move, each change recorded. Cancelling tells the same clients and puts
the deadlines back."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import get_datetime, now_datetime

from dds_assistance.background.runner import enqueue_resumable
from dds_assistance.context import clients
from dds_assistance.context.business_calendar import calendar_changed
from dds_assistance.core import interruptions as core
from dds_assistance.core.errors import RuleError
from dds_assistance.guards.field_guards import changed_fields, guard_fields
from dds_assistance.guards.refusals import throw_rule

DRAFT, ANNOUNCED, CANCELLED = core.DRAFT, core.ANNOUNCED, core.CANCELLED
ACTION_FIELDS = (
	"status",
	"notices_pending",
	"announced_on",
	"announced_by",
	"informed_clients",
	"cancelled_on",
	"cancellation_note",
)
ANNOUNCED_FIELDS = ("reason", "starts_at", "ends_at", "message")


class PlannedInterruption(Document):
	def validate(self):
		try:
			core.check_span(get_datetime(self.starts_at), get_datetime(self.ends_at))
		except RuleError as error:
			throw_rule(error, title=_("Invalid Dates"))

		def announced(before) -> list[str]:
			return (
				changed_fields(before, self, ANNOUNCED_FIELDS) if core.told_to_clients(before.status) else []
			)

		if (
			guard_fields(
				self,
				action=ACTION_FIELDS,
				extra=announced,
				message=_("Clients were told of this interruption: cancel it and record a new one instead."),
			)
			is None
		):
			self.status = DRAFT

	def on_trash(self):
		if core.told_to_clients(self.status):
			frappe.throw(_("An announced interruption is kept: cancel it instead."), title=_("Not Allowed"))

	def announce(self) -> dict:
		"""R-AVAIL-1: tell the clients; R-AVAIL-2: close the calendar for it."""
		try:
			core.check_announce(self.status, get_datetime(self.ends_at), now_datetime())
		except RuleError as error:
			throw_rule(error)
		self.flags.dds_action = True
		self.status, self.announced_on, self.announced_by = ANNOUNCED, now_datetime(), frappe.session.user
		self.save()
		self.enqueue_notices("Announcement")
		calendar_changed(
			_("Planned interruption {0} ({1}) announced.").format(self.name, _(self.reason)),
			self.doctype,
			self.name,
			between=(self.starts_at, self.ends_at),
		)
		return {"status": self.status}

	def cancel_interruption(self, note: str | None = None) -> dict:
		"""Tell the clients who were told, and open the calendar again."""
		try:
			core.check_cancel(self.status)
		except RuleError as error:
			throw_rule(error)
		self.flags.dds_action = True
		self.status, self.cancelled_on = CANCELLED, now_datetime()
		self.cancellation_note = (note or "").strip() or None
		self.save()
		self.enqueue_notices("Cancellation")
		calendar_changed(
			_("Planned interruption {0} cancelled.").format(self.name),
			self.doctype,
			self.name,
			between=(self.starts_at, self.ends_at),
		)
		return {"status": self.status}

	def enqueue_notices(self, kind: str):
		"""The clients are told in the background, once this transaction is committed;
		until it is done, ``notices_pending`` says so (a lost job is resumed by
		``jobs.recovery``)."""
		self.db_set("notices_pending", kind, update_modified=False)
		enqueue_resumable(
			"dds_assistance.jobs.interruptions.inform_clients", interruption=self.name, kind=kind
		)

	def clients_to_tell(self, kind: str) -> list[str]:
		"""An announcement: the clients with an active relationship; a cancellation:
		the clients who were told of the announcement."""
		if kind == "Announcement":
			return clients.with_active_relationship()
		return frappe.get_all(
			"Interruption Notice",
			filters={"interruption": self.name, "kind": "Announcement"},
			pluck="customer",
		)

	def notice(self, kind: str, customer: str):
		"""One client's notice (mailed by the Notification "DDS Planned Interruption")."""
		subject = (
			_("Planned interruption of our assistance services")
			if kind == "Announcement"
			else _("Planned interruption cancelled")
		)
		return frappe.get_doc(
			{
				"doctype": "Interruption Notice",
				"interruption": self.name,
				"kind": kind,
				"customer": customer,
				"email": clients.client_email(customer),
				"starts_at": self.starts_at,
				"ends_at": self.ends_at,
				"subject": subject,
				"message": self.message,
			}
		).insert(ignore_permissions=True)
