# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""The standard Notifications (French, on by default, editable) fire once on their
event — counted in the e-mail queue. The SLA warning and breach, the notice
reminder and the terms notice are counted in their own doctypes' tests."""

from pathlib import Path

import frappe
from frappe.utils import now_datetime

from dds_assistance.api import complaint as complaint_api
from dds_assistance.api import remote_session as session_api
from dds_assistance.api import ticket as ticket_api
from dds_assistance.samples import testing
from dds_assistance.samples.testing import TECHNICIAN as TECH


def mails(doctype: str, name: str) -> int:
	return frappe.db.count("Email Queue", {"reference_doctype": doctype, "reference_name": name})


def restore_template(name: str, subject: str):
	"""The shipped wording back, committed: a mail sent meanwhile may have committed the
	test's own (Frappe's e-mail queue commits as it sends), which no rollback undoes."""
	frappe.db.set_value("Email Template", name, "subject", subject)
	frappe.db.commit()
	frappe.clear_document_cache("Email Template", name)


class TestNotifications(testing.AssistanceTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		tag = frappe.generate_hash(length=6)
		cls.user = f"notif.{tag}@example.com"
		cls.customer = testing.ensure_customer(f"Labo Notif {tag}", f"C-N{tag}", cls.user)
		frappe.db.commit()

	def test_all_are_installed_enabled_editable_and_french(self):
		rows = frappe.get_all(
			"Notification", filters={"module": "DDS Assistance"}, fields=["name", "enabled", "is_standard"]
		)
		shipped = len(
			list(Path(frappe.get_app_path("dds_assistance", "setup", "notifications")).glob("*.json"))
		)
		self.assertEqual((len(rows), shipped), (10, 10))
		for row in rows:
			self.assertTrue(row.enabled and not row.is_standard, row.name)
		notification = frappe.get_doc("Notification", "DDS Complaint Acknowledgement")
		self.assertIn("réclamation", notification.subject)
		notification.subject = "Nous avons bien reçu votre réclamation {{ doc.name }}"
		notification.save()  # a manager may reword it (rolled back after the test)

	def test_ticket_acknowledged_then_payment_received_once_each(self):
		ticket = frappe.get_doc(
			{
				"doctype": "Assistance Ticket",
				"subject": "Licence non reconnue",
				"customer": self.customer,
				"channel": "Phone",
				"serial_no": "SN-N",
				"equipment_reference": "exocad",
				"description": "Le dongle n'est plus reconnu depuis le changement de poste.",
			}
		).insert()
		self.assertEqual(ticket.raised_by, self.user)  # the client's address, for the notifications
		invoice = ticket_api.accept(ticket.name)["sales_invoice"]
		ticket_api.accept(ticket.name)
		# acknowledged with the payment request once the invoice's Factur-X is attached
		self.assertEqual(mails("Assistance Ticket", ticket.name), 0)
		testing.issue_einvoices(invoice, invoice)
		self.assertEqual(mails("Assistance Ticket", ticket.name), 1)
		from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry

		payment = get_payment_entry("Sales Invoice", invoice)
		payment.reference_no, payment.reference_date = "N", now_datetime().date()
		payment.insert()
		payment.submit()
		doc = frappe.get_doc("Assistance Ticket", ticket.name)
		doc.status = "In Progress"
		doc.save()
		self.assertEqual(mails("Assistance Ticket", ticket.name), 2)  # + payment received, once

		frappe.set_user(TECH)
		session = session_api.propose(ticket.name, "Réinstaller le pilote du dongle", "RustDesk", 30)
		frappe.set_user(self.user)
		session_api.consent(session, 1, 1, 1, 1)
		frappe.set_user("Administrator")
		self.assertEqual(mails("Remote Session", session), 1)  # consent request, on creation only

	def test_complaint_acknowledgement_once(self):
		complaint = frappe.get_doc(
			{
				"doctype": "Assistance Complaint",
				"subject": "Attente",
				"customer": self.customer,
				"channel": "Post",
				"received_at": now_datetime(),
			}
		).insert()
		self.assertEqual(complaint.client_email, self.user)
		complaint_api.acknowledge_complaint(complaint.name)
		self.assertEqual(mails("Assistance Complaint", complaint.name), 1)
		self.assertRaises(frappe.ValidationError, complaint_api.acknowledge_complaint, complaint.name)
		self.assertEqual(mails("Assistance Complaint", complaint.name), 1)

	def test_the_acknowledgements_are_editable_email_templates_french_and_english(self):
		"""The acknowledgement of a new request: the shipped Email Templates, French and
		"(en)", each ending its subject with the request's reference; a manager's wording
		is the one mailed (R-TKT-6)."""
		from dds_assistance.integrations import acknowledgement

		shipped = Path(frappe.get_app_path("dds_assistance", "setup", "email_templates")).glob("*.json")
		names = {frappe.parse_json(path.read_text(encoding="utf-8"))["name"] for path in shipped}
		self.assertEqual(len(names), 4)
		ticket = testing.make_ticket(self.customer, channel="Portal", raised_by=self.user, serial_no=None)
		for name in sorted(names):
			template = frappe.get_doc("Email Template", name)
			kind = next(k for k, base in acknowledgement.TEMPLATES.items() if name.startswith(base))
			language = "en" if name.endswith("(en)") else "fr"
			self.assertEqual(acknowledgement.template_for(kind, language).name, name)
			context = {"doc": ticket, "ack": acknowledgement.facts(ticket, kind, language)}
			subject = frappe.render_template(template.subject, context)
			body = frappe.render_template(template.response_, context)
			self.assertTrue(subject.endswith(f"(#{ticket.name})"), subject)  # replies thread onto it
			self.assertNotIn("{{", body)
			self.assertIn("100,00\u00a0€" if language == "fr" else "€100.00", body)
		self.assertEqual(
			acknowledgement.template_for(acknowledgement.core.RECEIVED, "de").name, "DDS Request Received"
		)

		template = frappe.get_doc("Email Template", "DDS Request Received")
		self.addCleanup(restore_template, template.name, template.subject)
		template.subject = "Bien reçu : {{ doc.subject }} (#{{ doc.name }})"
		template.save()  # a manager rewords it
		self.assertEqual(acknowledgement.acknowledge(ticket), acknowledgement.core.RECEIVED)
		[message] = frappe.get_all("Email Queue", filters={"reference_name": ticket.name}, pluck="message")
		self.assertIn("Bien re", message)
		self.assertIsNone(acknowledgement.acknowledge(ticket))  # once
