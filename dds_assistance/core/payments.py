"""Getting paid by bank transfer (R-TKT-4: a ticket is served once its invoice is paid).

Plain data in, decisions out; the Frappe side feeds these functions from ERPNext
(Bank Account, Bank Transaction, Sales Invoice) and records what they decide.

* ``check_iban`` / ``check_bic``: the company's (or a client's) bank details,
  normalised, or a :class:`PaymentDataError` with a stable code.
* ``epc_qr_payload`` / ``epc_qr_svg`` / ``epc_qr_png``: the EPC QR code ("GiroCode",
  EPC069-12 version 002) a banking app scans to prefill a SEPA credit transfer;
  the invoice number travels as the unstructured remittance information, which
  the payee's bank statement shows. ``decode_epc_payload`` reads one back.
* ``parse_camt053``: an ISO 20022 bank-to-customer statement (camt.053, any
  version of the 001 message: .02, .08 …) into :class:`BankTransaction` rows, one
  per transaction detail.
* ``match``: which credit pays which open invoice in full. Only an unambiguous,
  exact payment is ``MATCHED`` (the Frappe side may then record the payment);
  everything else is ``UNMATCHED`` with a reason code and an explanation for the
  accountant (R-ACC-2).

Messages are English templates with ``{0}``-style placeholders, translated on the
Frappe side (``ERROR_MESSAGES`` and ``DECISION_MESSAGES`` hold them all).
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation

import segno
from lxml import etree
from schwifty import BIC, IBAN

from dds_assistance.core.errors import RuleError

CENT = Decimal("0.01")

# ---------------------------------------------------------------------------- errors

ERROR_MESSAGES = {
	"invalid_iban": "{0} is not a valid IBAN",
	"invalid_bic": "{0} is not a valid BIC",
	"bic_country_mismatch": "The BIC {0} is of a bank in {1}, but the IBAN {2} is of an account in {3}",
	"invalid_transfer": "Cannot make the payment QR code: {0}",
	"invalid_epc_payload": "Not an EPC payment QR code: {0}",
	"invalid_statement": "The file is not a readable CAMT.053 bank statement: {0}",
}


class PaymentDataError(RuleError):
	"""Bank data refused (an IBAN, a BIC, a transfer, a statement file). ``code`` is a
	key of ``ERROR_MESSAGES``; ``message`` its English template."""

	def __init__(self, code: str, *args):
		super().__init__(code, ERROR_MESSAGES[code], *args)


# ---------------------------------------------------------------------------- IBAN and BIC

# Territories whose accounts carry the IBAN prefix of another country while their
# banks' BICs carry their own country code (French overseas departments and
# collectivities, the Crown Dependencies).
IBAN_ZONES = {
	"FR": frozenset({"FR", "GF", "GP", "MQ", "RE", "YT", "PM", "BL", "MF", "NC", "PF", "WF"}),
	"GB": frozenset({"GB", "GG", "JE", "IM"}),
}


def check_iban(value: str | None) -> str:
	"""The IBAN in its compact form (``FR7630006000011234567890189``), its check
	digits and, where the country has one, its national key (French RIB key)
	verified; else ``PaymentDataError("invalid_iban")``."""
	text = str(value or "").strip()
	try:
		return IBAN(text, validate_bban=True).compact
	except ValueError:
		raise PaymentDataError("invalid_iban", text)


def check_bic(value: str | None, iban: str | None = None) -> str:
	"""The BIC in its compact form (8 or 11 characters, as given); with ``iban``, the
	bank's country must be the account's (``bic_country_mismatch``)."""
	text = str(value or "").strip()
	try:
		bic = BIC(text)
	except ValueError:
		raise PaymentDataError("invalid_bic", text)
	if iban:
		account = check_iban(iban)
		country = account[:2]
		if bic.country_code not in IBAN_ZONES.get(country, {country}):
			raise PaymentDataError("bic_country_mismatch", bic.compact, bic.country_code, account, country)
	return bic.compact


# ---------------------------------------------------------------------------- EPC QR code

EPC_MAX_BYTES = 331
EPC_MIN_AMOUNT = Decimal("0.01")
EPC_MAX_AMOUNT = Decimal("999999999.99")


def _money(value, what: str = "amount") -> Decimal:
	"""A finite Decimal (a float is read as its shortest decimal text: 99.9 → 99.9)."""
	try:
		amount = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
	except (InvalidOperation, TypeError, ValueError):
		raise ValueError(f"{what} {value!r} is not a number")
	if not amount.is_finite():
		raise ValueError(f"{what} {value!r} is not a number")
	return amount


def epc_qr_payload(
	name: str, iban: str, bic: str | None, amount, reference: str, text: str | None = None
) -> str:
	"""The text of an EPC QR code (version 002, UTF-8) for a SEPA credit transfer of
	``amount`` euros to ``name`` / ``iban`` (``bic`` optional inside the EEA).

	``reference`` (the invoice number) is written as the unstructured remittance
	information — French invoice numbers are not ISO 11649 creditor references,
	and the unstructured text is what the payer's app shows and what the
	payee's statement carries; ``text`` (e.g. the ticket name) follows it there.
	The amount is written with two decimals (``EUR100.00``)."""

	def refuse(detail: str):
		raise PaymentDataError("invalid_transfer", detail)

	name = (name or "").strip()
	reference = (reference or "").strip()
	remittance = " ".join(part for part in (reference, (text or "").strip()) if part)
	for label, value in (("name", name), ("reference", reference), ("text", text or "")):
		if "\n" in value or "\r" in value:
			refuse(f"the {label} has a line break")
	if not 0 < len(name) <= 70:
		refuse("the payee name must have 1 to 70 characters")
	if not reference:
		refuse("the reference is missing")
	if len(remittance) > 140:
		refuse("the remittance information is longer than 140 characters")
	iban = check_iban(iban)
	bic = check_bic(bic, iban) if bic else ""
	try:
		value = _money(amount)
	except ValueError as error:
		refuse(str(error))
	if value != value.quantize(CENT) or not EPC_MIN_AMOUNT <= value <= EPC_MAX_AMOUNT:
		refuse(f"the amount {amount} must be between 0.01 and 999999999.99 with at most two decimals")
	lines = ["BCD", "002", "1", "SCT", bic, name, iban, f"EUR{value.quantize(CENT)}", "", "", remittance]
	payload = "\n".join(lines)
	if len(payload.encode("utf-8")) > EPC_MAX_BYTES:
		refuse(f"the payload is longer than {EPC_MAX_BYTES} bytes")
	return payload


def epc_qr(name: str, iban: str, bic: str | None, amount, reference: str, text: str | None = None):
	"""The EPC QR code (a ``segno.QRCode``): error correction level M, version 13 at
	most, as the EPC guidelines require."""
	payload = epc_qr_payload(name, iban, bic, amount, reference, text)
	qr = segno.make_qr(payload.encode("utf-8"), error="m", boost_error=False)
	if qr.version > 13:  # 331 bytes fit in version 13 at level M
		raise PaymentDataError("invalid_transfer", "the QR code would be larger than version 13")
	return qr


def epc_qr_svg(
	name: str,
	iban: str,
	bic: str | None,
	amount,
	reference: str,
	text: str | None = None,
	scale: int = 4,
) -> str:
	"""The EPC QR code as an inline ``<svg>`` element (for a print format or a page)."""
	return epc_qr(name, iban, bic, amount, reference, text).svg_inline(scale=scale, border=4)


def epc_qr_png(
	name: str,
	iban: str,
	bic: str | None,
	amount,
	reference: str,
	text: str | None = None,
	scale: int = 5,
) -> bytes:
	"""The EPC QR code as a PNG image (for an e-mail attachment or a PDF)."""
	buffer = io.BytesIO()
	epc_qr(name, iban, bic, amount, reference, text).save(buffer, kind="png", scale=scale, border=4)
	return buffer.getvalue()


EPC_ENCODINGS = (
	"utf-8",
	"iso-8859-1",
	"iso-8859-2",
	"iso-8859-4",
	"iso-8859-5",
	"iso-8859-7",
	"iso-8859-10",
	"iso-8859-15",
)


def decode_epc_payload(payload: str | bytes) -> dict:
	"""The fields of an EPC QR code's text (version 001 or 002): ``bic``, ``name``,
	``iban``, ``amount`` (as written, ``EUR100.00``), ``currency`` and ``value``
	(a Decimal), ``purpose``, ``structured_reference`` (ISO 11649),
	``remittance_text`` (unstructured) and ``information`` (to the payer)."""
	if isinstance(payload, bytes):
		head = payload.split(b"\n", 3)
		try:
			encoding = EPC_ENCODINGS[int(head[2]) - 1]
			payload = payload.decode(encoding)
		except (IndexError, ValueError, UnicodeDecodeError):
			raise PaymentDataError("invalid_epc_payload", "unknown character set")
	lines = payload.replace("\r\n", "\n").split("\n")
	if len(lines) < 7 or lines[0] != "BCD" or lines[1] not in ("001", "002") or lines[3] != "SCT":
		raise PaymentDataError("invalid_epc_payload", "the header is not BCD / 001-002 / SCT")
	lines += [""] * (12 - len(lines))
	amount = lines[7].strip()
	currency, value = amount[:3], None
	if amount:
		try:
			value = Decimal(amount[3:])
		except InvalidOperation:
			raise PaymentDataError("invalid_epc_payload", f"unreadable amount {amount}")
	return {
		"version": lines[1],
		"encoding": lines[2],
		"bic": lines[4].strip(),
		"name": lines[5].strip(),
		"iban": lines[6].strip(),
		"amount": amount,
		"currency": currency,
		"value": value,
		"purpose": lines[8].strip(),
		"structured_reference": lines[9].strip(),
		"remittance_text": lines[10].strip(),
		"information": lines[11].strip(),
	}


# ---------------------------------------------------------------------------- CAMT.053

CREDIT, DEBIT = "CRDT", "DBIT"
BOOKED = "BOOK"
NOT_PROVIDED = "NOTPROVIDED"
_CAMT053 = re.compile(r"^urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.\d{2}$")


@dataclass(frozen=True)
class BankTransaction:
	"""One transaction of a statement (one ``TxDtls``, or the entry when it has none).

	``amount`` is positive; ``credit_debit`` says its direction. ``id`` is stable
	(the same file gives the same ids) and unique within the statement: the
	bank's reference of the entry (``AcctSvcrRef``) or of the transaction, else
	the entry number (``NtryRef``), else the end-to-end id, else a digest; in a
	batch, the transaction's own bank reference, else the entry's with ``/1``,
	``/2`` … A reference met twice in the file gets ``/2`` the second time."""

	id: str
	amount: Decimal
	currency: str
	credit_debit: str
	booking_date: date | None = None
	value_date: date | None = None
	reversal: bool = False
	status: str = BOOKED
	counterparty_name: str = ""
	counterparty_iban: str = ""
	counterparty_bic: str = ""
	remittance: str = ""
	structured_reference: str = ""
	end_to_end_id: str = ""
	entry_reference: str = ""
	bank_code: str = ""
	additional_info: str = ""
	instructed_amount: Decimal | None = None
	instructed_currency: str = ""

	@property
	def is_credit(self) -> bool:
		return self.credit_debit == CREDIT

	@property
	def signed_amount(self) -> Decimal:
		return self.amount if self.is_credit else -self.amount

	@property
	def reference_text(self) -> str:
		"""Everything a payer may have written a reference in."""
		parts = (self.remittance, self.structured_reference, self.end_to_end_id, self.additional_info)
		return " ".join(part for part in parts if part and part != NOT_PROVIDED)


@dataclass
class Statement:
	"""One account's statement (``Stmt``): balances are signed (a debit balance is
	negative); ``transactions`` in file order."""

	id: str
	account_iban: str
	currency: str
	created_at: str = ""
	from_date: date | None = None
	to_date: date | None = None
	opening_balance: Decimal | None = None
	closing_balance: Decimal | None = None
	transactions: list[BankTransaction] = field(default_factory=list)


class _Node:
	"""An element's descendants by path of local names (``RltdPties/Dbtr/Nm``),
	namespaces aside, so any camt.053 version reads alike; read in one pass, then
	looked up without searching. Malformed values are ``invalid_statement``."""

	__slots__ = ("paths",)

	def __init__(self, element, skip: frozenset[str] = frozenset()):
		paths: dict[str, list] = {}
		stack = [(element, "")]
		while stack:
			parent, prefix = stack.pop()
			for child in parent:
				tag = child.tag
				if not isinstance(tag, str):  # comments, processing instructions
					continue
				local = tag[tag.rfind("}") + 1 :]
				if prefix:
					path = prefix + "/" + local
				elif local in skip:
					continue
				else:
					path = local
				found = paths.get(path)
				if found is None:
					paths[path] = [child]
				else:
					found.append(child)
				if len(child):
					stack.append((child, path))
		self.paths = paths

	def all(self, path: str) -> list:
		return self.paths.get(path, [])

	def text(self, *paths: str) -> str:
		"""The text (spaces collapsed) of the first of ``paths`` present."""
		for path in paths:
			for element in self.paths.get(path, ()):
				if element.text and element.text.strip():
					return " ".join(element.text.split())
		return ""

	def texts(self, path: str) -> list[str]:
		return [" ".join(e.text.split()) for e in self.paths.get(path, ()) if e.text and e.text.strip()]

	def amount(self, *paths: str) -> tuple[Decimal | None, str]:
		for path in paths:
			for element in self.paths.get(path, ()):
				value = (element.text or "").strip()
				if not value:
					continue
				try:
					amount = Decimal(value)
				except InvalidOperation:
					amount = None
				if amount is None or not amount.is_finite() or amount < 0:
					raise PaymentDataError("invalid_statement", f"unreadable amount {value!r}")
				return amount, (element.get("Ccy") or "").strip().upper()
		return None, ""

	def date(self, path: str) -> date | None:
		value = self.text(f"{path}/Dt", f"{path}/DtTm")
		return _date(value) if value else None

	def indicator(self, path: str = "CdtDbtInd") -> str:
		value = self.text(path)
		if value and value not in (CREDIT, DEBIT):
			raise PaymentDataError("invalid_statement", f"unknown credit/debit indicator {value!r}")
		return value


def _local(element) -> str:
	"""An element's name without its namespace ("" for comments)."""
	tag = element.tag
	return tag[tag.rfind("}") + 1 :] if isinstance(tag, str) else ""


