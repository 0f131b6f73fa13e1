"""ERPNext Sales Invoice / Payment Entry / Journal Entry glue for tickets.

R-TKT-3, R-ACC-1: accepting an on-demand ticket creates exactly one submitted
Sales Invoice (the ticket Item, one line, 100 € TTC with 20 % VAT included),
linked both ways.
R-TKT-4: whenever a payment, an invoice cancellation or a credit note touches a
ticket's invoice, the ticket reads its payment state again from the invoice
(``payment_state``) and its status follows (unlocked when paid, locked back when
no longer paid).
"""

import frappe
from frappe import _
from frappe.utils import flt, nowdate

from dds_assistance.core import tickets as core
from dds_assistance.guards.refusals import InvoiceSetupError

TICKET_FIELD = "dds_assistance_ticket"
TICKET = "Assistance Ticket"


def make_ticket_invoice(ticket) -> str:
	"""The ticket's Sales Invoice, created and submitted if it has none that is
	live. Idempotent: the ticket row is locked, then an existing draft or
	submitted invoice for the ticket is reused, never duplicated."""
	frappe.db.get_value("Assistance Ticket", ticket.name, "name", for_update=True)
	existing = frappe.db.get_value(
		"Sales Invoice",
		{TICKET_FIELD: ticket.name, "docstatus": ("<", 2), "is_return": 0},
		["name", "docstatus"],
		as_dict=True,
		order_by="creation asc",
		for_update=True,  # a locking read sees what another transaction committed meanwhile
	)
	if existing:
		if existing.docstatus == 0:
			frappe.get_doc("Sales Invoice", existing.name).submit()
		return existing.name

	settings = frappe.get_cached_doc("Assistance Settings")
	previous = ticket.sales_invoice if ticket.sales_invoice else None
	amended_from = (
		previous if previous and frappe.db.get_value("Sales Invoice", previous, "docstatus") == 2 else None
	)
	return make_invoice(
		customer=ticket.customer,
		item=ticket.tariff_item or settings.ticket_item,
		rate=flt(ticket.tariff_amount),
		posting_date=nowdate(),
		links={TICKET_FIELD: ticket.name},
		remarks=_("Assistance ticket {0}: {1}").format(ticket.name, ticket.subject),
		amended_from=amended_from,
	)


def make_invoice(*, customer, item, rate, posting_date, links: dict, remarks: str, amended_from=None) -> str:
	"""One submitted Sales Invoice of one line, the price VAT included (the
	settings' company and tax template). Callers make sure it is not a duplicate."""
	settings = frappe.get_cached_doc("Assistance Settings")
	missing = [
		_(label)
		for label, value in (
			("Company", settings.company),
			("Item", item),
			("Sales Taxes Template", settings.sales_taxes_template),
		)
		if not value
	]
	if missing:
		frappe.throw(
			_("Assistance Settings must name {0} before an invoice can be made.").format(", ".join(missing)),
			exc=InvoiceSetupError,
			title=_("Settings Incomplete"),
		)

	from erpnext.controllers.accounts_controller import get_taxes_and_charges

	currency = frappe.get_cached_value("Company", settings.company, "default_currency")
	invoice = frappe.new_doc("Sales Invoice")
	invoice.update(
		{
			"company": settings.company,
			"customer": customer,
			"posting_date": posting_date,
			"set_posting_time": 1,
			"due_date": posting_date,
			"taxes_and_charges": settings.sales_taxes_template,
			"currency": currency,
			"conversion_rate": 1,
			"remarks": remarks,
			"amended_from": amended_from,
			**links,
		}
	)
	price_list = frappe.db.get_value("Price List", {"selling": 1, "enabled": 1, "currency": currency})
	if price_list:  # the rate is the document's own frozen price; the list only has to share the currency
		invoice.selling_price_list = price_list
	invoice.append("items", {"item_code": item, "qty": 1, "rate": flt(rate)})
	invoice.set(
		"taxes", get_taxes_and_charges("Sales Taxes and Charges Template", settings.sales_taxes_template)
	)
	invoice.flags.ignore_permissions = True
	invoice.flags.dds_made_for_ticket = True  # the caller saves its document itself
	invoice.submit()  # inserted and submitted in one save
	return invoice.name


# ---------------------------------------------------------------------------- R-TKT-4
def payment_state(sales_invoice: str | None) -> core.PaymentState:
	"""The facts of R-TKT-4 read from the invoice now: submitted, outstanding, credited."""
	if not sales_invoice:
		return core.payment_state(None, 0, False)
	values = frappe.db.get_value(
		"Sales Invoice", sales_invoice, ["docstatus", "outstanding_amount", "grand_total"], as_dict=True
	)
	if not values:
		return core.payment_state(None, 0, False)
	credited = bool(
		frappe.db.exists("Sales Invoice", {"return_against": sales_invoice, "is_return": 1, "docstatus": 1})
	)
	return core.payment_state(values.docstatus, values.outstanding_amount, credited)


def refresh_ticket(ticket_name: str | None):
	"""The ticket reads its payment state again; its status follows."""
	if ticket_name and frappe.db.exists(TICKET, ticket_name):
		frappe.get_doc(TICKET, ticket_name).follow_payment()


def tickets_of_invoices(invoices) -> set[str]:
	invoices = {name for name in invoices if name}
	if not invoices:
		return set()
	rows = frappe.get_all(
		"Sales Invoice",
		filters={"name": ("in", list(invoices))},
		fields=["name", TICKET_FIELD, "return_against"],
	)
	tickets = {row[TICKET_FIELD] for row in rows if row[TICKET_FIELD]}
	originals = [row.return_against for row in rows if row.return_against]
	if originals:
		tickets |= set(
			frappe.get_all(
				"Sales Invoice",
				filters={"name": ("in", originals), TICKET_FIELD: ("is", "set")},
				pluck=TICKET_FIELD,
			)
		)
	return tickets


def on_sales_invoice_change(doc, method=None):
	"""Submit / cancel of a ticket invoice or of a credit note against one."""
	if doc.flags.dds_made_for_ticket:
		return
	for ticket in tickets_of_invoices([doc.name, doc.return_against]):
		refresh_ticket(ticket)


def on_payment_entry_change(doc, method=None):
	invoices = [ref.reference_name for ref in doc.references if ref.reference_doctype == "Sales Invoice"]
	for ticket in tickets_of_invoices(invoices):
		refresh_ticket(ticket)


def on_journal_entry_change(doc, method=None):
	invoices = [row.reference_name for row in doc.accounts if row.reference_type == "Sales Invoice"]
	for ticket in tickets_of_invoices(invoices):
		refresh_ticket(ticket)
