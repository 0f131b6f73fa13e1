# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""Terms versions on a real ERPNext site (R-TERMS-1 … R-TERMS-3, R-SUB-4)."""

import frappe
from frappe.utils import now_datetime

from dds_assistance.api import terms as api
from dds_assistance.samples import testing
from dds_assistance.samples.testing import AGENT, MANAGER


class TestTermsVersions(testing.AssistanceTestCase):
	client_prefix = "Labo Conditions"

	def test_r_terms_1_versions_in_force_recorded_on_tickets(self):
		ticket = self.ticket()
		self.assertEqual((ticket.cgv_terms, ticket.cgu_terms), ("CGV-2023-10", "CGU-2026-01-01"))

	def test_r_terms_3_publishing_informs_every_client_once_and_reminds_premium(self):
		name = f"CGU-{frappe.generate_hash(length=6)}"
		version = frappe.get_doc(
			{
				"doctype": "Terms Version",
				"kind": "CGU",
				"reference": "CGU-SERVICES-ASSISTANCE-3DDS",
				"version_label": name[4:],
				"publication_date": "2027-01-15",
				"effective_date": "2027-03-01",
			}
		).insert()
		sub = frappe.get_doc(
			{
				"doctype": "Premium Subscription",
				"customer": self.customer,
				"start_date": now_datetime().date(),
				"item": testing.PLAN_ITEM,
				"annual_price": 1200,
			}
		).insert()
		frappe.set_user(AGENT)
		self.assertRaises(frappe.PermissionError, api.publish_terms, version.name)
		frappe.set_user(MANAGER)
		informed = api.publish_terms(version.name)["informed"]
		self.assertEqual(api.publish_terms(version.name)["informed"], 0)
		frappe.set_user("Administrator")
		self.assertGreaterEqual(informed, 1)
		notice = frappe.get_doc("Terms Notice", {"terms_version": version.name, "customer": self.customer})
		self.assertEqual(notice.premium, 1)
		self.assertIn("CGU art. 9.4", notice.message)
		self.assertEqual(frappe.db.count("Email Queue", {"reference_name": notice.name}), 1)
		self.assertTrue(sub.name)
		version.reload()
		version.effective_date = "2027-04-01"
		self.assertRaises(frappe.ValidationError, version.save)
		version.reload()
		version.full_text = "<p>Texte réécrit après publication</p>"  # R-TERMS-1: what was told stays
		self.assertRaises(frappe.ValidationError, version.save)
