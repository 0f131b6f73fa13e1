"""Bank files of SEPA direct debits made to order, for the tests and the benchmark
(#29): the camt.053.001.02 statement that books a batch's credit (one entry per
payment information block, detailed or not) and the returns of debits (R-transactions
with their ISO reason codes), and the camt.054.001.02 notification of returns —
each valid against the official schemas shipped in ``core/xsd``.

Framework-free: the bench tests give it the debits of the batches they made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from lxml import etree
from stdnum.eu import at_02

from dds_assistance.samples.camt_files import COMPANY_IBAN

CAMT053 = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"
CAMT054 = "urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"


def make_creditor_id(national_id: str, country: str = "FR", business_code: str = "ZZZ") -> str:
	"""A creditor identifier with its check digits (``FR`` + check + ``ZZZ`` + id): test data."""
	national_id = "".join(national_id.split()).upper()
	check = at_02.calc_check_digits(f"{country}00{business_code}{national_id}")
	return f"{country.upper()}{check}{business_code}{national_id}"


@dataclass(frozen=True)
class Collected:
	"""A debit as the bank reports it back: its end-to-end id (the invoice), amount,
	mandate and debtor."""

	end_to_end_id: str
	amount: Decimal
	mandate: str = ""
	debtor_name: str = ""
	debtor_iban: str = ""


@dataclass
class DebitEntry:
	"""A statement entry: a batch credit (``debits`` collected, ``detailed`` with one
	TxDtls each), or a return (one debit, ``reason`` its ISO code)."""

	reference: str
	debits: list[Collected] = field(default_factory=list)
	payment_information_id: str = ""
	reason: str = ""
	detailed: bool = True
	booking_date: date = date(2026, 3, 16)
	text: str = ""

	@property
	def is_return(self) -> bool:
		return bool(self.reason)

	@property
	def amount(self) -> Decimal:
		return sum((debit.amount for debit in self.debits), Decimal("0"))


def _sub(parent, tag: str, text=None, **attrib):
	element = etree.SubElement(parent, tag, {k: str(v) for k, v in attrib.items()})
	if text is not None:
		element.text = str(text)
	return element


def _money(value: Decimal) -> str:
	return f"{Decimal(value).quantize(Decimal('0.01'))}"


def _entry(parent, entry: DebitEntry):
	ntry = _sub(parent, "Ntry")
	_sub(ntry, "Amt", _money(entry.amount), Ccy="EUR")
	_sub(ntry, "CdtDbtInd", "DBIT" if entry.is_return else "CRDT")
	_sub(ntry, "Sts", "BOOK")
	_sub(_sub(ntry, "BookgDt"), "Dt", entry.booking_date.isoformat())
	_sub(_sub(ntry, "ValDt"), "Dt", entry.booking_date.isoformat())
	_sub(ntry, "AcctSvcrRef", entry.reference)
	domain = _sub(_sub(ntry, "BkTxCd"), "Domn")
	_sub(domain, "Cd", "PMNT")
	family = _sub(domain, "Fmly")
	_sub(family, "Cd", "IDDT")  # issued direct debits (the creditor's side)
	_sub(family, "SubFmlyCd", "UPDD" if entry.is_return else "ESDD")
	details = _sub(ntry, "NtryDtls")
	if not entry.is_return and entry.payment_information_id:
		batch = _sub(details, "Btch")
		_sub(batch, "PmtInfId", entry.payment_information_id)
		_sub(batch, "NbOfTxs", len(entry.debits))
		_sub(batch, "TtlAmt", _money(entry.amount), Ccy="EUR")
		_sub(batch, "CdtDbtInd", "CRDT")
	if entry.detailed or entry.is_return:
		for debit in entry.debits:
			tx = _sub(details, "TxDtls")
			refs = _sub(tx, "Refs")
			if entry.payment_information_id:
				_sub(refs, "PmtInfId", entry.payment_information_id)
			_sub(refs, "EndToEndId", debit.end_to_end_id)
			if debit.mandate:
				_sub(refs, "MndtId", debit.mandate)
			_sub(_sub(_sub(tx, "AmtDtls"), "TxAmt"), "Amt", _money(debit.amount), Ccy="EUR")
			if debit.debtor_name or debit.debtor_iban:
				parties = _sub(tx, "RltdPties")
				if debit.debtor_name:
					_sub(_sub(parties, "Dbtr"), "Nm", debit.debtor_name)
				if debit.debtor_iban:
					_sub(_sub(_sub(parties, "DbtrAcct"), "Id"), "IBAN", debit.debtor_iban)
			if entry.is_return:
				info = _sub(tx, "RtrInf")
				_sub(_sub(info, "Rsn"), "Cd", entry.reason)
	if entry.text:
		_sub(ntry, "AddtlNtryInf", entry.text)


def _account(parent, iban: str):
	account = _sub(parent, "Acct")
	_sub(_sub(account, "Id"), "IBAN", iban)
	_sub(account, "Ccy", "EUR")


def write_camt053(
	entries: list[DebitEntry],
	iban: str = COMPANY_IBAN,
	statement_id: str = "STMT-SDD-1",
	opening: Decimal = Decimal("0"),
	day: date = date(2026, 3, 16),
) -> bytes:
	"""The camt.053.001.02 statement of ``entries``, its balances made to add up."""
	root = etree.Element("Document", nsmap={None: CAMT053})
	body = _sub(root, "BkToCstmrStmt")
	header = _sub(body, "GrpHdr")
	_sub(header, "MsgId", f"MSG-{statement_id}")
	_sub(header, "CreDtTm", datetime.combine(day, datetime.min.time()).isoformat())
	stmt = _sub(body, "Stmt")
	_sub(stmt, "Id", statement_id)
	_sub(stmt, "CreDtTm", datetime.combine(day, datetime.min.time()).isoformat())
	_account(stmt, iban)
	closing = opening + sum((-e.amount if e.is_return else e.amount for e in entries), Decimal("0"))
	for code, amount in (("OPBD", opening), ("CLBD", closing)):
		balance = _sub(stmt, "Bal")
		_sub(_sub(_sub(balance, "Tp"), "CdOrPrtry"), "Cd", code)
		_sub(balance, "Amt", _money(abs(amount)), Ccy="EUR")
		_sub(balance, "CdtDbtInd", "DBIT" if amount < 0 else "CRDT")
		_sub(_sub(balance, "Dt"), "Dt", day.isoformat())
	for entry in entries:
		_entry(stmt, entry)
	return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def write_camt054(
	entries: list[DebitEntry],
	iban: str = COMPANY_IBAN,
	notification_id: str = "NTF-SDD-1",
	day: date = date(2026, 3, 16),
) -> bytes:
	"""The camt.054.001.02 notification of ``entries`` (the returns of debits, or a
	batch's details)."""
	root = etree.Element("Document", nsmap={None: CAMT054})
	body = _sub(root, "BkToCstmrDbtCdtNtfctn")
	header = _sub(body, "GrpHdr")
	_sub(header, "MsgId", f"MSG-{notification_id}")
	_sub(header, "CreDtTm", datetime.combine(day, datetime.min.time()).isoformat())
	notification = _sub(body, "Ntfctn")
	_sub(notification, "Id", notification_id)
	_sub(notification, "CreDtTm", datetime.combine(day, datetime.min.time()).isoformat())
	_account(notification, iban)
	for entry in entries:
		_entry(notification, entry)
	return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
