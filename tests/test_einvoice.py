"""Factur-X EN 16931 e-invoices: identifiers, XML, read-back, PDF (core/en16931.py, core/cii_xml.py,
facturx_pdf.py). Framework-free: the XML is checked against the Factur-X schema
shipped by the factur-x library, the PDF made with Debian's Ghostscript when it
is installed."""

import io
import logging
import re
import shutil
from datetime import date
from decimal import Decimal

import facturx
import pytest
from lxml import etree
from pypdf import PdfReader
from stdnum import luhn
from stdnum.fr import tva

from dds_assistance.core import cii_xml, en16931
from dds_assistance.core.errors import RuleError
from dds_assistance.integrations import facturx_pdf


# ------------------------------------------------------------------- test identifiers
def make_siren(first_eight: str) -> str:
	return first_eight + luhn.calc_check_digit(first_eight)


def make_siret(siren: str, nic: str) -> str:
	return siren + nic + luhn.calc_check_digit(siren + nic)


SELLER_SIREN = make_siren("82345678")
SELLER_SIRET = make_siret(SELLER_SIREN, "0001")
BUYER_SIREN = make_siren("51234567")
BUYER_SIRET = make_siret(BUYER_SIREN, "0002")
IBAN = "FR76 3000 6000 0112 3456 7890 189"
BIC = "AGRIFRPP"


def seller(**changes) -> en16931.Party:
	values = dict(
		legal_name="3D Dental Store SAS",
		siren=SELLER_SIREN,
		siret=SELLER_SIRET,
		vat_number=en16931.french_vat_number(SELLER_SIREN),
		address_lines=["75 route de Lyons-la-Forêt"],
		postcode="76000",
		city="Rouen",
		country_code="FR",
		email="support@3ddentalstore.fr",
	)
	values.update(changes)
	return en16931.Party(**values)


def buyer(**changes) -> en16931.Party:
	values = dict(
		legal_name="Laboratoire Dupont & Fils",
		siren=BUYER_SIREN,
		siret=None,
		vat_number=en16931.french_vat_number(BUYER_SIREN),
		address_lines=["12 rue de la Paix", "Bâtiment B"],
		postcode="75002",
		city="Paris",
		country_code="FR",
		email="compta@dupont-fils.fr",
	)
	values.update(changes)
	return en16931.Party(**values)


def ticket_invoice(**changes) -> en16931.Invoice:
	"""R-ACC-1: one line, the ticket item, 100 € TTC = 83.33 HT + 16.67 VAT 20 %."""
	values = dict(
		number="ACC-SINV-2026-00001",
		issue_date=date(2026, 3, 2),
		seller=seller(),
		buyer=buyer(),
		lines=[
			en16931.Line("1", "exocad assistance — ticket TKT-00042", 1, "83.33", "83.33", item_code="ASSIST")
		],
		net_total="83.33",
		tax_total="16.67",
		grand_total="100.00",
		due_date=date(2026, 3, 2),
		payment_terms="Payable on receipt.",
		buyer_reference="TKT-00042",
		seller_iban=IBAN,
		seller_bic=BIC,
		notes=en16931.french_legal_notes(),
		delivery_date=date(2026, 3, 2),
	)
	values.update(changes)
	return en16931.Invoice(**values)


def premium_invoice(**changes) -> en16931.Invoice:
	"""R-SUB-2: a renewed Premium year, 1 200 € TTC = 1 000 HT + 200 VAT."""
	values = dict(
		number="ACC-SINV-2026-00107",
		issue_date=date(2027, 1, 15),
		seller=seller(),
		buyer=buyer(siret=BUYER_SIRET),
		lines=[
			en16931.Line(
				"1", "Premium exocad assistance, 2027-01-15 to 2028-01-14", 1, 1000, 1000, item_code="PREMIUM"
			)
		],
		net_total=1000,
		tax_total=200,
		grand_total=1200,
		due_date=date(2027, 2, 14),
		payment_terms="30 days from the invoice date.",
		buyer_reference="PREM-0007",
		seller_iban=IBAN,
		period_start=date(2027, 1, 15),
		period_end=date(2028, 1, 14),
		notes=en16931.french_legal_notes(),
	)
	values.update(changes)
	return en16931.Invoice(**values)


