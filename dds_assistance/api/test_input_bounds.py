# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""Every input the app takes from outside has a bound, stated in French to whoever
passes it (issue #28): each argument of each endpoint, over HTTP; a portal
attachment (its size, the files of one request), as the portal sends it; an
e-mail (its size, header fields, attachments, text), through the real mail
server and Frappe's pull — at the bound it is taken whole, past it refused with
the bound (a 4xx), or, for a mail, read up to the bound and the rest left in the
mailbox with a note for the agents. The bank statement's bounds are proven with
the statement (``test_assistance_bank_statement``)."""

import inspect
import typing
from email.message import EmailMessage

import frappe

from dds_assistance.api.test_endpoints import STAFF_PASSWORD, app_endpoints, http_method_of, parameters
from dds_assistance.core import limits
from dds_assistance.integrations import test_email_channel as mail
from dds_assistance.samples import testing
from dds_assistance.samples.testing import MANAGER, PORTAL_PASSWORD, STAFF, WebClient, render_portal_page

SETTINGS = "Assistance Settings"


def text_parameters(function) -> list[inspect.Parameter]:
	"""The arguments that take a text (annotated ``str``, or not annotated)."""
	return [
		p
		for p in parameters(function)
		if p.annotation is inspect.Parameter.empty
		or p.annotation is str
		or str in typing.get_args(p.annotation)
	]


class TestEndpointArguments(testing.AssistanceTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.fixture = testing.portal_fixture()
		testing.ensure_staff_user(MANAGER, STAFF[MANAGER])
		manager = frappe.get_doc("User", MANAGER)
		manager.new_password = STAFF_PASSWORD
		manager.save(ignore_permissions=True)
		cls.limit = frappe.db.get_single_value(SETTINGS, "portal_writes_per_hour")
		frappe.db.set_single_value(SETTINGS, "portal_writes_per_hour", 0)
		frappe.db.commit()
		cls.endpoints = app_endpoints()

	@classmethod
	def tearDownClass(cls):
		frappe.db.set_single_value(SETTINGS, "portal_writes_per_hour", cls.limit)
		frappe.db.commit()
		super().tearDownClass()

	def test_every_text_argument_past_its_bound_is_a_413_stating_it_in_french(self):
		client = WebClient(self.fixture["user_a"])
		staff = WebClient(MANAGER, STAFF_PASSWORD)
		checked = 0
		for name, function in self.endpoints:
			http_method = http_method_of(function)
			for parameter in text_parameters(function):
				if parameter.name in limits.SELF_BOUNDED:
					continue
				bound = limits.argument_length(parameter.name)
				others = {p.name: "x" for p in parameters(function) if p.default is p.empty}
				for who, web in (("client", client), ("manager", staff)):
					past = web.call(name, http_method, **{**others, parameter.name: "é" * (bound + 1)})
					at = web.call(name, http_method, **{**others, parameter.name: "é" * bound})
					with self.subTest(who=who, endpoint=name, argument=parameter.name):
						self.assertEqual(past.status_code, 413, past.get_data(as_text=True)[:300])
						[message] = web.messages(past)
						self.assertIn("est trop long", message)
						self.assertIn(f"{bound} caractères au plus, {bound + 1} envoyés", message)
						self.assertNotEqual(at.status_code, 413, at.get_data(as_text=True)[:300])
						self.assertLess(at.status_code, 500, at.get_data(as_text=True)[:300])
				checked += 1
		self.assertGreaterEqual(checked, 50)

	def test_a_list_past_its_count_and_a_number_out_of_its_range_are_refused_with_the_bound(self):
		staff = WebClient(MANAGER, STAFF_PASSWORD)
		names = [f"TKT-2026-{k:05d}" for k in range(limits.LIST_ITEMS)]
		at = staff.call("dds_assistance.api.ticket.countdowns", "GET", tickets=frappe.as_json(names))
		self.assertEqual(at.status_code, 200, at.get_data(as_text=True)[:300])
		past = staff.call("dds_assistance.api.ticket.countdowns", "POST", tickets=[*names, "TKT-2026-99999"])
		self.assertEqual(past.status_code, 413)
		self.assertIn("500 au plus, 501 envoyés", staff.messages(past)[0])
		client = WebClient(self.fixture["user_a"])
		low, high = limits.INTEGER_RANGE
		at = client.call("dds_assistance.api.portal.my_requests", "GET", start=str(high))
		self.assertEqual(at.status_code, 200)
		past = client.call("dds_assistance.api.portal.my_requests", "GET", start="9" * 40)
		self.assertEqual(past.status_code, 413)
		self.assertIn(f"doit être compris entre {low} et {high}", client.messages(past)[0])


class TestPortalAttachments(testing.AssistanceTestCase):
	client_prefix = "Labo Fichiers"

	def setUp(self):
		super().setUp()
		user = frappe.get_doc("User", self.user)
		user.new_password = PORTAL_PASSWORD
		user.language = "fr"
		user.save(ignore_permissions=True)
		self.settings = frappe.db.get_value(
			SETTINGS, SETTINGS, ["max_attachment_mb", "portal_writes_per_hour"], as_dict=True
		)
		frappe.db.set_single_value(SETTINGS, {"max_attachment_mb": 1, "portal_writes_per_hour": 0})
		self.ticket_name = self.ticket(raised_by=self.user).name
		frappe.db.commit()

	def tearDown(self):
		frappe.db.set_single_value(SETTINGS, self.settings)
		frappe.db.commit()
		super().tearDown()

	def upload(self, web: WebClient, content: bytes, name: str = "releve.pdf"):
		"""As the portal's page sends it: a multipart upload."""
		import io

		return web.open(
			"/api/method/dds_assistance.api.portal.attach_file",
			data={"ticket": self.ticket_name, "file": (io.BytesIO(content), name)},
		)

	def files(self) -> int:
		return frappe.db.count(
			"File", {"attached_to_doctype": "Assistance Ticket", "attached_to_name": self.ticket_name}
		)

	def test_a_file_at_the_size_bound_is_attached_and_one_byte_more_is_refused_with_the_bound(self):
		web = WebClient(self.user)
		pdf = b"%PDF-1.7\n" + b"0" * (limits.MB - 9)
		self.assertEqual(self.upload(web, pdf).status_code, 200)
		past = self.upload(web, pdf + b"0")
		self.assertEqual(past.status_code, 417, past.get_data(as_text=True)[:300])
		self.assertEqual(web.messages(past), ["Les fichiers doivent faire entre 1 octet et 1 Mo."])
		self.assertEqual(self.files(), 1)
		# the form says it before anything is sent
		frappe.set_user(self.user)
		frappe.local.lang = "fr"
		try:
			page = render_portal_page("new")
		finally:
			frappe.local.lang = "en"
		self.assertTrue("1 Mo au plus. Types autorisés : stl, ply, obj" in page, "the bound is not stated")
		self.assertTrue(f'data-max-bytes="{limits.MB}"' in page, "the page does not check the bound")

	def test_a_request_holds_at_most_its_count_of_files(self):
		for k in range(limits.ATTACHMENTS_PER_TICKET - 1):
			frappe.get_doc(
				{
					"doctype": "File",
					"file_name": f"capture-{k}.png",
					"attached_to_doctype": "Assistance Ticket",
					"attached_to_name": self.ticket_name,
					"is_private": 1,
					"content": testing.SAMPLE_PNG + str(k).encode(),
				}
			).insert(ignore_permissions=True)
		frappe.db.commit()
		web = WebClient(self.user)
		self.assertEqual(self.upload(web, testing.SAMPLE_PNG, "derniere.png").status_code, 200)
		past = self.upload(web, testing.SAMPLE_PNG + b"x", "une-de-trop.png")
		self.assertEqual(past.status_code, 413)
		self.assertEqual(
			web.messages(past),
			[
				"Cette demande contient déjà 50 fichiers, le maximum : envoyez les autres dans une nouvelle demande."
			],
		)
		self.assertEqual(self.files(), limits.ATTACHMENTS_PER_TICKET)


class TestMailBounds(mail.EmailChannelCase):
	"""A mail is read up to its bounds; past them it is kept, the rest left in the
	mailbox, and its note tells the agents."""

	def note_of(self, message_id: str) -> tuple[frappe._dict, str]:
		communication = self.tickets_of(message_id)
		return communication, frappe.db.get_value(
			"Communication", communication.name, "dds_intake_note"
		) or ""

	def attached(self, communication) -> list[str]:
		return frappe.get_all(
			"File",
			filters={
				"attached_to_doctype": communication.reference_doctype,
				"attached_to_name": communication.reference_name,
			},
			pluck="file_name",
		)

	def with_files(self, count: int, subject: str) -> EmailMessage:
		message = self.message(subject)
		for k in range(count):
			message.add_attachment(
				testing.SAMPLE_PNG + bytes([k]), maintype="image", subtype="png", filename=f"vue-{k:02d}.png"
			)
		return message

	def test_a_mail_at_its_bounds_is_taken_whole_and_past_them_read_up_to_them_with_a_note(self):
		text = "Capture de l'erreur. " * (limits.MAIL_TEXT_CHARACTERS // 21)
		headers = self.message("En-têtes nombreux")
		for k in range(limits.MAIL_HEADERS):
			headers[f"X-Relais-{k}"] = "oui"
		big = self.message("Très gros envoi")
		big.add_attachment(
			b"%PDF-1.7\n" + b"0" * (limits.MAIL_MB * limits.MB),
			maintype="application",
			subtype="pdf",
			filename="scan.pdf",
		)
		ids = {
			"at": mail.deliver(self.with_files(limits.MAIL_ATTACHMENTS, "Vingt vues")),
			"past": mail.deliver(self.with_files(limits.MAIL_ATTACHMENTS + 1, "Vingt et une vues")),
			"text": mail.deliver(self.message("Journal très long", text + "fin du journal")),
			"headers": mail.deliver(headers),
			"big": mail.deliver(big),
		}
		frappe.local.lang = "fr"  # the agents' language
		try:
			mail.pull()
		finally:
			frappe.local.lang = "en"
		at, note = self.note_of(ids["at"])
		self.assertEqual((at.reference_doctype, note), ("Assistance Ticket", ""))
		self.assertEqual(len(self.attached(at)), limits.MAIL_ATTACHMENTS)

		past, note = self.note_of(ids["past"])
		self.assertEqual(len(self.attached(past)), limits.MAIL_ATTACHMENTS)
		self.assertIn("Ce courriel a 21 pièces jointes : les 20 premières ont été enregistrées", note)

		long, note = self.note_of(ids["text"])
		self.assertIn("les 500000 premiers ont été conservés", note)
		content = frappe.db.get_value("Communication", long.name, "content")
		self.assertNotIn("fin du journal", content)
		self.assertLess(len(content), limits.MAIL_TEXT_CHARACTERS * 1.2)

		many, note = self.note_of(ids["headers"])
		self.assertEqual(many.reference_doctype, "Assistance Ticket")  # still a request
		self.assertRegex(note, r"Ce courriel a \d+ champs d'en-tête : seuls les 500 premiers ont été lus.")

		large, note = self.note_of(ids["big"])
		self.assertEqual(large.reference_doctype, "Assistance Ticket")  # a request all the same
		self.assertIn("plus que les 25 Mo lus : ses pièces jointes n'ont pas été enregistrées", note)
		self.assertEqual(self.attached(large), [])
