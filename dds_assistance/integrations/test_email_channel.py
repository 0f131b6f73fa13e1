# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""E-mail, the front door, proven end to end on the real mail server of
``dev/mail-server`` (Postfix and Dovecot on loopback): mail is delivered over
SMTP, Frappe's own pull job reads it over IMAP, the e-mail queue sends our mail
back over SMTP, and the tests read it in the recipient's mailbox over IMAP
(R-TKT-5, R-TKT-6, R-TKT-9, R-CPL-1, R-CPL-2, R-RS-1, R-SAN-2, R-SUB-5)."""

import email
import imaplib
import smtplib
import socket
import struct
import time
from email.header import decode_header, make_header
from email.message import EmailMessage
from email.utils import make_msgid

import frappe
from frappe.email.doctype.email_account.email_account import pull_from_email_account

from dds_assistance.api import complaint as complaint_api
from dds_assistance.api import remote_session as session_api
from dds_assistance.api import ticket as ticket_api
from dds_assistance.context.language import dds_date, dds_date_time
from dds_assistance.guards.refusals import RuleViolation
from dds_assistance.samples import testing
from dds_assistance.samples.testing import AGENT, SUPPORT_ACCOUNT, SUPPORT_ADDRESS, TECHNICIAN

PASSWORD = "dds-mail-test"
DESCRIPTION = "Depuis la mise à jour, l'export STL d'une couronne échoue avec l'erreur 0x42."


def mail_server_up() -> bool:
	for port in (25, 143, 587):
		try:
			socket.create_connection((testing.MAIL_HOST, port), timeout=2).close()
		except OSError:
			return False
	return True


def deliver(message: EmailMessage, authenticated: bool = True) -> str:
	"""Hand the message to the mail server: by SMTP submission, logged in as its
	sender (its server then vouches for it), or on port 25 like any stranger."""
	if not message["Message-ID"]:
		message["Message-ID"] = make_msgid(domain="example.com")
	if not message["Date"]:
		message["Date"] = email.utils.formatdate(localtime=True)
	sender = email.utils.parseaddr(message["From"])[1]
	if authenticated:
		with smtplib.SMTP(testing.MAIL_HOST, 587, timeout=30) as server:
			server.login(sender, PASSWORD)
			server.send_message(message)
	else:
		with smtplib.SMTP(testing.MAIL_HOST, 25, timeout=30) as server:
			server.send_message(message)
	message_id = message["Message-ID"].strip("<>")
	for _name, address in email.utils.getaddresses([message["To"] or ""]):
		IN_TRANSIT.setdefault(address.lower(), set()).add(message_id)
	return message_id


IN_TRANSIT: dict[str, set[str]] = {}  # mailbox → Message-IDs handed to the server, maybe not yet stored


def wait_for_delivery(address: str, wait: float = 30):
	"""The mail server stores a message a moment after it accepts it: wait until
	every message sent to ``address`` is in its mailbox."""
	pending = IN_TRANSIT.pop(address.lower(), set())
	deadline = time.monotonic() + wait
	while pending and time.monotonic() < deadline:
		imap = imaplib.IMAP4(testing.MAIL_HOST, 143)
		imap.login(address, PASSWORD)
		imap.select("INBOX", readonly=True)
		pending = {mid for mid in pending if not imap.search(None, "HEADER", "Message-ID", mid)[1][0]}
		imap.logout()
		if pending:
			time.sleep(0.3)


def mailbox(address: str, subject_part: str | None = None, wait: float = 15) -> list[email.message.Message]:
	"""The messages of ``address``'s mailbox (those whose subject holds ``subject_part``),
	read over IMAP; waits for delivery."""
	deadline = time.monotonic() + wait
	while True:
		imap = imaplib.IMAP4(testing.MAIL_HOST, 143)
		imap.login(address, PASSWORD)
		imap.select("INBOX", readonly=True)
		_status, found = imap.search(None, "ALL")
		messages = []
		for number in found[0].split():
			_status, data = imap.fetch(number, "(RFC822)")
			messages.append(email.message_from_bytes(data[0][1]))
		imap.logout()
		if subject_part:
			messages = [m for m in messages if subject_part in subject_of(m)]
		if messages or time.monotonic() > deadline:
			return messages
		time.sleep(0.5)


def subject_of(message) -> str:
	return str(make_header(decode_header(message.get("Subject", ""))))


def text_of(message) -> str:
	parts = message.walk() if message.is_multipart() else [message]
	return "".join(
		part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8", "replace")
		for part in parts
		if part.get_content_maintype() == "text"
	)


def send_queued(reference_name: str) -> list[str]:
	"""Send the queued mails about one record, as the e-mail queue's flush does."""
	names = frappe.get_all(
		"Email Queue", filters={"reference_name": reference_name, "status": "Not Sent"}, pluck="name"
	)
	frappe.flags.testing_email = True
	try:
		for name in names:
			frappe.get_doc("Email Queue", name).send()
	finally:
		frappe.flags.testing_email = False
	frappe.db.commit()
	return names