def credit_note(**changes) -> en16931.Invoice:
	"""An ERPNext return against the ticket invoice: 381, positive amounts."""
	values = dict(
		number="ACC-SINV-RET-2026-00003",
		issue_date=date(2026, 3, 9),
		seller=seller(),
		buyer=buyer(),
		lines=[en16931.Line("1", "exocad assistance — ticket TKT-00042", 1, "83.33", "83.33")],
		net_total="83.33",
		tax_total="16.67",
		grand_total="100.00",
		type_code=en16931.CREDIT_NOTE,
		payment_terms="Refunded by bank transfer.",
		buyer_reference="TKT-00042",
		preceding_invoice="ACC-SINV-2026-00001",
		preceding_invoice_date=date(2026, 3, 2),
		notes=en16931.french_legal_notes(),
	)
	values.update(changes)
	return en16931.Invoice(**values)


def xpath(xml: bytes, path: str) -> list:
	return etree.fromstring(xml).xpath(path, namespaces=en16931.NS)


def codes(errors) -> list[str]:
	return [error.code for error in errors]


# ----------------------------------------------------------------------- identifiers
def test_test_numbers_are_real_valid_identifiers():
	assert en16931.check_siren(SELLER_SIREN) == SELLER_SIREN
	assert en16931.check_siret(SELLER_SIRET, SELLER_SIREN) == SELLER_SIRET
	assert tva.is_valid(en16931.french_vat_number(SELLER_SIREN))
	assert en16931.french_vat_number("732 829 320") == "FR44732829320"  # a published company number


def test_identifiers_are_normalised():
	spaced = " ".join((SELLER_SIREN[:3], SELLER_SIREN[3:6], SELLER_SIREN[6:]))
	assert en16931.check_siren(spaced) == SELLER_SIREN
	assert en16931.check_siret(f"{SELLER_SIRET[:9]} {SELLER_SIRET[9:]}") == SELLER_SIRET
	vat = en16931.french_vat_number(SELLER_SIREN)
	assert en16931.check_vat(f"fr {vat[2:4]} {vat[4:]}", SELLER_SIREN) == vat
	assert en16931.check_vat("DE 136 695 976") == "DE136695976"  # another EU number
	assert en16931.check_iban(IBAN) == IBAN.replace(" ", "")


@pytest.mark.parametrize(
	"check, value, code",
	[
		(en16931.check_siren, None, "missing_siren"),
		(en16931.check_siren, "  ", "missing_siren"),
		(en16931.check_siren, SELLER_SIREN[:-1] + str((int(SELLER_SIREN[-1]) + 1) % 10), "invalid_siren"),
		(en16931.check_siren, "12345", "invalid_siren"),
		(en16931.check_siren, "ABCDEFGHI", "invalid_siren"),
		(en16931.check_siret, "", "missing_siret"),
		(en16931.check_siret, SELLER_SIRET[:-1] + str((int(SELLER_SIRET[-1]) + 1) % 10), "invalid_siret"),
		(en16931.check_siret, SELLER_SIREN, "invalid_siret"),
		(en16931.check_vat, None, "missing_vat"),
		(en16931.check_vat, "FR00" + SELLER_SIREN, "invalid_vat"),
		(en16931.check_vat, en16931.french_vat_number(SELLER_SIREN)[2:], "invalid_vat"),  # no country prefix
		(en16931.check_vat, "DE136695977", "invalid_vat"),
		(en16931.check_iban, "FR76 3000 6000 0112 3456 7890 188", "invalid_iban"),
		(en16931.check_bic, "AGRI", "invalid_bic"),
	],
)
def test_invalid_or_missing_identifiers_are_refused_with_their_code(check, value, code):
	with pytest.raises(en16931.IdentifierError) as raised:
		check(value)
	error = raised.value
	assert error.code == code
	assert isinstance(error, ValueError) and isinstance(error, RuleError)
	assert error.message == en16931.MESSAGES[code]
	assert str(error) == error.message.format(*error.args_)


def test_siren_is_read_from_a_french_vat_number():
	assert en16931.siren_from_vat(en16931.french_vat_number(BUYER_SIREN)) == BUYER_SIREN
	assert en16931.siren_from_vat("FR 44 732 829 320") == "732829320"
	assert en16931.siren_from_vat("FR00" + BUYER_SIREN) is None  # wrong key
	assert en16931.siren_from_vat("DE136695976") is None
	assert en16931.siren_from_vat(None) is None


def test_identifiers_of_another_company_are_refused():
	with pytest.raises(en16931.IdentifierError) as raised:
		en16931.check_siret(BUYER_SIRET, SELLER_SIREN)
	assert raised.value.code == "siret_not_of_siren"
	assert raised.value.args_ == (BUYER_SIRET, SELLER_SIREN)
	with pytest.raises(en16931.IdentifierError) as raised:
		en16931.check_vat(en16931.french_vat_number(BUYER_SIREN), SELLER_SIREN)
	assert raised.value.code == "vat_not_of_siren"


