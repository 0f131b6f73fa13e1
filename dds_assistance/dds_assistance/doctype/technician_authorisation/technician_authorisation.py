# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""Technician Authorisation (R-RS-6, CGU 4.1 c): who may run remote sessions, when."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import get_datetime, now_datetime

from dds_assistance.guards.field_guards import changed_fields, guard_fields

REVOCATION_FIELDS = ("revoked_on", "revoked_by", "revocation_reason", "granted_by", "granted_on")


class TechnicianAuthorisation(Document):
	def validate(self):
		if self.valid_to and get_datetime(self.valid_to) <= get_datetime(self.valid_from):
			frappe.throw(_("The authorisation must end after it begins."), title=_("Invalid Dates"))

		def revoked_period(before) -> list[str]:
			return changed_fields(before, self, ("valid_from", "valid_to")) if before.revoked_on else []

		before = guard_fields(
			self,
			action=REVOCATION_FIELDS,
			extra=revoked_period,
			message=_("A revocation is recorded through Revoke, and stays."),
		)
		if before is None:
			self.granted_by, self.granted_on = frappe.session.user, now_datetime()

	def on_trash(self):
		frappe.throw(_("Authorisations are kept: revoke it instead."), title=_("Not Allowed"))

	def revoke(self, reason: str) -> dict:
		"""R-RS-6: a manager revokes the authorisation (the caller checks the role); the revocation stays."""
		if self.revoked_on:
			frappe.throw(_("This authorisation is already revoked."), title=_("Not Allowed"))
		if not (reason or "").strip():
			frappe.throw(_("Give the reason for the revocation."), title=_("Reason Required"))
		self.flags.dds_action = True
		self.update(
			{
				"revoked_on": now_datetime(),
				"revoked_by": frappe.session.user,
				"revocation_reason": reason.strip(),
			}
		)
		self.save()
		return {"revoked_on": self.revoked_on}