class EmailChannelCase(testing.AssistanceTestCase):
	@classmethod
	def setUpClass(cls):
		if not mail_server_up():
			raise __import__("unittest").SkipTest(
				"no mail server on loopback: run dev/mail-server start --site <site>"
			)
		super().setUpClass()
		testing.ensure_mail_accounts(PASSWORD)
		pull()  # whatever an earlier run left in the support mailbox

	def setUp(self):
		super().setUp()
		tag = frappe.generate_hash(length=8)
		self.user = f"mail.{tag}@example.com"
		self.customer = testing.ensure_customer(f"Labo Courriel {tag}", f"C-M{tag.upper()}", self.user)
		frappe.db.commit()

	def message(self, subject: str, body: str | None = DESCRIPTION, sender: str | None = None, **headers):
		message = EmailMessage()
		message["From"] = f"Labo <{sender or self.user}>"
		message["To"] = SUPPORT_ADDRESS
		message["Subject"] = subject
		for name, value in headers.items():
			message[name.replace("_", "-")] = value
		if body is not None:
			message.set_content(body)
		return message

	def tickets_of(self, message_id: str):
		reference = frappe.db.get_value(
			"Communication",
			{"message_id": message_id},
			["name", "reference_doctype", "reference_name"],
			as_dict=True,
		)
		return reference


def pull(account: str = SUPPORT_ACCOUNT):
	"""Frappe's own pull of one Email Account (what the scheduler's job runs), once
	what was sent to it is in its mailbox."""
	wait_for_delivery(frappe.db.get_value("Email Account", account, "email_id"))
	pull_from_email_account(account)
	frappe.db.commit()


