"""French e-invoicing: Factur-X, EN 16931 profile, in plain data.

An invoice (a ticket's, a Premium term's) or a credit note (an ERPNext return
against one) is described with :class:`Invoice`, :class:`Party` and :class:`Line`;
:func:`validate_invoice` lists every problem that would make the e-invoice
non-compliant (missing or invalid SIREN, SIRET, VAT number, IBAN, totals that do
not add up); :func:`~dds_assistance.core.cii_xml.build_cii_xml` writes the Cross-Industry-Invoice (UN/CEFACT
D16B) that a Factur-X PDF carries; :func:`~dds_assistance.core.cii_xml.read_totals` reads the figures back out
of such an XML so that they can be compared with the document they came from.

Conventions of EN 16931 followed here:

* a credit note has type code 381 and **positive** amounts; it names the invoice
  it corrects (BT-25, BT-26);
* SIREN is the legal registration identifier (BT-30, scheme 0002), SIRET the
  party identifier (BT-29 / BT-46, scheme 0009), the VAT number BT-31 / BT-48;
* services: VAT is due on payment ("TVA acquittée sur les encaissements"),
  declared with the VAT point date code 72 (BT-8).

Refusals are :class:`EInvoiceError` (a :class:`~dds_assistance.core.errors.RuleError`)
with a stable ``code`` and an English message template that the app translates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from stdnum.eu import vat as stdnum_eu_vat
from stdnum.exceptions import ValidationError
from stdnum.fr import siren as stdnum_siren
from stdnum.fr import siret as stdnum_siret
from stdnum.fr import tva as stdnum_tva

from dds_assistance.core import bank_details, sepa_debit
from dds_assistance.core.errors import RuleError

# ------------------------------------------------------------------------------ codes
INVOICE = "380"  # commercial invoice
CREDIT_NOTE = "381"  # credit note
TYPE_CODES = (INVOICE, CREDIT_NOTE)

PROFILE_EN16931 = "urn:cen.eu:en16931:2017"
VAT_STANDARD = "S"
UNIT_ONE = "C62"  # "one": a ticket, a year of subscription
SCHEME_SIREN = "0002"  # ISO 6523 ICD: SIRENE
SCHEME_SIRET = "0009"  # ISO 6523 ICD: SIRET
SCHEME_VAT = "VA"
SCHEME_EMAIL = "EM"
DATE_FORMAT = "102"  # CCYYMMDD

PAYMENT_SEPA_TRANSFER = "58"
PAYMENT_SEPA_DIRECT_DEBIT = "59"  # with the mandate (BT-89), creditor (BT-90), debited account (BT-91)
PAYMENT_CREDIT_TRANSFER = "30"
PAYMENT_NOT_DEFINED = "1"
TRANSFER_CODES = ("30", "58")

VAT_DUE_ON_PAYMENT = "72"  # BT-8 "paid to date": VAT on receipts (encaissements)
VAT_DUE_ON_INVOICE = "5"  # BT-8 "invoice issue date": VAT on debits (débits)

NOTE_PENALTIES = "PMD"
NOTE_RECOVERY_INDEMNITY = "PMT"
NOTE_DISCOUNT = "AAB"
NOTE_TAX = "TXD"

NS = {
	"rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
	"ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
	"qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
	"udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}

CENT = Decimal("0.01")

# --------------------------------------------------------------------------- messages
# English templates with {0}-style placeholders; the app translates them.
MESSAGES = {
	"missing_siren": "The SIREN is missing.",
	"invalid_siren": "{0} is not a valid SIREN (nine digits with a valid check digit).",
	"missing_siret": "The SIRET is missing.",
	"invalid_siret": "{0} is not a valid SIRET (fourteen digits with a valid check digit).",
	"siret_not_of_siren": "SIRET {0} does not belong to SIREN {1}.",
	"missing_vat": "The VAT number is missing.",
	"invalid_vat": "{0} is not a valid VAT number.",
	"vat_not_of_siren": "VAT number {0} does not match SIREN {1}.",
	"missing_name": "The legal name is missing.",
	"invalid_country": "{0} is not a two-letter country code.",
	"invalid_iban": "{0} is not a valid IBAN.",
	"invalid_bic": "{0} is not a valid BIC.",
	"missing_iban": "Payment by credit transfer needs the seller's IBAN.",
	"invalid_type_code": "Type code {0} is neither 380 (invoice) nor 381 (credit note).",
	"missing_number": "The invoice number is missing.",
	"missing_lines": "The invoice has no line.",
	"negative_amount": "Amount {0} is negative: e-invoice amounts are positive, a credit note being marked by its type code 381.",
	"unsupported_vat_category": "Line {0}: only standard-rated VAT (category S) is supported.",
	"line_amount_mismatch": "Line {0}: {1} × {2} does not equal {3}.",
	"net_total_mismatch": "The lines add up to {0} but the net total is {1}.",
	"tax_total_mismatch": "VAT on {0} at {1} % should be {2}, not {3}.",
	"tax_breakdown_mismatch": "The VAT of each rate adds up to {0}, not to the tax total {1}.",
	"grand_total_mismatch": "Net total {0} plus VAT {1} does not equal the grand total {2}.",
	"missing_preceding_invoice": "A credit note must name the invoice it corrects.",
	"missing_payment_terms": "An amount is due: give a due date or payment terms.",
	"missing_mandate_reference": "Payment by SEPA direct debit needs the mandate reference (BT-89).",
	"missing_creditor_id": "Payment by SEPA direct debit needs the creditor identifier (BT-90).",
	"missing_debtor_iban": "Payment by SEPA direct debit needs the debited account (BT-91).",
}


class EInvoiceError(RuleError):
	"""An e-invoice cannot be issued as it is. ``code`` is stable, ``message`` the
	English template, ``args_`` its arguments; ``role`` says whose identifier it is
	("seller", "buyer" or None for the invoice itself) and ``party`` its name."""

	def __init__(self, code: str, *args, role: str | None = None, party: str | None = None):
		super().__init__(code, MESSAGES[code], *args)
		self.role, self.party = role, party
		self.errors = [self]


class IdentifierError(EInvoiceError):
	"""A missing or invalid SIREN, SIRET, VAT number, IBAN or BIC."""


# ------------------------------------------------------------------------------- data
def _decimal(value, what: str = "amount") -> Decimal:
	if isinstance(value, Decimal):
		return value
	try:
		return Decimal(str(value if value is not None else 0))
	except InvalidOperation:
		raise ValueError(f"{what}: {value!r} is not a number")


@dataclass
class Note:
	"""A free text of the invoice (BT-22) with its UNTDID 4451 subject (BT-21)."""

	content: str
	subject_code: str | None = None


@dataclass
class Party:
	legal_name: str
	siren: str | None = None
	siret: str | None = None
	vat_number: str | None = None
	address_lines: list[str] = field(default_factory=list)
	postcode: str | None = None
	city: str | None = None
	country_code: str = "FR"
	email: str | None = None


@dataclass
class Line:
	line_id: str
	name: str
	quantity: Decimal
	unit_price: Decimal  # net, VAT excluded
	net_amount: Decimal
	vat_category: str = VAT_STANDARD
	vat_rate: Decimal = Decimal("20")
	item_code: str | None = None

	def __post_init__(self):
		self.quantity = _decimal(self.quantity, "quantity")
		self.unit_price = _decimal(self.unit_price, "unit price")
		self.net_amount = _decimal(self.net_amount, "net amount")
		self.vat_rate = _decimal(self.vat_rate, "VAT rate")


@dataclass
class Invoice:
	number: str
	issue_date: date
	seller: Party
	buyer: Party
	lines: list[Line]
	net_total: Decimal
	tax_total: Decimal
	grand_total: Decimal
	type_code: str = INVOICE
	currency: str = "EUR"
	due_date: date | None = None
	payment_terms: str | None = None
	payment_reference: str | None = None  # defaults to the number (bank-transfer matching)
	buyer_reference: str | None = None  # e.g. the ticket
	preceding_invoice: str | None = None  # a credit note's corrected invoice
	preceding_invoice_date: date | None = None
	seller_iban: str | None = None
	seller_bic: str | None = None
	payment_means_code: str | None = None  # None: 59 with a mandate, 58 with an IBAN, else 1
	mandate_reference: str | None = None  # BT-89: SEPA direct debit mandate (RUM)
	creditor_id: str | None = None  # BT-90: the seller's SEPA creditor identifier (ICS)
	debtor_iban: str | None = None  # BT-91: the buyer's account the debit is taken from
	notes: list[Note] = field(default_factory=list)
	vat_on_payments: bool = True  # services: VAT due on receipts (BT-8 = 72)
	delivery_date: date | None = None  # when the service was provided (BT-72)
	period_start: date | None = None  # invoiced period (BG-14), e.g. a Premium term
	period_end: date | None = None
	prepaid_amount: Decimal = Decimal("0")

	def __post_init__(self):
		self.net_total = _decimal(self.net_total, "net total")
		self.tax_total = _decimal(self.tax_total, "tax total")
		self.grand_total = _decimal(self.grand_total, "grand total")
		self.prepaid_amount = _decimal(self.prepaid_amount, "prepaid amount")
		self.type_code = str(self.type_code)

	@property
	def is_credit_note(self) -> bool:
		return self.type_code == CREDIT_NOTE

	@property
	def due_payable(self) -> Decimal:
		return _round(self.grand_total - self.prepaid_amount)

	@property
	def effective_payment_reference(self) -> str:
		return self.payment_reference or self.number

	@property
	def effective_payment_means(self) -> str | None:
		"""The payment means code written (BT-81): the one given, else SEPA direct
		debit when the invoice names a mandate, else SEPA credit transfer when the
		seller's IBAN is known, else "not defined". A credit note states none unless told."""
		if self.payment_means_code:
			return str(self.payment_means_code)
		if self.is_credit_note:
			return None
		if self.mandate_reference:
			return PAYMENT_SEPA_DIRECT_DEBIT
		return PAYMENT_SEPA_TRANSFER if self.seller_iban else PAYMENT_NOT_DEFINED