def test_every_message_is_an_english_template_with_numbered_placeholders():
	for code, message in en16931.MESSAGES.items():
		assert message.endswith("."), code
		placeholders = re.findall(r"\{[^}]*\}", message)
		assert all(re.fullmatch(r"\{\d\}", p) for p in placeholders), code
		assert message.format(*range(9)), code


# --------------------------------------------------------------------- validate_parties
def test_a_complete_invoice_has_no_party_problem():
	assert en16931.validate_parties(ticket_invoice()) == []
	assert en16931.validate_invoice(ticket_invoice()) == []
	assert en16931.validate_invoice(premium_invoice()) == []
	assert en16931.validate_invoice(credit_note()) == []


def test_seller_needs_siren_siret_and_vat():
	invoice = ticket_invoice(seller=seller(siren=None, siret="", vat_number=None))
	errors = en16931.validate_parties(invoice)
	assert codes(errors) == ["missing_siren", "missing_siret", "missing_vat"]
	assert {(e.role, e.party) for e in errors} == {("seller", "3D Dental Store SAS")}


def test_every_invalid_identifier_is_listed_with_its_party():
	invoice = ticket_invoice(
		seller=seller(siren="823456780", vat_number="FR00823456780"),
		buyer=buyer(siren="51234567", siret="123", vat_number="FR12"),
	)
	errors = en16931.validate_parties(invoice)
	assert [(e.role, e.code) for e in errors] == [
		("seller", "invalid_siren"),
		("seller", "invalid_vat"),
		("buyer", "invalid_siren"),
		("buyer", "invalid_siret"),
		("buyer", "invalid_vat"),
	]
	assert errors[0].args_ == ("823456780",)


def test_seller_identifiers_must_be_one_company():
	invoice = ticket_invoice(
		seller=seller(siret=BUYER_SIRET, vat_number=en16931.french_vat_number(BUYER_SIREN))
	)
	assert codes(en16931.validate_parties(invoice)) == ["siret_not_of_siren", "vat_not_of_siren"]


def test_a_french_buyer_needs_its_siren_its_vat_number_only_when_known():
	assert codes(en16931.validate_parties(ticket_invoice(buyer=buyer(siren=None)))) == ["missing_siren"]
	assert en16931.validate_parties(ticket_invoice(buyer=buyer(vat_number=None))) == []
	assert en16931.validate_parties(ticket_invoice(buyer=buyer(siret=BUYER_SIRET))) == []


def test_a_foreign_buyer_needs_no_siren_but_a_valid_vat_number_when_given():
	foreign = dict(siren=None, country_code="DE", postcode="10115", city="Berlin")
	assert en16931.validate_parties(ticket_invoice(buyer=buyer(vat_number="DE136695976", **foreign))) == []
	assert en16931.validate_parties(ticket_invoice(buyer=buyer(vat_number=None, **foreign))) == []
	errors = en16931.validate_parties(ticket_invoice(buyer=buyer(vat_number="DE136695977", **foreign)))
	assert [(e.role, e.code) for e in errors] == [("buyer", "invalid_vat")]


def test_party_name_and_country_are_required():
	errors = en16931.validate_parties(ticket_invoice(buyer=buyer(legal_name=" ", country_code="France")))
	assert codes(errors) == ["missing_name", "invalid_country"]


# ---------------------------------------------------------------------- ticket invoice
def test_ticket_invoice_xml_is_valid_factur_x_en16931():
	xml = cii_xml.build_cii_xml(ticket_invoice())
	assert xml.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
	assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931") is True
	assert facturx.get_level(etree.fromstring(xml), "factur-x") == "en16931"


