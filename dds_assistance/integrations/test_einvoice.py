# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""French e-invoices on a real ERPNext site (issue 15): a ticket invoice, a Premium
renewal invoice and a credit note each carry, once submitted, a Factur-X PDF
(PDF/A-3, EN 16931 XML that the factur-x library checks against its schema)
whose figures, parties and references are the Sales Invoice's; an invoice that
cannot be a compliant e-invoice is refused before anything is written; the
client downloads its own e-invoices from the portal, and only its own."""

from datetime import date, datetime
from decimal import Decimal
from html import unescape
from unittest.mock import patch

import facturx
import frappe
import pdfkit
from frappe.utils import flt, getdate

from dds_assistance.api import portal as portal_api
from dds_assistance.core import cii_xml, en16931
from dds_assistance.core import subscriptions as core_subscriptions
from dds_assistance.integrations import einvoice, facturx_pdf
from dds_assistance.jobs.subscriptions import process_all
from dds_assistance.samples import records, testing
from dds_assistance.web import portal_reads as pages


def belgian_vat(first_eight: str) -> str:
	"""A valid Belgian VAT number (test data): BE, ten digits, key 97 - n mod 97."""
	return f"BE{first_eight}{97 - int(first_eight) % 97:02d}"


class TestEInvoice(testing.AssistanceTestCase):
	client_prefix = "Labo Facturx"

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.with_bank_account = frappe.get_meta("Assistance Settings").has_field("bank_account")
		if cls.with_bank_account:
			records.ensure_bank_account()
		frappe.db.commit()

	def setUp(self):
		super().setUp()
		frappe.local.lang = "fr"

	def tearDown(self):
		frappe.local.lang = "en"
		super().tearDown()

	# ---------------------------------------------------------------- helpers
	def ticket_invoice(self, customer: str | None = None) -> str:
		"""A ticket's invoice, submitted, with its Factur-X made by the worker."""
		ticket = self.ticket(**({"customer": customer} if customer else {}))
		invoice = ticket.accept()["sales_invoice"]
		testing.issue_einvoices(invoice)
		return invoice

	def draft_copy(self, invoice: str):
		"""A new draft Sales Invoice like ``invoice`` (its links to the ticket kept)."""
		copy = frappe.copy_doc(frappe.get_doc("Sales Invoice", invoice))
		copy.docstatus = 0
		return copy

	def attached(self, invoice: str) -> tuple[dict, bytes]:
		files = frappe.get_all(
			"File",
			filters={"attached_to_doctype": "Sales Invoice", "attached_to_name": invoice},
			fields=["name", "file_name", "is_private"],
		)
		self.assertEqual(len(files), 1, files)
		self.assertEqual(files[0].file_name, f"{invoice}-facturx.pdf")
		self.assertEqual(files[0].is_private, 1)
		return files[0], frappe.get_doc("File", files[0].name).get_content()

	def check_facturx(self, invoice_name: str) -> en16931.EInvoiceSummary:
		"""The attached PDF is a PDF/A-3 Factur-X whose XML passes the EN 16931 schema
		and carries the Sales Invoice's totals and parties; returns what it says."""
		_file, pdf = self.attached(invoice_name)
		filename, xml = facturx.get_xml_from_pdf(pdf, check_xsd=False)
		self.assertEqual(filename, "factur-x.xml")
		self.assertTrue(facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931"))
		content = facturx_pdf.read_facturx_pdf(pdf)
		self.assertEqual((content.level, content.xmp_conformance_level), ("en16931", "EN 16931"))
		self.assertEqual(
			(content.pdfa_part, content.pdfa_conformance, content.output_intent), ("3", "B", True)
		)

		doc = frappe.get_doc("Sales Invoice", invoice_name)
		read = cii_xml.read_totals(xml)
		money = lambda value: Decimal(f"{abs(flt(value, 2)):.2f}")  # noqa: E731
		self.assertEqual(read.number, doc.name)
		self.assertEqual(read.issue_date, getdate(doc.posting_date))
		self.assertEqual(read.currency, doc.currency)
		self.assertEqual(read.profile, en16931.PROFILE_EN16931)
		self.assertEqual(
			(read.tax_basis_total, read.tax_total, read.grand_total, read.due_payable),
			(
				money(doc.net_total),
				money(doc.total_taxes_and_charges),
				money(doc.grand_total),
				money(doc.grand_total),
			),
		)
		self.assertEqual(read.line_total, sum(money(item.net_amount) for item in doc.items))
		self.assertEqual(read.line_count, len(doc.items))
		company = frappe.db.get_value(
			"Company", doc.company, ["company_name", "dds_siren", "dds_siret", "tax_id"], as_dict=True
		)
		self.assertEqual(
			(read.seller_name, read.seller_siren, read.seller_siret, read.seller_vat),
			(company.company_name, company.dds_siren, company.dds_siret, company.tax_id),
		)
		customer = frappe.db.get_value("Customer", doc.customer, ["dds_siren", "tax_id"], as_dict=True)
		self.assertEqual(
			(read.buyer_name, read.buyer_siren, read.buyer_vat),
			(
				doc.customer_name,
				customer.dds_siren or en16931.siren_from_vat(customer.tax_id),
				customer.tax_id,
			),
		)
		self.assertEqual(read.payment_reference, doc.name)
		text = xml.decode("utf-8")  # the legal mentions, in French
		for mention in (
			"TVA acquittée sur les encaissements.",
			"Pas d'escompte pour paiement anticipé.",
			"frais de recouvrement en cas de retard de paiement (clients professionnels) : 40 €",
		):
			self.assertIn(mention, text)
		return read

	# ---------------------------------------------------------------- the three invoices
	def test_ticket_invoice_carries_its_facturx_on_submit(self):
		invoice = self.ticket_invoice()
		read = self.check_facturx(invoice)
		ticket = frappe.db.get_value("Sales Invoice", invoice, "dds_assistance_ticket")
		self.assertEqual((read.type_code, read.buyer_reference), ("380", ticket))
		self.assertEqual(
			(read.tax_basis_total, read.tax_total, read.grand_total),
			(Decimal("83.33"), Decimal("16.67"), Decimal("100.00")),
		)
		self.assertEqual(read.due_date, getdate(frappe.db.get_value("Sales Invoice", invoice, "due_date")))
		if self.with_bank_account:  # paid by transfer to the company's account, the number quoted
			self.assertEqual((read.payment_means_code, read.iban), ("58", records.BANK_IBAN))

	def test_renewal_invoice_carries_its_facturx_with_the_term(self):
		with self.freeze_time(datetime(2026, 1, 1, 8, 0), tick=True):
			sub = frappe.get_doc(
				{
					"doctype": "Premium Subscription",
					"customer": self.customer,
					"start_date": date(2026, 1, 1),
					"item": testing.PLAN_ITEM,
					"annual_price": 1200,
					"licence_valid_until": date(2035, 12, 31),
				}
			).insert()
		with self.freeze_time(datetime(2027, 1, 1, 3, 0), tick=True):
			process_all()
		renewal = frappe.db.get_value(
			"Sales Invoice",
			{"dds_premium_subscription": sub.name, "dds_subscription_term": 1, "docstatus": 1},
			"name",
		)
		self.assertTrue(renewal)
		testing.issue_einvoices(renewal)
		read = self.check_facturx(renewal)
		self.assertEqual((read.type_code, read.buyer_reference), ("380", sub.name))
		self.assertEqual(
			(read.tax_basis_total, read.tax_total, read.grand_total),
			(Decimal("1000.00"), Decimal("200.00"), Decimal("1200.00")),
		)
		term = core_subscriptions.term(date(2026, 1, 1), 1)
		xml = facturx.get_xml_from_pdf(self.attached(renewal)[1], check_xsd=False)[1].decode()
		self.assertIn(f'<udt:DateTimeString format="102">{term.start:%Y%m%d}</udt:DateTimeString>', xml)
		self.assertIn(f'<udt:DateTimeString format="102">{term.end:%Y%m%d}</udt:DateTimeString>', xml)
		self.assertIn("BillingSpecifiedPeriod", xml)

	def test_credit_note_carries_its_facturx_type_381_naming_the_corrected_invoice(self):
		from erpnext.accounts.doctype.sales_invoice.sales_invoice import make_sales_return

		invoice = self.ticket_invoice()
		credit_note = make_sales_return(invoice)
		credit_note.insert()
		self.assertFalse(einvoice.facturx_file(credit_note.name))  # never on a draft
		credit_note.submit()
		testing.issue_einvoices(credit_note.name)
		read = self.check_facturx(credit_note.name)
		self.assertEqual(read.type_code, "381")
		self.assertEqual(read.preceding_invoice, invoice)
		self.assertEqual(
			read.preceding_invoice_date,
			getdate(frappe.db.get_value("Sales Invoice", invoice, "posting_date")),
		)
		self.assertEqual(
			read.buyer_reference, frappe.db.get_value("Sales Invoice", invoice, "dds_assistance_ticket")
		)
		self.assertEqual((read.grand_total, read.tax_total), (Decimal("100.00"), Decimal("16.67")))

	def test_an_amended_invoice_gets_its_own_and_a_remake_replaces_the_older(self):
		invoice = frappe.get_doc("Sales Invoice", self.ticket_invoice())
		invoice.cancel()
		amended = self.draft_copy(invoice.name)
		amended.amended_from = invoice.name
		amended.insert()
		# never on a draft: not even Frappe's copy of the amended invoice's attachments
		self.assertFalse(frappe.get_all("File", filters={"attached_to_name": amended.name}))
		amended.submit()
		testing.issue_einvoices(amended.name)
		self.assertNotEqual(amended.name, invoice.name)
		self.assertEqual(self.check_facturx(amended.name).number, amended.name)
		self.attached(invoice.name)  # the cancelled invoice keeps the one it was issued with

		first = einvoice.facturx_file(amended.name)
		einvoice.attach_facturx(frappe.get_doc("Sales Invoice", amended.name))
		self.assertNotEqual(einvoice.facturx_file(amended.name), first)
		self.attached(amended.name)  # still one

	def test_the_print_is_not_held_by_wkhtmltopdfs_script_delay(self):
		"""wkhtmltopdf would wait 200 ms for scripts Frappe has disabled: the print asks
		for none, and is still a PDF."""
		ticket = self.ticket()
		invoice = frappe.get_doc("Sales Invoice", ticket.accept()["sales_invoice"])
		commands, to_pdf = [], pdfkit.PDFKit.to_pdf

		def recording(kit, path=None):
			commands.append(list(kit.command(path)))
			return to_pdf(kit, path)

		with patch.object(pdfkit.PDFKit, "to_pdf", recording):
			pdf = einvoice.printed_pdf(invoice)
		self.assertTrue(pdf.startswith(b"%PDF"))
		self.assertEqual(len(commands), 1)
		command = commands[0]
		self.assertIn("--disable-javascript", command)
		self.assertIn("--javascript-delay", command)
		self.assertEqual(command[command.index("--javascript-delay") + 1], "0")

	def test_an_invoice_the_app_did_not_make_has_none(self):
		other = self.draft_copy(self.ticket_invoice())
		other.dds_assistance_ticket = None
		other.insert()
		other.submit()
		testing.issue_einvoices(other.name)
		self.assertFalse(einvoice.facturx_file(other.name))
		self.assertFalse(other.dds_facturx_pending)

	# ---------------------------------------------------------------- refusals
	def test_a_client_in_france_without_siren_is_refused_before_anything_is_written(self):
		draft = self.draft_copy(self.ticket_invoice())
		frappe.db.set_value("Customer", self.customer, {"dds_siren": None, "tax_id": None})
		draft.insert()
		ledger = {"voucher_type": "Sales Invoice", "voucher_no": draft.name}
		ledger_before = frappe.db.count("GL Entry", ledger)
		with self.assertRaises(einvoice.EInvoiceRefused) as caught:
			draft.submit()
		message = str(caught.exception)
		self.assertIn("Le SIREN est manquant.", message)
		self.assertIn(f"Client <strong>{draft.customer_name}</strong>", message)
		self.assertIn("ne peut pas être émise", message)
		self.assertEqual(frappe.db.get_value("Sales Invoice", draft.name, "docstatus"), 0)
		self.assertFalse(frappe.db.exists("File", {"attached_to_name": draft.name}))
		self.assertEqual(frappe.db.count("GL Entry", ledger), ledger_before)  # nothing posted

		# a ticket of that client is not invoiced at all, and stays as it was
		ticket = self.ticket()
		self.assertRaises(einvoice.EInvoiceRefused, ticket.accept)
		self.assertFalse(frappe.db.exists("Sales Invoice", {"dds_assistance_ticket": ticket.name}))
		self.assertEqual(frappe.db.get_value("Assistance Ticket", ticket.name, "status"), ticket.status)

		# its French VAT number is enough: the SIREN is read from it
		frappe.db.set_value(
			"Customer", self.customer, "tax_id", en16931.french_vat_number(records.sample_siren("x"))
		)
		frappe.get_doc("Sales Invoice", draft.name).submit()
		testing.issue_einvoices(draft.name)
		self.assertEqual(self.check_facturx(draft.name).buyer_siren, records.sample_siren("x"))

	def test_a_client_abroad_needs_its_vat_number_not_a_siren(self):
		frappe.db.set_value("Customer", self.customer, {"dds_siren": None, "tax_id": None})
		frappe.get_doc(
			{
				"doctype": "Address",
				"address_title": self.customer,
				"address_line1": "Rue de la Loi 16",
				"city": "Bruxelles",
				"pincode": "1000",
				"country": "Belgium",
				"is_primary_address": 1,
				"links": [{"link_doctype": "Customer", "link_name": self.customer}],
			}
		).insert()
		ticket = self.ticket()
		with self.assertRaises(einvoice.EInvoiceRefused) as caught:
			ticket.accept()
		self.assertIn("Le numéro de TVA intracommunautaire est manquant.", str(caught.exception))
		self.assertNotIn("Le SIREN est manquant", str(caught.exception))

		vat = belgian_vat("04030190")
		customer = frappe.get_doc("Customer", self.customer)
		customer.tax_id = vat
		customer.save()
		invoice = self.ticket().accept()["sales_invoice"]
		testing.issue_einvoices(invoice)
		_file, pdf = self.attached(invoice)
		read = cii_xml.read_totals(facturx.get_xml_from_pdf(pdf, check_xsd=True)[1])
		self.assertEqual((read.buyer_vat, read.buyer_siren), (vat, None))
		self.assertIn("<ram:CountryID>BE</ram:CountryID>", facturx_pdf.extract_xml(pdf)[1].decode())

	def test_the_company_without_its_identifiers_is_refused(self):
		company = frappe.db.get_value("Company", records.COMPANY, ["dds_siret", "tax_id"], as_dict=True)
		frappe.db.set_value("Company", records.COMPANY, {"dds_siret": None, "tax_id": None})
		try:
			with self.assertRaises(einvoice.EInvoiceRefused) as caught:
				self.ticket_invoice()
			message = str(caught.exception)
			self.assertIn(f"Vendeur <strong>{records.COMPANY}</strong> : Le SIRET est manquant.", message)
			self.assertIn("Le numéro de TVA intracommunautaire est manquant.", message)
		finally:
			frappe.db.set_value("Company", records.COMPANY, company)

	def test_siren_siret_and_vat_are_checked_on_customer_and_company(self):
		customer = frappe.get_doc("Customer", self.customer)
		siren = customer.dds_siren
		for fieldname, value, expected in (
			("dds_siren", "123456789", "n'est pas un SIREN valide"),
			("dds_siret", "12345678901234", "n'est pas un SIRET valide"),
			(
				"dds_siret",
				records.COMPANY_SIRET,
				f"Le SIRET <strong>{records.COMPANY_SIRET}</strong> n'appartient pas au SIREN",
			),
			("tax_id", records.COMPANY_VAT, "ne correspond pas au SIREN"),
			("tax_id", "FR00" + siren, "n'est pas un numéro de TVA intracommunautaire valide"),
		):
			customer.reload()
			customer.set(fieldname, value)
			with self.assertRaises(einvoice.PartyIdentifierError) as caught:
				customer.save()
			self.assertIn(expected, str(caught.exception))
		self.assertEqual(frappe.db.get_value("Customer", self.customer, "dds_siren"), siren)

		customer.reload()  # compact forms kept; a French VAT number alone gives the SIREN
		customer.dds_siren = None
		customer.tax_id = "fr " + en16931.french_vat_number(siren)[2:]
		customer.save()
		self.assertEqual((customer.dds_siren, customer.tax_id), (siren, en16931.french_vat_number(siren)))
		customer.dds_siren = f"{siren[:3]} {siren[3:6]} {siren[6:]}"
		customer.tax_id = None
		customer.save()  # empty VAT number allowed here
		self.assertEqual(customer.dds_siren, siren)

		company = frappe.get_doc("Company", records.COMPANY)
		company.dds_siren = "812345677"
		with self.assertRaises(einvoice.PartyIdentifierError) as caught:
			company.save()
		self.assertIn("n'est pas un SIREN valide", str(caught.exception))

	# ---------------------------------------------------------------- the print
	def test_the_french_print_has_the_legal_mentions(self):
		from erpnext.accounts.doctype.sales_invoice.sales_invoice import make_sales_return

		self.assertEqual(  # shipped with the app (migrate), Jinja, French
			frappe.db.get_value(
				"Print Format",
				einvoice.PRINT_FORMAT,
				["doc_type", "standard", "module", "print_format_type", "default_print_language"],
			),
			("Sales Invoice", "Yes", "DDS Assistance", "Jinja", "fr"),
		)
		invoice = frappe.get_doc("Sales Invoice", self.ticket_invoice())
		html = unescape(einvoice.printed_html(invoice))
		customer = frappe.db.get_value("Customer", invoice.customer, ["dds_siren", "tax_id"], as_dict=True)
		for mention in (
			"Facture",
			invoice.name,
			records.COMPANY_SIREN,
			records.COMPANY_SIRET,
			records.COMPANY_VAT,
			customer.dds_siren,
			customer.tax_id,
			invoice.dds_assistance_ticket,
			"Date d'échéance",
			"20 %",
			"Total HT",
			"83,33\u00a0€",
			"16,67\u00a0€",
			"100,00\u00a0€",
			"TVA acquittée sur les encaissements.",
			"trois fois le taux d'intérêt légal",
			"40 €",
			"Pas d'escompte pour paiement anticipé.",
			"Catégorie de l'opération : prestation de services.",
		):
			self.assertIn(mention, html)
		if self.with_bank_account:
			self.assertIn("Par virement bancaire", html)
			self.assertIn("<svg", html)  # the EPC QR code

		credit_note = make_sales_return(invoice.name)
		credit_note.insert()
		credit_note.submit()
		html = unescape(einvoice.printed_html(credit_note))
		self.assertIn("Avoir", html)
		self.assertIn(f"Avoir rectifiant la facture {invoice.name} du", html)
		self.assertNotIn("Par virement bancaire", html)

	# ---------------------------------------------------------------- the portal
	def test_the_client_downloads_its_own_einvoices_only(self):
		from erpnext.accounts.doctype.sales_invoice.sales_invoice import make_sales_return

		invoice = self.ticket_invoice()
		ticket = frappe.db.get_value("Sales Invoice", invoice, "dds_assistance_ticket")
		credit_note = make_sales_return(invoice)
		credit_note.insert()
		credit_note.submit()
		testing.issue_einvoices(credit_note.name)
		other_customer, other_user = self.new_client("Labo Voisin")

		frappe.set_user(self.user)
		listed = pages.ticket_detail(ticket)["einvoices"]
		self.assertEqual(
			[(e["name"], e["credit_note"]) for e in listed], [(invoice, False), (credit_note.name, True)]
		)
		for name in (invoice, credit_note.name):
			portal_api.download_einvoice(name)
			self.assertEqual(frappe.local.response.type, "download")
			self.assertEqual(frappe.local.response.filename, f"{name}-facturx.pdf")
			self.assertEqual(frappe.local.response.filecontent, self.attached(name)[1])
		html = testing.render_portal_page("ticket", ticket)
		self.assertIn(f"download_einvoice?invoice={invoice}", html)
		self.assertIn(f"Avoir {credit_note.name}", html)

		# through HTTP, as the browser downloads it
		user = frappe.get_doc("User", self.user)
		user.new_password = testing.PORTAL_PASSWORD
		user.save(ignore_permissions=True)
		frappe.db.commit()
		answer = testing.WebClient(self.user).call(
			"dds_assistance.api.portal.download_einvoice", "GET", invoice=invoice
		)
		self.assertEqual(answer.status_code, 200)
		self.assertEqual(answer.mimetype, "application/pdf")
		self.assertTrue(answer.headers["Content-Disposition"].startswith("attachment;"))
		self.assertIn(f"{invoice}-facturx.pdf", answer.headers["Content-Disposition"])
		self.assertEqual(answer.get_data(), self.attached(invoice)[1])

		frappe.set_user(other_user)
		for name in (invoice, credit_note.name, "ACC-SINV-0000-00000", ""):
			with self.assertRaises(frappe.DoesNotExistError) as caught:
				portal_api.download_einvoice(name)
			self.assertNotIn(self.customer, str(caught.exception))
		self.assertRaises(frappe.DoesNotExistError, pages.ticket_detail, ticket)
		frappe.set_user("Guest")
		self.assertRaises(frappe.PermissionError, portal_api.download_einvoice, invoice)
		frappe.set_user(testing.AGENT)
		self.assertRaises(frappe.PermissionError, portal_api.download_einvoice, invoice)

	def test_the_subscription_page_lists_the_plans_einvoices(self):
		sub = frappe.get_doc(
			{
				"doctype": "Premium Subscription",
				"customer": self.customer,
				"start_date": frappe.utils.nowdate(),
				"item": testing.PLAN_ITEM,
				"annual_price": 1200,
				"licence_valid_until": date(2035, 12, 31),
			}
		).insert()
		invoice = frappe.db.get_value("Sales Invoice", {"dds_premium_subscription": sub.name, "docstatus": 1})
		testing.issue_einvoices(invoice)
		frappe.set_user(self.user)
		context = pages.subscription_context()
		self.assertEqual([e["name"] for e in context["einvoices"]], [invoice])
		portal_api.download_einvoice(invoice)
		self.assertEqual(frappe.local.response.filecontent[:5], b"%PDF-")