@dataclass
class EInvoiceSummary:
	"""The figures and references of an e-invoice, as read back from its XML
	(:func:`read_totals`) or taken from an :class:`Invoice` (:func:`summary_of`)."""

	number: str
	type_code: str
	issue_date: date
	currency: str
	profile: str
	seller_name: str
	seller_siren: str | None
	seller_siret: str | None
	seller_vat: str | None
	buyer_name: str
	buyer_siren: str | None
	buyer_siret: str | None
	buyer_vat: str | None
	buyer_reference: str | None
	payment_reference: str | None
	payment_means_code: str | None
	iban: str | None
	due_date: date | None
	preceding_invoice: str | None
	preceding_invoice_date: date | None
	line_count: int
	line_total: Decimal
	tax_basis_total: Decimal
	tax_total: Decimal
	grand_total: Decimal
	due_payable: Decimal
	mandate_reference: str | None = None
	creditor_id: str | None = None
	debtor_iban: str | None = None


# ------------------------------------------------------------------------ identifiers
def _compact(value) -> str:
	return "".join(str(value or "").split()).replace(".", "").replace("-", "").upper()


def check_siren(value: str | None) -> str:
	"""The SIREN as nine digits, or :class:`IdentifierError` ``missing_siren`` /
	``invalid_siren``."""
	number = _compact(value)
	if not number:
		raise IdentifierError("missing_siren")
	try:
		return stdnum_siren.validate(number)
	except ValidationError:
		raise IdentifierError("invalid_siren", str(value).strip())


