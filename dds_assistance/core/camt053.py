"""ISO 20022 bank-to-customer statements (camt.053, any version of the 001 message:
.02, .08 …) read into plain data: :class:`Statement` and its :class:`BankTransaction`
rows, one per transaction detail (``parse_camt053_statements``: every statement of
the file, several days or accounts; ``parse_camt053``: a file of one). A debit/credit
notification (camt.054, the details of a batch booking or of returned direct debits)
reads the same way, each ``Ntfctn`` as a statement. A file the
parser cannot read is a :class:`~dds_assistance.core.bank_details.PaymentDataError`
``invalid_statement``.

The file is read as a stream, in work and memory bounded by ``core.limits``
(``STATEMENT_*``): past its size, its statements, its transactions, its depth or
the elements of one entry it is refused with the bound stated; each transaction's
free texts (``Ustrd``, ``AddtlRmtInf``, ``AddtlTxInf``, ``AddtlNtryInf``) are read
up to ``REFERENCE_CHARACTERS`` characters and the rest dropped as it is read, the
transaction marked ``truncated``.
"""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal, InvalidOperation

from lxml import etree

from dds_assistance.core import limits
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
	# its free texts (remittance, additional information) were longer than what is
	# read of them (``limits.REFERENCE_CHARACTERS``): the rest was not read
	truncated: bool = False
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


def _date(value: str) -> date:
	try:
		return date.fromisoformat(value[:10])
	except ValueError:
		raise PaymentDataError("invalid_statement", f"unreadable date {value!r}")


# ---------------------------------------------------------------------------- reading, bounded
# Free texts a payer or a bank writes: read up to the transaction's budget
# (``limits.REFERENCE_CHARACTERS``), the rest dropped as it is read.
FREE_TEXTS = frozenset({"Ustrd", "AddtlRmtInf", "AddtlTxInf", "AddtlNtryInf"})
HEADER, ENTRY, DETAIL, OTHER = "header", "entry", "detail", "other"


@dataclass
class _Unit:
	"""A piece of the file read as one (a statement's header, an entry, a transaction
	detail, or something the reader skips): its element count and text budget."""

	kind: str
	position: int = 0
	elements: int = 0
	budget: int = limits.REFERENCE_CHARACTERS
	truncated: bool = False


def parse_camt053_statements(xml: bytes | str) -> list[Statement]:
	"""Every statement (``Stmt``) of a camt.053 file, in file order.

	Read as a stream, in work and memory bounded by ``core.limits``: the file's
	size, its statements, its transactions, its depth, the elements of an entry or
	a transaction; each transaction's free texts are read up to
	``REFERENCE_CHARACTERS`` characters (``BankTransaction.truncated`` says so).
	A bound passed is a :class:`RuleError` that states it."""
	if isinstance(xml, str):
		xml = xml.encode("utf-8")
	limits.check_statement_size(len(xml))
	try:
		return _read(xml)
	except etree.XMLSyntaxError as error:
		message = str(error.msg or error)
		# the XML parser's own bounds (without huge_tree), stated as the app's
		if "Excessive depth" in message:
			raise limits.statement_refusal("statement_too_deep", limits.STATEMENT_DEPTH)
		if "XML_PARSE_HUGE" in message:
			raise limits.statement_refusal("statement_text_too_long", limits.STATEMENT_TEXT_MB)
		raise PaymentDataError("invalid_statement", message)


