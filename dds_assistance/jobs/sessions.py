"""Every 5 minutes: close the remote sessions whose authorised time is over and log
it (R-RS-3, R-RS-4)."""

import frappe
from frappe import _
from frappe.utils import get_datetime, now_datetime

from dds_assistance.background.runner import for_each
from dds_assistance.core import remote_sessions as core


def expire_overdue_sessions(now=None) -> list[str]:
	"""One indexed query (``status, authorised_end``) picks the candidates; for each,
	locked, the core decides whether it is over (R-RS-3), then a guarded update,
	committed on its own: a second run (or a second worker) finds nothing to do."""
	now = get_datetime(now) if now else now_datetime()
	session = frappe.qb.DocType("Remote Session")

	def expire(name):
		status, end = frappe.db.get_value(
			"Remote Session", name, ["status", "authorised_end"], for_update=True
		)
		if not core.is_expired(status, get_datetime(end) if end else None, now):  # R-RS-3: the core decides
			return None  # ended, or given more time, since it was picked
		(
			frappe.qb.update(session)
			.set(session.status, core.EXPIRED)
			.set(session.ended_at, session.authorised_end)
			.set(session.end_reason, _("Authorised duration over: closed automatically."))
			.set(session.modified, now)
			.where((session.name == name) & (session.status == core.IN_PROGRESS))
		).run()
		if not frappe.db._cursor.rowcount:
			return None  # another run got there first
		frappe.get_doc("Remote Session", name).record_event(
			core.EV_EXPIRED, _("Closed at the end of its authorised time."), actor="Administrator"
		)
		return name

	names = frappe.get_all(
		"Remote Session", filters={"status": core.IN_PROGRESS, "authorised_end": ("<=", now)}, pluck="name"
	)
	return for_each(names, expire, "DDS Assistance: remote session {0} could not be expired")