def _children(element, name: str) -> list:
	return [child for child in element if _local(child) == name]


def _date(value: str) -> date:
	try:
		return date.fromisoformat(value[:10])
	except ValueError:
		raise PaymentDataError("invalid_statement", f"unreadable date {value!r}")


def _root(xml: bytes | str):
	if isinstance(xml, str):
		xml = xml.encode("utf-8")
	parser = etree.XMLParser(
		resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
	)
	try:
		tree = etree.parse(io.BytesIO(xml), parser)
	except etree.XMLSyntaxError as error:
		raise PaymentDataError("invalid_statement", str(error.msg or error))
	if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
		# a bank statement never declares a DTD; one may hide entity expansion tricks
		raise PaymentDataError("invalid_statement", "a document type declaration is not allowed")
	return tree.getroot()


def parse_camt053_statements(xml: bytes | str) -> list[Statement]:
	"""Every statement (``Stmt``) of a camt.053 file, in file order."""
	root = _root(xml)
	qname = etree.QName(root)
	namespace = qname.namespace or ""
	if qname.localname != "Document" or (namespace and not _CAMT053.match(namespace)):
		raise PaymentDataError("invalid_statement", f"{namespace or qname.localname} is not camt.053")
	body = _children(root, "BkToCstmrStmt")
	if not body:
		raise PaymentDataError("invalid_statement", "no BkToCstmrStmt element")
	statements = [_statement(child) for child in _children(body[0], "Stmt")]
	if not statements:
		raise PaymentDataError("invalid_statement", "no statement in the file")
	return statements