def test_ticket_invoice_reads_back_as_given():
	invoice = ticket_invoice()
	summary = cii_xml.read_totals(cii_xml.build_cii_xml(invoice))
	assert summary == cii_xml.summary_of(invoice)
	assert (summary.number, summary.type_code, summary.issue_date) == (
		"ACC-SINV-2026-00001",
		"380",
		date(2026, 3, 2),
	)
	assert summary.profile == "urn:cen.eu:en16931:2017"
	assert summary.currency == "EUR"
	assert (summary.line_count, summary.line_total, summary.tax_basis_total) == (
		1,
		Decimal("83.33"),
		Decimal("83.33"),
	)
	assert (summary.tax_total, summary.grand_total, summary.due_payable) == (
		Decimal("16.67"),
		Decimal("100.00"),
		Decimal("100.00"),
	)
	assert (summary.seller_siren, summary.seller_siret, summary.seller_vat) == (
		SELLER_SIREN,
		SELLER_SIRET,
		en16931.french_vat_number(SELLER_SIREN),
	)
	assert (summary.buyer_name, summary.buyer_siren, summary.buyer_siret, summary.buyer_vat) == (
		"Laboratoire Dupont & Fils",
		BUYER_SIREN,
		None,
		en16931.french_vat_number(BUYER_SIREN),
	)
	assert summary.buyer_reference == "TKT-00042"
	assert summary.payment_reference == "ACC-SINV-2026-00001"  # the number, for bank-transfer matching
	assert (summary.payment_means_code, summary.iban) == ("58", IBAN.replace(" ", ""))
	assert summary.due_date == date(2026, 3, 2)
	assert (summary.preceding_invoice, summary.preceding_invoice_date) == (None, None)


def test_ticket_invoice_xml_carries_the_french_vat_and_identifier_conventions():
	xml = cii_xml.build_cii_xml(ticket_invoice())
	line = "//ram:IncludedSupplyChainTradeLineItem"
	assert xpath(xml, f"{line}/ram:SpecifiedTradeProduct/ram:Name/text()") == [
		"exocad assistance — ticket TKT-00042"
	]
	assert xpath(xml, f"{line}//ram:NetPriceProductTradePrice/ram:ChargeAmount/text()") == ["83.33"]
	assert xpath(xml, f"{line}//ram:BilledQuantity/@unitCode") == ["C62"]
	assert xpath(xml, f"{line}//ram:ApplicableTradeTax/ram:CategoryCode/text()") == ["S"]
	assert xpath(xml, f"{line}//ram:ApplicableTradeTax/ram:RateApplicablePercent/text()") == ["20.00"]
	header_tax = "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax"
	assert xpath(xml, f"{header_tax}/ram:CalculatedAmount/text()") == ["16.67"]
	assert xpath(xml, f"{header_tax}/ram:BasisAmount/text()") == ["83.33"]
	assert xpath(xml, f"{header_tax}/ram:DueDateTypeCode/text()") == ["72"]  # VAT on receipts
	assert xpath(xml, "//ram:TaxTotalAmount/@currencyID") == ["EUR"]
	assert xpath(xml, "//ram:SellerTradeParty/ram:SpecifiedLegalOrganization/ram:ID/@schemeID") == ["0002"]
	assert xpath(xml, "//ram:SellerTradeParty/ram:GlobalID/@schemeID") == ["0009"]
	assert xpath(xml, "//ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID/@schemeID") == ["VA"]
	assert xpath(xml, "//ram:SellerTradeParty/ram:URIUniversalCommunication/ram:URIID/text()") == [
		"support@3ddentalstore.fr"
	]
	assert xpath(xml, "//ram:BuyerTradeParty/ram:PostalTradeAddress/ram:LineTwo/text()") == ["Bâtiment B"]
	assert xpath(xml, "//ram:PayeeSpecifiedCreditorFinancialInstitution/ram:BICID/text()") == [BIC]
	assert xpath(xml, "//ram:ActualDeliverySupplyChainEvent//udt:DateTimeString/text()") == ["20260302"]
	assert xpath(xml, "//ram:IssueDateTime/udt:DateTimeString/@format") == ["102"]


def test_legal_mentions_are_notes_with_their_subject_codes():
	notes = en16931.french_legal_notes(lambda text: f"fr:{text}")
	assert [n.subject_code for n in notes] == ["PMD", "PMT", "AAB", "TXD"]
	assert all(n.content.startswith("fr:") for n in notes)
	assert "40 €" in notes[1].content
	assert [n.subject_code for n in en16931.french_legal_notes(vat_on_payments=False)] == [
		"PMD",
		"PMT",
		"AAB",
	]
	xml = cii_xml.build_cii_xml(ticket_invoice(notes=notes))
	assert xpath(xml, "//rsm:ExchangedDocument/ram:IncludedNote/ram:SubjectCode/text()") == [
		"PMD",
		"PMT",
		"AAB",
		"TXD",
	]
	assert xpath(xml, "//ram:IncludedNote/ram:Content/text()")[1] == notes[1].content


def test_without_iban_no_credit_transfer_is_announced():
	invoice = ticket_invoice(seller_iban=None, seller_bic=None)
	xml = cii_xml.build_cii_xml(invoice)
	assert xpath(xml, "//ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode/text()") == ["1"]
	assert xpath(xml, "//ram:PayeePartyCreditorFinancialAccount") == []
	assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
	assert cii_xml.read_totals(xml) == cii_xml.summary_of(invoice)