def _read(xml: bytes) -> list[Statement]:
	events = etree.iterparse(
		io.BytesIO(xml),
		events=("start", "end"),
		resolve_entities=False,
		no_network=True,
		load_dtd=False,
		huge_tree=False,
		remove_comments=True,
		remove_pis=True,
	)
	statements: list[Statement] = []
	# the path from the root: (local name, unit it belongs to); a unit begins at a
	# statement (its header), an entry, a transaction detail, or anything skipped
	stack: list[tuple[str, _Unit | None]] = []
	body_seen, statement_tag = False, "Stmt"
	entries: list[dict] = []
	details: list[dict] = []
	transactions = 0
	for event, element in events:
		if event == "start":
			local = _local(element)
			depth = len(stack) + 1
			if depth > limits.STATEMENT_DEPTH:
				raise limits.statement_refusal("statement_too_deep", limits.STATEMENT_DEPTH)
			parent_name, parent_unit = stack[-1] if stack else ("", None)
			unit = parent_unit
			if depth == 1:
				_check_root(element)
			elif depth == 2:
				if local in _BODIES and not body_seen:
					body_seen, statement_tag = True, _BODIES[local]
				else:
					unit = _Unit(OTHER)
			elif depth == 3 and parent_unit is None:
				if local == statement_tag:
					if len(statements) + 1 > limits.STATEMENT_STATEMENTS:
						raise limits.statement_refusal(
							"statement_too_many_statements", limits.STATEMENT_STATEMENTS
						)
					unit, entries = _Unit(HEADER, len(statements) + 1), []
					statements.append(Statement("", "", ""))  # its header is read at its end
				else:
					unit = _Unit(OTHER)
			elif depth == 4 and local == "Ntry" and parent_unit.kind == HEADER:
				unit, details = _Unit(ENTRY, len(entries) + 1), []
			elif depth == 6 and local == "TxDtls" and parent_name == "NtryDtls" and parent_unit.kind == ENTRY:
				unit = _Unit(DETAIL, parent_unit.position)
				transactions += 1
			if unit is not None and local not in FREE_TEXTS:  # free texts: bounded by the budget
				unit.elements += 1 + len(element.attrib)
				if unit.elements > limits.STATEMENT_ELEMENTS:
					raise limits.statement_refusal(
						"statement_too_many_elements", unit.position, limits.STATEMENT_ELEMENTS
					)
			if transactions > limits.STATEMENT_TRANSACTIONS:
				raise limits.statement_refusal(
					"statement_too_many_transactions", limits.STATEMENT_TRANSACTIONS
				)
			stack.append((local, unit))
			continue

		local, unit = stack.pop()
		if unit is None:
			continue
		parent_unit = stack[-1][1] if stack else None
		if unit is not parent_unit:  # the end of a unit
			if unit.kind == DETAIL:
				details.append(_detail(_Node(element), unit.truncated))
			elif unit.kind == ENTRY:
				if not details:
					transactions += 1  # an entry without details is one transaction
					if transactions > limits.STATEMENT_TRANSACTIONS:
						raise limits.statement_refusal(
							"statement_too_many_transactions", limits.STATEMENT_TRANSACTIONS
						)
				batches = element.xpath(
					"./*[local-name()='NtryDtls']/*[local-name()='Btch']/*[local-name()='PmtInfId']/text()"
				)
				entry = _entry_data(_Node(element, skip=frozenset({"NtryDtls"})), details, unit)
				entry["batch_id"] = _cut(" ".join(batch.strip() for batch in batches if batch.strip()))
				entries.append(entry)
			elif unit.kind == HEADER:
				statements[-1] = _statement(_Node(element, skip=frozenset({"Ntry"})), entries)
			_drop(element)
			continue
		# an element inside a unit: its text read up to the bounds
		text = element.text
		if local in FREE_TEXTS:
			kept = " ".join(text.split()) if text else ""
			if not kept or unit.budget <= 0:
				unit.truncated = unit.truncated or bool(kept)
				_drop(element)
			else:
				if len(kept) > unit.budget:
					kept, unit.truncated = kept[: unit.budget], True
				element.text = kept
				unit.budget -= len(kept) + 1
		elif text and len(text) > limits.REFERENCE_CHARACTERS:
			element.text, unit.truncated = text[: limits.REFERENCE_CHARACTERS], True
	if not body_seen:
		raise PaymentDataError("invalid_statement", "no BkToCstmrStmt element")
	if not statements:
		raise PaymentDataError("invalid_statement", "no statement in the file")
	return statements


def _drop(element) -> None:
	"""Free what was read: the element leaves the tree (and memory)."""
	parent = element.getparent()
	element.clear()
	if parent is not None:
		parent.remove(element)


