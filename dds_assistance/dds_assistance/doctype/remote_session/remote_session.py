# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""Remote Session: one remote take-over, consented to by the client for this
session only, time-boxed, run by an authorised technician (R-RS-1 … R-RS-7).

Actions go through ``api.remote_session``; every step writes an entry in the
append-only history (Remote Session Log). A session is never deleted: its
history is evidence (R-RS-4)."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import get_datetime, now_datetime

from dds_assistance.core import remote_sessions as core
from dds_assistance.lookups import client_email
from dds_assistance.protection import changed_fields, refuse_direct_edits

ACTION_FIELDS = [
	"status",
	"current_scope",
	"consent_method",
	"consented_by",
	"consent_user",
	"consented_at",
	"consent_recorded_by",
	"consent_ip",
	"consent_note",
	*core.CHECKLIST,
	"started_at",
	"authorised_end",
	"ended_at",
	"end_reason",
]


class RemoteSession(Document):
	def validate(self):
		self.validate_protected_fields()
		settings = frappe.get_cached_doc("Assistance Settings")
		if not self.requested_minutes:
			self.requested_minutes = settings.session_default_minutes or 60
		try:
			self.requested_minutes = core.check_duration(
				self.requested_minutes, settings.session_max_minutes or 240
			)
		except core.TicketRuleError as error:
			frappe.throw(_(error.message).format(*error.args_), title=_("Invalid Duration"))
		if self.is_new():
			self.status = core.REQUESTED
			self.current_scope = self.purpose
			self.customer, raised_by = frappe.db.get_value(
				"Assistance Ticket", self.ticket, ["customer", "raised_by"]
			)
			self.client_email = self.client_email or raised_by or client_email(self.customer)
			if not self.customer:
				frappe.throw(_("The ticket has no client yet."), title=_("Client Required"))

	def validate_protected_fields(self):
		before = self.get_doc_before_save()
		if before is None or self.flags.dds_action:
			return
		changed = changed_fields(before, self, ACTION_FIELDS)
		if before.status != core.REQUESTED:
			changed += changed_fields(
				before, self, ("ticket", "technician", "purpose", "tool", "requested_minutes")
			)
		refuse_direct_edits(self, changed)

	def after_insert(self):
		append_log(
			self,
			core.EV_REQUESTED,
			_("Scope: {0}; tool: {1}; duration: {2} min").format(
				self.purpose, self.tool, self.requested_minutes
			),
		)

	def on_trash(self):
		frappe.throw(
			_("A remote session is never deleted: its connection history is kept as evidence."),
			title=_("Not Allowed"),
		)


def append_log(session, event: str, details: str | None = None, actor: str | None = None) -> None:
	"""Write one entry of the connection history (R-RS-4)."""
	frappe.get_doc(
		{
			"doctype": "Remote Session Log",
			"session": session.name,
			"event": event,
			"at": now_datetime(),
			"actor": actor or frappe.session.user,
			"origin_ip": getattr(frappe.local, "request_ip", None),
			"ticket": session.ticket,
			"customer": session.customer,
			"details": details,
		}
	).insert(ignore_permissions=True)


def expire_overdue_sessions(now=None) -> list[str]:
	"""R-RS-3: close the sessions whose authorised time is over and log it. One
	indexed query; a guarded update per session, committed on its own: a second
	run (or a second worker) finds nothing to do."""
	now = get_datetime(now) if now else now_datetime()
	expired = []
	for name in frappe.get_all(
		"Remote Session",
		filters={"status": core.IN_PROGRESS, "authorised_end": ("<=", now)},
		pluck="name",
	):
		try:
			frappe.db.sql(
				"""update `tabRemote Session` set status = %s, ended_at = authorised_end,
				end_reason = %s, modified = %s where name = %s and status = %s""",
				(
					core.EXPIRED,
					_("Authorised duration over: closed automatically."),
					now,
					name,
					core.IN_PROGRESS,
				),
			)
			if not frappe.db._cursor.rowcount:
				continue
			session = frappe.get_doc("Remote Session", name)
			append_log(
				session,
				core.EV_EXPIRED,
				_("Closed at the end of its authorised time."),
				actor="Administrator",
			)
			frappe.db.commit()
			expired.append(name)
		except Exception:
			frappe.db.rollback()
			frappe.log_error(title=f"DDS Assistance: remote session {name} could not be expired")
	return expired


def on_doctype_update():
	frappe.db.add_index("Remote Session", ["status", "authorised_end"])