def test_credit_transfer_without_iban_is_refused():
	errors = en16931.validate_invoice(ticket_invoice(seller_iban=None, payment_means_code="58"))
	assert codes(errors) == ["missing_iban"]
	errors = en16931.validate_invoice(ticket_invoice(seller_iban="FR76 0000", seller_bic="XX"))
	assert codes(errors) == ["invalid_iban", "invalid_bic"]
	assert errors[0].role == "seller"


def test_control_characters_do_not_break_the_xml():
	invoice = ticket_invoice(lines=[en16931.Line("1", "ticket\x07 TKT-00042\x00", 1, "83.33", "83.33")])
	xml = cii_xml.build_cii_xml(invoice)
	assert xpath(xml, "//ram:SpecifiedTradeProduct/ram:Name/text()") == ["ticket TKT-00042"]


# --------------------------------------------------------------------- Premium renewal
def test_premium_renewal_invoice_is_valid_and_reads_back():
	invoice = premium_invoice()
	xml = cii_xml.build_cii_xml(invoice)
	assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931") is True
	summary = cii_xml.read_totals(xml)
	assert summary == cii_xml.summary_of(invoice)
	assert (summary.tax_basis_total, summary.tax_total, summary.grand_total) == (
		Decimal("1000.00"),
		Decimal("200.00"),
		Decimal("1200.00"),
	)
	assert summary.buyer_siret == BUYER_SIRET
	assert summary.due_date == date(2027, 2, 14)
	period = "//ram:ApplicableHeaderTradeSettlement/ram:BillingSpecifiedPeriod"
	assert xpath(xml, f"{period}/ram:StartDateTime/udt:DateTimeString/text()") == ["20270115"]
	assert xpath(xml, f"{period}/ram:EndDateTime/udt:DateTimeString/text()") == ["20280114"]
	assert xpath(xml, "//ram:SpecifiedTradePaymentTerms/ram:Description/text()") == [
		"30 days from the invoice date."
	]


# ------------------------------------------------------------------------ credit notes
def test_credit_note_is_381_with_positive_amounts_and_names_the_invoice():
	invoice = credit_note()
	xml = cii_xml.build_cii_xml(invoice)
	assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931") is True
	summary = cii_xml.read_totals(xml)
	assert summary == cii_xml.summary_of(invoice)
	assert summary.type_code == "381"
	assert (summary.tax_basis_total, summary.tax_total, summary.grand_total) == (
		Decimal("83.33"),
		Decimal("16.67"),
		Decimal("100.00"),
	)
	assert (summary.preceding_invoice, summary.preceding_invoice_date) == (
		"ACC-SINV-2026-00001",
		date(2026, 3, 2),
	)
	assert summary.payment_means_code is None  # the seller is not asking to be paid
	referenced = "//ram:ApplicableHeaderTradeSettlement/ram:InvoiceReferencedDocument"
	assert xpath(xml, f"{referenced}/ram:FormattedIssueDateTime/qdt:DateTimeString/@format") == ["102"]


def test_credit_note_must_name_the_corrected_invoice():
	assert codes(en16931.validate_invoice(credit_note(preceding_invoice=None))) == [
		"missing_preceding_invoice"
	]


def test_negative_amounts_are_refused():
	# an ERPNext return has qty -1 and negative totals: they are given positive here
	erpnext_like = credit_note(
		lines=[en16931.Line("1", "ticket", -1, "83.33", "-83.33")],
		net_total="-83.33",
		tax_total="-16.67",
		grand_total="-100.00",
	)
	errors = en16931.validate_invoice(erpnext_like)
	assert codes(errors) == ["negative_amount"]
	with pytest.raises(en16931.EInvoiceError) as raised:
		cii_xml.build_cii_xml(erpnext_like)
	assert raised.value.code == "negative_amount"


# ----------------------------------------------------------------------------- totals
def test_totals_that_do_not_add_up_are_refused():
	assert codes(en16931.validate_invoice(ticket_invoice(grand_total="101.00"))) == ["grand_total_mismatch"]
	assert codes(en16931.validate_invoice(ticket_invoice(net_total="83.00", grand_total="99.67"))) == [
		"net_total_mismatch"
	]
	assert codes(en16931.validate_invoice(ticket_invoice(tax_total="17.67", grand_total="101.00"))) == [
		"tax_total_mismatch"
	]
	bad_line = [en16931.Line("1", "ticket", 2, "83.33", "83.33")]
	assert codes(en16931.validate_invoice(ticket_invoice(lines=bad_line))) == ["line_amount_mismatch"]
	reverse_charge = [en16931.Line("1", "ticket", 1, "83.33", "83.33", vat_category="AE", vat_rate=0)]
	assert "unsupported_vat_category" in codes(en16931.validate_invoice(ticket_invoice(lines=reverse_charge)))


