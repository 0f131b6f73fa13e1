"""The Cross-Industry-Invoice XML (UN/CEFACT D16B, EN 16931 profile) that a Factur-X
PDF carries: :func:`build_cii_xml` writes it from an
:class:`~dds_assistance.core.en16931.Invoice`; :func:`read_totals` reads the
figures back out of one, to compare them with the document they came from.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from lxml import etree

from dds_assistance.core.en16931 import (
	DATE_FORMAT,
	NS,
	PAYMENT_SEPA_DIRECT_DEBIT,
	PROFILE_EN16931,
	SCHEME_EMAIL,
	SCHEME_SIREN,
	SCHEME_SIRET,
	SCHEME_VAT,
	TRANSFER_CODES,
	UNIT_ONE,
	VAT_DUE_ON_INVOICE,
	VAT_DUE_ON_PAYMENT,
	EInvoiceSummary,
	Invoice,
	Party,
	_compact,
	_decimal,
	_fmt,
	_round,
	validate_invoice,
	vat_breakdown,
)


# -------------------------------------------------------------------------------- XML
def _q(prefix: str, tag: str) -> str:
	return f"{{{NS[prefix]}}}{tag}"


_CONTROL = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))


def _sub(parent, tag: str, text=None, **attrib):
	prefix, _sep, name = tag.partition(":")
	element = etree.SubElement(parent, _q(prefix, name), {k: str(v) for k, v in attrib.items()})
	if text is not None:
		element.text = str(text).translate(_CONTROL)  # XML 1.0 has no place for control characters
	return element


def _date(parent, tag: str, value: date, qualified: bool = False):
	holder = _sub(parent, tag)
	_sub(
		holder,
		"qdt:DateTimeString" if qualified else "udt:DateTimeString",
		value.strftime("%Y%m%d"),
		format=DATE_FORMAT,
	)
	return holder


def _party(parent, tag: str, party: Party):
	node = _sub(parent, tag)
	siren = _compact(party.siren) or None
	if party.siret:
		_sub(node, "ram:GlobalID", _compact(party.siret), schemeID=SCHEME_SIRET)
	_sub(node, "ram:Name", party.legal_name.strip())
	if siren:
		legal = _sub(node, "ram:SpecifiedLegalOrganization")
		_sub(legal, "ram:ID", siren, schemeID=SCHEME_SIREN)
	address = _sub(node, "ram:PostalTradeAddress")
	if party.postcode:
		_sub(address, "ram:PostcodeCode", party.postcode.strip())
	lines = [line.strip() for line in party.address_lines if line and line.strip()]
	if len(lines) > 3:  # the format has three address lines; the rest joins the third
		lines = lines[:2] + [", ".join(lines[2:])]
	for name, line in zip(("ram:LineOne", "ram:LineTwo", "ram:LineThree"), lines, strict=False):
		_sub(address, name, line)
	if party.city:
		_sub(address, "ram:CityName", party.city.strip())
	_sub(address, "ram:CountryID", (party.country_code or "").strip().upper())
	if party.email:
		uri = _sub(node, "ram:URIUniversalCommunication")
		_sub(uri, "ram:URIID", party.email.strip(), schemeID=SCHEME_EMAIL)
	if party.vat_number:
		registration = _sub(node, "ram:SpecifiedTaxRegistration")
		_sub(registration, "ram:ID", _compact(party.vat_number), schemeID=SCHEME_VAT)
	return node


def build_cii_xml(invoice: Invoice, *, validate: bool = True) -> bytes:
	"""The Factur-X EN 16931 XML of the invoice (UTF-8, with declaration).

	With ``validate`` (the default) the invoice is checked first with
	:func:`validate_invoice`: the first problem is raised as an
	:class:`EInvoiceError` whose ``errors`` lists them all."""
	if validate:
		errors = validate_invoice(invoice)
		if errors:
			first = errors[0]
			first.errors = errors
			raise first

	root = etree.Element(_q("rsm", "CrossIndustryInvoice"), nsmap=NS)
	context = _sub(root, "rsm:ExchangedDocumentContext")
	guideline = _sub(context, "ram:GuidelineSpecifiedDocumentContextParameter")
	_sub(guideline, "ram:ID", PROFILE_EN16931)

	document = _sub(root, "rsm:ExchangedDocument")
	_sub(document, "ram:ID", invoice.number.strip())
	_sub(document, "ram:TypeCode", invoice.type_code)
	_date(document, "ram:IssueDateTime", invoice.issue_date)
	for note in invoice.notes:
		included = _sub(document, "ram:IncludedNote")
		_sub(included, "ram:Content", note.content)
		if note.subject_code:
			_sub(included, "ram:SubjectCode", note.subject_code)

	transaction = _sub(root, "rsm:SupplyChainTradeTransaction")
	for line in invoice.lines:
		item = _sub(transaction, "ram:IncludedSupplyChainTradeLineItem")
		_sub(_sub(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", line.line_id)
		product = _sub(item, "ram:SpecifiedTradeProduct")
		if line.item_code:
			_sub(product, "ram:SellerAssignedID", line.item_code)
		_sub(product, "ram:Name", line.name)
		agreement = _sub(item, "ram:SpecifiedLineTradeAgreement")
		price = _sub(agreement, "ram:NetPriceProductTradePrice")
		_sub(price, "ram:ChargeAmount", _fmt(line.unit_price, 4))
		delivery = _sub(item, "ram:SpecifiedLineTradeDelivery")
		_sub(delivery, "ram:BilledQuantity", _fmt(line.quantity, 4), unitCode=UNIT_ONE)
		settlement = _sub(item, "ram:SpecifiedLineTradeSettlement")
		tax = _sub(settlement, "ram:ApplicableTradeTax")
		_sub(tax, "ram:TypeCode", "VAT")
		_sub(tax, "ram:CategoryCode", line.vat_category)
		_sub(tax, "ram:RateApplicablePercent", _fmt(line.vat_rate))
		summation = _sub(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation")
		_sub(summation, "ram:LineTotalAmount", _fmt(line.net_amount))

	agreement = _sub(transaction, "ram:ApplicableHeaderTradeAgreement")
	if invoice.buyer_reference:
		_sub(agreement, "ram:BuyerReference", invoice.buyer_reference)
	_party(agreement, "ram:SellerTradeParty", invoice.seller)
	_party(agreement, "ram:BuyerTradeParty", invoice.buyer)

	delivery = _sub(transaction, "ram:ApplicableHeaderTradeDelivery")
	if invoice.delivery_date:
		event = _sub(delivery, "ram:ActualDeliverySupplyChainEvent")
		_date(event, "ram:OccurrenceDateTime", invoice.delivery_date)

	settlement = _sub(transaction, "ram:ApplicableHeaderTradeSettlement")
	means_code = invoice.effective_payment_means
	direct_debit = means_code == PAYMENT_SEPA_DIRECT_DEBIT
	if direct_debit and invoice.creditor_id:
		_sub(settlement, "ram:CreditorReferenceID", _compact(invoice.creditor_id))  # BT-90
	_sub(settlement, "ram:PaymentReference", invoice.effective_payment_reference)
	_sub(settlement, "ram:InvoiceCurrencyCode", invoice.currency)
	if means_code:
		means = _sub(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
		_sub(means, "ram:TypeCode", means_code)
		if direct_debit and invoice.debtor_iban:
			debtor = _sub(means, "ram:PayerPartyDebtorFinancialAccount")  # BT-91
			_sub(debtor, "ram:IBANID", _compact(invoice.debtor_iban))
		if invoice.seller_iban and means_code in TRANSFER_CODES:
			account = _sub(means, "ram:PayeePartyCreditorFinancialAccount")
			_sub(account, "ram:IBANID", _compact(invoice.seller_iban))
			if invoice.seller_bic:
				institution = _sub(means, "ram:PayeeSpecifiedCreditorFinancialInstitution")
				_sub(institution, "ram:BICID", _compact(invoice.seller_bic))
	for category, rate, basis, amount in vat_breakdown(invoice):
		tax = _sub(settlement, "ram:ApplicableTradeTax")
		_sub(tax, "ram:CalculatedAmount", _fmt(amount))
		_sub(tax, "ram:TypeCode", "VAT")
		_sub(tax, "ram:BasisAmount", _fmt(basis))
		_sub(tax, "ram:CategoryCode", category)
		_sub(
			tax, "ram:DueDateTypeCode", VAT_DUE_ON_PAYMENT if invoice.vat_on_payments else VAT_DUE_ON_INVOICE
		)
		_sub(tax, "ram:RateApplicablePercent", _fmt(rate))
	if invoice.period_start or invoice.period_end:
		period = _sub(settlement, "ram:BillingSpecifiedPeriod")
		if invoice.period_start:
			_date(period, "ram:StartDateTime", invoice.period_start)
		if invoice.period_end:
			_date(period, "ram:EndDateTime", invoice.period_end)
	mandate = invoice.mandate_reference if direct_debit else None
	if invoice.payment_terms or invoice.due_date or mandate:
		terms = _sub(settlement, "ram:SpecifiedTradePaymentTerms")
		if invoice.payment_terms:
			_sub(terms, "ram:Description", invoice.payment_terms)
		if invoice.due_date:
			_date(terms, "ram:DueDateDateTime", invoice.due_date)
		if mandate:
			_sub(terms, "ram:DirectDebitMandateID", mandate)  # BT-89
	totals = _sub(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
	line_total = sum((line.net_amount for line in invoice.lines), Decimal("0"))
	_sub(totals, "ram:LineTotalAmount", _fmt(line_total))
	_sub(totals, "ram:TaxBasisTotalAmount", _fmt(invoice.net_total))
	_sub(totals, "ram:TaxTotalAmount", _fmt(invoice.tax_total), currencyID=invoice.currency)
	_sub(totals, "ram:GrandTotalAmount", _fmt(invoice.grand_total))
	if invoice.prepaid_amount:
		_sub(totals, "ram:TotalPrepaidAmount", _fmt(invoice.prepaid_amount))
	_sub(totals, "ram:DuePayableAmount", _fmt(invoice.due_payable))
	if invoice.preceding_invoice:
		referenced = _sub(settlement, "ram:InvoiceReferencedDocument")
		_sub(referenced, "ram:IssuerAssignedID", invoice.preceding_invoice)
		if invoice.preceding_invoice_date:
			_date(referenced, "ram:FormattedIssueDateTime", invoice.preceding_invoice_date, qualified=True)

	return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# --------------------------------------------------------------------------- read back
def _parse_date(text: str | None) -> date | None:
	return datetime.strptime(text.strip(), "%Y%m%d").date() if text and text.strip() else None


def _party_fields(seller: dict, buyer: dict) -> dict:
	"""The summary's fields of both parties, from their ``name, siren, siret, vat``."""
	return {f"{role}_{key}": ids[key] for role, ids in (("seller", seller), ("buyer", buyer)) for key in ids}


