# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""Files removed after the intervention unless the client agreed (R-DATA-1)."""

from datetime import datetime

import frappe

from dds_assistance.api import ticket as ticket_api
from dds_assistance.jobs.retention import purge_closed_ticket_files
from dds_assistance.samples import testing


class TestRetention(testing.AssistanceTestCase):
	client_prefix = "Labo Fichiers"

	def test_r_data_1_purge_removes_files_after_the_grace_period_unless_agreed(self):
		ticket = self.ticket(coverage=None)
		agreed_customer = testing.ensure_customer(
			f"Labo Sauvegarde {frappe.generate_hash(length=5)}", f"C-S{frappe.generate_hash(length=5)}"
		)
		frappe.db.set_value("Customer", agreed_customer, "dds_retention_agreement", 1)
		kept = self.ticket(customer=agreed_customer)
		stored = {}
		for name in (ticket.name, kept.name):
			# Frappe renames a file whose name is already on disk (a second run, a
			# restored site): the log must name the file as it was stored
			stored[name] = (
				frappe.get_doc(
					{
						"doctype": "File",
						"file_name": f"{name}.stl",
						"attached_to_doctype": "Assistance Ticket",
						"attached_to_name": name,
						"content": b"solid crown",
						"is_private": 1,
					}
				)
				.insert(ignore_permissions=True)
				.file_name
			)
			frappe.db.set_value(
				"Assistance Ticket", name, {"status": "Closed", "closed_on": datetime(2026, 10, 1, 10, 0)}
			)
		frappe.db.commit()
		first = purge_closed_ticket_files(datetime(2026, 10, 20).date())  # within the 30 days
		self.assertEqual(frappe.db.count("File", {"attached_to_name": ticket.name}), 1)
		first = purge_closed_ticket_files(datetime(2026, 11, 5).date())
		self.assertGreaterEqual(first["files"], 1)
		self.assertEqual(frappe.db.count("File", {"attached_to_name": ticket.name}), 0)
		self.assertEqual(frappe.db.count("File", {"attached_to_name": kept.name}), 1)  # agreed: kept
		log = frappe.get_all(
			"Assistance Data Purge Log", filters={"ticket": ticket.name}, fields=["file_name", "removed_on"]
		)
		self.assertEqual([row.file_name for row in log], [stored[ticket.name]])
		second = purge_closed_ticket_files(datetime(2026, 11, 5).date())
		self.assertEqual(frappe.db.count("Assistance Data Purge Log", {"ticket": ticket.name}), 1)
		self.assertEqual(second["files"], 0)

	def test_r_data_1_refused_and_cancelled_tickets_and_mail_attachments_are_purged_too(self):
		refused = self.ticket()
		refused_mail = frappe.get_doc(
			{
				"doctype": "Communication",
				"communication_type": "Communication",
				"communication_medium": "Email",
				"sent_or_received": "Received",
				"sender": self.user,
				"subject": "Mon export",
				"content": "Ci-joint le fichier.",
				"reference_doctype": "Assistance Ticket",
				"reference_name": refused.name,
			}
		).insert(ignore_permissions=True)
		cancelled = self.ticket(coverage=None)
		stored = [
			frappe.get_doc(
				{
					"doctype": "File",
					"file_name": f"{doctype[:4]}-{name}.stl",
					"attached_to_doctype": doctype,
					"attached_to_name": name,
					"content": f"solid {name}".encode(),
					"is_private": 1,
				}
			)
			.insert(ignore_permissions=True)
			.name
			for doctype, name in (("Communication", refused_mail.name), ("Assistance Ticket", cancelled.name))
		]
		ticket_api.refuse(refused.name, "Demande hors délai")
		# a ticket cancelled before the end date was stamped: its last change stands for it
		frappe.db.set_value(
			"Assistance Ticket",
			cancelled.name,
			{"status": "Cancelled", "modified": datetime(2026, 9, 1, 10, 0)},
			update_modified=False,
		)
		frappe.db.set_value("Assistance Ticket", refused.name, "closed_on", datetime(2026, 9, 1, 10, 0))
		frappe.db.commit()
		result = purge_closed_ticket_files(datetime(2026, 11, 5).date())
		self.assertGreaterEqual(result["files"], 2)
		for name in stored:
			self.assertFalse(frappe.db.exists("File", name))
		self.assertTrue(
			frappe.db.exists(
				"Assistance Data Purge Log",
				{"ticket": refused.name, "attached_to": f"Communication {refused_mail.name}"},
			)
		)
		self.assertEqual(purge_closed_ticket_files(datetime(2026, 11, 5).date())["files"], 0)