def parse_camt053(xml: bytes | str) -> Statement:
	"""The one statement of a camt.053 file (``parse_camt053_statements`` reads files
	that hold several accounts)."""
	statements = parse_camt053_statements(xml)
	if len(statements) > 1:
		raise PaymentDataError("invalid_statement", f"{len(statements)} statements in one file")
	return statements[0]


def _balance(stmt: _Node, codes: tuple[str, ...]) -> Decimal | None:
	for element in stmt.all("Bal"):
		bal = _Node(element)
		if bal.text("Tp/CdOrPrtry/Cd") in codes:
			value, _ = bal.amount("Amt")
			if value is not None:
				return -value if bal.indicator() == DEBIT else value
	return None


def _statement(element) -> Statement:
	stmt = _Node(element, skip=frozenset({"Ntry"}))
	statement = Statement(
		id=stmt.text("Id"),
		account_iban=stmt.text("Acct/Id/IBAN", "Acct/Id/Othr/Id").replace(" ", "").upper(),
		currency=stmt.text("Acct/Ccy").upper(),
		created_at=stmt.text("CreDtTm"),
		opening_balance=_balance(stmt, ("OPBD", "PRCD")),
		closing_balance=_balance(stmt, ("CLBD",)),
	)
	bounds = stmt.text("FrToDt/FrDtTm"), stmt.text("FrToDt/ToDtTm")
	statement.from_date, statement.to_date = (_date(value) if value else None for value in bounds)
	seen: dict[str, int] = {}
	for position, entry in enumerate(_children(element, "Ntry"), start=1):
		for transaction in _entry(statement, entry, position):
			count = seen.get(transaction.id, 0) + 1
			seen[transaction.id] = count
			if count > 1:  # a reference given twice: keep ids unique, and stable
				transaction = replace(transaction, id=f"{transaction.id}/{count}")
			statement.transactions.append(transaction)
	return statement


