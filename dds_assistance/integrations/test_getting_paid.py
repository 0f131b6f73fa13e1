# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""How a client pays an on-demand ticket (R-TKT-4): the company's bank details
checked, the transfer details and the EPC QR code of the ticket's invoice on the
portal and in the acknowledgement e-mail, and online payment only where the site
has a payment gateway."""

from decimal import Decimal
from unittest.mock import patch

import frappe
import segno

from dds_assistance.api import portal as portal_api
from dds_assistance.api import ticket as ticket_api
from dds_assistance.core.bank_details import decode_epc_payload
from dds_assistance.integrations import payment_means
from dds_assistance.samples import records, testing

GATEWAY_ACCOUNT = "DDS Test Gateway - EUR"


class FakeGateway:
	"""What ERPNext asks of a payment gateway's controller (the ``payments`` app's)."""

	urls: list = []

	def validate_transaction_currency(self, currency):
		assert currency == "EUR"

	def get_payment_url(self, **kwargs):
		url = f"https://pay.example.test/checkout/{kwargs['reference_docname']}"
		self.urls.append((url, kwargs["amount"]))
		return url


def payment_card(html: str) -> str:
	"""The "how to pay" card of a rendered ticket page ("" when there is none)."""
	start = html.find('id="dds-payment"')
	return html[start : html.find("<style>", start)] if start >= 0 else ""


class TestGettingPaid(testing.AssistanceTestCase):
	client_prefix = "Labo Paiement"

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.bank_account = records.ensure_bank_account()
		frappe.db.delete("Payment Gateway Account", {"name": GATEWAY_ACCOUNT})
		frappe.db.commit()

	def unpaid_ticket(self):
		ticket = self.ticket()
		invoice = ticket_api.accept(ticket.name)["sales_invoice"]
		return frappe.get_doc("Assistance Ticket", ticket.name), invoice

	def as_client(self, function, *args):
		frappe.set_user(self.user)
		try:
			return function(*args)
		finally:
			frappe.set_user("Administrator")

	# ------------------------------------------------------------------ the company's account
	def test_r_tkt_4_company_iban_and_bic_are_checked_with_a_french_refusal(self):
		account = frappe.get_doc("Bank Account", self.bank_account)
		account.iban = "fr76 1830 6002 1494 5721 3680 025"
		account.save()
		self.assertEqual(account.iban, records.BANK_IBAN)  # kept in its compact form

		frappe.local.lang = "fr"
		try:
			account.iban = "FR76 1830 6002 1494 5721 3680 026"  # wrong check digits
			with self.assertRaises(payment_means.BankDetailsError) as caught:
				account.save()
			self.assertIn("n'est pas un IBAN valide", str(caught.exception))
			account.reload()
			account.iban = "FR0618306002149457213680026"  # ISO digits right, French RIB key wrong
			self.assertRaises(payment_means.BankDetailsError, account.save)

			account.reload()
			foreign = frappe.get_doc(
				{"doctype": "Bank", "bank_name": f"Bank DE {frappe.generate_hash(length=6)}"}
			)
			foreign.swift_number = "DEUTDEFF"
			foreign.insert()
			account.bank = foreign.name
			with self.assertRaises(payment_means.BankDetailsError) as caught:
				account.save()
			self.assertIn("désigne une banque du pays <strong>DE</strong>", str(caught.exception))
		finally:
			frappe.local.lang = "en"
		self.assertEqual(frappe.db.get_value("Bank Account", self.bank_account, "iban"), records.BANK_IBAN)

	def test_settings_name_a_company_account_only(self):
		other = frappe.get_doc(
			{
				"doctype": "Bank Account",
				"account_name": f"Client {frappe.generate_hash(length=6)}",
				"bank": records.BANK,
				"party_type": "Customer",
				"party": self.customer,
				"iban": "FR7630004028370001059384612",
			}
		).insert()
		settings = frappe.get_single("Assistance Settings")
		settings.bank_account = other.name
		self.assertRaises(frappe.ValidationError, settings.save)

	# ------------------------------------------------------------------ transfer details and QR code
	def test_r_tkt_4_epc_qr_code_of_the_invoice_decodes_to_iban_amount_and_reference(self):
		ticket, invoice = self.unpaid_ticket()
		details = payment_means.transfer_details(invoice)
		self.assertEqual(
			(details["iban"], details["bic"], details["reference"], details["amount"]),
			(records.BANK_IBAN, records.BANK_BIC, invoice, 100.0),
		)
		self.assertEqual(details["iban_display"], "FR76 1830 6002 1494 5721 3680 025")
		self.assertEqual(
			details["beneficiary"], frappe.db.get_value("Company", records.COMPANY, "company_name")
		)
		fields = decode_epc_payload(details["qr_payload"])
		self.assertEqual(
			(fields["iban"], fields["bic"], fields["currency"], fields["value"], fields["remittance_text"]),
			(records.BANK_IBAN, records.BANK_BIC, "EUR", Decimal("100.00"), invoice),
		)
		# the image on the page is that text, encoded as the EPC guidelines ask
		expected = segno.make_qr(details["qr_payload"].encode("utf-8"), error="m", boost_error=False)
		self.assertEqual(details["qr_svg"], expected.svg_inline(scale=4, border=4))
		self.assertTrue(details["qr_svg"].startswith("<svg"))

		# paid: nothing more to pay, no details
		from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry

		payment = get_payment_entry("Sales Invoice", invoice)
		payment.reference_no, payment.reference_date = "VIR-1", frappe.utils.nowdate()
		payment.insert().submit()
		self.assertIsNone(payment_means.transfer_details(invoice))
		self.assertTrue(frappe.db.get_value("Assistance Ticket", ticket.name, "is_paid"))

	def test_r_tkt_4_portal_shows_transfer_details_and_no_pay_button_without_gateway(self):
		self.assertFalse(frappe.db.exists("Payment Gateway Account"))
		ticket, invoice = self.unpaid_ticket()
		frappe.local.lang = "fr"
		frappe.set_user(self.user)
		try:
			html = testing.render_portal_page("ticket", ticket.name)
		finally:
			frappe.set_user("Administrator")
			frappe.local.lang = "en"
		card = payment_card(html)
		for text in (
			"Comment payer",
			"Bénéficiaire",
			"FR76 1830 6002 1494 5721 3680 025",
			records.BANK_BIC,
			"Référence à indiquer",
			f"<strong>{invoice}</strong>",
			'class="segno"',  # the QR code, inline
			"02 30 32 24 03",  # or by phone
		):
			self.assertIn(text, card, card[:2000])
		self.assertFalse("dds-pay-online" in html or "Payer en ligne" in html)  # no button, no dead link
		self.assertRaises(frappe.ValidationError, self.as_client, portal_api.pay_online, ticket.name)
		self.assertFalse(frappe.db.exists("Payment Request", {"reference_name": invoice}))

	def test_r_tkt_4_without_bank_account_the_portal_says_how_to_pay(self):
		ticket, _invoice = self.unpaid_ticket()
		frappe.db.set_single_value("Assistance Settings", "bank_account", None)
		frappe.local.lang = "fr"
		frappe.set_user(self.user)
		try:
			html = testing.render_portal_page("ticket", ticket.name)
		finally:
			frappe.set_user("Administrator")
			frappe.local.lang = "en"
			frappe.db.set_single_value("Assistance Settings", "bank_account", self.bank_account)
		card = payment_card(html)
		self.assertIn("contactez-nous", card, card[:2000])
		self.assertIn("02 30 32 24 03", card)
		self.assertNotIn("IBAN", card)
		self.assertFalse("dds-pay-online" in html)

	def test_r_tkt_4_pay_button_and_payment_request_only_with_a_gateway(self):
		ticket, invoice = self.unpaid_ticket()
		ledger = frappe.db.get_value("Bank Account", self.bank_account, "account")
		# the gateway itself is the payments app's (not on this site): its account is ERPNext's
		frappe.get_doc(
			{
				"doctype": "Payment Gateway Account",
				"name": GATEWAY_ACCOUNT,
				"payment_gateway": "DDS Test Gateway",
				"payment_account": ledger,
				"currency": "EUR",
				"is_default": 1,
			}
		).db_insert()
		self.addCleanup(frappe.db.delete, "Payment Gateway Account", {"name": GATEWAY_ACCOUNT})
		frappe.set_user(self.user)
		try:
			html = testing.render_portal_page("ticket", ticket.name)
		finally:
			frappe.set_user("Administrator")
		card = payment_card(html)
		self.assertIn('id="dds-pay-online"', card, card[:2000])
		self.assertIn("FR76 1830 6002 1494 5721 3680 025", card)  # the transfer stays possible

		FakeGateway.urls = []
		target = "erpnext.accounts.doctype.payment_request.payment_request._get_payment_gateway_controller"
		with patch(target, return_value=FakeGateway()):
			url = self.as_client(portal_api.pay_online, ticket.name)["url"]
			again = self.as_client(portal_api.pay_online, ticket.name)["url"]
		request = frappe.get_doc("Payment Request", {"reference_name": invoice})
		self.assertEqual((request.docstatus, request.grand_total, request.email_to), (1, 100.0, self.user))
		self.assertEqual(request.payment_gateway_account, GATEWAY_ACCOUNT)
		self.assertEqual(url, f"https://pay.example.test/checkout/{request.name}")
		self.assertEqual((again, request.payment_url), (url, url))  # one request, reused
		self.assertEqual(frappe.db.count("Payment Request", {"reference_name": invoice}), 1)
		self.assertEqual(FakeGateway.urls, [(url, 100.0)])
		self.assertFalse(frappe.db.exists("Email Queue", {"reference_name": request.name}))  # muted

	# ------------------------------------------------------------------ the acknowledgement
	def test_r_tkt_4_acknowledgement_gives_the_transfer_details(self):
		ticket, invoice = self.unpaid_ticket()
		testing.issue_einvoices(invoice)  # the acknowledgement goes with the invoice's Factur-X
		content = frappe.db.get_value(
			"Communication",
			{
				"reference_doctype": "Assistance Ticket",
				"reference_name": ticket.name,
				"sent_or_received": "Sent",
			},
			"content",
		)
		for text in (
			"FR76 1830 6002 1494 5721 3680 025",
			f"BIC : {records.BANK_BIC}",
			f"Référence à indiquer : <strong>{invoice}</strong>",
			f"/assistance/tickets/{ticket.name}",
		):
			self.assertIn(text, content)
