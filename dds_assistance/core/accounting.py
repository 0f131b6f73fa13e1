"""Reconciliation of tickets with their invoices and payments (R-ACC-1, R-ACC-2).

Plain data in, rows with their anomalies out: the report feeds it from the site."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from dds_assistance.core.tickets import ON_DEMAND

NO_INVOICE = "Sold ticket without invoice"
ORPHAN_INVOICE = "Invoice without ticket"
UNPAID_WORK = "Work done while unpaid"
DUPLICATE_INVOICES = "More than one invoice"
UNDONE_INVOICE = "Invoice cancelled or returned on a served ticket"
AMOUNT_MISMATCH = "Amount differs from the ticket's tariff"
PAID_NOT_SERVED = "Paid ticket cancelled or refused without refund"
INVOICE_NOT_SOLD = "Invoice standing on a cancelled or refused ticket"
ANOMALIES = (
	NO_INVOICE,
	ORPHAN_INVOICE,
	UNPAID_WORK,
	DUPLICATE_INVOICES,
	UNDONE_INVOICE,
	AMOUNT_MISMATCH,
	PAID_NOT_SERVED,
	INVOICE_NOT_SOLD,
)

SOLD_STATUSES = {"Awaiting Payment", "Open", "In Progress", "Waiting on Client", "Resolved", "Closed"}
SERVED_STATUSES = {"Resolved", "Closed"}
WORK_STATUSES = {"Open", "In Progress", "Waiting on Client"} | SERVED_STATUSES
ENDED_UNSERVED = {"Cancelled", "Rejected"}


@dataclass
class Ticket:
	name: str
	customer: str | None
	status: str
	coverage: str
	tariff_amount: float
	received_at: datetime | None = None
	paid_on: datetime | None = None
	first_session_start: datetime | None = None


@dataclass
class Invoice:
	name: str
	ticket: str | None
	customer: str | None
	docstatus: int
	grand_total: float
	outstanding: float
	is_return: bool = False
	return_against: str | None = None
	posting_date: object = None


@dataclass
class Row:
	ticket: str | None
	customer: str | None
	status: str | None
	coverage: str | None
	tariff_amount: float
	invoices: list[Invoice] = field(default_factory=list)
	credit_notes: list[str] = field(default_factory=list)
	payments: list[str] = field(default_factory=list)
	anomalies: list[str] = field(default_factory=list)
	received_at: datetime | None = None

	@property
	def live_invoices(self) -> list[Invoice]:
		return [i for i in self.invoices if i.docstatus == 1]

	@property
	def grand_total(self) -> float:
		return round(sum(i.grand_total for i in self.live_invoices), 2)

	@property
	def outstanding(self) -> float:
		return round(sum(i.outstanding for i in self.live_invoices), 2)

	@property
	def paid_amount(self) -> float:
		return round(self.grand_total - self.outstanding, 2)


def reconcile(tickets: list[Ticket], invoices: list[Invoice], payments: dict[str, list[str]]) -> list[Row]:
	"""One row per ticket (and one per invoice of the ticket Item with no ticket),
	with the anomalies of R-ACC-2."""
	by_ticket: dict[str, list[Invoice]] = defaultdict(list)
	returns: dict[str, list[Invoice]] = defaultdict(list)
	orphans = []
	for invoice in invoices:
		if invoice.is_return:
			if invoice.docstatus == 1 and invoice.return_against:
				returns[invoice.return_against].append(invoice)
			continue
		if invoice.ticket:
			by_ticket[invoice.ticket].append(invoice)
		elif invoice.docstatus == 1:
			orphans.append(invoice)

	rows = []
	for ticket in tickets:
		row = Row(ticket.name, ticket.customer, ticket.status, ticket.coverage, ticket.tariff_amount or 0.0)
		row.received_at = ticket.received_at
		row.invoices = sorted(by_ticket.get(ticket.name, []), key=lambda i: i.name)
		row.credit_notes = [r.name for i in row.invoices for r in returns.get(i.name, [])]
		row.payments = sorted({p for i in row.invoices for p in payments.get(i.name, [])})
		live = row.live_invoices
		sold = ticket.coverage == ON_DEMAND and ticket.status in SOLD_STATUSES
		served = ticket.status in SERVED_STATUSES or ticket.first_session_start is not None
		if sold and not live:
			row.anomalies.append(NO_INVOICE)
		if len(live) > 1:
			row.anomalies.append(DUPLICATE_INVOICES)
		paid = bool(live) and row.outstanding <= 0.005 and not row.credit_notes
		if ticket.coverage == ON_DEMAND:
			session_before_payment = ticket.first_session_start is not None and (
				not paid or (ticket.paid_on is not None and ticket.first_session_start < ticket.paid_on)
			)
			if (ticket.status in WORK_STATUSES and not paid) or session_before_payment:
				row.anomalies.append(UNPAID_WORK)
		if ticket.status in ENDED_UNSERVED and live and not row.credit_notes:
			row.anomalies.append(PAID_NOT_SERVED if paid else INVOICE_NOT_SOLD)
		undone = any(i.docstatus == 2 for i in row.invoices) or bool(row.credit_notes)
		if served and undone:
			row.anomalies.append(UNDONE_INVOICE)
		if any(abs(i.grand_total - (ticket.tariff_amount or 0)) > 0.005 for i in live):
			row.anomalies.append(AMOUNT_MISMATCH)
		rows.append(row)
	for invoice in orphans:
		row = Row(None, invoice.customer, None, None, 0.0, invoices=[invoice])
		row.payments = sorted(payments.get(invoice.name, []))
		row.credit_notes = [r.name for r in returns.get(invoice.name, [])]
		row.anomalies.append(ORPHAN_INVOICE)
		rows.append(row)
	return rows
