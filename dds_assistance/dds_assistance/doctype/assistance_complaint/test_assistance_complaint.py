# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""Complaints on a real ERPNext site (R-CPL-1, R-CPL-2)."""

from datetime import datetime

import frappe
from frappe.utils import now_datetime

from dds_assistance.api import complaint as api
from dds_assistance.jobs.complaints import sweep_complaints
from dds_assistance.samples import testing
from dds_assistance.samples.testing import AGENT, MANAGER


class TestComplaints(testing.AssistanceTestCase):
	client_prefix = "Labo Réclamation"

	def complaint(self, received_at):
		return frappe.get_doc(
			{
				"doctype": "Assistance Complaint",
				"subject": "Délai de réponse",
				"customer": self.customer,
				"channel": "Post",
				"received_at": received_at,
				"description": "Réponse reçue après deux jours.",
			}
		).insert()

	def test_r_cpl_2_acknowledgement_due_in_5_business_days_and_daily_flags(self):
		doc = self.complaint(datetime(2025, 11, 26, 11, 0))  # a Wednesday
		self.assertEqual(doc.ack_due, datetime(2025, 12, 3, 17, 30))
		frappe.db.commit()
		changes = sweep_complaints(datetime(2025, 12, 2, 18, 0))
		self.assertIn((doc.name, "acknowledgement", "At Risk"), changes)
		self.assertNotIn(doc.name, [name for name, *_ in sweep_complaints(datetime(2025, 12, 2, 18, 5))])
		notes = frappe.db.count("Notification Log", {"document_name": doc.name, "for_user": MANAGER})
		self.assertEqual(notes, 1)
		self.assertIn((doc.name, "acknowledgement", "Overdue"), sweep_complaints(datetime(2025, 12, 4, 9, 0)))

	def test_r_cpl_2_acknowledge_and_answer_stamp_who_and_when(self):
		doc = self.complaint(now_datetime())
		frappe.set_user(AGENT)
		api.acknowledge_complaint(doc.name)
		self.assertRaises(frappe.ValidationError, api.acknowledge_complaint, doc.name)
		api.answer_complaint(doc.name, "Nous avons renforcé l'équipe le mercredi.")
		frappe.set_user("Administrator")
		doc.reload()
		self.assertEqual(
			(doc.status, doc.acknowledged_by, doc.answered_by, doc.ack_state),
			("Answered", AGENT, AGENT, "Done"),
		)
		self.assertEqual(frappe.db.count("Email Queue", {"reference_name": doc.name}), 2)
		doc.answer = "rewritten"
		self.assertRaises(frappe.ValidationError, doc.save)

	def test_r_cpl_1_complaint_by_mail_finds_its_client(self):
		doc = frappe.get_doc(
			{"doctype": "Assistance Complaint", "subject": "Plainte", "raised_by": self.user}
		)
		doc.flags.ignore_mandatory = True
		doc.insert(ignore_permissions=True)
		self.assertEqual((doc.customer, doc.channel), (self.customer, "E-mail"))
