# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""What a portal client can write (issue "Close what a client can write"): the
attachments they send, the records the app makes for them, and the fields that
decide money or ownership. Each finding of the security review is a test here."""

import base64

import frappe
from frappe import client as frappe_client
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from dds_assistance.api import portal
from dds_assistance.api import remote_session as session_api
from dds_assistance.api import ticket as ticket_api
from dds_assistance.guards.refusals import ClientSuspendedError, RuleViolation
from dds_assistance.samples import testing
from dds_assistance.samples.testing import AGENT, MANAGER, TECHNICIAN
from dds_assistance.web import portal_reads as pages
from dds_assistance.web import responses

SCRIPT = b"<html><body><script>fetch('/api/method/frappe.auth.get_logged_user')</script></body></html>"
REFUSED = (frappe.PermissionError, frappe.ValidationError)


def b64(content: bytes) -> str:
	return base64.b64encode(content).decode()


class ClientWritesCase(testing.AssistanceTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		data = testing.portal_fixture()
		cls.a, cls.b = data["client_a"], data["client_b"]
		cls.user_a, cls.user_b = data["user_a"], data["user_b"]
		cls.session = data["session"]
		frappe.set_user(cls.user_a)
		try:
			cls.ticket = portal.create_request(testing.DESCRIPTION, "Pièce jointe", None, "SN-W1", "exocad")[
				"name"
			]
			cls.file_url = portal.attach_file(cls.ticket, "scan.stl", b64(testing.SAMPLE_STL))["file_url"]
			portal.reply(cls.ticket, "Voici le fichier.")
			cls.complaint = portal.file_complaint("Délai", "Réponse tardive.", cls.ticket)["name"]
			frappe.set_user(cls.user_b)
			cls.ticket_b = portal.create_request(
				testing.DESCRIPTION, "Autre client", None, "SN-W2", "exocad"
			)["name"]
		finally:
			frappe.set_user("Administrator")
		cls.file = frappe.db.get_value("File", {"file_url": cls.file_url})
		cls.reply = frappe.db.get_value(
			"Communication", {"reference_name": cls.ticket, "sent_or_received": "Received"}
		)
		frappe.db.commit()

	def as_client(self, call, *args, user=None, **kwargs):
		frappe.set_user(user or self.user_a)
		try:
			return call(*args, **kwargs)
		finally:
			frappe.set_user("Administrator")

	def refused(self, call, *args, **kwargs):
		with self.assertRaises(REFUSED):
			self.as_client(call, *args, **kwargs)
		frappe.db.rollback()


class TestAttachments(ClientWritesCase):
	def test_finding_1_pages_svg_and_xml_are_refused_whatever_their_name(self):
		for name in ("x.shtml", "x.xhtml", "x.html", "x.htm", "x.svg", "x.xml", "x.js"):
			with self.assertRaises(frappe.ValidationError, msg=name):
				self.as_client(portal.attach_file, self.ticket, name, b64(SCRIPT))
		# a page renamed .png, or a script in a text file: the content betrays it
		for name in ("capture.png", "notes.txt", "crown.stl"):
			with self.assertRaises(frappe.ValidationError, msg=name):
				self.as_client(portal.attach_file, self.ticket, name, b64(SCRIPT))
		self.assertFalse(
			frappe.db.exists("File", {"attached_to_name": self.ticket, "file_name": ("like", "x.%")})
		)

	def test_finding_1_the_refusal_is_in_french_for_a_french_client(self):
		frappe.local.lang = "fr"
		try:
			with self.assertRaises(frappe.ValidationError) as caught:
				self.as_client(portal.attach_file, self.ticket, "page.shtml", b64(SCRIPT))
		finally:
			frappe.local.lang = "en"
		self.assertIn("ne peuvent pas être joints", str(caught.exception))

	def test_finding_1_the_allowed_types_are_a_setting(self):
		frappe.db.set_single_value("Assistance Settings", "allowed_attachment_types", "pdf")
		try:
			with self.assertRaises(frappe.ValidationError):
				self.as_client(portal.attach_file, self.ticket, "scan.stl", b64(testing.SAMPLE_STL))
			url = self.as_client(portal.attach_file, self.ticket, "devis.pdf", b64(b"%PDF-1.7\n%%EOF\n"))
			self.assertTrue(url["file_url"].startswith("/private/files/"))
		finally:
			frappe.db.set_single_value(
				"Assistance Settings",
				"allowed_attachment_types",
				"stl, ply, obj, dcm, zip, pdf, png, jpg, jpeg, gif, webp, txt, log",
			)

	def test_finding_1_no_stored_file_is_served_as_a_page_svg_or_xml(self):
		def served(path: str, mimetype: str) -> Response:
			response = Response(b"<script>alert(1)</script>", mimetype=mimetype)
			responses.harden_file_download(response, Request(EnvironBuilder(path=path).get_environ()))
			return response

		for path, mimetype in (
			("/private/files/x.shtml", "text/html"),
			("/private/files/x.xhtml", "application/xhtml+xml"),
			("/private/files/x.svg", "image/svg+xml"),
			("/files/x.xml", "text/xml"),
		):
			response = served(path, mimetype)
			self.assertEqual(response.mimetype, "application/octet-stream", path)
			self.assertTrue(response.headers["Content-Disposition"].startswith("attachment"), path)
			self.assertEqual(response.headers["X-Content-Type-Options"], "nosniff")
		image = served("/private/files/scan.png", "image/png")
		self.assertEqual((image.mimetype, image.headers.get("Content-Disposition")), ("image/png", None))
		self.assertEqual(image.headers["X-Content-Type-Options"], "nosniff")


class TestRecordsTheClientOwns(ClientWritesCase):
	def test_finding_2_a_client_cannot_move_publish_or_delete_its_upload(self):
		self.refused(frappe_client.set_value, "File", self.file, "attached_to_name", self.ticket_b)
		self.refused(frappe_client.set_value, "File", self.file, "is_private", 0)
		self.refused(frappe_client.delete, "File", self.file)
		self.refused(frappe_client.rename_doc, "File", self.file, "stolen")
		# nor attach a new file to another client's ticket through Frappe's own API
		self.refused(
			frappe_client.insert,
			{
				"doctype": "File",
				"file_name": "intrus.txt",
				"content": "intrus",
				"attached_to_doctype": "Assistance Ticket",
				"attached_to_name": self.ticket_b,
				"is_private": 1,
			},
		)
		file = frappe.get_doc("File", self.file)
		self.assertEqual((file.attached_to_name, file.is_private), (self.ticket, 1))
		# and it still reads its own file; the other client does not
		self.assertTrue(frappe.has_permission("File", "read", doc=file, user=self.user_a))
		self.assertFalse(frappe.has_permission("File", "read", doc=file, user=self.user_b))

	def test_finding_3_a_client_cannot_delete_or_rewrite_its_replies(self):
		self.refused(frappe_client.delete, "Communication", self.reply)
		self.refused(frappe_client.set_value, "Communication", self.reply, "content", "réécrit")
		self.refused(frappe_client.set_value, "Communication", self.reply, "reference_name", self.ticket_b)
		self.assertEqual(frappe.db.get_value("Communication", self.reply, "reference_name"), self.ticket)

	def test_no_frappe_write_api_changes_what_the_app_made_for_the_client(self):
		"""Generic: every record the app writes on the client's behalf, every write API."""
		from frappe.desk.form.save import savedocs

		log = frappe.db.get_value("Remote Session Log", {"session": self.session})
		records = {
			"Assistance Ticket": (self.ticket, "subject"),
			"Assistance Complaint": (self.complaint, "subject"),
			"Remote Session": (self.session, "purpose"),
			"Remote Session Log": (log, "details"),
			"Premium Subscription": (
				frappe.db.get_value("Premium Subscription", {"customer": self.a}),
				"annual_price",
			),
			"Assistance Equipment": (
				frappe.db.get_value("Assistance Equipment", {"customer": self.a}),
				"reference",
			),
			"File": (self.file, "file_name"),
			"Communication": (self.reply, "subject"),
		}
		attempts = 0
		for doctype, (name, field) in records.items():
			before = frappe.db.get_value(doctype, name, field)
			doc = frappe.get_doc(doctype, name).as_dict()
			doc[field] = 1 if isinstance(before, int | float) else "modifié"
			self.refused(frappe_client.set_value, doctype, name, field, doc[field])
			self.refused(frappe_client.save, frappe.as_json(doc))
			self.refused(savedocs, frappe.as_json(doc), "Save")
			self.refused(frappe_client.delete, doctype, name)
			self.refused(frappe_client.rename_doc, doctype, name, f"{name}-x")
			self.assertTrue(frappe.db.exists(doctype, name), doctype)
			self.assertEqual(frappe.db.get_value(doctype, name, field), before, doctype)
			attempts += 5
		self.assertEqual(attempts, 40)


