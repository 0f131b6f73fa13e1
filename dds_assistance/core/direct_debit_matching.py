"""Which bank transactions are the result of a direct-debit batch (issue #29): the
credit of a batch (its debits collected) and the R-transactions (a debit returned
or rejected, with its ISO reason code). Plain data in, decisions out; the other
transactions are left to the transfer matching (``core.transfer_matching``).

A batch credit is recognised by the debits it names (their end-to-end ids, the
invoice numbers, when the bank details the batch) or by its payment information id
(``PmtInfId``, in the batch details or the entry's text); it collects them when its
amount is exactly theirs — otherwise it is left to the accountant. A return names
the debit by its original end-to-end id: a collected debit is returned (its payment
is undone), a debit not yet credited is rejected.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from dds_assistance.core.bank_details import CENT
from dds_assistance.core.camt053 import BOOKED, NOT_PROVIDED, BankTransaction
from dds_assistance.core.sepa_debit import COLLECTED, PENDING, reason_message

R_COLLECTED = "direct_debit_collected"
R_BATCH_MISMATCH = "direct_debit_mismatch"
R_RETURNED = "direct_debit_returned"
R_RETURN_UNKNOWN = "direct_debit_return_unknown"
REASONS = (R_COLLECTED, R_BATCH_MISMATCH, R_RETURNED, R_RETURN_UNKNOWN)

COLLECT, RETURN, LEAVE = "collect", "return", "leave"

# {0} amount, {1} currency; the others as noted
M_COLLECTED = "Direct debit credit of {0} {1}: {2} invoices collected ({3})"
M_BATCH_MISMATCH = "Direct debit credit of {0} {1} does not equal the {2} {1} of the debits it refers to ({3}): split it by hand"
M_RETURNED = "Direct debit of invoice {2} returned by the bank, reason {3}: {4}"
M_REJECTED = "Direct debit of invoice {2} rejected by the bank before collection, reason {3}: {4}"
M_RETURN_UNKNOWN = "Returned direct debit of {0} {1} (reason {2}): no debit of ours matches it"
DECISION_MESSAGES = (M_COLLECTED, M_BATCH_MISMATCH, M_RETURNED, M_REJECTED, M_RETURN_UNKNOWN)

# ISO bank transaction codes of direct debits (domain PMNT, family RDDT received
# direct debits / IDDT issued direct debits; UPDD: unpaid, reversal, return)
RETURN_SUB_FAMILIES = ("UPDD", "RRTN", "PRDD", "RCDD")


@dataclass(frozen=True)
class Debit:
	"""A debit of a submitted batch, as the matching sees it."""

	batch: str
	payment_information_id: str
	end_to_end_id: str
	invoice: str
	customer: str
	mandate: str
	amount: Decimal
	state: str = PENDING


@dataclass(frozen=True)
class DebitDecision:
	"""``COLLECT``: the debits are paid by the credit; ``RETURN``: the debit failed
	(``rejected`` when it was never credited), ``return_code`` says why; ``LEAVE``:
	left to the accountant, ``reason`` and the message say why."""

	transaction_id: str
	action: str
	reason: str
	amount: Decimal
	currency: str
	debits: tuple[Debit, ...] = ()
	return_code: str = ""
	rejected: bool = False
	message: str = ""
	args: tuple = ()

	@property
	def explanation(self) -> str:
		return self.message.format(*self.args)

	@property
	def invoice(self) -> str | None:
		return self.debits[0].invoice if len(self.debits) == 1 else None

	@property
	def customer(self) -> str | None:
		customers = {debit.customer for debit in self.debits}
		return customers.pop() if len(customers) == 1 else None


def _tokens(text: str) -> list[str]:
	return [token for token in (text or "").split() if token and token != NOT_PROVIDED]


def is_return(t: BankTransaction) -> bool:
	"""An R-transaction: a return reason, or a direct debit's return bank code on a
	debit or a reversal."""
	if t.return_reason:
		return True
	if t.is_credit and not t.reversal:
		return False
	code = (t.bank_code or "").upper()
	return "DDT" in code and any(sub in code for sub in RETURN_SUB_FAMILIES)


def match_debits(
	transactions: Sequence[BankTransaction], debits: Iterable[Debit]
) -> dict[str, DebitDecision]:
	"""The decisions for the transactions that are a direct debit's result, by
	transaction id (the others are not named). Each debit is decided once at most."""
	by_e2e: dict[str, Debit] = {}
	by_block: dict[str, list[Debit]] = {}
	for debit in debits:
		by_e2e[debit.end_to_end_id] = debit
		if debit.payment_information_id:
			by_block.setdefault(debit.payment_information_id, []).append(debit)
	used: set[str] = set()
	decisions = {}
	for t in transactions:
		if t.status and t.status != BOOKED:
			continue
		decision = _return(t, by_e2e, used) if is_return(t) else _credit(t, by_e2e, by_block, used)
		if decision is not None:
			decisions[t.id] = decision
	return decisions


def _money(t: BankTransaction) -> tuple[str, str]:
	return f"{t.amount.quantize(CENT)}", t.currency


def _credit(t, by_e2e, by_block, used) -> DebitDecision | None:
	if not t.is_credit or t.reversal:
		return None
	named = [by_e2e[token] for token in _tokens(t.end_to_end_id) if token in by_e2e]
	if not named:
		text = " ".join((t.batch_id, t.reference_text, t.additional_info))
		blocks = [block for token in dict.fromkeys(_tokens(text)) for block in [by_block.get(token)] if block]
		named = [debit for block in blocks for debit in block]
	named = [debit for debit in named if debit.state == PENDING and debit.end_to_end_id not in used]
	if not named:
		return None
	total = sum((debit.amount for debit in named), Decimal("0")).quantize(CENT)
	listed = ", ".join(debit.invoice for debit in named[:5]) + (", …" if len(named) > 5 else "")
	if t.currency != "EUR" or t.amount.quantize(CENT) != total:
		return DebitDecision(
			t.id,
			LEAVE,
			R_BATCH_MISMATCH,
			t.amount,
			t.currency,
			tuple(named),
			message=M_BATCH_MISMATCH,
			args=(*_money(t), f"{total}", listed),
		)
	used.update(debit.end_to_end_id for debit in named)
	return DebitDecision(
		t.id,
		COLLECT,
		R_COLLECTED,
		t.amount,
		t.currency,
		tuple(named),
		message=M_COLLECTED,
		args=(*_money(t), len(named), listed),
	)


def _return(t, by_e2e, used) -> DebitDecision:
	code = t.return_reason.upper()
	template, extra = reason_message(code)
	candidates = [by_e2e[token] for token in _tokens(t.end_to_end_id) if token in by_e2e]
	candidates += [
		debit
		for token in _tokens(t.reference_text)
		for debit in [by_e2e.get(token)]
		if debit and debit not in candidates
	]
	for debit in candidates:
		key = "R:" + debit.end_to_end_id
		if key in used or debit.state not in (PENDING, COLLECTED) or debit.amount != t.amount.quantize(CENT):
			continue
		used.add(key)
		rejected = debit.state == PENDING
		return DebitDecision(
			t.id,
			RETURN,
			R_RETURNED,
			t.amount,
			t.currency,
			(debit,),
			return_code=code or "?",
			rejected=rejected,
			message=M_REJECTED if rejected else M_RETURNED,
			args=(*_money(t), debit.invoice, code or "?", template.format(*extra)),
		)
	return DebitDecision(
		t.id,
		LEAVE,
		R_RETURN_UNKNOWN,
		t.amount,
		t.currency,
		return_code=code,
		message=M_RETURN_UNKNOWN,
		args=(*_money(t), code or "?"),
	)
