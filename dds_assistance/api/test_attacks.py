# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""Attack and fault suite: cross-client reads, malformed inputs, the payment and
session gates through every path, a job killed mid-run (R-TKT-4, R-TKT-11, R-RS-7)."""

import base64
import json
from unittest.mock import patch

import frappe
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dds_assistance.api import portal
from dds_assistance.api import remote_session as session_api
from dds_assistance.api import ticket as ticket_api
from dds_assistance.guards.refusals import PaymentRequiredError
from dds_assistance.samples import testing
from dds_assistance.web import portal_reads as pages

SCOPED = (
	"Assistance Ticket",
	"Remote Session",
	"Remote Session Log",
	"Premium Subscription",
	"Assistance Complaint",
	"Terms Notice",
	"Assistance Equipment",
	"Assistance Tool Installation",
)
STAFF_ONLY = (
	"Assistance Sanction",
	"Technician Authorisation",
	"Assistance Data Purge Log",
)
# what Frappe answers with a 4xx and a message (a type check of a whitelisted
# method's arguments is one: 417)
ALLOWED = (
	frappe.ValidationError,
	frappe.PermissionError,
	frappe.DoesNotExistError,
	frappe.exceptions.FrappeTypeError,
)


def refused_or_empty(call) -> object:
	try:
		return call()
	except ALLOWED as error:
		return type(error).__name__


class TestCrossClientReads(testing.AssistanceTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		data = testing.portal_fixture()
		cls.data = data
		a = data["client_a"]
		cls.secrets = [a, data["ticket"], data["session"], data["subscription"], "Bibliothèque d'implants"]
		cls.records = {
			"Assistance Ticket": data["ticket"],
			"Remote Session": data["session"],
			"Premium Subscription": data["subscription"],
			"Assistance Equipment": frappe.db.get_value("Assistance Equipment", {"customer": a}),
		}
		frappe.set_user(data["user_a"])
		cls.complaint = portal.file_complaint("Sujet confidentiel", "Détail confidentiel", data["ticket"])[
			"name"
		]
		cls.file_url = portal.attach_file(
			data["ticket"], "secret.stl", base64.b64encode(testing.SAMPLE_STL).decode()
		)["file_url"]
		frappe.set_user("Administrator")
		cls.records["Assistance Complaint"] = cls.complaint
		cls.secrets += [cls.complaint, "Sujet confidentiel", cls.file_url]
		frappe.db.commit()

	def tearDown(self):
		frappe.set_user("Administrator")

	def attempts(self):
		"""Every way we know to ask for client A's records, as someone else."""
		from frappe import client

		a, ticket = self.data["client_a"], self.data["ticket"]
		injected = [
			{"customer": a},
			{"name": ticket},
			{"name": ["like", "%"]},
			{"customer": ["in", [a, "x"]]},
			[["customer", "=", a]],
			{"customer": ["is", "set"]},
			{"name": ["!=", ""]},
			{"customer": f"x' or customer = '{a}"},
		]
		for doctype in SCOPED + STAFF_ONLY:
			name = self.records.get(doctype, ticket)
			yield lambda d=doctype, n=name: client.get(d, n)
			yield lambda d=doctype, n=name: client.get_value(d, "*", {"name": n})
			if not frappe.get_meta(doctype).has_field("customer"):
				injected_here = [f for f in injected if "customer" not in json.dumps(f)]
			else:
				injected_here = injected
			for filters in injected_here:
				yield lambda d=doctype, f=filters: client.get_list(
					d, fields=["*"], filters=f, limit_page_length=0
				)
				yield lambda d=doctype, f=filters: client.get_list(
					d, fields=["*"], or_filters=f, limit_page_length=0
				)
				yield lambda d=doctype, f=filters: client.get_count(d, filters=f)
			yield lambda d=doctype: frappe.get_list(d, fields=["*"], limit_page_length=0)
		for name in list(self.records.values()) + [self.complaint, "TKT-2026-00001"]:
			yield lambda n=name: pages.ticket_detail(n)
			yield lambda n=name: pages.session_detail(n)
			yield lambda n=name: portal.reply(n, "x")
			yield lambda n=name: portal.notice_preview(n)
			yield lambda n=name: portal.give_notice(n)
			yield lambda n=name: portal.withdraw_notice(n)
			yield lambda n=name: portal.attach_file(n, "x.txt", "eA==")
			yield lambda n=name: portal.file_complaint("x", "y", n)
			yield lambda n=name: session_api.consent(n, 1, 1, 1, 1)
			yield lambda n=name: ticket_api.response_countdown(n)
			yield lambda n=name: ticket_api.payments(n)
		yield lambda: client.get("Assistance Settings", "Assistance Settings")
		yield lambda: pages.my_overview()
		yield lambda: pages.complaints_context()
		yield lambda: pages.terms_context()
		file = frappe.get_doc("File", {"file_url": self.file_url})
		yield lambda: frappe.has_permission("File", "read", doc=file, throw=True)
		yield lambda: client.get("File", file.name)

	def test_no_leak_to_another_client_or_a_guest(self):
		count = 0
		for user in (self.data["user_b"], "Guest"):
			for attempt in self.attempts():
				frappe.set_user(user)
				result = refused_or_empty(attempt)
				frappe.set_user("Administrator")
				frappe.db.rollback()
				text = json.dumps(result, default=str)
				for secret in self.secrets:
					self.assertNotIn(secret, text, (user, attempt, result))
				count += 1
		self.assertGreaterEqual(count, 200)


