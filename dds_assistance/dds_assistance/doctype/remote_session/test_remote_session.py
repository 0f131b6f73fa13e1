# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""Remote sessions on a real ERPNext site (R-RS-1 … R-RS-8)."""

from datetime import timedelta
from unittest.mock import patch

import frappe
from frappe.utils import add_to_date, now_datetime

from dds_assistance.api import remote_session as api
from dds_assistance.api import ticket as ticket_api
from dds_assistance.dds_assistance.doctype.assistance_ticket.test_assistance_ticket import (
	premium_for_client_b,
)
from dds_assistance.guards.refusals import HistoryIsAppendOnly, SessionStartRefused
from dds_assistance.jobs.sessions import expire_overdue_sessions
from dds_assistance.samples import testing
from dds_assistance.samples.testing import AGENT, MANAGER
from dds_assistance.samples.testing import TECHNICIAN as TECH

CLIENT_A, CLIENT_B = "Labo Dentaire Alpha", "Cabinet Beta"
USER_A, USER_B = "client.alpha@example.com", "client.beta@example.com"
ROOKIE = "rookie.dds@example.com"
CHECKS = {"check_backup": 1, "check_apps_closed": 1, "check_reachable": 1, "check_connection": 1}


class TestRemoteSession(testing.AssistanceTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		testing.ensure_customer(CLIENT_A, "C-ALPHA", USER_A)
		testing.ensure_customer(CLIENT_B, "C-BETA", USER_B)
		testing.ensure_staff_user(ROOKIE, ["Assistance Technician"])
		if not frappe.db.exists("Technician Authorisation", {"user": TECH, "revoked_on": ("is", "not set")}):
			frappe.get_doc(
				{"doctype": "Technician Authorisation", "user": TECH, "valid_from": "2020-01-01 00:00:00"}
			).insert(ignore_permissions=True)
		frappe.db.commit()

	def paid_ticket(self, customer=CLIENT_A, pay=True):
		ticket = frappe.get_doc(
			{
				"doctype": "Assistance Ticket",
				"subject": "Prise en main pour réglages",
				"customer": customer,
				"channel": "Phone",
				"serial_no": "SN-RS",
				"equipment_reference": "exocad DentalCAD",
				"description": "Les bibliothèques d'implants ne se chargent plus depuis la mise à jour.",
			}
		).insert()
		invoice = ticket_api.accept(ticket.name)["sales_invoice"]
		if pay and invoice:
			from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry

			payment = get_payment_entry("Sales Invoice", invoice)
			payment.reference_no, payment.reference_date = "RS", now_datetime().date()
			payment.insert()
			payment.submit()
		return ticket.name

	def propose(self, ticket, minutes=30, user=TECH):
		frappe.set_user(user)
		name = api.propose(ticket, "Recharger les bibliothèques d'implants", "RustDesk", minutes)
		frappe.set_user("Administrator")
		return name

	def consent_as_client(self, session, user=USER_A, **checks):
		frappe.set_user(user)
		try:
			return api.consent(session, **{**CHECKS, **checks})
		finally:
			frappe.set_user("Administrator")

	def events(self, session):
		return frappe.get_all(
			"Remote Session Log", filters={"session": session}, pluck="event", order_by="creation asc"
		)

	def start_as(self, session, user=TECH):
		frappe.set_user(user)
		try:
			return api.start(session)
		finally:
			frappe.set_user("Administrator")

	def test_r_rs_1_happy_path_with_history(self):
		session = self.propose(self.paid_ticket())
		self.consent_as_client(session)
		result = self.start_as(session)
		self.assertEqual(result["status"], "In Progress")
		self.assertEqual(
			result["authorised_end"],
			add_to_date(frappe.db.get_value("Remote Session", session, "started_at"), minutes=30),
		)
		frappe.set_user(TECH)
		api.end(session, "Bibliothèques rechargées")
		frappe.set_user("Administrator")
		self.assertEqual(self.events(session), ["Requested", "Consented", "Started", "Ended"])
		doc = frappe.get_doc("Remote Session", session)
		self.assertEqual((doc.consent_method, doc.consent_user), ("Portal", USER_A))

	def test_r_tkt_5_no_session_on_a_closed_ticket(self):
		ticket = self.paid_ticket()
		consented = self.propose(ticket)
		self.consent_as_client(consented)
		waiting = self.propose(ticket)
		doc = frappe.get_doc("Assistance Ticket", ticket)
		for status in ("In Progress", "Resolved", "Closed"):
			doc.status = status
			doc.save()
		self.assertRaises(frappe.ValidationError, self.propose, ticket)
		self.assertRaises(frappe.ValidationError, self.consent_as_client, waiting)
		with self.assertRaises(SessionStartRefused) as caught:
			self.start_as(consented)
		self.assertIn("closed", str(caught.exception))
		self.assertEqual(frappe.db.get_value("Remote Session", consented, "status"), "Consented")
		self.assertIn("Refused", self.events(consented))

	def test_r_rs_2_consent_needs_the_whole_checklist(self):
		session = self.propose(self.paid_ticket())
		self.assertRaises(frappe.ValidationError, self.consent_as_client, session, check_backup=0)
		self.assertEqual(frappe.db.get_value("Remote Session", session, "status"), "Requested")

	def test_r_rs_1_staff_records_phone_consent_only_with_a_note(self):
		session = self.propose(self.paid_ticket())
		frappe.set_user(AGENT)
		self.assertRaises(
			frappe.ValidationError, api.record_consent, session, "Phone", "Dr Martin", "", **CHECKS
		)
		api.record_consent(session, "Phone", "Dr Martin", "Appel du 23/11 à 10 h 02", **CHECKS)
		frappe.set_user("Administrator")
		self.assertEqual(
			frappe.db.get_value("Remote Session", session, ["status", "consent_method"]),
			("Consented", "Phone"),
		)

	def test_r_rs_1_no_start_without_consent_and_consent_is_not_reusable(self):
		ticket = self.paid_ticket()
		first, second = self.propose(ticket), self.propose(ticket)
		self.consent_as_client(first)
		self.assertRaises(frappe.ValidationError, self.consent_as_client, first)  # given once
		with self.assertRaises(SessionStartRefused) as caught:
			self.start_as(second)
		self.assertIn("not consented", str(caught.exception))
		self.assertIn("Refused", self.events(second))  # kept despite the refusal

	def test_r_rs_6_unauthorised_expired_or_revoked_technician_is_refused(self):
		session = self.propose(self.paid_ticket(), user=ROOKIE)
		self.consent_as_client(session)
		with self.assertRaises(SessionStartRefused) as caught:
			self.start_as(session, ROOKIE)
		self.assertIn("technician authorisation", str(caught.exception))
		auth = frappe.get_doc(
			{
				"doctype": "Technician Authorisation",
				"user": ROOKIE,
				"valid_from": add_to_date(now_datetime(), days=-10),
				"valid_to": add_to_date(now_datetime(), days=-1),
			}
		).insert()
		self.assertRaises(SessionStartRefused, self.start_as, session, ROOKIE)  # expired
		auth2 = frappe.get_doc(
			{
				"doctype": "Technician Authorisation",
				"user": ROOKIE,
				"valid_from": add_to_date(now_datetime(), days=-1),
			}
		).insert()
		frappe.set_user(AGENT)
		self.assertRaises(frappe.PermissionError, api.revoke_authorisation, auth2.name, "Fin de mission")
		frappe.set_user(MANAGER)
		api.revoke_authorisation(auth2.name, "Fin de mission")
		frappe.set_user("Administrator")
		self.assertRaises(SessionStartRefused, self.start_as, session, ROOKIE)  # revoked
		self.assertTrue(auth.name)

	def test_r_rs_7_unpaid_ticket_is_refused(self):
		session = self.propose(self.paid_ticket(pay=False))
		self.consent_as_client(session)
		with self.assertRaises(SessionStartRefused) as caught:
			self.start_as(session)
		self.assertIn("not paid", str(caught.exception))

	def test_r_rs_7_premium_request_needs_an_active_subscription(self):
		with patch("dds_assistance.context.clients.coverage", premium_for_client_b):
			ticket = self.paid_ticket(customer=CLIENT_B)
			session = self.propose(ticket)
			self.consent_as_client(session, USER_B)
			self.assertEqual(self.start_as(session)["status"], "In Progress")
		session2 = self.propose(ticket)
		self.consent_as_client(session2, USER_B)
		with self.assertRaises(SessionStartRefused) as caught:  # no subscription any more
			self.start_as(session2)
		self.assertIn("Premium subscription is not active", str(caught.exception))

	def test_r_san_2_suspended_client_is_refused(self):
		session = self.propose(self.paid_ticket())
		self.consent_as_client(session)
		with patch("dds_assistance.context.clients.is_suspended", return_value=True):
			with self.assertRaises(SessionStartRefused) as caught:
				self.start_as(session)
		self.assertIn("suspended", str(caught.exception))

	def test_r_rs_3_expiry_job_run_twice(self):
		session = self.propose(self.paid_ticket(), minutes=15)
		self.consent_as_client(session)
		end = self.start_as(session)["authorised_end"]
		frappe.db.commit()
		self.assertNotIn(session, expire_overdue_sessions(end - timedelta(seconds=1)))
		self.assertIn(session, expire_overdue_sessions(end + timedelta(minutes=1)))
		self.assertNotIn(session, expire_overdue_sessions(end + timedelta(minutes=2)))
		self.assertEqual(frappe.db.get_value("Remote Session", session, "status"), "Expired")
		self.assertEqual(self.events(session).count("Expired"), 1)

	def test_r_rs_5_scope_extension_needs_the_client_instruction(self):
		session = self.propose(self.paid_ticket())
		self.consent_as_client(session)
		self.start_as(session)
		frappe.set_user(TECH)
		self.assertRaises(frappe.ValidationError, api.extend_scope, session, "Dossier CAM", "", "")
		api.extend_scope(session, "Dossier CAM", "Dr Martin", "Vérifiez aussi l'export CAM")
		frappe.set_user("Administrator")
		self.assertEqual(self.events(session).count("Scope Extended"), 1)
		self.assertIn("Dossier CAM", frappe.db.get_value("Remote Session", session, "current_scope"))

	def test_r_rs_4_history_cannot_be_altered_or_deleted_by_anyone(self):
		session = self.propose(self.paid_ticket())
		entry = frappe.get_all("Remote Session Log", filters={"session": session}, pluck="name")[0]
		log = frappe.get_doc("Remote Session Log", entry)
		log.details = "rewritten"
		self.assertRaises(HistoryIsAppendOnly, log.save)
		self.assertRaises(HistoryIsAppendOnly, log.delete)
		self.assertRaises(HistoryIsAppendOnly, frappe.delete_doc, "Remote Session Log", entry, force=True)
		self.assertRaises(HistoryIsAppendOnly, log.db_set, "details", "rewritten")
		from frappe.client import delete, set_value

		self.assertRaises(HistoryIsAppendOnly, set_value, "Remote Session Log", entry, "details", "x")
		self.assertRaises(HistoryIsAppendOnly, delete, "Remote Session Log", entry)
		frappe.set_user(TECH)
		self.assertRaises(frappe.PermissionError, set_value, "Remote Session Log", entry, "details", "x")
		self.assertRaises(frappe.PermissionError, delete, "Remote Session Log", entry)
		frappe.set_user("Administrator")
		# nor by deleting the session or its ticket
		self.assertRaises(frappe.ValidationError, frappe.delete_doc, "Remote Session", session, force=True)
		ticket = frappe.db.get_value("Remote Session", session, "ticket")
		self.assertRaises(frappe.ValidationError, frappe.delete_doc, "Assistance Ticket", ticket, force=True)
		self.assertNotEqual(frappe.db.get_value("Remote Session Log", entry, "details"), "rewritten")

	def test_r_rs_4_history_survives_the_ticket_closure(self):
		ticket = self.paid_ticket()
		session = self.propose(ticket)
		doc = frappe.get_doc("Assistance Ticket", ticket)
		for status in ("In Progress", "Resolved", "Closed"):
			doc.status = status
			doc.save()
		self.assertEqual(self.events(session), ["Requested"])

	def test_a_client_cannot_see_or_consent_to_another_clients_session(self):
		session = self.propose(self.paid_ticket(customer=CLIENT_A))
		frappe.set_user(USER_B)
		self.assertNotIn(session, frappe.get_list("Remote Session", pluck="name", limit_page_length=0))
		self.assertEqual(frappe.get_list("Remote Session Log", filters={"session": session}), [])
		frappe.set_user("Administrator")
		self.assertRaises(
			frappe.DoesNotExistError, self.consent_as_client, session, USER_B
		)  # as a made-up name
		self.assertEqual(frappe.db.get_value("Remote Session", session, "status"), "Requested")

	def test_r_rs_8_tools_uninstall_request_and_answer(self):
		tool = frappe.get_doc(
			{
				"doctype": "Assistance Tool Installation",
				"customer": CLIENT_A,
				"tool": "RustDesk",
				"installed_on": "2026-11-20",
			}
		).insert()
		result = api.ask_tool_uninstall(tool.name)
		self.assertIn(USER_A, result["recipients"])
		self.assertEqual(frappe.db.count("Email Queue", {"reference_name": tool.name}), 1)
		frappe.set_user(USER_B)
		self.assertRaises(frappe.PermissionError, api.record_tool_answer, tool.name, "Uninstalled")
		frappe.set_user(USER_A)
		api.record_tool_answer(tool.name, "Uninstalled")
		frappe.set_user("Administrator")
		self.assertEqual(
			frappe.db.get_value("Assistance Tool Installation", tool.name, "client_answer"), "Uninstalled"
		)
