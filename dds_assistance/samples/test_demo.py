# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""The demo data command makes what README promises, and adds nothing the second time."""

import frappe
from frappe.tests.utils import FrappeTestCase

from dds_assistance.samples import demo


class TestDemoData(FrappeTestCase):
	def test_demo_data_covers_every_state_and_is_idempotent(self):
		demo.make_demo_data()
		count = frappe.db.count("Assistance Ticket")
		self.assertEqual(demo.make_demo_data(), {"created": False})
		self.assertEqual(frappe.db.count("Assistance Ticket"), count)
		clients = [c[0] for c in demo.CLIENTS]
		tickets = frappe.get_all(
			"Assistance Ticket",
			filters={"customer": ("in", clients)},
			fields=["status", "coverage", "is_paid"],
		)
		statuses = {t.status for t in tickets}
		for status in ("New", "Incomplete", "Awaiting Payment", "In Progress", "Rejected", "Open"):
			self.assertIn(status, statuses)
		self.assertTrue(any(t.coverage == "Premium" for t in tickets))
		self.assertTrue(
			any(t.is_paid for t in tickets)
			and any(t.status == "Awaiting Payment" and not t.is_paid for t in tickets)
		)
		self.assertTrue(
			frappe.db.exists("Premium Subscription", {"customer": clients[2], "status": "Active"})
		)
		self.assertTrue(frappe.db.exists("Remote Session", {"customer": clients[0], "status": "Consented"}))
		self.assertTrue(frappe.db.exists("Assistance Complaint", {"customer": clients[1]}))
		self.assertEqual(frappe.db.get_value("Customer", clients[3], "dds_suspended"), 1)
		for _, _, email in demo.CLIENTS:
			self.assertTrue(frappe.db.exists("Portal User", {"user": email}))