def read_totals(xml: bytes | str) -> EInvoiceSummary:
	"""The references, parties' identifiers and totals of a Factur-X / CII XML."""
	root = etree.fromstring(xml.encode("utf-8") if isinstance(xml, str) else xml)

	def text(path: str, node=None) -> str | None:
		found = (root if node is None else node).xpath(path, namespaces=NS)
		return found[0].text.strip() if found and found[0].text is not None else None

	def amount(path: str) -> Decimal:
		value = text(path)
		return Decimal(value) if value is not None else Decimal("0")

	transaction = "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction"
	agreement = f"{transaction}/ram:ApplicableHeaderTradeAgreement"
	settlement = f"{transaction}/ram:ApplicableHeaderTradeSettlement"
	totals = f"{settlement}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"

	def party(tag: str) -> dict:
		nodes = root.xpath(f"{agreement}/ram:{tag}", namespaces=NS)
		node = nodes[0] if nodes else root
		return {
			"name": text("ram:Name", node) or "",
			"siren": text(f"ram:SpecifiedLegalOrganization/ram:ID[@schemeID='{SCHEME_SIREN}']", node),
			"siret": text(f"ram:GlobalID[@schemeID='{SCHEME_SIRET}']", node),
			"vat": text(f"ram:SpecifiedTaxRegistration/ram:ID[@schemeID='{SCHEME_VAT}']", node),
		}

	seller, buyer = party("SellerTradeParty"), party("BuyerTradeParty")
	return EInvoiceSummary(
		number=text("/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:ID") or "",
		type_code=text("/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:TypeCode") or "",
		issue_date=_parse_date(
			text("/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString")
		),
		currency=text(f"{settlement}/ram:InvoiceCurrencyCode") or "",
		profile=text(
			"/rsm:CrossIndustryInvoice/rsm:ExchangedDocumentContext"
			"/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID"
		)
		or "",
		**_party_fields(seller, buyer),
		buyer_reference=text(f"{agreement}/ram:BuyerReference"),
		payment_reference=text(f"{settlement}/ram:PaymentReference"),
		payment_means_code=text(f"{settlement}/ram:SpecifiedTradeSettlementPaymentMeans/ram:TypeCode"),
		iban=text(
			f"{settlement}/ram:SpecifiedTradeSettlementPaymentMeans/ram:PayeePartyCreditorFinancialAccount/ram:IBANID"
		),
		due_date=_parse_date(
			text(f"{settlement}/ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString")
		),
		preceding_invoice=text(f"{settlement}/ram:InvoiceReferencedDocument/ram:IssuerAssignedID"),
		preceding_invoice_date=_parse_date(
			text(f"{settlement}/ram:InvoiceReferencedDocument/ram:FormattedIssueDateTime/qdt:DateTimeString")
		),
		line_count=len(root.xpath(f"{transaction}/ram:IncludedSupplyChainTradeLineItem", namespaces=NS)),
		line_total=amount(f"{totals}/ram:LineTotalAmount"),
		tax_basis_total=amount(f"{totals}/ram:TaxBasisTotalAmount"),
		tax_total=amount(f"{totals}/ram:TaxTotalAmount"),
		grand_total=amount(f"{totals}/ram:GrandTotalAmount"),
		due_payable=amount(f"{totals}/ram:DuePayableAmount"),
		mandate_reference=text(f"{settlement}/ram:SpecifiedTradePaymentTerms/ram:DirectDebitMandateID"),
		creditor_id=text(f"{settlement}/ram:CreditorReferenceID"),
		debtor_iban=text(
			f"{settlement}/ram:SpecifiedTradeSettlementPaymentMeans/ram:PayerPartyDebtorFinancialAccount/ram:IBANID"
		),
	)


