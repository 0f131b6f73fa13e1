# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""The customer portal's endpoints and pages: who may do what (R-TKT-11 and issue
"Customer portal"). A client reaches only their own records; another client's
names give "not found" and reveal nothing; guests and staff are refused."""

import base64

import frappe
from frappe.utils import add_to_date, now_datetime, nowdate

from dds_assistance.api import portal
from dds_assistance.api import remote_session as session_api
from dds_assistance.samples import testing
from dds_assistance.samples.testing import AGENT
from dds_assistance.web import portal_reads as pages

DESCRIPTION = "Le calcul de la marge de la couronne échoue depuis la mise à jour 3.2."


class TestPortal(testing.AssistanceTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		data = testing.portal_fixture()
		cls.a, cls.b = data["client_a"], data["client_b"]
		cls.user_a, cls.user_b = data["user_a"], data["user_b"]
		cls.ticket, cls.session, cls.subscription = data["ticket"], data["session"], data["subscription"]
		frappe.db.commit()

	def as_user(self, user):
		frappe.set_user(user)

	# ---------------------------------------------------------------- who
	def test_guests_and_staff_are_refused_everywhere(self):
		for user in ("Guest", AGENT):
			self.as_user(user)
			for call in (
				lambda: pages.my_overview(),
				lambda: portal.create_request(DESCRIPTION, "x", None, "SN", "REF"),
				lambda: pages.ticket_detail(self.ticket),
				lambda: portal.reply(self.ticket, "bonjour"),
				lambda: portal.give_notice(self.subscription),
				lambda: portal.file_complaint("x", "y"),
				lambda: portal.attach_file(self.ticket, "a.txt", base64.b64encode(b"x").decode()),
			):
				self.assertRaises(frappe.PermissionError, call)

	def test_another_clients_names_are_not_found_and_reveal_nothing(self):
		self.as_user(self.user_b)
		subject = frappe.db.get_value("Assistance Ticket", self.ticket, "subject")
		for call in (
			lambda: pages.ticket_detail(self.ticket),
			lambda: pages.session_detail(self.session),
			lambda: portal.reply(self.ticket, "intrusion"),
			lambda: portal.attach_file(self.ticket, "a.txt", base64.b64encode(b"x").decode()),
			lambda: portal.give_notice(self.subscription),
			lambda: portal.withdraw_notice(self.subscription),
			lambda: portal.notice_preview(self.subscription),
			lambda: portal.file_complaint("x", "y", self.ticket),
			lambda: portal.create_request(
				DESCRIPTION, "x", frappe.db.get_value("Assistance Equipment", {"customer": self.a})
			),
			lambda: pages.ticket_detail("TKT-0000-00000"),
		):
			with self.assertRaises(frappe.DoesNotExistError) as caught:
				call()
			self.assertNotIn(subject, str(caught.exception))
			self.assertNotIn(self.a, str(caught.exception))
		self.assertRaises(frappe.DoesNotExistError, session_api.consent, self.session, 1, 1, 1, 1)
		self.assertNotIn(self.ticket, [t.name for t in pages.my_overview()["tickets"]])

	# ---------------------------------------------------------------- requests
	def test_r_tkt_8_portal_refuses_an_incomplete_request(self):
		self.as_user(self.user_a)
		with self.assertRaises(frappe.ValidationError) as caught:
			portal.create_request("trop court", "x", None, "", "")
		self.assertIn("Serial Number", str(caught.exception))
		self.assertRaises(
			frappe.ValidationError,
			portal.create_request,
			DESCRIPTION,
			"x",
			None,
			"SN",
			"REF",
			"2099-01-01 10:00",
		)
		self.assertRaises(
			frappe.ValidationError, portal.create_request, DESCRIPTION, "x", None, "SN", "REF", "pas une date"
		)

	def test_r_tkt_6_portal_request_is_listed_and_attachments_stay_private(self):
		self.as_user(self.user_a)
		result = portal.create_request(DESCRIPTION, "Marge de couronne", None, "SN-PORTAL", "exocad 3.2")
		self.assertIsNone(result["late"])
		ticket = frappe.get_doc("Assistance Ticket", result["name"])
		self.assertEqual((ticket.customer, ticket.channel, ticket.status), (self.a, "Portal", "New"))
		self.assertIn(result["name"], [t.name for t in pages.my_overview()["tickets"]])
		url = portal.attach_file(
			result["name"], "capture.png", base64.b64encode(testing.SAMPLE_PNG).decode()
		)["file_url"]
		self.assertTrue(url.startswith("/private/files/"))
		file = frappe.get_doc("File", {"file_url": url})
		self.assertTrue(frappe.has_permission("File", "read", doc=file, user=self.user_a))
		self.assertFalse(frappe.has_permission("File", "read", doc=file, user=self.user_b))
		self.assertRaises(frappe.ValidationError, portal.attach_file, result["name"], "x", "%%%not base64%%%")
		portal.reply(result["name"], "Voici une précision.")
		self.assertEqual(
			frappe.db.count(
				"Communication", {"reference_name": result["name"], "sent_or_received": "Received"}
			),
			1,
		)

	def test_r_tkt_7_late_portal_request_is_kept_for_review_with_an_explanation(self):
		self.as_user(self.user_b)  # on-demand client: the 24-business-hour window applies
		result = portal.create_request(
			DESCRIPTION, "Vieux souci", None, "SN-LATE", "exocad", str(add_to_date(now_datetime(), days=-15))
		)
		self.assertIn("24 business hours", result["late"])
		self.assertEqual(
			frappe.db.get_value("Assistance Ticket", result["name"], ["is_late", "status"]), (1, "New")
		)

	def test_r_san_2_suspended_client_cannot_submit(self):
		frappe.set_user("Administrator")
		sanction = frappe.get_doc(
			{
				"doctype": "Assistance Sanction",
				"customer": self.b,
				"breach": "Abusive solicitation",
				"sanction": "Suspension",
				"facts": "Cinquante demandes sans objet en une semaine.",
				"effective_from": add_to_date(now_datetime(), minutes=-5),
			}
		).insert()
		try:
			self.as_user(self.user_b)
			self.assertTrue(pages.my_overview()["suspended"])
			self.assertRaises(
				frappe.ValidationError, portal.create_request, DESCRIPTION, "x", None, "SN", "REF"
			)
		finally:
			frappe.set_user("Administrator")
			sanction.flags.dds_action = True
			sanction.update(
				{
					"lifted_on": now_datetime(),
					"lifted_by": "Administrator",
					"lift_reason": "test",
					"status": "Lifted",
				}
			)
			sanction.save()

	# ---------------------------------------------------------------- session, plan, complaint
	def test_r_rs_1_client_consents_to_their_session_on_the_portal(self):
		self.as_user(self.user_a)
		detail = pages.session_detail(self.session)
		self.assertEqual(detail["session"].name, self.session)
		if detail["session"].status == "Requested":
			session_api.consent(self.session, 1, 1, 1, 1)
		self.assertEqual(frappe.db.get_value("Remote Session", self.session, "consent_method"), "Portal")

	def test_r_sub_3_notice_given_and_withdrawn_on_the_portal(self):
		self.as_user(self.user_a)
		if frappe.db.get_value("Premium Subscription", self.subscription, "status") == "Notice Given":
			portal.withdraw_notice(self.subscription)
		preview = portal.notice_preview(self.subscription)
		result = portal.give_notice(self.subscription)
		self.assertEqual(result["ends_on"], preview["effective_end"])
		doc = frappe.get_doc("Premium Subscription", self.subscription)
		self.assertEqual(
			(doc.status, doc.notice_channel, str(doc.notice_received_on)),
			("Notice Given", "Portal", nowdate()),
		)
		portal.withdraw_notice(self.subscription)
		self.assertEqual(frappe.db.get_value("Premium Subscription", self.subscription, "status"), "Active")

	def test_r_cpl_1_complaint_filed_on_the_portal(self):
		self.as_user(self.user_a)
		result = portal.file_complaint("Délai", "Réponse arrivée tard.", self.ticket)
		self.assertTrue(result["ack_due"])
		self.assertIn(result["name"], [c.name for c in pages.complaints_context()["complaints"]])
		self.as_user(self.user_b)
		self.assertNotIn(result["name"], [c.name for c in pages.complaints_context()["complaints"]])

	def test_no_delete_from_the_portal(self):
		self.as_user(self.user_a)
		for doctype, name in (
			("Assistance Ticket", self.ticket),
			("Remote Session", self.session),
			("Premium Subscription", self.subscription),
		):
			self.assertFalse(frappe.has_permission(doctype, "delete", name))
			self.assertRaises(frappe.PermissionError, frappe.delete_doc, doctype, name)