def check_siret(value: str | None, siren: str | None = None) -> str:
	"""The SIRET as fourteen digits, or ``missing_siret`` / ``invalid_siret``; with
	``siren``, also ``siret_not_of_siren`` when the establishment is another company's."""
	number = _compact(value)
	if not number:
		raise IdentifierError("missing_siret")
	try:
		number = stdnum_siret.validate(number)
	except ValidationError:
		raise IdentifierError("invalid_siret", str(value).strip())
	if siren and _compact(siren) != number[:9]:
		raise IdentifierError("siret_not_of_siren", number, _compact(siren))
	return number


def check_vat(value: str | None, siren: str | None = None) -> str:
	"""The VAT number with its country prefix (``FR`` + key + SIREN, or another EU
	VAT number), or ``missing_vat`` / ``invalid_vat``; with ``siren``, a French
	number must be that company's (``vat_not_of_siren``)."""
	number = _compact(value)
	if not number:
		raise IdentifierError("missing_vat")
	if number.startswith("FR"):
		try:
			number = "FR" + stdnum_tva.validate(number)
		except ValidationError:
			raise IdentifierError("invalid_vat", str(value).strip())
		if siren and number[4:].isdigit() and number[4:] != _compact(siren):
			raise IdentifierError("vat_not_of_siren", number, _compact(siren))
		return number
	if not number[:2].isalpha():  # the country prefix is part of the identifier (BR-CO-9)
		raise IdentifierError("invalid_vat", str(value).strip())
	try:
		return stdnum_eu_vat.validate(number)
	except ValidationError:
		raise IdentifierError("invalid_vat", str(value).strip())


