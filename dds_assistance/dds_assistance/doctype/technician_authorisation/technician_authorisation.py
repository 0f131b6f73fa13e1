# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""Technician Authorisation (R-RS-6, CGU 4.1 c): who may run remote sessions, when."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import get_datetime, now_datetime

from dds_assistance.core.remote_sessions import authorisation_valid
from dds_assistance.protection import changed_fields

REVOCATION_FIELDS = ("revoked_on", "revoked_by", "revocation_reason", "granted_by", "granted_on")


class TechnicianAuthorisation(Document):
	def validate(self):
		if self.valid_to and get_datetime(self.valid_to) <= get_datetime(self.valid_from):
			frappe.throw(_("The authorisation must end after it begins."), title=_("Invalid Dates"))
		before = self.get_doc_before_save()
		if before is None:
			self.granted_by, self.granted_on = frappe.session.user, now_datetime()
			self.revoked_on = self.revoked_by = self.revocation_reason = None
		elif not self.flags.dds_action:
			changed = changed_fields(before, self, REVOCATION_FIELDS)
			if before.revoked_on and (
				str(before.valid_from) != str(self.valid_from)
				or str(before.valid_to or "") != str(self.valid_to or "")
			):
				changed.append("valid_to")
			if changed:
				frappe.throw(_("A revocation is recorded through Revoke, and stays."), title=_("Not Allowed"))

	def on_trash(self):
		frappe.throw(_("Authorisations are kept: revoke it instead."), title=_("Not Allowed"))


def is_authorised(user: str, at=None) -> bool:
	"""R-RS-6: the user holds an authorisation valid at ``at`` (default: now)."""
	at = get_datetime(at) if at else now_datetime()
	for row in frappe.get_all(
		"Technician Authorisation",
		filters={"user": user, "valid_from": ("<=", at)},
		fields=["valid_from", "valid_to", "revoked_on"],
	):
		if authorisation_valid(
			get_datetime(row.valid_from),
			get_datetime(row.valid_to) if row.valid_to else None,
			get_datetime(row.revoked_on) if row.revoked_on else None,
			at,
		):
			return True
	return False
