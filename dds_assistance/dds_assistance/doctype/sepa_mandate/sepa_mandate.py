# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""SEPA Mandate: a client's authorisation to debit one bank account for its Premium
renewals (issue #29).

Signed on the portal (the French text of the mandate accepted: who, when, from which
address — ``api.portal.sign_mandate``) or recorded by an agent from the signed paper
with its scan. Its reference (RUM) and the company's creditor identifier (ICS) are
given when it is recorded; its data are checked by ``core.sepa_debit.check_mandate``.
A client has one active mandate: a new one replaces the previous. Its state (active,
revoked, expired after 36 months without a collection) and its collections (how
many, the last, the failures — a second stops automatic collection) are derived
from the facts and the batches, never typed."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate, now_datetime, nowdate

from dds_assistance.core import sepa_debit as core
from dds_assistance.core.errors import RuleError
from dds_assistance.guards.field_guards import guard_fields
from dds_assistance.guards.refusals import RuleViolation, throw_rule
from dds_assistance.integrations import sepa_debit

# set by the app alone (recording, signature on the portal, collections, revocation)
ACTION_FIELDS = (
	"signed_user",
	"accepted_at",
	"accepted_ip",
	"recorded_by",
	"collections",
	"last_collection_on",
	"failures",
	"collection_stopped",
	"stop_reason",
	"revoked_on",
	"revoked_by",
	"revocation_note",
)
# what the client signed: never edited once recorded (a new account is a new mandate)
FROZEN_FIELDS = (
	"mandate_reference",
	"customer",
	"scheme",
	"debtor_name",
	"iban",
	"bic",
	"signed_on",
	"signed_at",
	"signature_method",
	"creditor_id",
	"mandate_text",
	"prenotice_days",
)


class MandateRefused(RuleViolation):
	"""A mandate's data refused (RUM, ICS, IBAN, BIC, signature)."""


class SEPAMandate(Document):
	def autoname(self):
		if not self.mandate_reference:
			number = frappe.db.get_value("Customer", self.customer, "dds_client_number") or self.customer
			count = frappe.db.count("SEPA Mandate", {"customer": self.customer})
			reference = core.mandate_reference(number, count + 1)
			while frappe.db.exists("SEPA Mandate", reference):
				count += 1
				reference = core.mandate_reference(number, count + 1)
			self.mandate_reference = reference
		self.name = self.mandate_reference

	def validate(self):
		guard_fields(
			self,
			action=ACTION_FIELDS,
			frozen=FROZEN_FIELDS,
			message=_("A mandate's signed data cannot be changed: record a new mandate for a new account."),
		)
		if self.is_new():
			self.validate_signature()
			self.record_creditor()
		self.refresh_status()

	def validate_signature(self):
		"""What a signed mandate must hold (core), the paper's scan for a paper mandate."""
		try:
			signed = core.check_mandate(
				self.mandate_reference or "RUM-NEW",
				self.scheme,
				self.debtor_name,
				self.iban,
				self.bic,
				getdate(self.signed_on) if self.signed_on else None,
				self.signed_at,
				getdate(nowdate()),
				self.prenotice_days if self.prenotice_days not in (None, "") else core.DEFAULT_PRENOTICE_DAYS,
			)
		except RuleError as error:
			throw_rule(error, exc=MandateRefused, title=_("Invalid Mandate"))
		self.debtor_name, self.iban, self.bic = signed.debtor_name, signed.iban, signed.bic or None
		self.signed_at, self.prenotice_days = signed.place, signed.prenotice_days
		if self.signature_method == "Paper" and not self.scan:
			frappe.throw(
				_("Attach the scan of the signed paper mandate."),
				exc=MandateRefused,
				title=_("Invalid Mandate"),
			)
		if not self.flags.dds_action:
			self.recorded_by = frappe.session.user
		self.signed_by = (self.signed_by or "").strip() or self.debtor_name

	def record_creditor(self):
		"""The company's identity as the mandate names it, and the text signed."""
		creditor = sepa_debit.creditor_facts(required=True)
		self.creditor_id, self.creditor_name = creditor["creditor_id"], creditor["name"]
		self.creditor_address = creditor["address"]
		self.mandate_text = sepa_debit.render_mandate_text(self)

	def after_insert(self):
		"""A client has one active mandate: the new one replaces the previous."""
		for other in frappe.get_all(
			"SEPA Mandate",
			filters={"customer": self.customer, "name": ("!=", self.name), "status": core.ACTIVE},
			pluck="name",
		):
			frappe.get_doc("SEPA Mandate", other).revoke(
				_("Replaced by the mandate {0}.").format(self.name), frappe.session.user
			)

	# ------------------------------------------------------------------ derived
	def facts(self) -> core.MandateFacts:
		return sepa_debit.mandate_facts(self)

	def refresh_status(self, today=None):
		facts = self.facts()
		self.status = core.mandate_status(facts, getdate(today or nowdate()))
		self.expires_on = facts.expires_on

	# ------------------------------------------------------------------ actions
	def revoke(self, note: str, by: str) -> dict:
		"""Revoked from today, in effect for the next debit (a file already sent to the
		bank is the bank's); noted on the mandate."""
		if self.revoked_on:
			frappe.throw(_("This mandate is already revoked."), title=_("Not Allowed"))
		self.flags.dds_action = True
		self.flags.ignore_permissions = True
		self.update(
			{
				"revoked_on": getdate(nowdate()),
				"revoked_by": by,
				"revocation_note": (note or "").strip() or None,
			}
		)
		self.save()
		self.add_comment("Info", _("Mandate revoked by {0}: {1}").format(by, note or "-"))
		return {"status": self.status, "revoked_on": self.revoked_on}

	def refresh_collections(self):
		"""Its collections read again from the submitted batches: how many reached the
		bank, the last one, the failures (a second stops automatic collection)."""
		facts = sepa_debit.collections_of(self.name)
		stopped = core.collection_stopped(facts["failures"])
		self.flags.dds_action = True
		self.flags.ignore_permissions = True
		self.update(
			{
				"collections": facts["collections"],
				"last_collection_on": facts["last_collection_on"],
				"failures": facts["failures"],
				"collection_stopped": 1 if stopped else 0,
				"stop_reason": facts["stop_reason"] if stopped else None,
			}
		)
		self.save()


def on_doctype_update():
	frappe.db.add_index("SEPA Mandate", ["customer", "status"])
