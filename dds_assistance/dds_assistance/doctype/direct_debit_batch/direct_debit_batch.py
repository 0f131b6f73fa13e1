# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""Direct Debit Batch: what the accountant asks the bank to collect on one date under
one scheme (issue #29).

A draft lists the debited renewal invoices due by its collection date
(``integrations.sepa_debit.invoices_to_collect``), each with its mandate, amount and
sequence type (FRST for a mandate's first collection, RCUR afterwards), and says why
the others are left out. *Submit* writes its pain.008.001.02 file (one file per scheme
and date, checked against the official schema), attaches it (private) for download,
and records what was asked: the message id, the payment information blocks and each
debit's end-to-end id. The bank statement then marks each debit collected, returned
or rejected (``integrations.direct_debit_statement``)."""

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import flt, getdate, now_datetime, nowdate

from dds_assistance.core import sepa_debit as core
from dds_assistance.core.errors import RuleError
from dds_assistance.guards.field_guards import guard_fields
from dds_assistance.guards.refusals import throw_rule
from dds_assistance.integrations import sepa_debit

FILE_FIELDS = ("message_id", "payment_information", "file_created_at", "collection_file")
TOTAL_FIELDS = ("transaction_count", "total_amount", "collected_amount", "returned_amount")


class DirectDebitBatch(Document):
	def validate(self):
		guard_fields(self, action=(*FILE_FIELDS, "left_out"))
		settings = frappe.get_cached_doc("Assistance Settings")
		self.company = self.company or settings.company
		self.bank_account = self.bank_account or settings.bank_account
		self.creditor_id = sepa_debit.creditor_facts(required=True)["creditor_id"]
		if self.docstatus == 0:
			self.check_collection_date()
			self.check_invoices(fill=self.is_new() and not self.invoices)
		self.update_totals()

	def check_collection_date(self):
		try:
			core.check_collection_date(getdate(self.collection_date), getdate(nowdate()))
		except RuleError as error:
			throw_rule(error, exc=sepa_debit.DirectDebitRefused, title=_("Collection Date"))

	def check_invoices(self, fill: bool = False):
		"""The rows are the collectable invoices (filled when ``fill``): each row's
		client, mandate, amount and sequence type come from the invoice and its
		mandate; an invoice that cannot be collected on this date is refused with why."""
		rows, left_out = sepa_debit.invoices_to_collect(
			self.company, self.collection_date, self.scheme, self.name if not self.is_new() else None
		)
		self.flags.dds_action = True
		self.left_out = "\n".join(line for lines in left_out.values() for line in lines) or None
		collectable = {row["sales_invoice"]: row for row in rows}
		if fill:
			self.set("invoices", rows)
			return
		wrong = []
		for row in self.invoices:
			if row.sales_invoice in collectable:
				row.update(collectable[row.sales_invoice])
			else:
				reasons = left_out.get(row.sales_invoice)
				wrong.append(
					reasons[0]
					if reasons
					else _("{0}: not a debited renewal invoice due by this date.").format(row.sales_invoice)
				)
		if len({row.sales_invoice for row in self.invoices}) != len(self.invoices):
			wrong.append(_("An invoice appears twice."))
		if wrong:
			frappe.throw(
				_("These invoices cannot be collected in this batch:")
				+ "<ul>"
				+ "".join(f"<li>{w}</li>" for w in wrong)
				+ "</ul>",
				exc=sepa_debit.DirectDebitRefused,
				title=_("Direct Debit Batch"),
			)

	def fill_invoices(self):
		"""The draft's rows made again from the invoices to collect (the desk's button)."""
		self.check_invoices(fill=True)

	def update_totals(self):
		self.transaction_count = len(self.invoices)
		self.total_amount = sum(flt(row.amount, 2) for row in self.invoices)
		self.collected_amount = sum(
			flt(row.amount, 2) for row in self.invoices if row.state == core.COLLECTED
		)
		self.returned_amount = sum(
			flt(row.amount, 2) for row in self.invoices if row.state in (core.RETURNED, core.REJECTED)
		)
		self.status = status_of(self)

	def before_submit(self):
		if not self.invoices:
			frappe.throw(_("There is nothing to collect in this batch."), title=_("Direct Debit Batch"))
		for row in self.invoices:  # another batch may not take them meanwhile
			frappe.db.get_value("Sales Invoice", row.sales_invoice, "name", for_update=True)
		self.check_collection_date()
		self.check_invoices()
		for row in self.invoices:
			row.state = core.PENDING

	def on_submit(self):
		"""The file written, checked and attached; what it asks recorded; the invoices
		and the mandates know it."""
		xml = sepa_debit.collection_file(self)
		asked = core.read_pain008(xml)
		block_of = {e2e: block for block in asked.blocks for e2e in block.end_to_end_ids}
		for row in self.invoices:
			row.db_set("payment_information_id", block_of[row.end_to_end_id].id, update_modified=False)
		file = frappe.get_doc(
			{
				"doctype": "File",
				"file_name": f"{self.name}-{self.scheme}-{getdate(self.collection_date).isoformat()}-pain008.xml",
				"attached_to_doctype": self.doctype,
				"attached_to_name": self.name,
				"attached_to_field": "collection_file",
				"is_private": 1,
				"content": xml,
			}
		)
		file.flags.ignore_permissions = True
		file.insert()
		self.db_set(
			{
				"message_id": asked.message_id,
				"payment_information": "\n".join(
					f"{block.id}: {block.sequence_type} {block.count} / {block.total} EUR"
					for block in asked.blocks
				),
				"file_created_at": now_datetime(),
				"collection_file": file.file_url,
			}
		)
		for row in self.invoices:
			frappe.db.set_value(
				"Sales Invoice", row.sales_invoice, sepa_debit.BATCH_FIELD, self.name, update_modified=False
			)
		refresh_mandates({row.mandate for row in self.invoices})

	def before_cancel(self):
		done = [row.sales_invoice for row in self.invoices if row.state != core.PENDING]
		if done:
			frappe.throw(
				_(
					"The bank has already collected or returned debits of this batch ({0}): it cannot be cancelled."
				).format(", ".join(done)),
				title=_("Not Allowed"),
			)

	def on_cancel(self):
		for row in self.invoices:
			frappe.db.set_value(
				"Sales Invoice", row.sales_invoice, sepa_debit.BATCH_FIELD, None, update_modified=False
			)
		self.db_set("status", "Cancelled")
		refresh_mandates({row.mandate for row in self.invoices})


def status_of(batch) -> str:
	if batch.docstatus == 0:
		return "Draft"
	if batch.docstatus == 2:
		return "Cancelled"
	states = {row.state or core.PENDING for row in batch.invoices}
	if states <= {core.PENDING}:
		return "Awaiting Credit"
	if core.PENDING in states:
		return "Partly Collected"
	return "Collected"


def refresh_mandates(mandates):
	for mandate in sorted(m for m in mandates if m):
		frappe.get_doc("SEPA Mandate", mandate).refresh_collections()
