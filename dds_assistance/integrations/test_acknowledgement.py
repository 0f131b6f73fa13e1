# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""A request is acknowledged at once, as a good helpdesk does, proven on the real mail
server: the client mails the support address (SMTP), Frappe's pull reads it (IMAP),
the e-mail queue sends the acknowledgement (SMTP) and the test reads it in the
client's mailbox (IMAP) — once, from the support address, with the ticket's reference
in the subject, in the client's language; what is missing and how to complete it, the
due time in words, the price or the coverage; never to automatic mail, lists or a
forged stranger; a reply threads onto the ticket and shows the agent that the client
answered (R-TKT-4, R-TKT-6, R-TKT-8, R-TKT-9, R-SAN-2)."""

import email

import frappe
from frappe.core.doctype.communication.email import make as make_communication

from dds_assistance.api import portal as portal_api
from dds_assistance.context.language import dds_date_time
from dds_assistance.core.acknowledgements import UNVERIFIED_STRANGER
from dds_assistance.integrations.acknowledgement import NO_ACKNOWLEDGEMENT_LABELS, acknowledge
from dds_assistance.integrations.test_email_channel import (
	EmailChannelCase,
	deliver,
	mailbox,
	pull,
	send_queued,
	subject_of,
	text_of,
)
from dds_assistance.samples import testing
from dds_assistance.samples.testing import AGENT, SUPPORT_ADDRESS

TICKET = "Assistance Ticket"
NBSP = "\u00a0"


def queued(ticket: str) -> list[str]:
	"""The mails queued about ``ticket`` (sent or not)."""
	return frappe.get_all("Email Queue", filters={"reference_name": ticket}, pluck="name")


class AcknowledgementCase(EmailChannelCase):
	def ticket_of(self, message_id: str):
		return frappe.get_doc(TICKET, self.tickets_of(message_id).reference_name)

	def acknowledgements(self, address: str, ticket: str, wait: float = 15) -> list:
		send_queued(ticket)
		return mailbox(address, f"(#{ticket})", wait=wait)


class TestAcknowledgement(AcknowledgementCase):
	def test_r_tkt_8_an_incomplete_mail_is_acknowledged_at_once_with_what_is_missing(self):
		"""No serial number: the client learns at once the reference, when the request is
		taken in charge, exactly what is missing and the two ways to complete it, and
		that an on-demand ticket is 100,00 € paid before any work (R-TKT-4)."""
		message_id = deliver(self.message("Export STL impossible"))
		pull()
		ticket = self.ticket_of(message_id)
		self.assertEqual((ticket.status, ticket.coverage), ("Incomplete", "On-demand"))
		self.assertTrue(ticket.acknowledged_on)
		[ack] = self.acknowledgements(self.user, ticket.name)
		subject, body = subject_of(ack), text_of(ack)
		self.assertEqual(subject, f"Accusé de réception : Export STL impossible (#{ticket.name})")
		self.assertEqual(email.utils.parseaddr(ack["From"])[1], SUPPORT_ADDRESS)
		self.assertEqual(ack["In-Reply-To"], f"<{message_id}>")  # the client's mail client threads it
		self.assertEqual((ack["X-Autoreply"], ack["X-Auto-Response-Suppress"]), ("yes", "All"))  # no loop
		self.assertIn(ticket.name, body)
		self.assertIn(dds_date_time(ticket.response_due, "fr"), body)  # "lundi 2 mars 2026 à 14:05"
		self.assertIn("4 heures ouvrées", body)
		self.assertIn("Numéro de série", body)
		self.assertIn("Référence de l'équipement", body)
		self.assertNotIn("Description de l'incident", body)  # the mail described it
		self.assertIn("répondez simplement à ce message", body)
		self.assertIn(f"/assistance/tickets/{ticket.name}", body)
		self.assertIn(f"100,00{NBSP}€ TTC", body)
		self.assertIn("payable avant toute intervention", body)
		self.assertNotRegex(body, r"R-[A-Z]+-\d")

		# the client answers the acknowledgement: the same ticket, and the agent sees it
		reply_id = deliver(
			self.message(
				f"Re: {subject}",
				"Numéro de série : SN-4421, exocad DentalCAD 3.2.",
				In_Reply_To=ack["Message-ID"],
			)
		)
		pull()
		self.assertEqual(self.tickets_of(reply_id).reference_name, ticket.name)
		replied = frappe.db.get_value(
			TICKET, ticket.name, ["client_replied", "client_replied_on"], as_dict=True
		)
		self.assertEqual(replied.client_replied, 1)
		self.assertTrue(replied.client_replied_on)
		self.assertEqual(len(queued(ticket.name)), 1)  # a reply is not acknowledged again
		self.assertTrue(frappe.get_list(TICKET, filters={"client_replied": 1, "name": ticket.name}))
		# an agent answers: the client's message is answered
		frappe.set_user(AGENT)
		make_communication(
			doctype=TICKET,
			name=ticket.name,
			content="Merci, nous regardons.",
			subject=f"Re: {subject}",
			recipients=self.user,
			send_email=True,
		)
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value(TICKET, ticket.name, "client_replied"), 0)

	def test_once_for_a_mail_delivered_twice_and_a_retried_run(self):
		message = self.message("Reçu deux fois")
		message["Message-ID"] = email.utils.make_msgid(domain="example.com")
		deliver(message)
		deliver(message)
		pull()
		ticket = frappe.get_doc(TICKET, {"raised_by": self.user})
		self.assertIsNone(acknowledge(ticket))  # a retried run: nothing more
		self.assertIsNone(acknowledge(frappe.get_doc(TICKET, ticket.name)))
		frappe.db.commit()
		self.assertEqual(len(self.acknowledgements(self.user, ticket.name)), 1)
		self.assertEqual(len(queued(ticket.name)), 1)

	def test_r_tkt_1_a_covered_request_says_premium_and_no_price(self):
		today = frappe.utils.getdate()
		plan = frappe.get_doc(
			{
				"doctype": "Premium Subscription",
				"customer": self.customer,
				"start_date": frappe.utils.add_days(today, -30),
				"item": testing.PLAN_ITEM,
				"annual_price": 1188,
				"licence_valid_until": frappe.utils.add_days(today, 400),
			}
		).insert()
		frappe.db.commit()
		message_id = deliver(
			self.message(
				"Bibliothèque manquante",
				testing.DESCRIPTION + "\nNuméro de série SN-77, exocad DentalCAD 3.2.",
			)
		)
		pull()
		ticket = self.ticket_of(message_id)
		self.assertEqual(ticket.coverage, "Premium")
		[ack] = self.acknowledgements(self.user, ticket.name)
		body = text_of(ack)
		self.assertIn("couverte par votre forfait d'assistance Premium", body)
		self.assertIn(plan.name, body)
		self.assertNotIn("€", body)

	def test_in_the_clients_language_english_where_they_chose_it_else_french(self):
		frappe.db.set_value("User", self.user, "language", "en")
		frappe.db.commit()
		deliver(self.message("STL export fails"))
		other_tag = frappe.generate_hash(length=8)
		unset = f"mail.{other_tag}@example.com"
		testing.ensure_customer(f"Labo Sans Langue {other_tag}", f"C-L{other_tag.upper()}", unset)
		frappe.db.set_value("User", unset, "language", "")
		frappe.db.commit()
		pull()
		english = frappe.get_doc(TICKET, {"raised_by": self.user})
		[ack] = self.acknowledgements(self.user, english.name)
		self.assertEqual(subject_of(ack), f"Acknowledgement: STL export fails (#{english.name})")
		body = text_of(ack)
		self.assertIn("Serial Number", body)
		self.assertIn("€100.00 incl. VAT", body)
		self.assertIn(dds_date_time(english.response_due, "en"), body)  # "Monday 2 March 2026 at 14:05"
		# no language chosen, on a site whatever its language: French
		message_id = deliver(self.message("Sans langue", sender=unset))
		pull()
		french = self.ticket_of(message_id)
		[ack] = self.acknowledgements(unset, french.name)
		self.assertIn("Accusé de réception", subject_of(ack))

	def test_r_san_2_strangers_authenticated_are_told_how_to_become_clients_forged_ones_get_nothing(self):
		tag = frappe.generate_hash(length=6)
		stranger = f"inconnu.{tag}@labo-inconnu.example"
		forged = f"usurpe.{tag}@labo-inconnu.example"
		known_id = deliver(self.message("Besoin d'aide", sender=stranger))
		forged_id = deliver(self.message("Besoin d'aide aussi", sender=forged), authenticated=False)
		pull()
		triage = self.ticket_of(known_id)
		self.assertEqual((triage.customer, triage.status), (None, "Incomplete"))
		[answer] = self.acknowledgements(stranger, triage.name)
		self.assertIn("adresse inconnue", subject_of(answer))
		body = text_of(answer)
		self.assertIn("n'est pas celle d'un client", body)
		self.assertIn("numéro de client", body)
		self.assertIn("devenir client", body)
		# a reply (with the client number) threads onto the triage ticket, for the agent
		reply_id = deliver(
			self.message(
				f"Re: {subject_of(answer)}",
				"Labo X, client C-123.",
				sender=stranger,
				In_Reply_To=answer["Message-ID"],
			)
		)
		pull()
		self.assertEqual(self.tickets_of(reply_id).reference_name, triage.name)
		self.assertEqual(frappe.db.get_value(TICKET, triage.name, "client_replied"), 1)
		# unauthenticated and not a client's address: no answer at all (no backscatter)
		held = self.ticket_of(forged_id)
		self.assertFalse(held.acknowledged_on)
		self.assertEqual(queued(held.name), [])
		self.assertEqual(held.acknowledgement, frappe._(NO_ACKNOWLEDGEMENT_LABELS[UNVERIFIED_STRANGER]))
		self.assertEqual(mailbox(forged, wait=2), [])

	def test_rfc_3834_no_acknowledgement_to_lists_or_addresses_that_take_no_answer(self):
		listed = deliver(self.message("Via la liste", List_Id="<labos.example.com>"))
		robot = f"noreply@robot-{frappe.generate_hash(length=6)}.example"
		noreply = deliver(self.message("Alerte", sender=robot))
		pull()
		for message_id, why in ((listed, "Mailing List"), (noreply, "Address Taking No Answer")):
			ticket = self.ticket_of(message_id)  # kept as a request …
			self.assertFalse(ticket.acknowledged_on)  # … and not answered
			self.assertEqual(queued(ticket.name), [])
			self.assertIn(frappe._(why), ticket.acknowledgement)  # the agent reads why

	def test_a_portal_request_is_acknowledged_in_the_portal_users_mailbox(self):
		frappe.set_user(self.user)
		try:
			created = portal_api.create_request(
				description=testing.DESCRIPTION,
				subject="Demande depuis l'espace client",
				serial_no="SN-P1",
				equipment_reference="exocad DentalCAD 3.2",
			)
		finally:
			frappe.set_user("Administrator")
		frappe.db.commit()
		[ack] = self.acknowledgements(self.user, created["name"])
		body = text_of(ack)
		self.assertIn(created["name"], subject_of(ack))
		self.assertNotIn("incomplète", body)
		self.assertIn(f"100,00{NBSP}€ TTC", body)
		self.assertEqual(email.utils.parseaddr(ack["From"])[1], SUPPORT_ADDRESS)