def test_several_lines_and_rates_make_one_vat_row_per_rate():
	lines = [
		en16931.Line("1", "ticket", 1, "83.33", "83.33"),
		en16931.Line("2", "ticket", 2, "10", "20.00"),
		en16931.Line("3", "book", 1, "10", "10.00", vat_rate="5.5"),
	]
	invoice = ticket_invoice(lines=lines, net_total="113.33", tax_total="21.22", grand_total="134.55")
	assert en16931.validate_invoice(invoice) == []
	assert [(c, str(r), str(b), str(t)) for c, r, b, t in en16931.vat_breakdown(invoice)] == [
		("S", "20.00", "103.33", "20.67"),
		("S", "5.50", "10.00", "0.55"),
	]
	xml = cii_xml.build_cii_xml(invoice)
	assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")
	rows = "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax"
	assert xpath(xml, f"{rows}/ram:RateApplicablePercent/text()") == ["20.00", "5.50"]
	assert cii_xml.read_totals(xml) == cii_xml.summary_of(invoice)
	wrong = ticket_invoice(lines=lines, net_total="113.33", tax_total="21.23", grand_total="134.56")
	assert codes(en16931.validate_invoice(wrong)) == ["tax_breakdown_mismatch"]


def test_an_amount_due_needs_a_due_date_or_terms():
	invoice = ticket_invoice(due_date=None, payment_terms=None)
	assert codes(en16931.validate_invoice(invoice)) == ["missing_payment_terms"]
	assert en16931.validate_invoice(ticket_invoice(due_date=None)) == []
	assert en16931.validate_invoice(ticket_invoice(payment_terms=None)) == []


def test_build_raises_the_first_problem_and_lists_them_all():
	invoice = ticket_invoice(seller=seller(siren=None), grand_total="99.00", type_code="389")
	with pytest.raises(en16931.EInvoiceError) as raised:
		cii_xml.build_cii_xml(invoice)
	assert raised.value.code == "missing_siren"
	assert codes(raised.value.errors) == ["missing_siren", "invalid_type_code", "grand_total_mismatch"]


def test_unvalidated_build_still_writes_what_it_is_given():
	xml = cii_xml.build_cii_xml(ticket_invoice(buyer=buyer(siren=None)), validate=False)
	assert xpath(xml, "//ram:BuyerTradeParty/ram:SpecifiedLegalOrganization") == []
	assert cii_xml.read_totals(xml).buyer_siren is None


def test_read_totals_accepts_text_and_reads_a_foreign_document():
	xml = cii_xml.build_cii_xml(credit_note()).decode("utf-8")
	assert cii_xml.read_totals(xml).preceding_invoice == "ACC-SINV-2026-00001"


# -------------------------------------------------------------------------------- PDF
def minimal_pdf(text: str = "Facture ACC-SINV-2026-00001 - 100,00 EUR TTC") -> bytes:
	"""A one-page PDF written by hand (Helvetica, not embedded), like a printed invoice."""
	stream = f"BT /F1 14 Tf 72 720 Td ({text}) Tj ET\n0.2 0.4 0.8 rg 72 600 200 50 re f\n".encode("latin-1")
	objects = [
		b"<< /Type /Catalog /Pages 2 0 R >>",
		b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
		b" /Resources << /Font << /F1 5 0 R >> >> >>",
		b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"endstream",
		b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	]
	out = bytearray(b"%PDF-1.4\n")
	offsets = []
	for number, body in enumerate(objects, start=1):
		offsets.append(len(out))
		out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
	xref = len(out)
	out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
	for offset in offsets:
		out += f"{offset:010d} 00000 n \n".encode()
	out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
	return bytes(out)


def test_the_handwritten_pdf_is_a_pdf():
	reader = PdfReader(io.BytesIO(minimal_pdf()))
	assert len(reader.pages) == 1
	assert "ACC-SINV-2026-00001" in reader.pages[0].extract_text()


needs_gs = pytest.mark.skipif(not shutil.which("gs"), reason="Ghostscript (gs) is not installed")