def _bank_code(node: _Node) -> str:
	domain = node.text("BkTxCd/Domn/Cd")
	if domain:
		family, sub = node.text("BkTxCd/Domn/Fmly/Cd"), node.text("BkTxCd/Domn/Fmly/SubFmlyCd")
		return "-".join(part for part in (domain, family, sub) if part)
	return node.text("BkTxCd/Prtry/Cd")


def _entry(statement: Statement, element, position: int) -> list[BankTransaction]:
	entry = _Node(element, skip=frozenset({"NtryDtls"}))
	amount, currency = entry.amount("Amt")
	indicator = entry.indicator()
	if amount is None or not indicator:
		raise PaymentDataError(
			"invalid_statement", f"entry {position} has no amount or no credit/debit indicator"
		)
	common = {
		"booking_date": entry.date("BookgDt"),
		"value_date": entry.date("ValDt"),
		"reversal": entry.text("RvslInd").lower() in ("true", "1"),
		"status": entry.text("Sts/Cd", "Sts/Prtry", "Sts").upper(),
		"entry_reference": entry.text("AcctSvcrRef"),
		"bank_code": _bank_code(entry),
	}
	entry_ref, entry_number = entry.text("AcctSvcrRef"), entry.text("NtryRef")
	entry_id = entry_ref or entry_number
	details = [_Node(tx) for dtls in _children(element, "NtryDtls") for tx in _children(dtls, "TxDtls")]
	info = " ".join(entry.texts("AddtlNtryInf"))
	amounts = [tx.amount("Amt", "AmtDtls/TxAmt/Amt") for tx in details]
	if len(details) > 1 and any(value is None for value, _ in amounts):
		# a batch whose parts carry no amount cannot be split: one transaction for the entry
		parts = [_detail(tx, indicator, common["reversal"]) for tx in details]
		merged = {
			key: " ".join(part[key] for part in parts if part[key])
			for key in ("remittance", "structured_reference", "end_to_end_id")
		}
		merged["counterparty_name"] = " / ".join(sorted({part["counterparty_name"] for part in parts} - {""}))
	elif not details:
		merged = {}
	else:
		merged = None
	if merged is not None:  # one transaction for the entry
		return [
			BankTransaction(
				id=entry_id or _digest(statement, position, 0, amount, indicator, info),
				amount=amount,
				currency=currency or statement.currency,
				credit_debit=indicator,
				additional_info=info,
				**merged,
				**common,
			)
		]
	single = len(details) == 1
	transactions = []
	for index, (tx, (tx_amount, tx_currency)) in enumerate(zip(details, amounts, strict=True), start=1):
		tx_indicator = tx.indicator() or indicator
		part = _detail(tx, tx_indicator, common["reversal"])
		instructed, instructed_currency = tx.amount("AmtDtls/InstdAmt/Amt")
		e2e = part["end_to_end_id"] if part["end_to_end_id"] != NOT_PROVIDED else ""
		own = tx.text("Refs/AcctSvcrRef")
		if single:
			tx_id = entry_ref or own or entry_number or e2e
		else:
			tx_id = own or (f"{entry_id}/{index}" if entry_id else "") or e2e
		if tx_amount is None:  # the single detail of an entry: the entry's amount
			tx_amount, tx_currency = amount, currency
		if not tx_id:
			tx_id = _digest(statement, position, index, tx_amount, tx_indicator, part["remittance"] + e2e)
		transactions.append(
			BankTransaction(
				id=tx_id,
				amount=tx_amount,
				currency=tx_currency or currency or statement.currency,
				credit_debit=tx_indicator,
				additional_info=info if single else "",
				instructed_amount=instructed,
				instructed_currency=instructed_currency,
				**part,
				**common,
			)
		)
	return transactions