def french_vat_number(siren: str) -> str:
	"""The French intra-community VAT number of a company: FR + key + SIREN."""
	siren = check_siren(siren)
	return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"


def siren_from_vat(vat_number: str | None) -> str | None:
	"""The SIREN inside a valid French VAT number (FR + key + SIREN), else None:
	a customer's SIREN when only its VAT number is recorded."""
	try:
		number = check_vat(vat_number)
	except IdentifierError:
		return None
	siren = number[4:]
	return siren if number.startswith("FR") and siren.isdigit() and stdnum_siren.is_valid(siren) else None


def check_iban(value: str) -> str:
	"""The app's one IBAN check (``core.bank_details``), as an e-invoice error."""
	try:
		return bank_details.check_iban(value)
	except bank_details.PaymentDataError:
		raise IdentifierError("invalid_iban", str(value).strip())


def check_bic(value: str) -> str:
	"""The app's one BIC check (``core.bank_details``), as an e-invoice error."""
	try:
		return bank_details.check_bic(value)
	except bank_details.PaymentDataError:
		raise IdentifierError("invalid_bic", str(value).strip())


def _party_errors(party: Party, role: str) -> list[EInvoiceError]:
	errors: list[EInvoiceError] = []

	def attempt(check, *args):
		try:
			return check(*args)
		except EInvoiceError as error:
			error.role, error.party = role, party.legal_name
			errors.append(error)
			return None

	if not (party.legal_name or "").strip():
		errors.append(EInvoiceError("missing_name", role=role, party=party.legal_name))
	country = (party.country_code or "").strip().upper()
	if len(country) != 2 or not country.isalpha():
		errors.append(
			EInvoiceError("invalid_country", party.country_code or "", role=role, party=party.legal_name)
		)
	french = country == "FR"
	siren = None
	if role == "seller" or french or party.siren:
		siren = attempt(check_siren, party.siren)
	if role == "seller" or party.siret:
		attempt(check_siret, party.siret, siren)
	if role == "seller" or party.vat_number:
		attempt(check_vat, party.vat_number, siren)
	return errors