class TestMalformedInputs(testing.AssistanceTestCase):
	"""≥ 1000 generated inputs on the portal and desk endpoints: every refusal is a
	clear 4xx error, and nothing is left half-saved."""

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.data = testing.portal_fixture()
		frappe.db.commit()

	def setUp(self):
		self.tickets = frappe.db.count("Assistance Ticket")
		self.complaints = frappe.db.count("Assistance Complaint")

	def tearDown(self):
		frappe.set_user("Administrator")

	def call(self, user, function, *args):
		frappe.set_user(user)
		try:
			function(*args)
		except ALLOWED as error:
			self.assertLess(getattr(error, "http_status_code", 500), 500, error)
			self.assertTrue(str(error) or type(error).__name__)
		finally:
			frappe.set_user("Administrator")
			frappe.db.rollback()
		self.assertEqual(frappe.db.count("Assistance Ticket"), self.tickets)
		self.assertEqual(frappe.db.count("Assistance Complaint"), self.complaints)

	junk = st.one_of(
		st.none(),
		st.text(max_size=300),
		st.integers(),
		st.floats(allow_nan=True),
		st.just("2026-02-30 25:61"),
		st.just("' or 1=1 --"),
		st.just("<script>alert(1)</script>"),
	)

	@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
	@given(description=junk, subject=junk, serial=junk, reference=junk, incident=junk, equipment=junk)
	def test_create_request(self, description, subject, serial, reference, incident, equipment):
		self.call(
			self.data["user_b"],
			portal.create_request,
			description,
			subject,
			equipment,
			serial,
			reference,
			incident,
		)

	@settings(max_examples=250, deadline=None, suppress_health_check=list(HealthCheck))
	@given(ticket=junk, filename=junk, payload=junk, message=junk)
	def test_attach_and_reply(self, ticket, filename, payload, message):
		self.call(self.data["user_a"], portal.attach_file, ticket, filename, payload)
		self.call(self.data["user_a"], portal.reply, ticket, message)

	@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
	@given(subject=junk, description=junk, ticket=junk, reason=junk)
	def test_complaint_and_notice(self, subject, description, ticket, reason):
		self.call(self.data["user_a"], portal.file_complaint, subject, description, ticket)
		self.call(self.data["user_a"], portal.give_notice, self.data["subscription"], reason)

	@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
	@given(due=junk, reason=junk, note=junk, minutes=junk)
	def test_desk_actions(self, due, reason, note, minutes):
		self.call("Administrator", ticket_api.extend_response_due, self.data["ticket"], due, reason, note)
		self.call("Administrator", ticket_api.refuse, self.data["ticket"], reason)
		self.call("Administrator", session_api.propose, self.data["ticket"], reason, note, minutes)


