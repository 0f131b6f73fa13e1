# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""Assistance Ticket Reconciliation through execute(filters): each anomaly of
R-ACC-2 made on purpose and found; a clean period shows none."""

from datetime import datetime

import frappe
from frappe.utils import now_datetime

from dds_assistance.api import ticket as ticket_api
from dds_assistance.core import accounting
from dds_assistance.dds_assistance.report.assistance_ticket_reconciliation.assistance_ticket_reconciliation import (
	execute,
)
from dds_assistance.integrations.sales_invoice import make_invoice
from dds_assistance.samples import testing

JUNE = {"from_date": "2025-06-01", "to_date": "2025-06-30"}
JULY = {"from_date": "2025-07-01", "to_date": "2025-07-31"}


class TestReconciliation(testing.AssistanceTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		tag = frappe.generate_hash(length=6)
		cls.customer = testing.ensure_customer(f"Labo Compta {tag}", f"C-A{tag}")
		frappe.db.commit()

	def ticket(self, day: int, month: int = 6):
		moment = datetime(2025, month, day, 10, 0)
		return frappe.get_doc(
			{
				"doctype": "Assistance Ticket",
				"subject": f"Ticket du {day}/{month}",
				"customer": self.customer,
				"channel": "Phone",
				"serial_no": "SN-ACC",
				"equipment_reference": "exocad",
				"description": "Le module d'implantologie refuse la bibliothèque du fabricant.",
				"incident_at": moment,
				"received_at": moment,
			}
		).insert()

	def pay(self, invoice):
		from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry

		payment = get_payment_entry("Sales Invoice", invoice)
		payment.reference_no, payment.reference_date = "ACC", now_datetime().date()
		payment.insert()
		payment.submit()
		return payment.name

	def rows(self, period, **filters):
		columns, data = execute({**period, "customer": self.customer, **filters})
		self.assertTrue(any(c["fieldname"] == "anomalies" for c in columns))
		return data

	def test_r_acc_2_every_anomaly_found_and_a_clean_period_shows_none(self):
		# clean: accepted, invoiced, paid
		clean = self.ticket(2)
		clean_invoice = ticket_api.accept(clean.name)["sales_invoice"]
		payment = self.pay(clean_invoice)
		# sold without invoice: the invoice was cancelled and not issued again
		no_invoice = self.ticket(3)
		frappe.get_doc("Sales Invoice", ticket_api.accept(no_invoice.name)["sales_invoice"]).cancel()
		# work done while unpaid: resolved around the payment gate
		unpaid = self.ticket(4)
		ticket_api.accept(unpaid.name)
		frappe.db.set_value("Assistance Ticket", unpaid.name, "status", "Resolved")
		# more than one invoice
		double = self.ticket(5)
		ticket_api.accept(double.name)
		make_invoice(
			customer=self.customer,
			item=testing.ITEM,
			rate=100,
			posting_date="2025-06-05",
			links={"dds_assistance_ticket": double.name},
			remarks="double",
		)
		# returned invoice on a served ticket
		served = self.ticket(6)
		served_invoice = ticket_api.accept(served.name)["sales_invoice"]
		self.pay(served_invoice)
		doc = frappe.get_doc("Assistance Ticket", served.name)
		for status in ("In Progress", "Resolved", "Closed"):
			doc.status = status
			doc.save()
		from erpnext.accounts.doctype.sales_invoice.sales_invoice import make_sales_return

		credit = make_sales_return(served_invoice)
		credit.insert()
		credit.submit()
		# amount different from the tariff
		wrong = self.ticket(7)
		frappe.db.set_value("Assistance Ticket", wrong.name, "status", "Awaiting Payment")
		make_invoice(
			customer=self.customer,
			item=testing.ITEM,
			rate=120,
			posting_date="2025-06-07",
			links={"dds_assistance_ticket": wrong.name},
			remarks="wrong amount",
		)
		# paid, then cancelled without a refund; refused with its invoice standing (old
		# records: the app now refuses both moves while the invoice stands)
		paid_cancelled = self.ticket(8)
		self.pay(ticket_api.accept(paid_cancelled.name)["sales_invoice"])
		frappe.db.set_value("Assistance Ticket", paid_cancelled.name, "status", "Cancelled")
		refused = self.ticket(9)
		ticket_api.accept(refused.name)
		frappe.db.set_value("Assistance Ticket", refused.name, "status", "Rejected")
		# an invoice of the ticket Item without ticket
		orphan = make_invoice(
			customer=self.customer,
			item=testing.ITEM,
			rate=100,
			posting_date="2025-06-10",
			links={},
			remarks="orphan",
		)

		data = self.rows(JUNE)
		found = {row["ticket"] or row["sales_invoice"]: row["anomalies"] or "" for row in data}
		self.assertEqual(found[clean.name], "")
		self.assertIn(accounting.NO_INVOICE, found[no_invoice.name])
		self.assertIn(accounting.UNPAID_WORK, found[unpaid.name])
		self.assertIn(accounting.DUPLICATE_INVOICES, found[double.name])
		self.assertIn(accounting.UNDONE_INVOICE, found[served.name])
		self.assertIn(accounting.AMOUNT_MISMATCH, found[wrong.name])
		self.assertIn(accounting.ORPHAN_INVOICE, found[orphan])
		self.assertEqual(found[paid_cancelled.name], accounting.PAID_NOT_SERVED)
		self.assertEqual(found[refused.name], accounting.INVOICE_NOT_SOLD)
		clean_row = next(row for row in data if row["ticket"] == clean.name)
		self.assertEqual(
			(clean_row["grand_total"], clean_row["paid_amount"], clean_row["outstanding"]),
			(100.0, 100.0, 0.0),
		)
		self.assertIn(payment, clean_row["payment_entries"])
		self.assertIn(credit.name, next(row for row in data if row["ticket"] == served.name)["credit_notes"])

		only = self.rows(JUNE, anomaly=accounting.DUPLICATE_INVOICES)
		self.assertEqual([row["ticket"] for row in only], [double.name])
		self.assertNotIn(clean.name, [row["ticket"] for row in self.rows(JUNE, anomaly="Any anomaly")])

		july = self.ticket(3, month=7)
		self.pay(ticket_api.accept(july.name)["sales_invoice"])
		self.assertEqual([row["anomalies"] for row in self.rows(JULY)], [None])

	def test_bad_period_is_refused(self):
		self.assertRaises(
			frappe.ValidationError, execute, {"from_date": "2025-07-01", "to_date": "2025-06-01"}
		)
		self.assertRaises(frappe.ValidationError, execute, {})
