# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""While the database cannot be reached (a restart), the portal and the desk answer a
clear "try again" — a French page or JSON, 503 with ``Retry-After``, no traceback —
never the web server's bare "Internal Server Error" (issue "Run it the way production
runs it": faults during the load).

The application under test is the one served (``dds_assistance.wsgi``), called the way
a server calls it; the database is made unreachable for its requests only, by Frappe's
own ``FRAPPE_DB_PORT`` pointing at a port where nothing listens. A request can also
fail on the lost database and find it back before it answers (a restart of a second
or two): what Frappe makes of that failure — its error page, its JSON error — is the
same "try again"."""

import contextlib
import io
import os
import socket
from unittest import mock

import frappe
import pymysql

from dds_assistance import wsgi
from dds_assistance.samples import testing
from dds_assistance.samples.testing import WebClient
from dds_assistance.web import responses

FRENCH_TITLE = "Service momentanément indisponible"
FRENCH_MESSAGE = "votre dernière action n'a pas été enregistrée"


def closed_port() -> int:
	with socket.socket() as probe:
		probe.bind(("127.0.0.1", 0))
		return probe.getsockname()[1]


@contextlib.contextmanager
def database_unreachable():
	"""Each request that begins in the block finds no database (it is read from the
	site's configuration when a request begins; the test's own connection stays)."""
	saved = {key: os.environ.get(key) for key in ("FRAPPE_DB_HOST", "FRAPPE_DB_PORT")}
	os.environ["FRAPPE_DB_HOST"] = "127.0.0.1"
	os.environ["FRAPPE_DB_PORT"] = str(closed_port())
	try:
		# the tracebacks logged for the server's error log: kept out of the test output
		with contextlib.redirect_stderr(io.StringIO()):
			yield
	finally:
		for key, value in saved.items():
			if value is None:
				os.environ.pop(key, None)
			else:
				os.environ[key] = value


class TestDatabaseUnreachable(testing.AssistanceTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.fixture = testing.portal_fixture()
		frappe.db.commit()

	def client(self, user=None):
		return WebClient(user or self.fixture["user_a"], application=wsgi.application)

	def assert_try_again(self, response, as_json: bool):
		body = response.get_data(as_text=True)
		self.assertEqual(response.status_code, 503, body[:300])
		self.assertEqual(response.headers.get("Retry-After"), "30")
		self.assertNotIn("Traceback", body)
		self.assertNotIn("Internal Server Error", body)
		if as_json:
			self.assertEqual(response.mimetype, "application/json")
			self.assertEqual(response.json["exc_type"], "ServiceUnavailable")
			self.assertIn(FRENCH_MESSAGE, response.json["message"])
			self.assertNotIn("exc", response.json)
		else:
			self.assertEqual(response.mimetype, "text/html")
			self.assertIn(f"<h1>{FRENCH_TITLE}</h1>", body)
			self.assertIn('<html lang="fr">', body)

	def test_the_portal_pages_answer_try_again_in_french(self):
		client = self.client()
		self.assertEqual(
			client.open("/assistance", method="GET", headers={"Accept": "text/html"}).status_code, 200
		)
		with database_unreachable():
			for path in (
				"/assistance",
				"/assistance/new",
				f"/assistance/ticket?name={self.fixture['ticket']}",
			):
				with self.subTest(path=path):
					self.assert_try_again(
						client.open(path, method="GET", headers={"Accept": "text/html"}), False
					)
			# a visitor, and the desk, alike
			guest = WebClient(application=wsgi.application)
			self.assert_try_again(
				guest.open("/assistance", method="GET", headers={"Accept": "text/html"}), False
			)
			self.assert_try_again(
				client.open("/app/assistance-ticket", method="GET", headers={"Accept": "text/html"}), False
			)
		self.assertEqual(
			client.open("/assistance", method="GET", headers={"Accept": "text/html"}).status_code, 200
		)

	def test_a_write_answers_try_again_and_nothing_is_recorded(self):
		client = self.client()
		subject = f"Écrit pendant le redémarrage de la base {frappe.generate_hash(length=8)}"

		def create():
			return client.call(
				"dds_assistance.api.portal.create_request",
				description=testing.DESCRIPTION,
				subject=subject,
				serial_no="SN-503",
				equipment_reference="exocad",
			)

		with database_unreachable():
			self.assert_try_again(create(), True)
			self.assert_try_again(client.call("dds_assistance.api.portal.my_requests", "GET"), True)
			self.assert_try_again(
				WebClient(application=wsgi.application).open(
					"/api/method/login", data={"usr": self.fixture["user_a"], "pwd": "x"}
				),
				True,
			)
		frappe.db.commit()  # what the web requests committed, seen from here
		self.assertFalse(frappe.db.exists("Assistance Ticket", {"subject": subject}))
		# the same call once the database is back: recorded
		response = create()
		self.assertEqual(response.status_code, 200, response.get_data(as_text=True)[:300])
		frappe.db.commit()
		self.assertTrue(frappe.db.exists("Assistance Ticket", {"subject": subject}))

	def test_a_browser_asking_for_english_gets_english(self):
		client = self.client()
		with database_unreachable():
			response = client.open(
				"/assistance",
				method="GET",
				headers={"Accept": "text/html", "Accept-Language": "en-GB,en;q=0.8"},
			)
		self.assertEqual(response.status_code, 503)
		self.assertIn("<h1>Service briefly unavailable</h1>", response.get_data(as_text=True))

	def test_other_failures_are_not_taken_for_an_unreachable_database(self):
		lost = Exception("boom")
		self.assertFalse(responses.database_unreachable(lost))
		try:
			try:
				raise ConnectionRefusedError(111, "Connection refused")
			except ConnectionRefusedError:
				raise RuntimeError("while rendering the error page")  # noqa: B904
		except RuntimeError as error:
			self.assertTrue(responses.database_unreachable(error))
		syntax = type("OperationalError", (Exception,), {})(1064, "You have an error in your SQL syntax")
		self.assertFalse(responses.database_unreachable(syntax))
		gone = type("OperationalError", (Exception,), {})(2006, "MySQL server has gone away")
		self.assertTrue(responses.database_unreachable(gone))

	def failing(self, page_error, call_error, uptime: int):
		"""(page, call): the portal's list page and call, each failing with its error in
		the middle of the request, on a database server up for ``uptime`` seconds."""
		client = self.client()
		with (
			contextlib.redirect_stderr(io.StringIO()),
			mock.patch("dds_assistance.web.responses._database_uptime", return_value=uptime),
		):
			with mock.patch("dds_assistance.web.portal_reads.my_overview", side_effect=page_error):
				page = client.open("/assistance", method="GET", headers={"Accept": "text/html"})
			with mock.patch("dds_assistance.api.portal.client_tickets", side_effect=call_error):
				call = client.call("dds_assistance.api.portal.my_requests", "GET")
		return page, call

	def test_a_request_that_failed_on_the_lost_database_answers_try_again_though_it_is_back(self):
		lost = pymysql.err.OperationalError(2013, "Lost connection to server during query")
		# the page: Frappe renders its error page on the database that is back (the
		# failure is noted, whatever the uptime); the call: Frappe's JSON error names the
		# database client's error, and the server that answers again has just started
		page, call = self.failing(lost, lost, uptime=3)
		self.assert_try_again(page, False)
		self.assert_try_again(call, True)
		page, _call = self.failing(lost, lost, uptime=86400)
		self.assert_try_again(page, False)
		self.assertGreater(responses._database_uptime(), 0)

	def test_a_write_whose_connection_was_lost_answers_try_again(self):
		# the connection lost in the middle of a write: Frappe answers the failure, then
		# rolls the write back on the connection the client has closed — the error of
		# that rollback escapes Frappe (the load's database restart met it on an accept)
		def lose_connection(*args, **kwargs):
			frappe.db._conn.close()
			raise pymysql.err.OperationalError(2013, "Lost connection to server during query")

		client = self.client()
		with (
			contextlib.redirect_stderr(io.StringIO()),
			mock.patch("dds_assistance.api.portal.refuse_if_suspended", side_effect=lose_connection),
		):
			response = client.call(
				"dds_assistance.api.portal.create_request",
				description=testing.DESCRIPTION,
				subject="Écrit quand la connexion est perdue",
				serial_no="SN-503",
				equipment_reference="exocad",
			)
		self.assert_try_again(response, True)
		closed = pymysql.err.InterfaceError(0, "")
		self.assertTrue(responses.database_unreachable(closed))
		self.assertFalse(responses.database_unreachable(pymysql.err.InterfaceError(1, "other")))

	def test_a_failure_of_a_query_stays_a_server_error(self):
		syntax = pymysql.err.ProgrammingError(1064, "You have an error in your SQL syntax")
		unknown = pymysql.err.OperationalError(1054, "Unknown column 'x' in 'field list'")
		# the database client's error, on a server up for a day
		for response in self.failing(syntax, unknown, uptime=86400):
			with self.subTest(mimetype=response.mimetype):
				self.assertEqual(response.status_code, 500)
				self.assertNotIn("Traceback", response.get_data(as_text=True))
