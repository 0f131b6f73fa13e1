# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""The portal tried as a new user would (issue "Run it the way production runs
it", hardening): texts have maxima, writes a rate limit per account, and a
user of two Customers chooses whom they act for — every check still on the server."""

import frappe

from dds_assistance.api import portal
from dds_assistance.api import remote_session as session_api
from dds_assistance.core.limits import MAXIMA
from dds_assistance.guards.refusals import RuleViolation
from dds_assistance.samples import testing
from dds_assistance.samples.testing import PORTAL_PASSWORD, WebClient, render_portal_page
from dds_assistance.web import portal_reads as pages

SETTINGS = "Assistance Settings"


class TestTextMaxima(testing.AssistanceTestCase):
	client_prefix = "Labo Maxima"

	def test_a_200_000_character_description_is_refused_and_nothing_is_kept(self):
		frappe.set_user(self.user)
		before = frappe.db.count("Assistance Ticket", {"customer": self.customer})
		with self.assertRaises(RuleViolation) as refused:
			portal.create_request("x" * 200_000, "Trop long", None, "SN-MAX", "exocad")
		self.assertIn("20000", str(refused.exception))
		self.assertIn("Description", str(refused.exception))
		with self.assertRaises(RuleViolation):
			portal.create_request(
				testing.DESCRIPTION, "s" * (MAXIMA["subject"] + 1), None, "SN-MAX", "exocad"
			)
		self.assertEqual(frappe.db.count("Assistance Ticket", {"customer": self.customer}), before)
		# at the maximum it passes, whole
		name = portal.create_request(testing.DESCRIPTION, "s" * MAXIMA["subject"], None, "SN-MAX", "exocad")[
			"name"
		]
		self.assertEqual(len(frappe.db.get_value("Assistance Ticket", name, "subject")), MAXIMA["subject"])
		self.assertRaises(RuleViolation, portal.reply, name, "m" * (MAXIMA["message"] + 1))
		self.assertRaises(RuleViolation, portal.file_complaint, "Délai", "c" * (MAXIMA["complaint"] + 1))
		self.assertRaises(RuleViolation, portal.file_complaint, "s" * (MAXIMA["subject"] + 1), "Délai")


class TestRateLimits(testing.AssistanceTestCase):
	client_prefix = "Labo Cadence"

	def setUp(self):
		super().setUp()
		user = frappe.get_doc("User", self.user)
		user.new_password = PORTAL_PASSWORD
		user.save(ignore_permissions=True)
		self.limit = frappe.db.get_single_value(SETTINGS, "portal_writes_per_hour")
		frappe.db.set_single_value(SETTINGS, "portal_writes_per_hour", 2)
		frappe.db.commit()

	def tearDown(self):
		frappe.db.set_single_value(SETTINGS, "portal_writes_per_hour", self.limit)
		frappe.db.commit()
		super().tearDown()

	def test_a_portal_account_is_held_to_the_hourly_limit_with_a_french_message(self):
		web = WebClient(self.user)
		ticket = self.ticket(raised_by=self.user).name
		frappe.db.commit()
		answers = [
			web.call("dds_assistance.api.portal.reply", ticket=ticket, message=f"Relance {i}")
			for i in range(3)
		]
		self.assertEqual([a.status_code for a in answers], [200, 200, 429])
		[message] = WebClient.messages(answers[2])
		self.assertIn("Trop d'envois en une heure", message)
		self.assertIn("2", message)
		self.assertNotIn("Traceback", answers[2].get_data(as_text=True))
		self.assertEqual(
			frappe.db.count("Communication", {"reference_name": ticket, "content": ("like", "Relance%")}), 2
		)
		# each action is counted on its own; another account has its own count
		self.assertEqual(
			web.call(
				"dds_assistance.api.portal.file_complaint", subject="Délai", description="Relance"
			).status_code,
			200,
		)
		other_customer, other_user = self.new_client("Labo Voisin")
		other = frappe.get_doc("User", other_user)
		other.new_password = PORTAL_PASSWORD
		other.save(ignore_permissions=True)
		other_ticket = self.ticket(customer=other_customer).name
		frappe.db.commit()
		self.assertEqual(
			WebClient(other_user)
			.call("dds_assistance.api.portal.reply", ticket=other_ticket, message="Bonjour")
			.status_code,
			200,
		)
		# 0: no limit
		frappe.db.set_single_value(SETTINGS, "portal_writes_per_hour", 0)
		frappe.db.commit()
		self.assertEqual(
			web.call("dds_assistance.api.portal.reply", ticket=ticket, message="Relance libre").status_code,
			200,
		)


class TestAUserOfTwoClients(testing.AssistanceTestCase):
	client_prefix = "Labo Premier"

	def setUp(self):
		super().setUp()
		tag = frappe.generate_hash(length=6)
		self.second = testing.ensure_customer(f"Labo Second {tag}", f"C-S{tag.upper()}", self.user)
		self.stranger, _user = self.new_client("Labo Tiers")
		self.first_ticket = self.ticket(raised_by=self.user).name
		self.second_ticket = self.ticket(customer=self.second, raised_by=self.user).name
		self.stranger_ticket = self.ticket(customer=self.stranger).name
		frappe.db.commit()
		frappe.set_user(self.user)

	def test_the_user_chooses_whom_they_act_for_and_the_server_checks_every_call(self):
		choices = [c["name"] for c in pages.client_choices()]
		self.assertEqual(choices, [self.customer, self.second])
		self.assertEqual(pages.client(), self.customer)  # their first, shown on every page
		self.assertEqual([t.name for t in pages.my_overview()["tickets"]], [self.first_ticket])

		portal.choose_client(self.second)
		self.assertEqual(pages.client(), self.second)
		self.assertEqual([t.name for t in pages.my_overview()["tickets"]], [self.second_ticket])
		# a request goes to the client the page named, among theirs
		made = portal.create_request(
			testing.DESCRIPTION, "Pour le premier", None, "SN-1", "exocad", customer=self.customer
		)
		self.assertEqual(frappe.db.get_value("Assistance Ticket", made["name"], "customer"), self.customer)
		made = portal.create_request(testing.DESCRIPTION, "Pour le second", None, "SN-2", "exocad")
		self.assertEqual(frappe.db.get_value("Assistance Ticket", made["name"], "customer"), self.second)
		# both clients' records open and take replies, whatever the choice
		self.assertEqual(pages.ticket_detail(self.first_ticket)["customer"], self.customer)
		portal.reply(self.first_ticket, "Une précision")
		portal.reply(self.second_ticket, "Une autre précision")

		# never another client's
		for call in (
			lambda: portal.choose_client(self.stranger),
			lambda: portal.create_request(
				testing.DESCRIPTION, "x", None, "SN", "REF", customer=self.stranger
			),
			lambda: portal.file_complaint("Délai", "Réponse tardive.", customer=self.stranger),
			lambda: portal.reply(self.stranger_ticket, "intrusion"),
			lambda: pages.ticket_detail(self.stranger_ticket),
			lambda: portal.my_requests(customer=self.stranger),
		):
			self.assertRaises(frappe.DoesNotExistError, call)
		self.assertEqual(pages.client(), self.second)

		# a session of the second client is consented from the same account
		session = (
			frappe.get_doc(
				{
					"doctype": "Remote Session",
					"ticket": self.second_ticket,
					"technician": testing.ensure_staff_user(
						testing.TECHNICIAN, testing.STAFF[testing.TECHNICIAN]
					),
					"purpose": "Réglage",
					"tool": "RustDesk",
					"requested_minutes": 30,
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
		self.assertEqual(pages.session_detail(session)["customer"], self.second)
		self.assertRaises(frappe.DoesNotExistError, session_api.consent, "RS-0000-00000", 1, 1, 1, 1)

	def test_the_choice_is_on_every_page(self):
		html = render_portal_page("index")
		self.assertIn('id="dds-client"', html)
		self.assertIn(self.second, html)
		self.assertNotIn(self.stranger, html)


class TestLongHistory(testing.AssistanceTestCase):
	client_prefix = "Labo Historique"

	def test_a_long_history_is_listed_a_page_at_a_time(self):
		made = {self.ticket(subject=f"Demande {n}").name for n in range(pages.LIST_PAGE_LENGTH + 5)}
		frappe.db.commit()
		frappe.set_user(self.user)
		first = pages.my_overview()
		self.assertEqual(len(first["tickets"]), pages.LIST_PAGE_LENGTH)
		self.assertEqual(first["page"], {"first": 1, "last": 20, "total": 25, "newer": None, "older": 20})
		second = pages.my_overview("20")
		self.assertEqual(second["page"], {"first": 21, "last": 25, "total": 25, "newer": 0, "older": None})
		self.assertEqual({t.name for t in first["tickets"]} | {t.name for t in second["tickets"]}, made)
		self.assertFalse({t.name for t in first["tickets"]} & {t.name for t in second["tickets"]})
		# a link made by hand: past the end, the last page; not a number, the first
		self.assertEqual(pages.my_overview("400")["page"]["first"], 21)
		self.assertEqual(pages.my_overview("-3")["page"]["first"], 1)
		self.assertEqual(pages.my_overview("deux")["page"]["first"], 1)

		frappe.form_dict.start = "20"
		try:
			html = render_portal_page("index")
		finally:
			frappe.form_dict.pop("start", None)
		self.assertIn("Requests 21–25 of 25", html)
		self.assertIn('href="/assistance">Newer requests', html)
		self.assertNotIn("Older requests", html)
		html = render_portal_page("index")
		self.assertIn('href="/assistance?start=20">Older requests', html)