def _detail(tx: _Node, indicator: str, reversal: bool = False) -> dict:
	"""The parties and the remittance of one ``TxDtls`` (camt.053.001.02 and later).
	The counterparty of a credit is its debtor, of a debit its creditor; a
	reversal keeps the parties of the booking it cancels."""
	role = "Dbtr" if (indicator == CREDIT) != reversal else "Cdtr"
	structured = tx.texts("RmtInf/Strd/CdtrRefInf/Ref") + tx.texts("RmtInf/Strd/RfrdDocInf/Nb")
	return {
		"counterparty_name": tx.text(
			f"RltdPties/{role}/Nm",
			f"RltdPties/{role}/Pty/Nm",  # camt.053.001.08 and later
			f"RltdPties/Ultmt{role}/Nm",
			f"RltdPties/Ultmt{role}/Pty/Nm",
		),
		"counterparty_iban": tx.text(f"RltdPties/{role}Acct/Id/IBAN").replace(" ", "").upper(),
		"counterparty_bic": tx.text(
			f"RltdAgts/{role}Agt/FinInstnId/BIC", f"RltdAgts/{role}Agt/FinInstnId/BICFI"
		).upper(),
		"remittance": " ".join(tx.texts("RmtInf/Ustrd")),
		"structured_reference": " ".join(structured),
		"end_to_end_id": tx.text("Refs/EndToEndId"),
	}


def _digest(statement: Statement, entry: int, index: int, amount, indicator: str, text: str) -> str:
	"""A stable id for a transaction the bank gave no reference to: the same file
	gives the same digest, two positions in it never the same."""
	source = "|".join(
		str(part) for part in (statement.account_iban, statement.id, entry, index, amount, indicator, text)
	)
	return "H" + hashlib.sha256(source.encode("utf-8")).hexdigest()[:24]


# ---------------------------------------------------------------------------- matching

MATCHED, UNMATCHED = "MATCHED", "UNMATCHED"

# reason codes (stable: the Frappe side stores them)
R_MATCHED = "matched"
R_PARTIAL = "partial_payment"
R_OVERPAYMENT = "overpayment"
R_SEVERAL = "several_invoices"
R_UNKNOWN = "unknown_reference"
R_MISTYPED = "mistyped_reference"
R_ALREADY_PAID = "already_paid"
R_DUPLICATE = "duplicate_payment"
R_REFUND = "refund"
R_CURRENCY = "currency"
R_NOT_BOOKED = "not_booked"
REASONS = (
	R_MATCHED,
	R_PARTIAL,
	R_OVERPAYMENT,
	R_SEVERAL,
	R_UNKNOWN,
	R_MISTYPED,
	R_ALREADY_PAID,
	R_DUPLICATE,
	R_REFUND,
	R_CURRENCY,
	R_NOT_BOOKED,
)