class TestFieldsThatDecideMoney(ClientWritesCase):
	def triage_ticket(self):
		"""A request from an unknown sender, kept for triage."""
		doc = frappe.get_doc(
			{
				"doctype": "Assistance Ticket",
				"subject": "Aide",
				"raised_by": f"inconnu.{frappe.generate_hash(length=6)}@nowhere.example",
				"description": testing.DESCRIPTION,
				"serial_no": "SN-T",
				"equipment_reference": "exocad",
			}
		)
		doc.flags.ignore_mandatory = True
		return doc.insert(ignore_permissions=True)

	def test_finding_4_coverage_and_client_are_not_typed_by_hand(self):
		ticket = self.triage_ticket()
		self.assertFalse(ticket.customer or ticket.coverage)
		frappe.set_user(AGENT)
		doc = frappe.get_doc("Assistance Ticket", ticket.name)
		doc.coverage = "Premium"
		self.assertRaises(RuleViolation, doc.save)
		doc.reload()
		doc.customer = self.b
		self.assertRaises(RuleViolation, doc.save)
		from frappe.client import set_value

		self.assertRaises(RuleViolation, set_value, "Assistance Ticket", ticket.name, "coverage", "Premium")
		self.assertRaises(RuleViolation, set_value, "Assistance Ticket", ticket.name, "paid_on", "2026-01-01")
		self.assertRaises(RuleViolation, set_value, "Assistance Ticket", ticket.name, "tariff_amount", 1)

	def test_finding_4_a_triaged_ticket_gets_its_coverage_from_the_rules(self):
		ticket = self.triage_ticket()
		self.assertEqual(ticket.tariff_amount, 100)  # the tariff in force at receipt (R-TKT-2)
		frappe.db.set_single_value("Assistance Settings", "ticket_price", 120)
		frappe.clear_document_cache("Assistance Settings", "Assistance Settings")
		try:
			frappe.set_user(AGENT)
			result = ticket_api.set_client(ticket.name, self.a)  # client A holds a Premium plan
			self.assertEqual((result["customer"], result["coverage"]), (self.a, "Premium"))
			result = ticket_api.set_client(ticket.name, self.b)  # corrected: B has no plan
			self.assertEqual(result["coverage"], "On-demand")
			doc = frappe.get_doc("Assistance Ticket", ticket.name)
			self.assertEqual((doc.tariff_amount, doc.customer, doc.coverage_reference), (100, self.b, None))
			invoice = ticket_api.accept(ticket.name)["sales_invoice"]
			self.assertEqual(frappe.db.get_value("Sales Invoice", invoice, "grand_total"), 100)
			# once invoiced, the client is the invoice's
			self.assertRaises(RuleViolation, ticket_api.set_client, ticket.name, self.a)
		finally:
			frappe.set_user("Administrator")
			frappe.db.set_single_value("Assistance Settings", "ticket_price", 100)
			frappe.clear_document_cache("Assistance Settings", "Assistance Settings")


