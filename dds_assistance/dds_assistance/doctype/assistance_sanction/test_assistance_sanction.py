# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""Sanctions and the abuse flag on a real ERPNext site (R-SAN-1 … R-SAN-3, R-SUB-6)."""

from unittest.mock import patch

import frappe
from frappe.utils import add_days, now_datetime

from dds_assistance.api import remote_session as session_api
from dds_assistance.api import sanction as api
from dds_assistance.guards.refusals import ClientSuspendedError
from dds_assistance.jobs import abuse
from dds_assistance.samples import testing
from dds_assistance.samples.testing import AGENT, DESCRIPTION, MANAGER, TECHNICIAN


class TestSanctions(testing.AssistanceTestCase):
	client_prefix = "Labo Conduite"

	def suspend(self, **values):
		return testing.suspend(self.customer, **values)

	def test_r_san_2_suspended_client_is_refused_everywhere_and_staff_see_why(self):
		ticket = self.ticket()  # before the suspension
		sanction = self.suspend()
		customer = frappe.get_doc("Customer", self.customer)
		self.assertEqual(customer.dds_suspended, 1)
		self.assertIn(sanction.name, customer.dds_suspension_reason)
		# desk and API
		with self.assertRaises(ClientSuspendedError) as caught:
			self.ticket()
		self.assertIn("suspended", str(caught.exception))
		from frappe.client import insert

		self.assertRaises(
			ClientSuspendedError,
			insert,
			{
				"doctype": "Assistance Ticket",
				"subject": "x",
				"customer": self.customer,
				"channel": "Phone",
				"description": DESCRIPTION,
			},
		)
		# e-mail intake: the mail is kept, the request refused
		mail = frappe.get_doc(
			{
				"doctype": "Assistance Ticket",
				"subject": "Aide",
				"raised_by": self.user,
				"description": DESCRIPTION,
			}
		)
		mail.flags.ignore_mandatory = True
		mail.insert(ignore_permissions=True)
		self.assertEqual(mail.status, "Rejected")
		self.assertIn("suspended", mail.rejection_reason)
		# remote sessions: no consent, no start
		frappe.set_user(TECHNICIAN)
		session = session_api.propose(ticket.name, "Réinstaller le pilote", "RustDesk", 30)
		frappe.set_user(self.user)
		self.assertRaises(frappe.ValidationError, session_api.consent, session, 1, 1, 1, 1)
		frappe.set_user("Administrator")
		# lifted: the client may ask again
		frappe.set_user(AGENT)
		self.assertRaises(frappe.PermissionError, api.lift_sanction, sanction.name, "Excuses reçues")
		frappe.set_user(MANAGER)
		api.lift_sanction(sanction.name, "Excuses écrites reçues")
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value("Customer", self.customer, "dds_suspended"), 0)
		self.assertEqual(self.ticket().status, "New")
		self.assertRaises(frappe.ValidationError, frappe.delete_doc, "Assistance Sanction", sanction.name)

	def test_r_san_2_only_managers_record_sanctions(self):
		frappe.set_user(AGENT)
		self.assertRaises(
			frappe.PermissionError,
			frappe.get_doc(
				{
					"doctype": "Assistance Sanction",
					"customer": self.customer,
					"breach": "Fraudulent use",
					"sanction": "Suspension",
					"facts": "x",
				}
			).insert,
		)

	def test_r_sub_6_termination_sanction_uses_the_breach_path(self):
		sub = frappe.get_doc(
			{
				"doctype": "Premium Subscription",
				"customer": self.customer,
				"start_date": add_days(now_datetime().date(), -30),
				"item": testing.PLAN_ITEM,
				"annual_price": 1200,
				"licence_valid_until": "2035-12-31",
			}
		).insert()
		self.suspend(
			breach="Reverse engineering",
			sanction="Termination of the subscription",
			effective_from=now_datetime(),
		)
		sub.reload()
		self.assertEqual(sub.status, "Terminated for Breach")
		self.assertIn("Reverse engineering", sub.breach_reason)

	def test_r_san_3_request_rate_flag_is_for_review_only(self):
		with (
			patch.object(frappe.get_cached_doc("Assistance Settings"), "abuse_threshold", 2),
			patch.object(frappe.get_cached_doc("Assistance Settings"), "abuse_window_days", 30),
		):
			for _ in range(3):
				self.ticket()
			changes = abuse.flag_abusive_clients()
			self.assertIn(self.customer, changes["flagged"])
			again = abuse.flag_abusive_clients()
			self.assertNotIn(self.customer, again["flagged"] + again["cleared"])
		customer = frappe.get_doc("Customer", self.customer)
		self.assertEqual(customer.dds_abuse_flag, 1)
		self.assertIn("3", customer.dds_abuse_details)
		self.assertEqual(customer.dds_suspended, 0)  # never sanctioned automatically