# explanations: {0} amount, {1} currency of the transfer; {2} the invoice; {3}, {4}, {5} as noted
M_MATCHED = "Transfer of {0} {1} pays invoice {2} in full"
M_PARTIAL = "Transfer of {0} {1} is less than the {3} {1} outstanding on invoice {2}"
M_OVERPAYMENT = "Transfer of {0} {1} is more than the {3} {1} outstanding on invoice {2}"
M_SEVERAL = "Transfer of {0} {1} refers to several invoices ({2}): split it by hand"
M_UNKNOWN = "Transfer of {0} {1} refers to no open invoice or ticket"
M_UNKNOWN_NEAR = "Transfer of {0} {1} refers to no open invoice or ticket; close references: {2}"
M_MISTYPED = "Transfer of {0} {1} refers to {3}, which looks like a mistyped {2}"
M_ALREADY_PAID = "Transfer of {0} {1} refers to invoice {2}, which has nothing outstanding"
M_DUPLICATE = (
	"Transfer of {0} {1} refers to invoice {2}, already paid by bank transaction {3} of this statement"
)
M_DEBIT = "Outgoing payment of {0} {1}: not a client payment"
M_REVERSAL = "Reversal of an earlier booking of {0} {1}"
M_CREDIT_NOTE = "Transfer of {0} {1} refers to credit note {2}: refunds are recorded by hand"
M_CURRENCY = "Transfer of {0} {1} cannot pay invoice {2}, which is in {3}"
M_EXCHANGE = "Transfer of {0} {1}, sent as {3} {4}, does not equal the {5} {1} outstanding on invoice {2}"
M_NOT_BOOKED = "Bank entry of {0} {1} is not booked (status {2})"
DECISION_MESSAGES = (
	M_MATCHED,
	M_PARTIAL,
	M_OVERPAYMENT,
	M_SEVERAL,
	M_UNKNOWN,
	M_UNKNOWN_NEAR,
	M_MISTYPED,
	M_ALREADY_PAID,
	M_DUPLICATE,
	M_DEBIT,
	M_REVERSAL,
	M_CREDIT_NOTE,
	M_CURRENCY,
	M_EXCHANGE,
	M_NOT_BOOKED,
)


@dataclass
class OpenInvoice:
	"""A submitted Sales Invoice as the matching sees it. Give the open ones and the
	recently paid ones (so a second payment reads ``already_paid``, not
	``unknown_reference``); cancelled invoices are left out."""

	name: str
	customer: str
	outstanding: Decimal
	grand_total: Decimal
	ticket: str | None = None
	currency: str = "EUR"
	is_return: bool = False

	def __post_init__(self):
		self.outstanding = _money(self.outstanding, "outstanding").quantize(CENT)
		self.grand_total = _money(self.grand_total, "grand total").quantize(CENT)
		self.currency = (self.currency or "").upper()


@dataclass(frozen=True)
class Decision:
	"""What to do with one bank transaction. ``MATCHED``: record a payment of
	``amount`` against ``invoice``. ``UNMATCHED``: leave it to the accountant;
	``reason`` says why and ``invoice`` / ``invoices`` name what was referred to
	(or, for ``mistyped_reference``, the invoice meant)."""

	transaction_id: str
	status: str
	reason: str
	amount: Decimal
	currency: str
	invoice: str | None = None
	invoices: tuple[str, ...] = ()
	customer: str | None = None
	reference: str = ""
	message: str = ""
	args: tuple = ()

	@property
	def matched(self) -> bool:
		return self.status == MATCHED

	@property
	def explanation(self) -> str:
		return self.message.format(*self.args)


_TOKEN = re.compile(r"[A-Z0-9]+")
MIN_KEY_LENGTH = 5
PREFIX_LENGTH = 3


def reference_key(text: str | None) -> str:
	"""A reference as compared: upper case, accents and every non-alphanumeric
	character dropped (``acc sinv 2026 00012`` → ``ACCSINV202600012``)."""
	return "".join(_tokens(text))


def _fold(text: str | None) -> str:
	return unicodedata.normalize("NFKD", text or "").upper()


def _tokens(text: str | None) -> list[str]:
	return _TOKEN.findall(_fold(text))


def _compact(text: str) -> tuple[str, frozenset[int]]:
	"""The text's alphanumerics run together, and where its words began."""
	tokens = _tokens(text)
	starts, offset = [], 0
	for token in tokens:
		starts.append(offset)
		offset += len(token)
	return "".join(tokens), frozenset(starts)


def _as_written(text: str, start: int, end: int) -> str:
	"""The piece of ``text`` (upper case, accents apart) that the compacted
	characters ``start:end`` come from."""
	folded = _fold(text)
	positions = [match.start() + i for match in _TOKEN.finditer(folded) for i in range(len(match.group()))]
	return folded[positions[start] : positions[end - 1] + 1]


def _edges_ok(compact: str, starts: frozenset[int], i: int, j: int) -> bool:
	"""A reference ending (or beginning) with a digit must not run on into more
	digits of the same word: ``…-00012`` is not found inside ``…-000123``."""
	if compact[i].isdigit() and i > 0 and i not in starts and compact[i - 1].isdigit():
		return False
	if compact[j - 1].isdigit() and j < len(compact) and j not in starts and compact[j].isdigit():
		return False
	return True


