# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""Assistance Ticket Reconciliation (R-ACC-2): every ticket of the period with its
invoice, payments, credit notes and status, and the anomalies an accountant must
see. The decisions are the core's (``core.accounting``)."""

import frappe
from frappe import _
from frappe.utils import add_days, flt, get_datetime, getdate

from dds_assistance.core import accounting
from dds_assistance.integrations import bank_statement


def execute(filters=None):
	filters = frappe._dict(filters or {})
	if not filters.from_date or not filters.to_date:
		frappe.throw(_("Choose the period (from and to dates)."), title=_("Period Required"))
	if getdate(filters.from_date) > getdate(filters.to_date):
		frappe.throw(_("The period ends before it starts."), title=_("Invalid Period"))
	rows = accounting.reconcile(*load(filters))
	if filters.anomaly == "Any anomaly":
		rows = [row for row in rows if row.anomalies]
	elif filters.anomaly == UNMATCHED_TRANSFER:
		rows = []
	elif filters.anomaly:
		rows = [row for row in rows if filters.anomaly in row.anomalies]
	currency = (
		frappe.get_cached_value("Company", filters.company, "default_currency") if filters.company else None
	) or "EUR"
	data = [as_dict(row, currency) for row in rows]
	if filters.anomaly in (None, "", "Any anomaly", UNMATCHED_TRANSFER):
		data += transfer_rows(filters, currency)
	return columns(), data


# R-TKT-4: an incoming transfer the bank statement import could not match safely
UNMATCHED_TRANSFER = "Transfer left to match"


def transfer_rows(filters, currency: str) -> list[dict]:
	"""The transfers of the period the import of the bank statements left to the
	accountant, each with why (``integrations.bank_statement``)."""
	transfers = bank_statement.unmatched_transfers(
		filters.from_date, filters.to_date, filters.company, filters.customer
	)
	invoices = [t.dds_invoice for t in transfers if t.dds_invoice]
	tickets = dict(
		frappe.get_all(
			"Sales Invoice",
			filters={"name": ("in", invoices)},
			fields=["name", "dds_assistance_ticket"],
			as_list=True,
		)
		if invoices
		else []
	)
	return [
		{
			"ticket": tickets.get(t.dds_invoice),
			"received_at": t.date,
			"customer": t.party,
			"status": _(t.status) if t.status else None,
			"sales_invoice": t.dds_invoice,
			"bank_transaction": t.name,
			"transfer_amount": flt(t.deposit) - flt(t.withdrawal),
			"match_reason": _(t.dds_match_reason),
			"anomalies": f"{_(UNMATCHED_TRANSFER)} ({_(t.dds_match_reason)}) : {t.dds_match_note or ''}",
			"anomaly_count": 1,
			"currency": t.currency or currency,
		}
		for t in transfers
	]


def load(filters):
	start, end = getdate(filters.from_date), add_days(getdate(filters.to_date), 1)
	ticket_filters = [["received_at", ">=", get_datetime(start)], ["received_at", "<", get_datetime(end)]]
	if filters.customer:
		ticket_filters.append(["customer", "=", filters.customer])
	raw_tickets = frappe.get_all(
		"Assistance Ticket",
		filters=ticket_filters,
		fields=["name", "customer", "status", "coverage", "tariff_amount", "received_at", "paid_on"],
		order_by="received_at asc",
	)
	names = [t.name for t in raw_tickets]
	sessions = {}
	if names:
		for row in frappe.get_all(
			"Remote Session",
			filters={"ticket": ("in", names), "started_at": ("is", "set")},
			fields=["ticket", "min(started_at) as first_start"],
			group_by="ticket",
		):
			sessions[row.ticket] = row.first_start
	tickets = [
		accounting.Ticket(
			t.name,
			t.customer,
			t.status,
			t.coverage or "",
			float(t.tariff_amount or 0),
			t.received_at,
			t.paid_on,
			sessions.get(t.name),
		)
		for t in raw_tickets
	]

	invoice_fields = [
		"name",
		"dds_assistance_ticket",
		"customer",
		"docstatus",
		"grand_total",
		"outstanding_amount",
		"is_return",
		"return_against",
		"posting_date",
		"company",
	]
	base = {"company": filters.company} if filters.company else {}
	raw = []
	if names:
		raw += frappe.get_all(
			"Sales Invoice", filters={**base, "dds_assistance_ticket": ("in", names)}, fields=invoice_fields
		)
	# invoices of the period that sell the ticket Item without a ticket (R-ACC-2)
	item = frappe.db.get_single_value("Assistance Settings", "ticket_item")
	if item:
		item_invoices = frappe.get_all(
			"Sales Invoice Item", filters={"item_code": item, "docstatus": 1}, pluck="parent", distinct=True
		)
		if item_invoices:
			raw += frappe.get_all(
				"Sales Invoice",
				filters={
					**base,
					"name": ("in", item_invoices),
					"dds_assistance_ticket": ("is", "not set"),
					"is_return": 0,
					"posting_date": ("between", [start, getdate(filters.to_date)]),
					**({"customer": filters.customer} if filters.customer else {}),
				},
				fields=invoice_fields,
			)
	originals = [i.name for i in raw]
	if originals:
		raw += frappe.get_all(
			"Sales Invoice",
			filters={"return_against": ("in", originals), "is_return": 1},
			fields=invoice_fields,
		)
	invoices = [
		accounting.Invoice(
			i.name,
			i.dds_assistance_ticket,
			i.customer,
			i.docstatus,
			float(i.grand_total or 0),
			float(i.outstanding_amount or 0),
			bool(i.is_return),
			i.return_against,
			i.posting_date,
		)
		for i in {i.name: i for i in raw}.values()
	]
	payments: dict[str, list[str]] = {}
	if originals:
		for row in frappe.get_all(
			"Payment Entry Reference",
			filters={
				"reference_doctype": "Sales Invoice",
				"reference_name": ("in", originals),
				"docstatus": 1,
			},
			fields=["reference_name", "parent"],
		):
			payments.setdefault(row.reference_name, []).append(row.parent)
		for row in frappe.get_all(
			"Journal Entry Account",
			filters={"reference_type": "Sales Invoice", "reference_name": ("in", originals), "docstatus": 1},
			fields=["reference_name", "parent"],
		):
			payments.setdefault(row.reference_name, []).append(row.parent)
	return tickets, invoices, payments


