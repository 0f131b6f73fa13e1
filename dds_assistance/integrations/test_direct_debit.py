# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""Premium renewals collected by SEPA direct debit (issue #29), on a real site: the
mandate signed on the portal, the renewal invoice debited and pre-notified (mail,
portal, Factur-X 59), the batch and its pain.008 file, the bank statement's credit
paying the invoices and a return reopening one — a second failure stopping the
mandate's automatic collection."""

from decimal import Decimal

import facturx
import frappe
from frappe.utils import add_days, getdate, nowdate

from dds_assistance.api import portal as portal_api
from dds_assistance.context.language import dds_date
from dds_assistance.core import cii_xml, sepa_debit
from dds_assistance.dds_assistance.doctype.sepa_mandate.sepa_mandate import MandateRefused
from dds_assistance.integrations import bank_statement, einvoice
from dds_assistance.integrations import sepa_debit as integration
from dds_assistance.samples import records, sepa_files, testing

ICS = "FR72ZZZ123456"
DEBTOR_IBAN = "FR7630004028370001059384612"


def one_statement(content: bytes, account) -> object:
	"""The one statement of a bank file, as the import reads it."""
	[(statement, _account)] = bank_statement.read_statements(content, account)
	return statement


class TestDirectDebit(testing.AssistanceTestCase):
	client_prefix = "Labo Prélèvement"

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.bank_account = records.ensure_bank_account()
		frappe.db.set_single_value("Assistance Settings", "sepa_creditor_id", ICS)
		frappe.db.commit()
		frappe.clear_document_cache("Assistance Settings", "Assistance Settings")

	def sign(self, user=None, **values):
		frappe.set_user(user or self.user)
		try:
			arguments = dict(
				debtor_name="Labo Prélèvement SARL", iban=DEBTOR_IBAN, place="Caen", accept_mandate=1
			)
			arguments.update(values)
			return portal_api.sign_mandate(**arguments)
		finally:
			frappe.set_user("Administrator")

	def plan(self):
		"""A plan in its second year: its renewal invoiced today."""
		doc = frappe.get_doc(
			{
				"doctype": "Premium Subscription",
				"customer": self.customer,
				"start_date": add_days(nowdate(), -365),
				"item": testing.ensure_plan_item(),
				"annual_price": 1188,
				"licence_valid_until": add_days(nowdate(), 300),
			}
		).insert()
		for invoice in frappe.get_all(
			"Sales Invoice", filters={"dds_premium_subscription": doc.name, "docstatus": 1}, pluck="name"
		):
			einvoice.complete_facturx(invoice)  # what the worker does once the submit is committed
		return frappe.get_all(
			"Sales Invoice",
			filters={"dds_premium_subscription": doc.name, "docstatus": 1},
			fields=[
				"name",
				"posting_date",
				"due_date",
				"grand_total",
				"outstanding_amount",
				"dds_sepa_mandate",
				"dds_debit_date",
				"dds_prenotified_on",
			],
			order_by="posting_date desc",
		)

	# ------------------------------------------------------------------ the mandate
	def test_mandate_signed_on_the_portal_records_who_when_where_and_the_text(self):
		made = self.sign()
		mandate = frappe.get_doc("SEPA Mandate", made["name"])
		number = frappe.db.get_value("Customer", self.customer, "dds_client_number")
		self.assertEqual(mandate.name, sepa_debit.mandate_reference(number, 1))
		self.assertEqual(
			(
				mandate.status,
				mandate.signature_method,
				mandate.signed_user,
				mandate.creditor_id,
				mandate.iban,
			),
			("Active", "Portal", self.user, ICS, DEBTOR_IBAN),
		)
		self.assertTrue(mandate.accepted_at and mandate.signed_on and mandate.signed_at == "Caen")
		self.assertIn("vous autorisez", mandate.mandate_text)
		self.assertIn(mandate.name, mandate.mandate_text)
		# its signed data never change; a new mandate replaces it
		mandate.iban = "FR7630003033500001059384699"
		self.assertRaises(frappe.ValidationError, mandate.save)
		second = self.sign(iban="FR7610207000260001059384617" if False else DEBTOR_IBAN, place="Rouen")
		self.assertEqual(frappe.db.get_value("SEPA Mandate", made["name"], "status"), "Revoked")
		self.assertEqual(frappe.db.get_value("SEPA Mandate", second["name"], "status"), "Active")

	def test_a_wrong_iban_or_no_acceptance_is_refused_in_french(self):
		frappe.local.lang = "fr"
		try:
			with self.assertRaises(frappe.ValidationError) as caught:
				self.sign(iban="FR7630004028370001059384613")
			self.assertIn("n'est pas un IBAN valide", str(caught.exception))
			with self.assertRaises(frappe.ValidationError) as caught:
				self.sign(accept_mandate=0)
			self.assertIn("Cochez la case", str(caught.exception))
		finally:
			frappe.local.lang = "en"
		self.assertFalse(frappe.db.exists("SEPA Mandate", {"customer": self.customer}))

	def test_a_paper_mandate_needs_its_scan(self):
		values = {
			"doctype": "SEPA Mandate",
			"customer": self.customer,
			"debtor_name": "Labo",
			"iban": DEBTOR_IBAN,
			"signed_on": nowdate(),
			"signed_at": "Rouen",
			"signature_method": "Paper",
		}
		self.assertRaises(MandateRefused, frappe.get_doc(values).insert)
		doc = frappe.get_doc({**values, "scan": "/private/files/mandat-signe.pdf"}).insert()
		self.assertEqual((doc.status, doc.recorded_by), ("Active", "Administrator"))

	def test_a_client_sees_only_its_own_mandates(self):
		mine = self.sign()["name"]
		other, other_user = self.new_client("Labo Autre")
		frappe.set_user(other_user)
		try:
			self.assertEqual(frappe.get_list("SEPA Mandate", pluck="name"), [])
			self.assertFalse(frappe.has_permission("SEPA Mandate", "read", doc=mine))
			self.assertRaises(frappe.DoesNotExistError, portal_api.revoke_mandate, mine)
		finally:
			frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value("SEPA Mandate", mine, "status"), "Active")

	def test_revocation_from_the_portal_takes_effect_for_the_next_debit(self):
		mine = self.sign()["name"]
		frappe.set_user(self.user)
		try:
			portal_api.revoke_mandate(mine)
		finally:
			frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value("SEPA Mandate", mine, "status"), "Revoked")
		invoices = self.plan()
		self.assertTrue(invoices and not any(i.dds_sepa_mandate for i in invoices))

	# ------------------------------------------------------------------ the renewal
	def test_r_sub_2_renewal_of_a_client_with_a_mandate_is_debited_and_prenotified(self):
		mandate = self.sign()["name"]
		renewal = self.plan()[0]
		self.assertEqual(getdate(renewal.posting_date), getdate(nowdate()))  # R-SUB-2: renewed as before
		self.assertEqual(renewal.dds_sepa_mandate, mandate)
		debit_day = getdate(renewal.dds_debit_date)
		self.assertEqual(debit_day, sepa_debit.debit_date(getdate(nowdate())))
		self.assertGreaterEqual((debit_day - getdate(nowdate())).days, 14)
		self.assertEqual(getdate(renewal.due_date), debit_day)
		self.assertEqual(getdate(renewal.dds_prenotified_on), getdate(nowdate()))
		mail = frappe.get_all(
			"Email Queue",
			filters={"reference_doctype": "Sales Invoice", "reference_name": renewal.name},
			fields=["message"],
		)
		self.assertTrue(mail)
		self.assertIn(renewal.name, mail[0].message)
		# the Factur-X says so: code 59, the mandate, the creditor, the debited account
		file = einvoice.facturx_file(renewal.name)
		xml = facturx.get_xml_from_pdf(frappe.get_doc("File", file).get_content(), check_xsd=True)[1]
		summary = cii_xml.read_totals(xml)
		self.assertEqual(
			(summary.payment_means_code, summary.mandate_reference, summary.creditor_id, summary.debtor_iban),
			("59", mandate, ICS, DEBTOR_IBAN),
		)
		# and the portal
		frappe.set_user(self.user)
		try:
			html = testing.render_portal_page("subscription")
		finally:
			frappe.set_user("Administrator")
		self.assertIn(renewal.name, html)
		self.assertIn(dds_date(debit_day), html)  # in words, as the reader writes it

	def test_r_sub_2_a_client_without_mandate_pays_by_transfer_as_before(self):
		renewal = self.plan()[0]
		self.assertFalse(renewal.dds_sepa_mandate or renewal.dds_debit_date)
		self.assertEqual(getdate(renewal.due_date), getdate(renewal.posting_date))
		file = einvoice.facturx_file(renewal.name)
		xml = facturx.get_xml_from_pdf(frappe.get_doc("File", file).get_content(), check_xsd=False)[1]
		self.assertEqual(cii_xml.read_totals(xml).payment_means_code, "58")

	# ------------------------------------------------------------------ the batch and the bank
	def batch(self, day):
		doc = frappe.get_doc(
			{"doctype": "Direct Debit Batch", "collection_date": day, "scheme": "CORE"}
		).insert()
		return doc

	def test_an_invoice_a_batch_cannot_collect_is_refused_with_its_own_reason_in_french(self):
		mandate = self.sign()["name"]
		renewal = self.plan()[0]
		frappe.set_user(self.user)
		try:
			portal_api.revoke_mandate(mandate)
		finally:
			frappe.set_user("Administrator")
		frappe.local.lang = "fr"
		try:
			with self.assertRaises(frappe.ValidationError) as refused:
				frappe.get_doc(
					{
						"doctype": "Direct Debit Batch",
						"collection_date": renewal.dds_debit_date,
						"scheme": "CORE",
						"invoices": [{"sales_invoice": renewal.name}],
					}
				).insert()
		finally:
			frappe.local.lang = "en"
		self.assertIn(f"{renewal.name} : le mandat {mandate} a été révoqué", str(refused.exception))

	def test_batch_file_statement_credit_then_returns_stop_the_mandate(self):
		mandate = self.sign()["name"]
		invoices = self.plan()
		mine = [i.name for i in invoices if i.dds_sepa_mandate]
		self.assertEqual(len(mine), 2)  # the first term and its renewal, both invoiced today
		day = getdate(invoices[0].dds_debit_date)

		too_soon = frappe.get_doc(
			{
				"doctype": "Direct Debit Batch",
				"collection_date": sepa_debit.earliest_collection_date(getdate(nowdate())),
				"scheme": "CORE",
			}
		).insert()
		self.assertFalse({row.sales_invoice for row in too_soon.invoices} & set(mine))
		too_soon.delete()

		batch = self.batch(day)
		rows = [row for row in batch.invoices if row.sales_invoice in mine]
		self.assertEqual([row.sequence_type for row in rows], ["FRST", "FRST"])
		for other in [row for row in batch.invoices if row.sales_invoice not in mine]:
			batch.remove(other)
		batch.save()
		batch.submit()
		batch.reload()
		self.assertEqual(batch.status, "Awaiting Credit")
		xml = frappe.get_doc(
			"File", {"attached_to_name": batch.name, "attached_to_doctype": batch.doctype}
		).get_content()
		xml = xml if isinstance(xml, bytes) else xml.encode()
		self.assertEqual(sepa_debit.schema_errors(xml), [])
		asked = sepa_debit.read_pain008(xml)
		self.assertEqual(asked.message_id, batch.message_id)
		self.assertEqual(sorted(e for b in asked.blocks for e in b.end_to_end_ids), sorted(mine))
		self.assertEqual({b.sequence_type for b in asked.blocks}, {"FRST"})
		self.assertEqual(frappe.db.get_value("SEPA Mandate", mandate, "collections"), 2)
		self.assertEqual(frappe.db.get_value("Sales Invoice", mine[0], "dds_direct_debit_batch"), batch.name)

		# the bank credits the batch: each invoice paid, the Bank Transaction reconciled
		account = bank_statement.bank_account_details(self.bank_account)
		tag = frappe.generate_hash(length=8)
		debits = [
			sepa_files.Collected(row.end_to_end_id, Decimal(str(row.amount)), row.mandate)
			for row in batch.invoices
		]
		block = batch.invoices[0].payment_information_id
		credit = sepa_files.write_camt053(
			[sepa_files.DebitEntry(f"{tag}-C", debits, block, detailed=False, booking_date=day)],
			iban=account.iban,
			statement_id=f"{tag}-1",
			day=day,
		)
		counts = bank_statement.import_transactions(one_statement(credit, account), account)
		self.assertEqual((counts["imported"], counts["matched"]), (1, 1))
		for invoice in mine:
			self.assertEqual(frappe.db.get_value("Sales Invoice", invoice, "outstanding_amount"), 0)
		bt = frappe.get_doc("Bank Transaction", {"transaction_id": f"{tag}-C"})
		self.assertEqual(
			(bt.status, len(bt.payment_entries), bt.dds_match_reason),
			("Reconciled", 2, "direct_debit_collected"),
		)
		batch.reload()
		self.assertEqual(batch.status, "Collected")

		# the bank returns the first one: insufficient funds
		frappe.local.lang = "fr"
		try:
			returned = sepa_files.write_camt054(
				[sepa_files.DebitEntry(f"{tag}-R1", debits[:1], reason="AM04", booking_date=day)],
				iban=account.iban,
				notification_id=f"{tag}-2",
				day=day,
			)
			counts = bank_statement.import_transactions(one_statement(returned, account), account)
		finally:
			frappe.local.lang = "en"
		self.assertEqual(counts["imported"], 1)
		first = debits[0].end_to_end_id
		self.assertEqual(frappe.db.get_value("Sales Invoice", first, "outstanding_amount"), 1188)
		row = frappe.get_doc("Direct Debit Batch Invoice", {"parent": batch.name, "sales_invoice": first})
		self.assertEqual((row.state, row.return_reason_code), ("Returned", "AM04"))
		self.assertEqual(frappe.db.get_value("Payment Entry", row.payment_entry, "docstatus"), 2)
		note = frappe.db.get_value(
			"Bank Transaction",
			{"transaction_id": f"{tag}-R1"},
			["dds_match_reason", "dds_match_note"],
			as_dict=True,
		)
		self.assertEqual(note.dds_match_reason, "direct_debit_returned")
		self.assertIn("Provision insuffisante", note.dds_match_note)
		told = frappe.get_all(
			"Email Queue",
			filters={"reference_doctype": "Sales Invoice", "reference_name": first},
			fields=["message"],
			order_by="creation desc",
		)
		self.assertIn("Provision insuffisante", told[0].message)
		self.assertEqual(
			frappe.db.get_value("SEPA Mandate", mandate, ["failures", "collection_stopped"]), (1, 0)
		)
		# the accountant sees it in the reconciliation report
		left = bank_statement.unmatched_transfers(add_days(day, -1), add_days(day, 1), customer=self.customer)
		self.assertIn("direct_debit_returned", [r.dds_match_reason for r in left])

		# a second failure stops automatic collection on the mandate
		second = sepa_files.write_camt053(
			[sepa_files.DebitEntry(f"{tag}-R2", debits[1:2], reason="MS02", booking_date=day)],
			iban=account.iban,
			statement_id=f"{tag}-3",
			day=day,
		)
		bank_statement.import_transactions(one_statement(second, account), account)
		self.assertEqual(
			frappe.db.get_value("SEPA Mandate", mandate, ["failures", "collection_stopped"]), (2, 1)
		)
		self.assertIsNone(integration.usable_mandate(self.customer))
		# the same files again add nothing
		again = bank_statement.import_transactions(one_statement(credit, account), account)
		self.assertEqual((again["imported"], again["already_imported"]), (0, 1))
