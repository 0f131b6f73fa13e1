"""The bank's answer to a direct-debit batch (#29), the core alone: camt.053 and
camt.054 files made to order, valid against the official schemas, read by the
statement parser; the batch credit collects its debits, a return names its debit
and its ISO reason."""

from datetime import date
from decimal import Decimal

from dds_assistance.core import camt053, sepa_debit
from dds_assistance.core import direct_debit_matching as ddm
from dds_assistance.samples import sepa_files as files


def debits(count: int = 3, block: str = "PMT-RCUR-1") -> list[ddm.Debit]:
	return [
		ddm.Debit(
			batch="DDB-2026-00001",
			payment_information_id=block,
			end_to_end_id=f"ACC-SINV-2026-{i:05d}",
			invoice=f"ACC-SINV-2026-{i:05d}",
			customer=f"Labo {i}",
			mandate=f"RUM-C{i:04d}-01",
			amount=Decimal("1188.00"),
		)
		for i in range(1, count + 1)
	]


def reported(items: list[ddm.Debit]) -> list[files.Collected]:
	return [files.Collected(d.end_to_end_id, d.amount, d.mandate, d.customer) for d in items]


def transactions(entries, notification: bool = False):
	xml = files.write_camt054(entries) if notification else files.write_camt053(entries)
	schema = "camt.054.001.02" if notification else "camt.053.001.02"
	assert sepa_debit.schema_errors(xml, schema) == []
	return camt053.parse_camt053(xml).transactions


def test_a_detailed_batch_credit_collects_each_debit():
	pending = debits()
	decided = ddm.match_debits(
		transactions([files.DebitEntry("BK-1", reported(pending), "PMT-RCUR-1")]), pending
	)
	assert [d.action for d in decided.values()] == [ddm.COLLECT] * 3
	assert [d.invoice for d in decided.values()] == [d.invoice for d in pending]


def test_a_batch_credit_without_details_collects_its_block_by_its_payment_information_id():
	pending = debits()
	entry = files.DebitEntry("BK-2", reported(pending), "PMT-RCUR-1", detailed=False)
	[decision] = ddm.match_debits(transactions([entry]), pending).values()
	assert (decision.action, decision.reason, len(decision.debits)) == (ddm.COLLECT, ddm.R_COLLECTED, 3)
	assert decision.amount == Decimal("3564.00")
	# the entry's text alone (a bank that gives no batch details) is enough
	entry = files.DebitEntry("BK-3", reported(pending), "", detailed=False, text="REMISE SDD PMT-RCUR-1")
	[decision] = ddm.match_debits(transactions([entry]), pending).values()
	assert decision.action == ddm.COLLECT


def test_a_batch_credit_short_of_its_debits_is_left_to_the_accountant():
	pending = debits()
	entry = files.DebitEntry("BK-4", reported(pending[:2]), "PMT-RCUR-1", detailed=False)
	[decision] = ddm.match_debits(transactions([entry]), pending).values()
	assert (decision.action, decision.reason) == (ddm.LEAVE, ddm.R_BATCH_MISMATCH)
	assert "2376.00 EUR does not equal the 3564.00 EUR" in decision.explanation


def test_a_return_names_its_debit_and_its_reason_in_camt053_and_camt054():
	collected = [ddm.Debit(**{**d.__dict__, "state": sepa_debit.COLLECTED}) for d in debits()]
	for notification in (False, True):
		entry = files.DebitEntry("RT-1", reported(collected[1:2]), reason="AM04")
		[decision] = ddm.match_debits(transactions([entry], notification), collected).values()
		assert (decision.action, decision.invoice, decision.return_code, decision.rejected) == (
			ddm.RETURN,
			"ACC-SINV-2026-00002",
			"AM04",
			False,
		)
		assert decision.explanation.endswith("reason AM04: Insufficient funds.")


def test_a_return_of_a_debit_not_yet_credited_is_a_reject():
	pending = debits()
	entry = files.DebitEntry("RT-2", reported(pending[:1]), reason="MD01")
	[decision] = ddm.match_debits(transactions([entry]), pending).values()
	assert (decision.action, decision.rejected, decision.return_code) == (ddm.RETURN, True, "MD01")


def test_a_return_of_no_known_debit_is_left_with_its_reason():
	stranger = files.Collected("SOMEONE-ELSE-1", Decimal("50.00"))
	[decision] = ddm.match_debits(
		transactions([files.DebitEntry("RT-3", [stranger], reason="MS02")]), debits()
	).values()
	assert (decision.action, decision.reason, decision.return_code) == (
		ddm.LEAVE,
		ddm.R_RETURN_UNKNOWN,
		"MS02",
	)


def test_transfers_are_not_direct_debits_and_a_debit_is_decided_once():
	pending = debits(1)
	entries = [files.DebitEntry("BK-5", reported(pending), "PMT-RCUR-1")] * 1
	xml_transactions = transactions(entries)
	twice = xml_transactions + [
		camt053.BankTransaction(
			id="BK-5-again",
			**{
				k: getattr(xml_transactions[0], k)
				for k in ("amount", "currency", "credit_debit", "end_to_end_id")
			},
		)
	]
	decided = ddm.match_debits(twice, pending)
	assert list(decided) == ["BK-5"]
	transfer = camt053.BankTransaction(
		id="TR-1",
		amount=Decimal("100"),
		currency="EUR",
		credit_debit="CRDT",
		remittance="ACC-SINV-2026-00099",
	)
	assert ddm.match_debits([transfer], pending) == {}
	assert date(2026, 3, 16) == xml_transactions[0].booking_date