def validate_parties(invoice: Invoice) -> list[EInvoiceError]:
	"""Every missing or invalid mandatory identifier of both parties. The seller
	needs its SIREN, SIRET and VAT number; a French buyer its SIREN; any identifier
	given (a foreign buyer's VAT number, a buyer's SIRET) must be valid and, for a
	French company, consistent with its SIREN."""
	return _party_errors(invoice.seller, "seller") + _party_errors(invoice.buyer, "buyer")


# ---------------------------------------------------------------------------- amounts
def _round(value: Decimal) -> Decimal:
	return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _fmt(value: Decimal, places: int = 2) -> str:
	"""A decimal with exactly ``places`` decimals (amounts) — or, for quantities and
	prices (places > 2), at most ``places`` and at least two."""
	value = _decimal(value)
	if places == 2:
		return f"{_round(value):f}"
	text = f"{value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):f}"
	whole, _sep, decimals = text.partition(".")
	decimals = decimals.rstrip("0").ljust(2, "0")
	return f"{whole}.{decimals}"


def vat_breakdown(invoice: Invoice) -> list[tuple[str, Decimal, Decimal, Decimal]]:
	"""(category, rate, basis, tax) per VAT rate (BG-23). One rate: the tax is the
	invoice's own tax total (ERPNext's figure); several: each rounded from its basis."""
	groups: dict[tuple[str, Decimal], Decimal] = {}
	for line in invoice.lines:
		key = (line.vat_category, _round(line.vat_rate))
		groups[key] = groups.get(key, Decimal("0")) + line.net_amount
	rows = []
	for (category, rate), basis in groups.items():
		tax = invoice.tax_total if len(groups) == 1 else _round(basis * rate / 100)
		rows.append((category, rate, _round(basis), _round(tax)))
	return rows


def _amount_errors(invoice: Invoice) -> list[EInvoiceError]:
	errors = []
	amounts = [invoice.net_total, invoice.tax_total, invoice.grand_total, invoice.prepaid_amount]
	for line in invoice.lines:
		amounts += [line.quantity, line.unit_price, line.net_amount]
	negative = next((value for value in amounts if value < 0), None)
	if negative is not None:
		return [EInvoiceError("negative_amount", _fmt(negative, 4))]
	tolerance = CENT * max(1, len(invoice.lines))
	for line in invoice.lines:
		if line.vat_category != VAT_STANDARD or line.vat_rate <= 0:
			errors.append(EInvoiceError("unsupported_vat_category", line.line_id))
		if abs(line.quantity * line.unit_price - line.net_amount) > CENT:
			errors.append(
				EInvoiceError(
					"line_amount_mismatch",
					line.line_id,
					_fmt(line.quantity, 4),
					_fmt(line.unit_price, 4),
					_fmt(line.net_amount),
				)
			)
	lines_total = sum((line.net_amount for line in invoice.lines), Decimal("0"))
	if abs(lines_total - invoice.net_total) >= CENT:
		errors.append(EInvoiceError("net_total_mismatch", _fmt(lines_total), _fmt(invoice.net_total)))
	breakdown = vat_breakdown(invoice)
	if len(breakdown) == 1:
		_category, rate, basis, tax = breakdown[0]
		expected = _round(basis * rate / 100)
		if abs(expected - invoice.tax_total) > tolerance:
			errors.append(
				EInvoiceError("tax_total_mismatch", _fmt(basis), _fmt(rate), _fmt(expected), _fmt(tax))
			)
	elif breakdown:
		computed = sum((row[3] for row in breakdown), Decimal("0"))
		if computed != invoice.tax_total:
			errors.append(EInvoiceError("tax_breakdown_mismatch", _fmt(computed), _fmt(invoice.tax_total)))
	if invoice.net_total + invoice.tax_total != invoice.grand_total:
		errors.append(
			EInvoiceError(
				"grand_total_mismatch",
				_fmt(invoice.net_total),
				_fmt(invoice.tax_total),
				_fmt(invoice.grand_total),
			)
		)
	return errors


