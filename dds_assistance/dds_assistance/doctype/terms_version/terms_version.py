# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""Terms Version (R-TERMS-1 … R-TERMS-3): a version of the CGV or the CGU, and
its publication to every client."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import getdate, now_datetime
from pypika.terms import ExistsCriterion

from dds_assistance.background.runner import enqueue_resumable
from dds_assistance.context.clients import client_emails
from dds_assistance.core import terms as core
from dds_assistance.core.errors import RuleError
from dds_assistance.core.subscriptions import LIVE_STATUSES
from dds_assistance.guards.field_guards import changed_fields, guard_fields
from dds_assistance.guards.refusals import throw_rule
from dds_assistance.integrations.mail import client_language

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
NOTICE_BATCH = 200  # clients informed by one background job
NOTICES_JOB = "dds_assistance.jobs.terms.inform_clients"


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
			action=("published_on", "notices_pending", "informed_clients"),
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

	def publish(self) -> dict:
		"""R-TERMS-3: publish this version — what it says is frozen from now
		(R-TERMS-1) — and inform every client of it in the background, by batches of
		``NOTICE_BATCH`` clients (``jobs.terms``): a portal notice each, mailed by the
		standard Notification; Premium clients are reminded of their right to end the
		plan at its term (R-SUB-4). Until every client is informed ``notices_pending``
		says so (``jobs.recovery`` resumes it). Idempotent: a client already informed
		is never informed again, so publishing again informs the clients added since.
		Returns how many clients are to be informed, and how many already are."""
		waiting = self.clients_to_inform()
		self.flags.dds_action = True
		self.published_on = self.published_on or now_datetime()
		self.notices_pending = 1 if waiting else 0
		self.informed_clients = self.count_informed()
		self.save(ignore_permissions=True)
		self.queue_notices(waiting=waiting)
		return {"to_inform": len(waiting), "informed": self.informed_clients}

	def queue_notices(self, after_commit: bool = True, waiting: list[str] | None = None) -> list:
		"""One job per batch of the clients still to inform (in the order of their
		names, a batch being a range of names: a client added meanwhile falls in one
		of them), each under its one job id. Returns the jobs queued now (none when
		they are queued after the commit)."""
		waiting = self.clients_to_inform() if waiting is None else waiting
		queued = []
		for start in range(0, len(waiting), NOTICE_BATCH):
			end = start + NOTICE_BATCH
			job = enqueue_resumable(
				NOTICES_JOB,
				after_commit=after_commit,
				terms_version=self.name,
				from_client=waiting[start] if start else None,
				to_client=waiting[end] if end < len(waiting) else None,
			)
			if job:
				queued.append(job)
		return queued

	def clients_to_inform(self, from_client: str | None = None, to_client: str | None = None) -> list[str]:
		"""The enabled clients not informed of this version yet, by name, from
		``from_client`` (included) to ``to_client`` (excluded) when given."""
		customer = frappe.qb.DocType("Customer")
		notice = frappe.qb.DocType("Terms Notice")
		informed = (
			frappe.qb.from_(notice)
			.select(notice.name)
			.where((notice.terms_version == self.name) & (notice.customer == customer.name))
		)
		query = (
			frappe.qb.from_(customer)
			.select(customer.name)
			.where((customer.disabled == 0) & ExistsCriterion(informed).negate())
			.orderby(customer.name)
		)
		if from_client:
			query = query.where(customer.name >= from_client)
		if to_client:
			query = query.where(customer.name < to_client)
		return query.run(pluck=True)

	def count_informed(self) -> int:
		return frappe.db.count("Terms Notice", {"terms_version": self.name})

	def premium_clients(self, customers: list[str]) -> set[str]:
		"""Those of ``customers`` with a live Premium plan (R-SUB-4)."""
		if not customers:
			return set()
		return set(
			frappe.get_all(
				"Premium Subscription",
				filters={"status": ("in", LIVE_STATUSES), "customer": ("in", customers)},
				pluck="customer",
			)
		)

	def notice(self, customer: str, premium: bool) -> str | None:
		"""Inform one client (the Notification "DDS Terms Notice" mails the notice).
		None when another run informed that client first (one notice per client and
		version: a unique key)."""
		emails = client_emails(customer)
		applies = frappe.utils.formatdate(self.effective_date or self.publication_date)
		with client_language(emails[0] if emails else None):  # the worker's language is no one's
			message = _(
				"A new version of our {0} ({1}, version {2}) applies from {3}. You can read it on your client portal."
			).format(self.kind, self.reference, self.version_label, applies)
			if premium:
				message += " " + _(
					"If you do not accept it, you may end your Premium plan at its annual term without penalty, "
					"by written notice received at least 30 days before the term (CGU art. 9.4)."
				)
			subject = _("New {0}: version {1}").format(self.kind, self.version_label)
		try:
			return (
				frappe.get_doc(
					{
						"doctype": "Terms Notice",
						"terms_version": self.name,
						"customer": customer,
						"email": emails[0] if emails else None,
						"premium": 1 if premium else 0,
						"subject": subject,
						"message": message,
					}
				)
				.insert(ignore_permissions=True)
				.name
			)
		except frappe.UniqueValidationError:
			frappe.clear_last_message()
			return None

	def record_progress(self):
		"""After a batch: how many clients are informed; once none is left, nothing is
		pending any more. The modified time moves (``jobs.recovery`` resumes notices
		that stopped moving)."""
		values = {"informed_clients": self.count_informed()}
		if not self.clients_to_inform():
			values["notices_pending"] = 0
		frappe.db.set_value(self.doctype, self.name, values)
