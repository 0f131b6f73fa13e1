# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""The portal and its error pages speak French whatever the site's system language —
English where the client chose it — and write amounts as their language does
("100,00 €" / "€100.00"): its pages, a page it refuses ("not found"), its calls'
refusals and the "try again" answer of a request that met the lost database."""

import contextlib
import io
from unittest import mock

import frappe
import pymysql

from dds_assistance.samples import testing
from dds_assistance.samples.testing import PORTAL_PASSWORD, WebClient

NBSP = "\u00a0"
HTML = {"Accept": "text/html"}


class TestPortalLanguage(testing.AssistanceTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.fixture = testing.portal_fixture()
		cls.users = {}
		for language in ("", "en"):
			tag = frappe.generate_hash(length=8)
			user = f"langue.{tag}@example.com"
			customer = testing.ensure_customer(f"Labo Langue {tag}", f"C-LG{tag.upper()}", user)
			doc = frappe.get_doc("User", user)
			doc.new_password = PORTAL_PASSWORD
			doc.language = language
			doc.save(ignore_permissions=True)
			cls.users[language] = (user, customer, testing.make_ticket(customer).name)
		frappe.db.commit()

	def setUp(self):
		super().setUp()
		# a site set up in English: its system language is the back office's choice
		self.site_language = frappe.db.get_single_value("System Settings", "language")
		frappe.db.set_single_value("System Settings", "language", "en")
		frappe.db.commit()
		frappe.clear_cache()

	def tearDown(self):
		frappe.db.set_single_value("System Settings", "language", self.site_language)
		frappe.db.commit()
		frappe.clear_cache()
		super().tearDown()

	def page(self, client, path):
		response = client.open(path, method="GET", headers=HTML)
		return response.status_code, response.get_data(as_text=True)

	def test_a_client_without_a_language_reads_french_pages_and_amounts_on_an_english_site(self):
		user, _customer, ticket = self.users[""]
		client = WebClient(user)
		status, body = self.page(client, "/assistance")
		self.assertEqual(status, 200)
		self.assertIn('<html lang="fr">', body)
		self.assertIn("Mes demandes", body)
		self.assertNotIn("My Requests", body)
		status, body = self.page(client, "/assistance/new")
		self.assertIn(f"100,00{NBSP}€", body)
		self.assertNotIn("€ 100", body)
		status, body = self.page(client, f"/assistance/tickets/{ticket}")
		self.assertEqual(status, 200)

	def test_its_error_pages_and_refusals_are_french_too(self):
		user, _customer, _ticket = self.users[""]
		client = WebClient(user)
		# another client's request: "not found", in French
		status, body = self.page(client, f"/assistance/tickets/{self.fixture['ticket']}")
		self.assertEqual(status, 404)
		self.assertIn('<html lang="fr">', body)
		self.assertIn("Non Trouvé", body)  # Frappe's "not found" page, in French
		self.assertNotIn("Not Found", body)
		self.assertNotIn("Exception", body)  # not an error page, and no traceback
		self.assertNotIn("Traceback", body)
		# a page that fails: Frappe's error page, in French, without the traceback Frappe shows
		with (
			contextlib.redirect_stderr(io.StringIO()),
			mock.patch("dds_assistance.web.portal_reads.my_overview", side_effect=RuntimeError("boom")),
		):
			status, body = self.page(client, "/assistance")
		self.assertEqual(status, 500)
		self.assertIn('<html lang="fr">', body)
		self.assertNotIn("Traceback", body)
		# a call's refusal (a missing argument, 400)
		response = client.call("dds_assistance.api.portal.create_request", subject="Sans description")
		self.assertEqual(response.status_code, 400)
		self.assertIn("Valeur manquante", " ".join(WebClient.messages(response)))
		# (a request that meets the lost database: nginx's French "try again" page, which
		# served_tests/test_database_down.py proves behind the real nginx)

	def test_english_where_the_client_chose_it(self):
		user, _customer, ticket = self.users["en"]
		client = WebClient(user)
		status, body = self.page(client, "/assistance")
		self.assertIn('<html lang="en">', body)
		self.assertIn("My Requests", body)
		status, body = self.page(client, "/assistance/new")
		self.assertIn("€100.00", body)
		response = client.call("dds_assistance.api.portal.create_request", subject="No description")
		self.assertIn("Missing value", " ".join(WebClient.messages(response)))