class TestIntake(EmailChannelCase):
	def test_r_tkt_6_a_clients_mail_is_a_ticket_after_one_pull(self):
		message_id = deliver(self.message("Export STL impossible"))
		pull()
		mail = self.tickets_of(message_id)
		self.assertEqual(mail.reference_doctype, "Assistance Ticket")
		ticket = frappe.get_doc("Assistance Ticket", mail.reference_name)
		self.assertEqual(
			(ticket.customer, ticket.channel, ticket.raised_by), (self.customer, "E-mail", self.user)
		)
		self.assertIn("erreur 0x42", ticket.description)
		self.assertEqual(ticket.sender_verified, 1)  # our server authenticated the sender
		self.assertIn("auth=pass", ticket.sender_check)

	def test_real_world_mail_french_encodings_html_attachments_long_subject_empty_body(self):
		latin = self.message("Écran noir après mise à jour", None)
		latin.set_content(
			"Après la mise à jour, l'écran reste noir à l'ouverture d'exocad.",
			charset="iso-8859-1",
			cte="quoted-printable",
		)
		html = self.message("Problème d'affichage", None)
		html.set_content(
			"<p>Le <b>module implantologie</b> n'affiche plus la bibliothèque Straumann.</p>", subtype="html"
		)
		joined = self.message("Fichiers joints", DESCRIPTION)
		stl = b"\0" * 80 + struct.pack("<I", 300_000) + b"\x01" * 50 * 300_000  # 15 MB, a binary mesh
		joined.add_attachment(
			b"%PDF-1.7\n%%EOF\n", maintype="application", subtype="pdf", filename="devis.pdf"
		)
		joined.add_attachment(testing.SAMPLE_PNG, maintype="image", subtype="png", filename="capture.png")
		joined.add_attachment(stl, maintype="model", subtype="stl", filename="couronne.stl")
		joined.add_attachment(
			b"<script>alert(1)</script>", maintype="text", subtype="html", filename="page.html"
		)
		long_subject = "Problème " + "très " * 98  # 500 characters
		empty = self.message("Sans texte", None)
		ids = {
			key: deliver(message)
			for key, message in (
				("latin", latin),
				("html", html),
				("joined", joined),
				("long", self.message(long_subject)),
				("empty", empty),
			)
		}
		pull()
		tickets = {
			key: frappe.get_doc("Assistance Ticket", self.tickets_of(mid).reference_name)
			for key, mid in ids.items()
		}
		self.assertIn("l'écran reste noir", tickets["latin"].description)
		self.assertEqual(tickets["latin"].subject, "Écran noir après mise à jour")  # whole, accents and all
		self.assertIn("module implantologie", tickets["html"].description)
		self.assertEqual(len(tickets["long"].subject), 140)
		self.assertEqual((tickets["empty"].status, tickets["empty"].customer), ("Incomplete", self.customer))
		files = frappe.get_all(
			"File",
			filters={"attached_to_doctype": "Assistance Ticket", "attached_to_name": tickets["joined"].name},
			fields=["file_name", "is_private", "file_size"],
		)
		self.assertEqual(sorted(f.file_name for f in files), ["capture.png", "couronne.stl", "devis.pdf"])
		self.assertTrue(all(f.is_private for f in files))
		self.assertEqual(next(f.file_size for f in files if f.file_name == "couronne.stl"), len(stl))
		# the page is kept on the mail, never on the ticket, and the mail says why
		mail = frappe.get_doc("Communication", self.tickets_of(ids["joined"]).name)
		self.assertIn("page.html", mail.dds_intake_note)
		self.assertTrue(
			frappe.db.exists(
				"File",
				{
					"attached_to_doctype": "Communication",
					"attached_to_name": mail.name,
					"file_name": "page.html",
				},
			)
		)

	def test_loops_and_noise_make_no_ticket_and_no_acknowledgement(self):
		kinds = {
			"absence": self.message("Absent du bureau", "Je suis absent.", Auto_Submitted="auto-replied"),
			"autoreply": self.message("Réponse automatique", "Merci.", X_Autoreply="yes"),
			"bulk": self.message("Lettre d'information", "Promotions.", Precedence="bulk"),
			"exchange": self.message("Automatic reply", "OOF", X_Auto_Response_Suppress="All"),
			"bounce": self.message(
				"Undelivered Mail Returned to Sender", "failure", sender="MAILER-DAEMON@example.com"
			),
			"ours": self.message("Copie", "Notre propre message", sender=SUPPORT_ADDRESS),
		}
		queued = frappe.db.count("Email Queue")
		ids = {}
		for key, message in kinds.items():
			ids[key] = deliver(message, authenticated=key not in ("bounce", "ours"))
		pull()
		for key, message_id in ids.items():
			mail = self.tickets_of(message_id)
			if key == "ours":  # Frappe itself refuses to read our own mail back
				self.assertIsNone(mail)
				continue
			self.assertFalse(mail.reference_name, key)
			self.assertIn(
				"No ticket", frappe.db.get_value("Communication", mail.name, "dds_intake_note"), key
			)
		self.assertFalse(frappe.db.exists("Assistance Ticket", {"raised_by": self.user}))
		self.assertEqual(frappe.db.count("Email Queue"), queued)  # no acknowledgement of any of them

	def test_the_same_mail_delivered_twice_makes_one_ticket(self):
		message = self.message("Envoyé deux fois")
		message["Message-ID"] = make_msgid(domain="example.com")
		deliver(message)
		deliver(message)
		pull()
		self.assertEqual(frappe.db.count("Assistance Ticket", {"raised_by": self.user}), 1)

	def test_unknown_senders_stay_for_triage_and_suspended_clients_are_refused_once(self):
		stranger = f"inconnu.{frappe.generate_hash(length=6)}@labo-inconnu.example"
		unknown = deliver(self.message("Aide", sender=stranger))
		testing.suspend(self.customer)
		frappe.db.commit()
		refused = deliver(self.message("Nouvelle demande"))
		pull()
		triage = frappe.get_doc("Assistance Ticket", self.tickets_of(unknown).reference_name)
		self.assertEqual((triage.customer, triage.status), (None, "Incomplete"))
		ticket = frappe.get_doc("Assistance Ticket", self.tickets_of(refused).reference_name)
		self.assertEqual(ticket.status, "Rejected")
		self.assertIn("suspend", ticket.rejection_reason)
		self.assertEqual(len(send_queued(ticket.name)), 1)
		self.assertEqual(len(mailbox(self.user, ticket.name)), 1)

	def test_r_san_2_a_forged_sender_is_held_until_an_agent_confirms(self):
		forged = deliver(self.message("Facturez-moi"), authenticated=False)
		pull()
		ticket = frappe.get_doc("Assistance Ticket", self.tickets_of(forged).reference_name)
		self.assertEqual((ticket.customer, ticket.sender_verified), (self.customer, 0))
		ticket.serial_no, ticket.equipment_reference = "SN-F", "exocad"
		ticket.save()
		frappe.set_user(AGENT)
		with self.assertRaises(RuleViolation) as caught:
			ticket_api.accept(ticket.name)
		self.assertIn("not authenticated", str(caught.exception))
		self.assertFalse(frappe.db.exists("Sales Invoice", {"dds_assistance_ticket": ticket.name}))
		ticket_api.confirm_sender(ticket.name)
		self.assertTrue(ticket_api.accept(ticket.name)["sales_invoice"])


