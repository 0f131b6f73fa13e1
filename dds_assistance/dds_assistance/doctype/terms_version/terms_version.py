# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""Terms Version (R-TERMS-1 … R-TERMS-3): a version of the CGV or the CGU, and
its publication to every client."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate, now_datetime

from dds_assistance.context.clients import client_emails
from dds_assistance.core import terms as core
from dds_assistance.core.errors import RuleError
from dds_assistance.core.subscriptions import LIVE_STATUSES
from dds_assistance.guards.field_guards import changed_fields, guard_fields
from dds_assistance.guards.refusals import throw_rule

# R-TERMS-1: what clients were told is what stays
PUBLISHED_FIELDS = (
	"kind",
	"reference",
	"version_label",
	"publication_date",
	"effective_date",
	"full_text",
	"document",
)


class TermsVersion(Document):
	def validate(self):
		try:
			core.check_terms_version(
				self.kind,
				self.reference,
				self.version_label,
				getdate(self.publication_date) if self.publication_date else None,
				getdate(self.effective_date) if self.effective_date else None,
			)
		except RuleError as error:
			throw_rule(error, title=_("Invalid Terms Version"))

		def informed(before) -> list[str]:
			return changed_fields(before, self, PUBLISHED_FIELDS) if before.published_on else []

		guard_fields(
			self,
			action=("published_on",),
			extra=informed,
			message=_("Clients were informed of this version: it can no longer change."),
		)

	def on_trash(self):
		if (
			self.published_on
			or frappe.db.exists("Assistance Ticket", {"cgv_terms": self.name})
			or frappe.db.exists("Assistance Ticket", {"cgu_terms": self.name})
		):
			frappe.throw(_("This version applies to recorded services: it is kept."), title=_("Not Allowed"))

	def publish(self) -> int:
		"""R-TERMS-3: inform every client of this version: a portal notice each, mailed
		by the standard Notification; Premium clients are reminded of their right to
		end the plan at its term (R-SUB-4). Idempotent: a client already informed is
		skipped. Returns how many clients were informed now."""
		informed = set(frappe.get_all("Terms Notice", filters={"terms_version": self.name}, pluck="customer"))
		premium = set(
			frappe.get_all(
				"Premium Subscription", filters={"status": ("in", LIVE_STATUSES)}, pluck="customer"
			)
		)
		applies = frappe.utils.formatdate(self.effective_date or self.publication_date)
		created = 0
		for customer in frappe.get_all("Customer", filters={"disabled": 0}, pluck="name"):
			if customer in informed:
				continue
			emails = client_emails(customer)
			message = _(
				"A new version of our {0} ({1}, version {2}) applies from {3}. You can read it on your client portal."
			).format(self.kind, self.reference, self.version_label, applies)
			if customer in premium:
				message += " " + _(
					"If you do not accept it, you may end your Premium plan at its annual term without penalty, "
					"by written notice received at least 30 days before the term (CGU art. 9.4)."
				)
			frappe.get_doc(
				{
					"doctype": "Terms Notice",
					"terms_version": self.name,
					"customer": customer,
					"email": emails[0] if emails else None,
					"premium": 1 if customer in premium else 0,
					"subject": _("New {0}: version {1}").format(self.kind, self.version_label),
					"message": message,
				}
			).insert(ignore_permissions=True)
			created += 1
		if not self.published_on:
			self.flags.dds_action = True
			self.published_on = now_datetime()
			self.save(ignore_permissions=True)
		return created