@needs_gs
def test_factur_x_pdf_is_pdf_a3_and_carries_the_xml():
	xml = cii_xml.build_cii_xml(ticket_invoice())
	result = facturx_pdf.build_facturx_pdf(minimal_pdf(), xml)
	assert (result.pdfa, result.warning) == (True, None)

	filename, embedded = facturx.get_xml_from_pdf(result.pdf)
	assert (filename, embedded) == ("factur-x.xml", xml)
	assert facturx.get_level(etree.fromstring(embedded), "factur-x") == "en16931"

	content = facturx_pdf.read_facturx_pdf(result.pdf)
	assert (content.pdfa_part, content.pdfa_conformance) == ("3", "B")
	assert content.xmp_conformance_level == "EN 16931"
	assert content.output_intent is True

	reader = PdfReader(io.BytesIO(result.pdf))
	root = reader.trailer["/Root"]
	xmp = root["/Metadata"].get_object().get_data()
	assert b"<pdfaid:part>3</pdfaid:part>" in xmp
	assert reader.trailer.get("/ID"), "PDF/A needs a file identifier"
	assert root["/Lang"] == "fr-FR"
	assert len(reader.pages) == 1
	assert "ACC-SINV-2026-00001" in reader.pages[0].extract_text()
	fonts = reader.pages[0]["/Resources"]["/Font"]
	descriptors = [fonts[name].get_object()["/FontDescriptor"].get_object() for name in fonts]
	assert all({"/FontFile", "/FontFile2", "/FontFile3"} & set(d) for d in descriptors)  # embedded


@needs_gs
def test_document_information_says_what_the_xmp_says():
	xml = cii_xml.build_cii_xml(ticket_invoice(seller=seller(legal_name="Dupont & Fils <Dental>")))
	pdf = facturx_pdf.make_facturx_pdf(minimal_pdf(), xml)
	reader = PdfReader(io.BytesIO(pdf))
	xmp = etree.fromstring(reader.trailer["/Root"]["/Metadata"].get_object().get_data())  # well-formed
	ns = {
		"dc": "http://purl.org/dc/elements/1.1/",
		"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
		"pdf": "http://ns.adobe.com/pdf/1.3/",
		"xmp": "http://ns.adobe.com/xap/1.0/",
	}
	info = reader.metadata
	assert (
		info["/Author"]
		== "Dupont & Fils <Dental>"
		== xmp.xpath("string(//dc:creator//rdf:li)", namespaces=ns)
	)
	assert info["/Title"] == xmp.xpath("string(//dc:title//rdf:li)", namespaces=ns)
	assert info["/Title"] == "Dupont & Fils <Dental>: Invoice ACC-SINV-2026-00001"
	assert info["/Producer"] == xmp.xpath("string(//pdf:Producer)", namespaces=ns)
	assert info["/Creator"] == xmp.xpath("string(//xmp:CreatorTool)", namespaces=ns)
	assert "/Keywords" not in info  # the XMP has no pdf:Keywords
	created = xmp.xpath("string(//xmp:CreateDate)", namespaces=ns)
	assert info["/CreationDate"] == facturx_pdf._pdf_date(created)


def test_credit_note_pdf_metadata_says_credit_note():
	xml = cii_xml.build_cii_xml(credit_note())
	metadata = facturx_pdf.default_pdf_metadata(xml, lambda text: text.replace("Credit Note", "Avoir"))
	assert metadata["title"] == "3D Dental Store SAS: Avoir ACC-SINV-RET-2026-00003"
	assert (
		metadata["subject"] == "Avoir ACC-SINV-RET-2026-00003 dated 2026-03-09 issued by 3D Dental Store SAS"
	)


def test_without_ghostscript_the_xml_is_still_embedded_and_the_gap_is_said(monkeypatch, caplog):
	monkeypatch.setattr(facturx_pdf, "find_ghostscript", lambda: None)
	xml = cii_xml.build_cii_xml(credit_note())
	with caplog.at_level(logging.WARNING, logger=facturx_pdf.__name__):
		result = facturx_pdf.build_facturx_pdf(minimal_pdf(), xml)
	assert result.pdfa is False
	assert result.warning == facturx_pdf.NO_GHOSTSCRIPT
	assert facturx_pdf.NO_GHOSTSCRIPT in caplog.text
	assert facturx_pdf.extract_xml(result.pdf) == ("factur-x.xml", xml)
	content = facturx_pdf.read_facturx_pdf(result.pdf)
	assert (content.level, content.output_intent) == ("en16931", False)
	with caplog.at_level(logging.WARNING, logger=facturx_pdf.__name__):
		assert facturx_pdf.make_facturx_pdf(minimal_pdf(), xml)[:5] == b"%PDF-"