def _check_root(element) -> None:
	info = element.getroottree().docinfo
	if info.doctype or info.internalDTD is not None:
		# a bank statement never declares a DTD; one may hide entity expansion tricks
		raise PaymentDataError("invalid_statement", "a document type declaration is not allowed")
	qname = etree.QName(element)
	namespace = qname.namespace or ""
	if qname.localname != "Document" or (namespace and not _CAMT053.match(namespace)):
		raise PaymentDataError("invalid_statement", f"{namespace or qname.localname} is not camt.053")


def parse_camt053(xml: bytes | str) -> Statement:
	"""The one statement of a camt.053 file (``parse_camt053_statements`` reads files
	that hold several accounts or days)."""
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


def _statement(stmt: _Node, entries: list[dict]) -> Statement:
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
	for position, entry in enumerate(entries, start=1):
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


def _entry_data(entry: _Node, details: list[dict], unit: _Unit) -> dict:
	"""What the statement says of one ``Ntry``, read as plain data when it ends."""
	amount, currency = entry.amount("Amt")
	return {
		"position": unit.position,
		"amount": amount,
		"currency": currency,
		"indicator": entry.indicator(),
		"reversal": entry.text("RvslInd").lower() in ("true", "1"),
		"booking_date": entry.date("BookgDt"),
		"value_date": entry.date("ValDt"),
		"status": entry.text("Sts/Cd", "Sts/Prtry", "Sts").upper(),
		"reference": entry.text("AcctSvcrRef"),
		"number": entry.text("NtryRef"),
		"bank_code": _bank_code(entry),
		"info": " ".join(entry.texts("AddtlNtryInf")),
		"details": details,
		"truncated": unit.truncated,
	}


def _entry(statement: Statement, raw: dict, position: int) -> list[BankTransaction]:
	details = raw["details"]
	amount, currency, indicator, reversal = raw["amount"], raw["currency"], raw["indicator"], raw["reversal"]
	if amount is None or not indicator:
		raise PaymentDataError(
			"invalid_statement", f"entry {position} has no amount or no credit/debit indicator"
		)
	common = {
		"booking_date": raw["booking_date"],
		"value_date": raw["value_date"],
		"reversal": reversal,
		"status": raw["status"],
		"entry_reference": raw["reference"],
		"bank_code": raw["bank_code"],
		"batch_id": raw.get("batch_id", ""),
	}
	entry_ref, entry_number = raw["reference"], raw["number"]
	entry_id = entry_ref or entry_number
	info = raw["info"]
	if len(details) > 1 and any(d["amount"] is None for d in details):
		# a batch whose parts carry no amount cannot be split: one transaction for the entry
		parts = [_part(d, indicator, reversal) for d in details]
		merged = {
			key: _cut(" ".join(part[key] for part in parts if part[key]))
			for key in ("remittance", "structured_reference", "end_to_end_id", "mandate_id")
		}
		merged["return_reason"] = next((part["return_reason"] for part in parts if part["return_reason"]), "")
		merged["counterparty_name"] = _cut(
			" / ".join(sorted({part["counterparty_name"] for part in parts} - {""}))
		)
		texts = " ".join(part for part in (info, *(d["info"] for d in details)) if part)
		truncated = raw["truncated"] or any(d["truncated"] for d in details) or _longer(merged, texts)
	elif not details:
		merged, texts, truncated = {}, info, raw["truncated"]
	else:
		merged = None
	if merged is not None:  # one transaction for the entry
		return [
			BankTransaction(
				id=entry_id or _digest(statement, position, 0, amount, indicator, info),
				amount=amount,
				currency=currency or statement.currency,
				credit_debit=indicator,
				additional_info=_cut(texts),
				truncated=truncated,
				**merged,
				**common,
			)
		]
	single = len(details) == 1
	transactions = []
	for index, detail in enumerate(details, start=1):
		tx_indicator = detail["indicator"] or indicator
		part = _part(detail, tx_indicator, reversal)
		e2e = part["end_to_end_id"] if part["end_to_end_id"] != NOT_PROVIDED else ""
		own = detail["own_reference"]
		if single:
			tx_id = entry_ref or own or entry_number or e2e
		else:
			tx_id = own or (f"{entry_id}/{index}" if entry_id else "") or e2e
		tx_amount, tx_currency = detail["amount"], detail["currency"]
		if tx_amount is None:  # the single detail of an entry: the entry's amount
			tx_amount, tx_currency = amount, currency
		if not tx_id:
			tx_id = _digest(statement, position, index, tx_amount, tx_indicator, part["remittance"] + e2e)
		texts = (info, detail["info"]) if single else (detail["info"],)
		transactions.append(
			BankTransaction(
				id=tx_id,
				amount=tx_amount,
				currency=tx_currency or currency or statement.currency,
				credit_debit=tx_indicator,
				additional_info=" ".join(text for text in texts if text),
				instructed_amount=detail["instructed_amount"],
				instructed_currency=detail["instructed_currency"],
				truncated=detail["truncated"] or (single and raw["truncated"]),
				**part,
				**common,
			)
		)
	return transactions