def _within_one_edit(a: str, b: str) -> bool:
	"""At most one substitution, insertion, deletion or swap of neighbours."""
	if a == b:
		return True
	la, lb = len(a), len(b)
	if abs(la - lb) > 1:
		return False
	i = 0
	while i < min(la, lb) and a[i] == b[i]:
		i += 1
	if la == lb:
		return a[i + 1 :] == b[i + 1 :] or (
			i + 1 < la and a[i] == b[i + 1] and a[i + 1] == b[i] and a[i + 2 :] == b[i + 2 :]
		)
	if la > lb:
		return a[i + 1 :] == b[i:]
	return a[i:] == b[i + 1 :]


class InvoiceIndex:
	"""The open invoices by normalised reference: invoice names first, ticket names
	as the fallback. Lookups cost the length of the text, not the number of
	invoices."""

	def __init__(self, invoices: Iterable[OpenInvoice]):
		self.invoices: dict[str, OpenInvoice] = {}
		self.by_name: dict[str, list[str]] = {}
		self.by_ticket: dict[str, list[str]] = {}
		for invoice in invoices:
			self.invoices[invoice.name] = invoice
			key = reference_key(invoice.name)
			if len(key) >= MIN_KEY_LENGTH:
				self.by_name.setdefault(key, []).append(invoice.name)
			ticket = reference_key(invoice.ticket)
			if len(ticket) >= MIN_KEY_LENGTH and not invoice.is_return:
				self.by_ticket.setdefault(ticket, []).append(invoice.name)
		self._deletions: dict[str, set[str]] | None = None
		self._shapes = {
			kind: (
				sorted({len(k) for k in keys}, reverse=True),
				{k[:PREFIX_LENGTH] for k in keys},
			)
			for kind, keys in (("name", self.by_name), ("ticket", self.by_ticket))
		}

	def _find(self, compact: str, starts: frozenset[int], kind: str) -> list[tuple[str, str]]:
		"""(key, invoice name) of each reference of ``kind`` in the text, in order;
		of two references that overlap, the longer wins."""
		keys = self.by_name if kind == "name" else self.by_ticket
		lengths, prefixes = self._shapes[kind]
		found, covered = [], set()
		for i in range(len(compact) - MIN_KEY_LENGTH + 1):
			if compact[i : i + PREFIX_LENGTH] not in prefixes or i in covered:
				continue
			for length in lengths:
				key = compact[i : i + length]
				if len(key) == length and key in keys and _edges_ok(compact, starts, i, i + length):
					found.extend((key, name) for name in keys[key])
					covered.update(range(i, i + length))
					break
		return found

	def references(self, text: str) -> tuple[list[str], str]:
		"""The invoices the text refers to (by invoice name, else by ticket name), in
		order of appearance without repeats, and the first key found."""
		compact, starts = _compact(text)
		hits = self._find(compact, starts, "name") or self._find(compact, starts, "ticket")
		names = list(dict.fromkeys(name for _, name in hits))
		return names, (hits[0][0] if hits else "")

	def _deletion_index(self) -> dict[str, set[str]]:
		if self._deletions is None:
			self._deletions = {}
			for key in (*self.by_name, *self.by_ticket):
				for i in range(len(key)):
					self._deletions.setdefault(key[:i] + key[i + 1 :], set()).add(key)
		return self._deletions

	def near_misses(self, text: str) -> dict[str, str]:
		"""Invoices whose name (or ticket name) is one typo away from a piece of the
		text: invoice name → that piece of the text."""
		compact, _ = _compact(text)
		deletions = self._deletion_index()
		lengths = sorted(
			{n + d for n in (*self._shapes["name"][0], *self._shapes["ticket"][0]) for d in (-1, 0, 1)}
		)
		keys = {}
		for length in lengths:
			for i in range(len(compact) - length + 1):
				window = compact[i : i + length]
				candidates = set(deletions.get(window, ()))
				for j in range(length + 1):
					shorter = window[:j] + window[j + 1 :] if j < length else window
					if shorter in self.by_name or shorter in self.by_ticket:
						candidates.add(shorter)
					candidates.update(deletions.get(shorter, ()))
				for key in candidates:
					if key not in keys and _within_one_edit(window, key):
						keys[key] = (i, i + length)
		near: dict[str, str] = {}
		for key in sorted(keys):
			for name in self.by_name.get(key, []) + self.by_ticket.get(key, []):
				near.setdefault(name, _as_written(text, *keys[key]))
		return near


def _same_party(customer: str | None, counterparty: str) -> bool:
	a, b = reference_key(customer), reference_key(counterparty)
	return len(a) >= 4 and len(b) >= 4 and (a in b or b in a)


def _amount(value: Decimal) -> str:
	return f"{value.quantize(CENT)}"


