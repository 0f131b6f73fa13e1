"""Ticket ↔ invoice reconciliation (R-ACC-1, R-ACC-2)."""

from datetime import datetime

from dds_assistance.core import accounting as a

T0 = datetime(2026, 11, 2, 10, 0)


def ticket(name="T1", status="Open", coverage="On-demand", tariff=100.0, **kw):
	return a.Ticket(name, "CUST", status, coverage, tariff, T0, **kw)


def invoice(name="SI1", ticket="T1", docstatus=1, total=100.0, outstanding=0.0, **kw):
	return a.Invoice(name, ticket, "CUST", docstatus, total, outstanding, **kw)


def anomalies(tickets, invoices, payments=None):
	return {
		row.ticket or row.invoices[0].name: row.anomalies
		for row in a.reconcile(tickets, invoices, payments or {})
	}


def test_r_acc_1_clean_paid_ticket_has_no_anomaly():
	rows = a.reconcile([ticket()], [invoice()], {"SI1": ["PE1"]})
	assert rows[0].anomalies == []
	assert (rows[0].grand_total, rows[0].paid_amount, rows[0].payments) == (100.0, 100.0, ["PE1"])


def test_r_acc_2_sold_ticket_without_invoice():
	assert anomalies([ticket(status="Awaiting Payment")], []) == {"T1": [a.NO_INVOICE]}
	assert anomalies([ticket(status="New")], []) == {"T1": []}  # not sold yet
	assert anomalies([ticket(coverage="Premium", tariff=0)], []) == {"T1": []}


def test_r_acc_2_invoice_without_ticket():
	assert anomalies([], [invoice(ticket=None)]) == {"SI1": [a.ORPHAN_INVOICE]}
	assert anomalies([], [invoice(ticket=None, docstatus=2)]) == {}


def test_r_acc_2_work_done_while_unpaid():
	assert a.UNPAID_WORK in anomalies([ticket(status="Resolved")], [invoice(outstanding=100)])["T1"]
	started_early = ticket(paid_on=datetime(2026, 11, 3), first_session_start=datetime(2026, 11, 2, 15))
	assert anomalies([started_early], [invoice()])["T1"] == [a.UNPAID_WORK]
	started_after = ticket(paid_on=datetime(2026, 11, 3), first_session_start=datetime(2026, 11, 4))
	assert anomalies([started_after], [invoice()])["T1"] == []


def test_r_acc_2_more_than_one_invoice():
	assert anomalies([ticket()], [invoice(), invoice("SI2")])["T1"] == [a.DUPLICATE_INVOICES]
	assert anomalies([ticket()], [invoice(docstatus=2), invoice("SI2")])["T1"] == []  # amended after a cancel


def test_r_acc_2_cancelled_or_returned_invoice_on_served_ticket():
	served = ticket(status="Closed")
	found = anomalies([served], [invoice(docstatus=2)])["T1"]
	assert a.UNDONE_INVOICE in found and a.NO_INVOICE in found
	credited = anomalies(
		[served], [invoice(), invoice("CN1", ticket=None, total=-100, is_return=True, return_against="SI1")]
	)
	assert a.UNDONE_INVOICE in credited["T1"] and a.UNPAID_WORK in credited["T1"]
	assert "CN1" not in credited  # a credit note is no orphan invoice


def test_r_acc_2_amount_differs_from_the_tariff():
	assert anomalies([ticket()], [invoice(total=120.0)])["T1"] == [a.AMOUNT_MISMATCH]
	assert anomalies([ticket(tariff=120.0)], [invoice(total=120.0)])["T1"] == []


def test_r_acc_2_work_status_on_an_unpaid_ticket():
	for status in ("Open", "In Progress", "Waiting on Client"):
		assert anomalies([ticket(status=status)], [invoice(outstanding=100)])["T1"] == [a.UNPAID_WORK]
	assert anomalies([ticket(status="Awaiting Payment")], [invoice(outstanding=100)])["T1"] == []
	assert anomalies([ticket(status="In Progress", coverage="Premium")], [])["T1"] == []


def test_r_acc_2_paid_then_cancelled_or_refused_without_refund():
	for status in ("Cancelled", "Rejected"):
		assert anomalies([ticket(status=status)], [invoice()])["T1"] == [a.PAID_NOT_SERVED]
	refunded = [invoice(), invoice("CN1", ticket=None, total=-100, is_return=True, return_against="SI1")]
	assert anomalies([ticket(status="Cancelled")], refunded)["T1"] == []


def test_r_acc_2_invoice_left_standing_on_a_refused_ticket():
	assert anomalies([ticket(status="Rejected")], [invoice(outstanding=100)])["T1"] == [a.INVOICE_NOT_SOLD]
	assert anomalies([ticket(status="Rejected")], [invoice(docstatus=2)])["T1"] == []