class TestThreadsAndOutgoingMail(EmailChannelCase):
	def complete_ticket(self) -> "frappe.Document":
		message_id = deliver(self.message("Bibliothèque d'implants"))
		pull()
		ticket = frappe.get_doc("Assistance Ticket", self.tickets_of(message_id).reference_name)
		ticket.serial_no, ticket.equipment_reference = "SN-T", "exocad DentalCAD 3.2"
		ticket.save()
		frappe.db.commit()
		return ticket

	def test_acknowledgement_with_payment_request_reply_threads_closed_ticket_is_not_reopened(self):
		ticket = self.complete_ticket()
		invoice = ticket_api.accept(ticket.name)["sales_invoice"]
		frappe.db.commit()
		testing.issue_einvoices(invoice)  # the acknowledgement goes with the invoice's Factur-X
		self.assertTrue(send_queued(ticket.name))
		[ack] = mailbox(self.user, "règlement du ticket")  # after the acknowledgement of receipt
		self.assertIn(f"#{ticket.name}", subject_of(ack))
		self.assertIn(invoice, text_of(ack))
		# the client replies to the acknowledgement: same ticket (In-Reply-To)
		reply = self.message(
			f"Re: {subject_of(ack)}", "Voici le numéro de série.", In_Reply_To=ack["Message-ID"]
		)
		pull_id = deliver(reply)
		pull()
		self.assertEqual(self.tickets_of(pull_id).reference_name, ticket.name)
		# a mail program that lost the threading headers: the subject's reference
		bare = deliver(self.message(f"Tr: ma demande (#{ticket.name})", "Encore moi."))
		pull()
		self.assertEqual(self.tickets_of(bare).reference_name, ticket.name)
		# closed: a reply does not reopen it, and the client is told to open a new request
		frappe.db.set_value("Assistance Ticket", ticket.name, {"status": "Closed"})
		frappe.db.commit()
		late = deliver(
			self.message(f"Re: {subject_of(ack)}", "Un autre problème.", In_Reply_To=ack["Message-ID"])
		)
		pull()
		self.assertEqual(self.tickets_of(late).reference_name, ticket.name)
		self.assertEqual(frappe.db.get_value("Assistance Ticket", ticket.name, "status"), "Closed")
		send_queued(ticket.name)
		[closed] = mailbox(self.user, "est clos")
		self.assertIn("nouvelle demande", text_of(closed))

	def test_consent_request_sla_mail_to_staff_complaint_acknowledgement_and_notice_reminder(self):
		ticket = self.complete_ticket()
		frappe.db.set_value("Assistance Ticket", ticket.name, "coverage", "Premium")
		ticket_api.accept(ticket.name)
		frappe.set_user(TECHNICIAN)
		session = session_api.propose(ticket.name, "Recharger la bibliothèque", "RustDesk", 30)
		frappe.set_user("Administrator")
		frappe.db.commit()
		send_queued(session)
		[consent] = mailbox(self.user, session)
		self.assertIn("Autorisez-vous", subject_of(consent))
		self.assertIn(f"#{ticket.name}", subject_of(consent))  # a reply threads onto the ticket

		from frappe.desk.form.assign_to import add as assign

		from dds_assistance.jobs.sla import sweep_response_sla

		assign({"doctype": "Assistance Ticket", "name": ticket.name, "assign_to": [AGENT]})
		frappe.db.commit()
		sweep_response_sla(frappe.utils.add_to_date(ticket.response_due, minutes=1))
		send_queued(ticket.name)
		self.assertTrue(mailbox(testing.MANAGER, f"#{ticket.name}"))  # breached: the managers

		complaint = frappe.get_doc(
			{
				"doctype": "Assistance Complaint",
				"subject": "Délai",
				"customer": self.customer,
				"channel": "Post",
				"client_email": self.user,
				"description": "Réponse tardive.",
			}
		).insert()
		complaint_api.acknowledge_complaint(complaint.name)
		frappe.db.commit()
		send_queued(complaint.name)
		[ack] = mailbox(self.user, f"#{complaint.name}")
		self.assertIn("Accusé de réception", subject_of(ack))
		received = frappe.db.get_value("Assistance Complaint", complaint.name, "received_at")
		self.assertIn(dds_date_time(received, "fr"), text_of(ack))  # "du lundi 7 décembre 2026 à 10:00"

	def test_r_tkt_11_a_reference_copied_by_another_writer_or_a_similar_subject_opens_a_new_ticket(self):
		ticket = self.complete_ticket()
		other = f"autre.{frappe.generate_hash(length=6)}@example.com"
		testing.ensure_customer(f"Labo Autre {other}", f"C-O{frappe.generate_hash(length=6).upper()}", other)
		frappe.db.commit()
		intruder = deliver(
			self.message(f"Re: (#{ticket.name}) je complète", "Texte d'un autre client.", sender=other)
		)
		similar = deliver(
			self.message("Bibliothèque", "Un autre incident, une autre bibliothèque manquante.")
		)
		pull()
		self.assertNotEqual(self.tickets_of(intruder).reference_name, ticket.name)
		self.assertNotEqual(self.tickets_of(similar).reference_name, ticket.name)
		self.assertEqual(frappe.db.count("Assistance Ticket", {"raised_by": other}), 1)

	def test_r_sub_5_the_notice_reminder_reaches_the_client(self):
		today = frappe.utils.getdate()
		plan = frappe.get_doc(
			{
				"doctype": "Premium Subscription",
				"customer": self.customer,
				"start_date": frappe.utils.add_days(today, 35 - 365),  # notice deadline in 5 days
				"item": testing.PLAN_ITEM,
				"annual_price": 1188,
				"licence_valid_until": frappe.utils.add_days(today, 400),
			}
		).insert()
		frappe.db.commit()
		send_queued(plan.name)
		[reminder] = mailbox(self.user, f"#{plan.name}")
		self.assertIn("reconduit", subject_of(reminder))
		renewal = frappe.utils.add_days(
			frappe.db.get_value("Premium Subscription", plan.name, "current_term_end"), 1
		)
		self.assertIn(f"le {dds_date(renewal, 'fr')}", subject_of(reminder))  # "le mardi 1er décembre 2026"

	def test_r_cpl_1_a_complaint_mailed_to_support_is_a_complaint_not_a_ticket(self):
		message_id = deliver(
			self.message("Réclamation : délai de réponse", "Votre technicien n'a jamais rappelé.")
		)
		pull()
		mail = self.tickets_of(message_id)
		self.assertEqual(mail.reference_doctype, "Assistance Complaint")
		complaint = frappe.get_doc("Assistance Complaint", mail.reference_name)
		self.assertEqual((complaint.customer, complaint.channel), (self.customer, "E-mail"))
		self.assertTrue(complaint.ack_due)
		# the dedicated address, on its own account
		dedicated = self.message("Mécontent", "Intervention inutile.")
		dedicated.replace_header("To", testing.COMPLAINTS_ADDRESS)
		dedicated_id = deliver(dedicated)
		pull(testing.COMPLAINTS_ACCOUNT)
		self.assertEqual(self.tickets_of(dedicated_id).reference_doctype, "Assistance Complaint")