class TestSuspendedClientWrites(testing.AssistanceTestCase):
	client_prefix = "Labo Suspendu"

	def test_finding_5_a_suspended_client_sends_no_reply_or_file_but_may_complain(self):
		frappe.set_user(self.user)
		ticket = portal.create_request(testing.DESCRIPTION, "Avant", None, "SN-S", "exocad")["name"]
		frappe.set_user("Administrator")
		testing.suspend(self.customer)
		frappe.set_user(self.user)
		try:
			self.assertRaises(ClientSuspendedError, portal.reply, ticket, "Encore une question")
			self.assertRaises(
				ClientSuspendedError, portal.attach_file, ticket, "scan.stl", b64(testing.SAMPLE_STL)
			)
			complaint = portal.file_complaint("Suspension", "Je conteste la suspension.", ticket)
		finally:
			frappe.set_user("Administrator")
		self.assertTrue(frappe.db.exists("Assistance Complaint", complaint["name"]))
		self.assertFalse(
			frappe.db.exists("Communication", {"reference_name": ticket, "sent_or_received": "Received"})
		)


class TestSmallLeaks(ClientWritesCase):
	def test_finding_7_another_clients_session_and_a_made_up_name_answer_alike(self):
		answers = []
		for name in (self.session, "RS-0000-99999"):
			with self.assertRaises(frappe.DoesNotExistError) as caught:
				self.as_client(session_api.consent, name, 1, 1, 1, 1, user=self.user_b)
			answers.append((type(caught.exception), str(caught.exception)))
		self.assertEqual(answers[0], answers[1])

	def test_finding_7_the_portal_shows_the_client_only_mail_to_or_from_them(self):
		def mail(sender, recipients, content, sent_or_received):
			frappe.get_doc(
				{
					"doctype": "Communication",
					"communication_type": "Communication",
					"communication_medium": "Email",
					"sent_or_received": sent_or_received,
					"sender": sender,
					"recipients": recipients,
					"subject": "Re: Pièce jointe",
					"content": content,
					"reference_doctype": "Assistance Ticket",
					"reference_name": self.ticket,
				}
			).insert(ignore_permissions=True)

		mail(AGENT, MANAGER, "Entre nous : client difficile", "Sent")
		mail(AGENT, f"Client <{self.user_a}>", "Bonjour, voici la réponse.", "Sent")
		mail(TECHNICIAN, AGENT, "Note interne reçue", "Received")
		contents = [m["content"] for m in self.as_client(pages.ticket_detail, self.ticket)["messages"]]
		self.assertIn("Bonjour, voici la réponse.", contents)
		self.assertIn("Voici le fichier.", contents)  # the client's own portal reply
		self.assertNotIn("Entre nous : client difficile", contents)
		self.assertNotIn("Note interne reçue", contents)