def match(transactions: Sequence[BankTransaction], open_invoices: Iterable[OpenInvoice]) -> list[Decision]:
	"""One decision per transaction, in the order given (statement order). A
	transaction is ``MATCHED`` when it is a booked credit, refers to exactly one
	invoice (by its name, else by its ticket's name), in the same currency, and
	pays exactly what is outstanding; each invoice is matched once at most (a
	second full payment reads ``duplicate_payment``)."""
	index = InvoiceIndex(open_invoices)
	paid_by: dict[str, str] = {}
	return [_decide(transaction, index, paid_by) for transaction in transactions]


def _decide(t: BankTransaction, index: InvoiceIndex, paid_by: dict[str, str]) -> Decision:
	amount = t.amount.quantize(CENT)
	money = (_amount(amount), t.currency)

	def decide(reason, message, *extra, invoice=None, invoices=(), reference="", status=UNMATCHED):
		customer = index.invoices[invoice].customer if invoice in index.invoices else None
		return Decision(
			t.id,
			status,
			reason,
			amount,
			t.currency,
			invoice,
			tuple(invoices) or ((invoice,) if invoice else ()),
			customer,
			reference,
			message,
			(*money, *extra),
		)

	if t.status and t.status != BOOKED:
		return decide(R_NOT_BOOKED, M_NOT_BOOKED, t.status)
	names, reference = index.references(t.reference_text)
	if t.reversal or not t.is_credit:
		# a refund, a returned transfer, a bank charge: recorded by hand (the invoices
		# it names, if any, are given to help)
		return decide(R_REFUND, M_REVERSAL if t.reversal else M_DEBIT, invoices=names, reference=reference)
	invoices = [index.invoices[name] for name in names]
	if invoices and all(invoice.is_return for invoice in invoices):
		return decide(R_REFUND, M_CREDIT_NOTE, names[0], invoice=names[0], reference=reference)
	invoices = [invoice for invoice in invoices if not invoice.is_return]

	if not invoices:
		return _unknown(t, index, paid_by, amount, decide)
	if len(invoices) > 1:
		listed = ", ".join(invoice.name for invoice in invoices)
		return decide(R_SEVERAL, M_SEVERAL, listed, invoices=[i.name for i in invoices], reference=reference)

	invoice = invoices[0]
	name = invoice.name
	if name in paid_by:
		return decide(R_DUPLICATE, M_DUPLICATE, name, paid_by[name], invoice=name, reference=reference)
	if invoice.outstanding <= 0:
		return decide(R_ALREADY_PAID, M_ALREADY_PAID, name, invoice=name, reference=reference)
	if t.currency != invoice.currency:
		return decide(R_CURRENCY, M_CURRENCY, name, invoice.currency, invoice=name, reference=reference)
	if amount != invoice.outstanding and t.instructed_currency and t.instructed_currency != invoice.currency:
		instructed = _amount(t.instructed_amount) if t.instructed_amount is not None else ""
		return decide(
			R_CURRENCY,
			M_EXCHANGE,
			name,
			instructed,
			t.instructed_currency,
			_amount(invoice.outstanding),
			invoice=name,
			reference=reference,
		)
	if amount < invoice.outstanding:
		return decide(
			R_PARTIAL, M_PARTIAL, name, _amount(invoice.outstanding), invoice=name, reference=reference
		)
	if amount > invoice.outstanding:
		return decide(
			R_OVERPAYMENT,
			M_OVERPAYMENT,
			name,
			_amount(invoice.outstanding),
			invoice=name,
			reference=reference,
		)
	paid_by[name] = t.id
	return decide(R_MATCHED, M_MATCHED, name, invoice=name, reference=reference, status=MATCHED)


NEAR_LISTED = 5


def _unknown(t: BankTransaction, index: InvoiceIndex, paid_by: dict[str, str], amount: Decimal, decide):
	"""No known reference: a hint when one open invoice is a typo away. Several
	candidates are narrowed by the amount, then by the payer's name."""
	near = index.near_misses(t.reference_text)
	candidates = sorted(
		name
		for name in near
		if name not in paid_by and index.invoices[name].outstanding > 0 and not index.invoices[name].is_return
	)
	if len(candidates) > 1:
		same_amount = [
			n
			for n in candidates
			if index.invoices[n].outstanding == amount and index.invoices[n].currency == t.currency
		]
		candidates = same_amount or candidates
	if len(candidates) > 1:
		same_party = [n for n in candidates if _same_party(index.invoices[n].customer, t.counterparty_name)]
		candidates = same_party or candidates
	if len(candidates) == 1:
		name = candidates[0]
		return decide(R_MISTYPED, M_MISTYPED, name, near[name], invoice=name, reference=near[name])
	if candidates:
		listed = ", ".join(candidates[:NEAR_LISTED]) + (", …" if len(candidates) > NEAR_LISTED else "")
		return decide(R_UNKNOWN, M_UNKNOWN_NEAR, listed, invoices=candidates)
	return decide(R_UNKNOWN, M_UNKNOWN)