def validate_invoice(invoice: Invoice) -> list[EInvoiceError]:
	"""Every problem that keeps the invoice from being a compliant EN 16931
	e-invoice: the parties' identifiers, then the document itself."""
	errors = validate_parties(invoice)
	if invoice.type_code not in TYPE_CODES:
		errors.append(EInvoiceError("invalid_type_code", invoice.type_code))
	if not (invoice.number or "").strip():
		errors.append(EInvoiceError("missing_number"))
	if not invoice.lines:
		errors.append(EInvoiceError("missing_lines"))
	errors += _amount_errors(invoice)
	if invoice.is_credit_note and not (invoice.preceding_invoice or "").strip():
		errors.append(EInvoiceError("missing_preceding_invoice"))
	if invoice.due_payable > 0 and not (invoice.due_date or (invoice.payment_terms or "").strip()):
		errors.append(EInvoiceError("missing_payment_terms"))  # BR-CO-25
	for check, value in ((check_iban, invoice.seller_iban), (check_bic, invoice.seller_bic)):
		if value:
			try:
				check(value)
			except EInvoiceError as error:
				error.role, error.party = "seller", invoice.seller.legal_name
				errors.append(error)
	if invoice.effective_payment_means in TRANSFER_CODES and not invoice.seller_iban:
		errors.append(EInvoiceError("missing_iban", role="seller", party=invoice.seller.legal_name))
	if invoice.effective_payment_means == PAYMENT_SEPA_DIRECT_DEBIT:
		errors += _direct_debit_errors(invoice)
	return errors


def _direct_debit_errors(invoice: Invoice) -> list[EInvoiceError]:
	"""A direct debit names its mandate (BT-89), the seller's creditor identifier
	(BT-90, checked) and the buyer's account (BT-91, checked)."""
	errors = []
	if not (invoice.mandate_reference or "").strip():
		errors.append(EInvoiceError("missing_mandate_reference"))
	try:
		sepa_debit.check_creditor_id(invoice.creditor_id)  # refuses an empty one too
	except RuleError:
		errors.append(EInvoiceError("missing_creditor_id", role="seller", party=invoice.seller.legal_name))
	if not (invoice.debtor_iban or "").strip():
		errors.append(EInvoiceError("missing_debtor_iban", role="buyer", party=invoice.buyer.legal_name))
	else:
		try:
			check_iban(invoice.debtor_iban)
		except EInvoiceError as error:
			error.role, error.party = "buyer", invoice.buyer.legal_name
			errors.append(error)
	return errors


# ------------------------------------------------------------------------ legal notes
PENALTIES_TEXT = (
	"Late payment penalties: three times the French legal interest rate, due from the day after "
	"the due date without any reminder being needed."
)
RECOVERY_INDEMNITY_TEXT = (
	"Fixed indemnity for recovery costs in case of late payment (business clients): 40 €."
)
NO_DISCOUNT_TEXT = "No discount for early payment."
VAT_ON_RECEIPTS_TEXT = "VAT paid on receipts."


def french_legal_notes(
	translate: Callable[[str], str] = str, *, vat_on_payments: bool = True, penalties_text: str | None = None
) -> list[Note]:
	"""The mentions a French business invoice carries (Code de commerce L441-9,
	L441-10, D441-5), with the subject codes of the French e-invoicing rules: PMD
	penalties, PMT the 40 € indemnity, AAB discount, TXD VAT on receipts.
	``translate`` is the app's translation function (the invoice is in French)."""
	notes = [
		Note(translate(penalties_text or PENALTIES_TEXT), NOTE_PENALTIES),
		Note(translate(RECOVERY_INDEMNITY_TEXT), NOTE_RECOVERY_INDEMNITY),
		Note(translate(NO_DISCOUNT_TEXT), NOTE_DISCOUNT),
	]
	if vat_on_payments:
		notes.append(Note(translate(VAT_ON_RECEIPTS_TEXT), NOTE_TAX))
	return notes