class TestGatesEverywhere(testing.AssistanceTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.customer = testing.ensure_customer(
			f"Labo Portes {frappe.generate_hash(length=5)}", f"C-G{frappe.generate_hash(length=5)}"
		)
		frappe.db.commit()

	def unpaid(self):
		ticket = frappe.get_doc(
			{
				"doctype": "Assistance Ticket",
				"subject": "Porte",
				"customer": self.customer,
				"channel": "Phone",
				"serial_no": "SN-G",
				"equipment_reference": "exocad",
				"description": "Le logiciel se ferme à l'ouverture d'un cas de bridge.",
			}
		).insert()
		ticket_api.accept(ticket.name)
		return ticket.name

	def test_r_tkt_4_payment_gate_on_every_path(self):
		from frappe.client import save, set_value

		name = self.unpaid()
		for status in ("Open", "In Progress", "Waiting on Client", "Resolved", "Closed"):
			self.assertRaises(PaymentRequiredError, set_value, "Assistance Ticket", name, "status", status)
			doc = frappe.get_doc("Assistance Ticket", name).as_dict()
			doc["status"] = status
			self.assertRaises(PaymentRequiredError, save, doc)
			desk = frappe.get_doc("Assistance Ticket", name)
			desk.status = status
			self.assertRaises(PaymentRequiredError, desk.save)
		self.assertEqual(frappe.db.get_value("Assistance Ticket", name, "status"), "Awaiting Payment")

	def test_r_rs_7_session_start_gate_on_every_path(self):
		from frappe.client import set_value

		name = self.unpaid()
		session = frappe.get_doc(
			{
				"doctype": "Remote Session",
				"ticket": name,
				"technician": "Administrator",
				"purpose": "x",
				"tool": "RustDesk",
				"requested_minutes": 10,
			}
		).insert()
		for status in ("Consented", "In Progress"):
			self.assertRaises(
				frappe.ValidationError, set_value, "Remote Session", session.name, "status", status
			)
		self.assertRaises(frappe.ValidationError, session_api.start, session.name)
		self.assertEqual(frappe.db.get_value("Remote Session", session.name, "status"), "Requested")


class TestJobKilledMidRun(testing.AssistanceTestCase):
	def test_r_sub_5_a_killed_run_is_finished_by_the_next_one_without_duplicates(self):
		from dds_assistance.jobs import subscriptions

		names = []
		with self.freeze_time("2026-03-01 09:00:00", tick=True):
			for _ in range(4):
				customer = testing.ensure_customer(
					f"Labo Crash {frappe.generate_hash(length=6)}", f"C-X{frappe.generate_hash(length=6)}"
				)
				doc = frappe.get_doc(
					{
						"doctype": "Premium Subscription",
						"customer": customer,
						"start_date": "2026-03-01",
						"item": testing.ensure_plan_item(),
						"annual_price": 600,
					}
				).insert()
				names.append(doc.name)
		frappe.db.commit()
		real, calls = subscriptions.process_one, []

		def dying(name, today=None):
			calls.append(name)
			if len(calls) == 3:
				raise SystemExit("worker killed")  # not an Exception: nothing catches it
			return real(name, today)

		with self.freeze_time("2027-03-02 03:00:00", tick=True):
			with patch.object(subscriptions, "process_one", dying):
				self.assertRaises(SystemExit, subscriptions.process_all)
			frappe.db.rollback()
			subscriptions.process_all()
			subscriptions.process_all()
		for name in names:
			terms = frappe.get_all(
				"Sales Invoice",
				filters={"dds_premium_subscription": name, "docstatus": 1},
				pluck="dds_subscription_term",
			)
			self.assertEqual(sorted(terms), [0, 1], name)