def summary_of(invoice: Invoice) -> EInvoiceSummary:
	"""What :func:`read_totals` should read back from ``build_cii_xml(invoice)``."""

	def ids(party: Party) -> dict:
		return {
			"name": party.legal_name.strip(),
			"siren": _compact(party.siren) or None,
			"siret": _compact(party.siret) or None,
			"vat": _compact(party.vat_number) or None,
		}

	seller, buyer = ids(invoice.seller), ids(invoice.buyer)
	means = invoice.effective_payment_means
	debit = means == PAYMENT_SEPA_DIRECT_DEBIT
	return EInvoiceSummary(
		number=invoice.number.strip(),
		type_code=invoice.type_code,
		issue_date=invoice.issue_date,
		currency=invoice.currency,
		profile=PROFILE_EN16931,
		**_party_fields(seller, buyer),
		buyer_reference=invoice.buyer_reference or None,
		payment_reference=invoice.effective_payment_reference,
		payment_means_code=means,
		iban=_compact(invoice.seller_iban) if invoice.seller_iban and means in TRANSFER_CODES else None,
		due_date=invoice.due_date,
		preceding_invoice=invoice.preceding_invoice or None,
		preceding_invoice_date=invoice.preceding_invoice_date if invoice.preceding_invoice else None,
		line_count=len(invoice.lines),
		line_total=_round(sum((line.net_amount for line in invoice.lines), Decimal("0"))),
		tax_basis_total=_round(invoice.net_total),
		tax_total=_round(invoice.tax_total),
		grand_total=_round(invoice.grand_total),
		due_payable=invoice.due_payable,
		mandate_reference=invoice.mandate_reference if debit else None,
		creditor_id=_compact(invoice.creditor_id) if debit and invoice.creditor_id else None,
		debtor_iban=_compact(invoice.debtor_iban) if debit and invoice.debtor_iban else None,
	)