def _cut(text: str) -> str:
	return text[: limits.REFERENCE_CHARACTERS]


def _longer(merged: dict, info: str) -> bool:
	return len(info) > limits.REFERENCE_CHARACTERS or any(
		len(value) >= limits.REFERENCE_CHARACTERS for value in merged.values()
	)


ROLES = ("Dbtr", "Cdtr")


def _detail(tx: _Node, truncated: bool) -> dict:
	"""What the statement says of one ``TxDtls`` (camt.053.001.02 and later), read
	as plain data when it ends: amounts, references, remittance, and both parties
	(which one is the counterparty depends on the entry)."""
	amount, currency = tx.amount("Amt", "AmtDtls/TxAmt/Amt")
	instructed, instructed_currency = tx.amount("AmtDtls/InstdAmt/Amt")
	structured = (
		tx.texts("RmtInf/Strd/CdtrRefInf/Ref")
		+ tx.texts("RmtInf/Strd/RfrdDocInf/Nb")
		+ tx.texts("RmtInf/Strd/AddtlRmtInf")
	)
	parties = {
		role: {
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
		}
		for role in ROLES
	}
	structured_reference = " ".join(structured)
	return {
		"amount": amount,
		"currency": currency,
		"indicator": tx.indicator(),
		"instructed_amount": instructed,
		"instructed_currency": instructed_currency,
		"parties": parties,
		"remittance": " ".join(tx.texts("RmtInf/Ustrd")),
		"structured_reference": _cut(structured_reference),
		"end_to_end_id": tx.text("Refs/EndToEndId"),
		"mandate_id": tx.text("Refs/MndtId"),
		"return_reason": tx.text("RtrInf/Rsn/Cd", "RtrInf/Rsn/Prtry").upper(),
		"own_reference": tx.text("Refs/AcctSvcrRef"),
		"info": " ".join(tx.texts("AddtlTxInf")),
		"truncated": truncated or len(structured_reference) > limits.REFERENCE_CHARACTERS,
	}


def _part(detail: dict, indicator: str, reversal: bool = False) -> dict:
	"""The parties and the remittance of one detail. The counterparty of a credit
	is its debtor, of a debit its creditor; a reversal keeps the parties of the
	booking it cancels."""
	role = "Dbtr" if (indicator == CREDIT) != reversal else "Cdtr"
	return {
		**detail["parties"][role],
		"remittance": detail["remittance"],
		"structured_reference": detail["structured_reference"],
		"end_to_end_id": detail["end_to_end_id"],
		"mandate_id": detail["mandate_id"],
		"return_reason": detail["return_reason"],
	}


def _digest(statement: Statement, entry: int, index: int, amount, indicator: str, text: str) -> str:
	"""A stable id for a transaction the bank gave no reference to: the same file
	gives the same digest, two positions in it never the same."""
	source = "|".join(
		str(part) for part in (statement.account_iban, statement.id, entry, index, amount, indicator, text)
	)
	return "H" + hashlib.sha256(source.encode("utf-8")).hexdigest()[:24]
