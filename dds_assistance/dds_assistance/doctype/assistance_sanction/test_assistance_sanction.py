# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""Complaints, sanctions, abuse flags, terms versions and retention on a real
ERPNext site (R-CPL-1, R-CPL-2, R-SAN-1 … R-SAN-3, R-TERMS-1 … R-TERMS-3, R-DATA-1)."""

from datetime import datetime
from unittest.mock import patch

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, now_datetime

from dds_assistance import testing
from dds_assistance.api import conduct as api
from dds_assistance.api import remote_session as session_api
from dds_assistance.dds_assistance.doctype.assistance_complaint.assistance_complaint import sweep_complaints
from dds_assistance.dds_assistance.doctype.assistance_ticket.assistance_ticket import ClientSuspendedError
from dds_assistance.integrations import conduct

MANAGER = "manager.dds@example.com"
AGENT = "agent.dds@example.com"
TECH = "tech.dds@example.com"
DESCRIPTION = "exocad ne démarre plus après la mise à jour du pilote graphique, écran noir."


class ConductCase(FrappeTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		testing.ensure_assistance_setup()
		testing.ensure_staff_user(MANAGER, ["Assistance Manager"])
		testing.ensure_staff_user(AGENT, ["Assistance Agent"])
		frappe.db.commit()

	def setUp(self):
		frappe.set_user("Administrator")
		tag = frappe.generate_hash(length=6)
		self.user = f"conduct.{tag}@example.com"
		self.customer = testing.ensure_customer(f"Labo Conduite {tag}", f"C-K{tag}", self.user)

	def tearDown(self):
		frappe.set_user("Administrator")

	def ticket(self, **values):
		doc = frappe.get_doc(
			{
				"doctype": "Assistance Ticket",
				"subject": "Écran noir",
				"customer": self.customer,
				"channel": "Phone",
				"serial_no": "SN-K",
				"equipment_reference": "exocad",
				"description": DESCRIPTION,
			}
		)
		doc.update(values)
		return doc.insert()

	def suspend(self, **values):
		frappe.set_user(MANAGER)
		try:
			doc = frappe.get_doc(
				{
					"doctype": "Assistance Sanction",
					"customer": self.customer,
					"breach": "Disrespectful behaviour",
					"sanction": "Suspension",
					"serious": 1,
					"facts": "Propos injurieux envers un technicien au téléphone le 20/11.",
					"effective_from": add_days(now_datetime(), -1),
				}
			)
			doc.update(values)
			return doc.insert()
		finally:
			frappe.set_user("Administrator")


class TestSanctions(ConductCase):
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
		testing.ensure_staff_user(TECH, ["Assistance Technician"])
		frappe.set_user(TECH)
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
			changes = conduct.flag_abusive_clients()
			self.assertIn(self.customer, changes["flagged"])
			again = conduct.flag_abusive_clients()
			self.assertNotIn(self.customer, again["flagged"] + again["cleared"])
		customer = frappe.get_doc("Customer", self.customer)
		self.assertEqual(customer.dds_abuse_flag, 1)
		self.assertIn("3", customer.dds_abuse_details)
		self.assertEqual(customer.dds_suspended, 0)  # never sanctioned automatically


class TestComplaints(ConductCase):
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


class TestTermsAndRetention(ConductCase):
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

	def test_r_data_1_purge_removes_files_after_the_grace_period_unless_agreed(self):
		ticket = self.ticket(coverage=None)
		agreed_customer = testing.ensure_customer(
			f"Labo Sauvegarde {frappe.generate_hash(length=5)}", f"C-S{frappe.generate_hash(length=5)}"
		)
		frappe.db.set_value("Customer", agreed_customer, "dds_retention_agreement", 1)
		kept = self.ticket(customer=agreed_customer)
		for name in (ticket.name, kept.name):
			frappe.get_doc(
				{
					"doctype": "File",
					"file_name": f"{name}.stl",
					"attached_to_doctype": "Assistance Ticket",
					"attached_to_name": name,
					"content": b"solid crown",
					"is_private": 1,
				}
			).insert(ignore_permissions=True)
			frappe.db.set_value(
				"Assistance Ticket", name, {"status": "Closed", "closed_on": datetime(2026, 10, 1, 10, 0)}
			)
		frappe.db.commit()
		first = conduct.purge_closed_ticket_files(datetime(2026, 10, 20).date())  # within the 30 days
		self.assertEqual(frappe.db.count("File", {"attached_to_name": ticket.name}), 1)
		first = conduct.purge_closed_ticket_files(datetime(2026, 11, 5).date())
		self.assertGreaterEqual(first["files"], 1)
		self.assertEqual(frappe.db.count("File", {"attached_to_name": ticket.name}), 0)
		self.assertEqual(frappe.db.count("File", {"attached_to_name": kept.name}), 1)  # agreed: kept
		log = frappe.get_all(
			"Assistance Data Purge Log", filters={"ticket": ticket.name}, fields=["file_name", "removed_on"]
		)
		self.assertEqual([row.file_name for row in log], [f"{ticket.name}.stl"])
		second = conduct.purge_closed_ticket_files(datetime(2026, 11, 5).date())
		self.assertEqual(frappe.db.count("Assistance Data Purge Log", {"ticket": ticket.name}), 1)
		self.assertEqual(second["files"], 0)