def test_a_failing_ghostscript_falls_back_too(tmp_path):
	broken = tmp_path / "gs"
	broken.write_text("#!/bin/sh\necho 'broken' >&2\nexit 3\n")
	broken.chmod(0o755)
	profile = tmp_path / "srgb.icc"  # set here: a machine without Ghostscript has none of its own
	profile.write_bytes(b"not read: the broken gs fails first")
	result = facturx_pdf.build_facturx_pdf(
		minimal_pdf(), cii_xml.build_cii_xml(ticket_invoice()), gs=str(broken), icc_profile=str(profile)
	)
	assert result.pdfa is False
	assert "exit code 3" in result.warning
	assert facturx_pdf.extract_xml(result.pdf)[0] == "factur-x.xml"


def test_an_invalid_xml_is_refused_before_any_pdf_is_made():
	xml = cii_xml.build_cii_xml(ticket_invoice())
	broken = xml.replace(b"<ram:TypeCode>380</ram:TypeCode>", b"")
	with pytest.raises(Exception, match="Schema Definition"):
		facturx_pdf.check_xml(broken)
	with pytest.raises(Exception, match="Schema Definition"):
		facturx_pdf.build_facturx_pdf(minimal_pdf(), broken, pdfa=False)
	assert facturx_pdf.check_xml(xml) is True


# ---------------------------------------------------------------------- SEPA direct debit (#29)
DEBTOR_IBAN = "FR7630004028370001059384612"
CREDITOR_ID = "FR72ZZZ123456"


def debited_renewal(**changes) -> en16931.Invoice:
	"""A Premium renewal paid by SEPA direct debit: payment means 59 with the mandate."""
	values = dict(mandate_reference="RUM-C0007-01", creditor_id=CREDITOR_ID, debtor_iban=DEBTOR_IBAN)
	values.update(changes)
	return premium_invoice(**values)


def test_direct_debit_renewal_carries_code_59_mandate_creditor_and_debited_account():
	invoice = debited_renewal()
	xml = cii_xml.build_cii_xml(invoice)
	assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931") is True
	settlement = "//ram:ApplicableHeaderTradeSettlement"
	assert [
		e.text for e in xpath(xml, f"{settlement}/ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode")
	] == ["59"]
	assert [
		e.text for e in xpath(xml, f"{settlement}/ram:SpecifiedTradePaymentTerms/ram:DirectDebitMandateID")
	] == ["RUM-C0007-01"]
	assert [e.text for e in xpath(xml, f"{settlement}/ram:CreditorReferenceID")] == [CREDITOR_ID]
	assert [
		e.text
		for e in xpath(
			xml,
			f"{settlement}/ram:SpecifiedTradeSettlementPaymentMeans/ram:PayerPartyDebtorFinancialAccount/ram:IBANID",
		)
	] == [DEBTOR_IBAN]
	# the seller's own account is not a payee account of a direct debit
	assert xpath(xml, f"{settlement}//ram:PayeePartyCreditorFinancialAccount") == []
	summary = cii_xml.read_totals(xml)
	assert summary == cii_xml.summary_of(invoice)
	assert (
		summary.payment_means_code,
		summary.mandate_reference,
		summary.creditor_id,
		summary.debtor_iban,
	) == (
		"59",
		"RUM-C0007-01",
		CREDITOR_ID,
		DEBTOR_IBAN,
	)


def test_a_renewal_without_mandate_stays_a_transfer():
	xml = cii_xml.build_cii_xml(premium_invoice())
	assert cii_xml.read_totals(xml).payment_means_code == "58"
	assert xpath(xml, "//ram:CreditorReferenceID") == []
	assert xpath(xml, "//ram:DirectDebitMandateID") == []


def test_a_direct_debit_needs_its_creditor_identifier_and_a_valid_debited_account():
	assert codes(en16931.validate_invoice(debited_renewal(creditor_id=None))) == ["missing_creditor_id"]
	assert codes(en16931.validate_invoice(debited_renewal(creditor_id="FR73ZZZ123456"))) == [
		"missing_creditor_id"
	]
	assert codes(en16931.validate_invoice(debited_renewal(debtor_iban=None))) == ["missing_debtor_iban"]
	assert codes(en16931.validate_invoice(debited_renewal(debtor_iban="FR7630004028370001059384613"))) == [
		"invalid_iban"
	]