def as_dict(row: accounting.Row, currency: str = "EUR") -> dict:
	invoice = row.invoices[-1] if row.invoices else None
	return {
		"ticket": row.ticket,
		"received_at": row.received_at,
		"customer": row.customer,
		"status": _(row.status) if row.status else None,
		"coverage": _(row.coverage) if row.coverage else None,
		"tariff_amount": row.tariff_amount,
		"sales_invoice": ", ".join(i.name for i in row.invoices) or None,
		"invoice_status": _({0: "Draft", 1: "Submitted", 2: "Cancelled"}[invoice.docstatus])
		if invoice
		else None,
		"grand_total": row.grand_total,
		"paid_amount": row.paid_amount,
		"payment_entries": ", ".join(row.payments) or None,
		"outstanding": row.outstanding,
		"credit_notes": ", ".join(row.credit_notes) or None,
		"anomalies": "; ".join(_(a) for a in row.anomalies) or None,
		"anomaly_count": len(row.anomalies),
		"currency": currency,
	}


def columns() -> list[dict]:
	return [
		{
			"fieldname": "ticket",
			"label": _("Ticket"),
			"fieldtype": "Link",
			"options": "Assistance Ticket",
			"width": 150,
		},
		{"fieldname": "received_at", "label": _("Received On"), "fieldtype": "Datetime", "width": 150},
		{
			"fieldname": "customer",
			"label": _("Client"),
			"fieldtype": "Link",
			"options": "Customer",
			"width": 160,
		},
		{"fieldname": "status", "label": _("Status"), "fieldtype": "Data", "width": 120},
		{"fieldname": "coverage", "label": _("Coverage"), "fieldtype": "Data", "width": 100},
		{
			"fieldname": "tariff_amount",
			"label": _("Tariff (incl. VAT)"),
			"fieldtype": "Currency",
			"width": 110,
		},
		{"fieldname": "sales_invoice", "label": _("Sales Invoice"), "fieldtype": "Data", "width": 170},
		{"fieldname": "invoice_status", "label": _("Invoice Status"), "fieldtype": "Data", "width": 100},
		{
			"fieldname": "grand_total",
			"label": _("Grand Total"),
			"fieldtype": "Currency",
			"options": "currency",
			"width": 110,
		},
		{
			"fieldname": "paid_amount",
			"label": _("Paid Amount"),
			"fieldtype": "Currency",
			"options": "currency",
			"width": 110,
		},
		{"fieldname": "payment_entries", "label": _("Payment Entries"), "fieldtype": "Data", "width": 170},
		{
			"fieldname": "outstanding",
			"label": _("Outstanding"),
			"fieldtype": "Currency",
			"options": "currency",
			"width": 110,
		},
		{"fieldname": "credit_notes", "label": _("Credit Notes"), "fieldtype": "Data", "width": 150},
		{
			"fieldname": "bank_transaction",
			"label": _("Bank Transaction"),
			"fieldtype": "Link",
			"options": "Bank Transaction",
			"width": 160,
		},
		{
			"fieldname": "transfer_amount",
			"label": _("Transfer Amount"),
			"fieldtype": "Currency",
			"options": "currency",
			"width": 110,
		},
		{"fieldname": "match_reason", "label": _("Matching Result"), "fieldtype": "Data", "width": 130},
		{"fieldname": "anomalies", "label": _("Anomalies"), "fieldtype": "Data", "width": 300},
		{"fieldname": "anomaly_count", "label": _("Anomaly Count"), "fieldtype": "Int", "width": 80},
		{
			"fieldname": "currency",
			"label": _("Currency"),
			"fieldtype": "Link",
			"options": "Currency",
			"hidden": 1,
		},
	]
