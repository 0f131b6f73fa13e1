"""ISO 20022 bank-to-customer statements (camt.053, any version of the 001 message:
.02, .08 …) read into plain data: :class:`Statement` and its :class:`BankTransaction`
rows, one per transaction detail (``parse_camt053``). A debit/credit notification
(camt.054, the details of a batch booking or of returned direct debits) reads the
same way, each ``Ntfctn`` as a statement. A file the parser cannot read
is a :class:`~dds_assistance.core.bank_details.PaymentDataError` ``invalid_statement``.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation

from lxml import etree

from dds_assistance.core.bank_details import PaymentDataError

# ---------------------------------------------------------------------------- CAMT.053

CREDIT, DEBIT = "CRDT", "DBIT"
BOOKED = "BOOK"
NOT_PROVIDED = "NOTPROVIDED"
_CAMT053 = re.compile(r"^urn:iso:std:iso:20022:tech:xsd:camt\.05[34]\.001\.\d{2}$")
# the message's body and its statements: camt.053, or a camt.054 notification
_BODIES = {"BkToCstmrStmt": "Stmt", "BkToCstmrDbtCdtNtfctn": "Ntfctn"}


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
	# direct debits (#29): the return reason of an R-transaction (RtrInf/Rsn/Cd), the
	# mandate (Refs/MndtId), the batch's payment information id (Btch/PmtInfId)
	return_reason: str = ""
	mandate_id: str = ""
	batch_id: str = ""

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
	body, kind = next(
		((found[0], part) for name, part in _BODIES.items() for found in [_children(root, name)] if found),
		(None, None),
	)
	if body is None:
		raise PaymentDataError("invalid_statement", "no BkToCstmrStmt element")
	statements = [_statement(child) for child in _children(body, kind)]
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
	batches = [
		_Node(b).text("PmtInfId") for dtls in _children(element, "NtryDtls") for b in _children(dtls, "Btch")
	]
	common["batch_id"] = " ".join(batch for batch in batches if batch)
	amounts = [tx.amount("Amt", "AmtDtls/TxAmt/Amt") for tx in details]
	if len(details) > 1 and any(value is None for value, _ in amounts):
		# a batch whose parts carry no amount cannot be split: one transaction for the entry
		parts = [_detail(tx, indicator, common["reversal"]) for tx in details]
		merged = {
			key: " ".join(part[key] for part in parts if part[key])
			for key in ("remittance", "structured_reference", "end_to_end_id", "mandate_id")
		}
		merged["return_reason"] = next((part["return_reason"] for part in parts if part["return_reason"]), "")
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
		"mandate_id": tx.text("Refs/MndtId"),
		"return_reason": tx.text("RtrInf/Rsn/Cd", "RtrInf/Rsn/Prtry").upper(),
	}


def _digest(statement: Statement, entry: int, index: int, amount, indicator: str, text: str) -> str:
	"""A stable id for a transaction the bank gave no reference to: the same file
	gives the same digest, two positions in it never the same."""
	source = "|".join(
		str(part) for part in (statement.account_iban, statement.id, entry, index, amount, indicator, text)
	)
	return "H" + hashlib.sha256(source.encode("utf-8")).hexdigest()[:24]
