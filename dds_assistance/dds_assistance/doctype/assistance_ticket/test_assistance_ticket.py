# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""Assistance Ticket on a real ERPNext site: the lifecycle with real Sales
Invoices, Payment Entries, cancellations and returns (R-TKT-1 … R-TKT-11, R-ACC-1)."""

from datetime import datetime
from unittest.mock import patch

import frappe
from frappe.utils import add_to_date, flt, now_datetime

from dds_assistance.api import ticket as api
from dds_assistance.core.tickets import Coverage
from dds_assistance.guards.refusals import PaymentRequiredError, RuleViolation
from dds_assistance.jobs.sla import sweep_response_sla
from dds_assistance.samples import testing
from dds_assistance.samples.testing import AGENT, MANAGER

CLIENT_A, CLIENT_B = "Labo Dentaire Alpha", "Cabinet Beta"
USER_A, USER_B = "client.alpha@example.com", "client.beta@example.com"
DESCRIPTION = "exocad se ferme à l'export STL d'une couronne, message d'erreur 0x42."


def premium_for_client_b(customer, at):
	"""R-TKT-1 as if client B held an active Premium plan (SUB-TEST)."""
	if customer == CLIENT_B:
		return Coverage("Premium", "SUB-TEST", "active subscription and licence up to date")
	return Coverage("On-demand", None, "no active Premium subscription")


class TicketTestCase(testing.AssistanceTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		testing.ensure_customer(CLIENT_A, "C-ALPHA", USER_A)
		testing.ensure_customer(CLIENT_B, "C-BETA", USER_B)
		frappe.db.commit()

	def make_ticket(self, customer=CLIENT_A, **values):
		"""A complete phone request; one received at a given moment is recorded at
		that moment (a receipt time is never in the future)."""
		doc = frappe.get_doc(
			{
				"doctype": "Assistance Ticket",
				"subject": "Export STL impossible",
				"customer": customer,
				"channel": "Phone",
				"serial_no": "SN-0001",
				"equipment_reference": "exocad DentalCAD 3.2",
				"description": DESCRIPTION,
				"incident_at": now_datetime(),
				"received_at": now_datetime(),
			}
		)
		doc.update(values)
		if "received_at" not in values:
			return doc.insert()
		with self.freeze_time(values["received_at"], tick=True):
			return doc.insert()

	def pay(self, invoice: str):
		from erpnext.accounts.doctype.payment_entry.payment_entry import get_payment_entry

		payment = get_payment_entry("Sales Invoice", invoice)
		payment.reference_no, payment.reference_date = "TEST", now_datetime().date()
		payment.insert()
		payment.submit()
		return payment

	def status(self, ticket):
		return frappe.db.get_value("Assistance Ticket", ticket.name, ["status", "is_paid"])


class TestTicketIntake(TicketTestCase):
	def test_r_tkt_1_client_without_subscription_gets_an_on_demand_ticket(self):
		ticket = self.make_ticket()
		self.assertEqual(ticket.coverage, "On-demand")
		self.assertEqual(ticket.status, "New")

	def test_r_tkt_1_covered_client_gets_a_premium_request_without_invoice(self):
		with patch("dds_assistance.context.clients.coverage", premium_for_client_b):
			ticket = self.make_ticket(customer=CLIENT_B)
		self.assertEqual((ticket.coverage, ticket.coverage_reference), ("Premium", "SUB-TEST"))
		self.assertEqual(flt(ticket.tariff_amount), 100)  # the tariff in force, recorded, never invoiced
		result = api.accept(ticket.name)
		self.assertEqual(result, {"status": "Open", "sales_invoice": None})
		self.assertFalse(frappe.db.exists("Sales Invoice", {"dds_assistance_ticket": ticket.name}))

	def test_r_tkt_2_tariff_and_terms_frozen_at_receipt(self):
		ticket = self.make_ticket()
		self.assertEqual(flt(ticket.tariff_amount), 100)
		self.assertEqual(ticket.cgv_reference, "CGV-TICKET-ASSISTANCE-EXO-2023-10")
		self.assertEqual(ticket.cgu_version, "2026-01-01")
		frappe.db.set_single_value("Assistance Settings", "ticket_price", 120)
		frappe.clear_document_cache("Assistance Settings", "Assistance Settings")
		try:
			ticket.reload()
			ticket.save()
			self.assertEqual(flt(ticket.tariff_amount), 100)
			ticket.tariff_amount = 50
			self.assertRaises(RuleViolation, ticket.save)
		finally:
			frappe.db.set_single_value("Assistance Settings", "ticket_price", 100)
			frappe.clear_document_cache("Assistance Settings", "Assistance Settings")

	def test_r_tkt_8_incomplete_request_is_shown_and_cannot_go_further(self):
		ticket = self.make_ticket(serial_no="", description="bug")
		self.assertEqual(ticket.status, "Incomplete")
		self.assertIn("Serial Number", ticket.missing_information)
		self.assertIn("Description", ticket.missing_information)
		ticket.status = "Open"
		self.assertRaises(RuleViolation, ticket.save)
		ticket.reload()
		ticket.serial_no, ticket.description = "SN-9", DESCRIPTION
		ticket.save()
		self.assertEqual((ticket.status, ticket.missing_information), ("New", None))

	def test_r_tkt_8_equipment_is_remembered_for_the_next_request(self):
		first = self.make_ticket(serial_no="SN-REMEMBER")
		self.assertTrue(first.equipment)
		second = self.make_ticket(serial_no="", equipment_reference="", equipment=first.equipment)
		self.assertEqual(
			(second.serial_no, second.equipment_reference), ("SN-REMEMBER", "exocad DentalCAD 3.2")
		)
		other = self.make_ticket(customer=CLIENT_B, serial_no="")
		other.equipment = first.equipment
		self.assertRaises(frappe.ValidationError, other.save)

	def test_r_tkt_9_a_desk_ticket_cannot_be_received_in_the_future(self):
		ticket = frappe.get_doc(
			{
				"doctype": "Assistance Ticket",
				"subject": "Demain",
				"customer": CLIENT_A,
				"channel": "Phone",
				"description": DESCRIPTION,
				"received_at": add_to_date(now_datetime(), hours=1),
			}
		)
		with self.assertRaises(RuleViolation) as caught:
			ticket.insert()
		self.assertIn("future", str(caught.exception))

	def test_r_tkt_10_the_receipt_time_does_not_move_after_receipt(self):
		ticket = self.make_ticket()
		due = ticket.response_due
		ticket.received_at = add_to_date(ticket.received_at, hours=-1)
		self.assertRaises(RuleViolation, ticket.save)
		from frappe.client import set_value

		self.assertRaises(
			RuleViolation, set_value, "Assistance Ticket", ticket.name, "received_at", "2026-01-05 09:00:00"
		)
		self.assertEqual(frappe.db.get_value("Assistance Ticket", ticket.name, "response_due"), due)

	def test_r_tkt_2_client_and_terms_recorded_at_receipt_do_not_change(self):
		ticket = self.make_ticket()
		self.assertEqual((ticket.cgv_terms, ticket.cgu_terms), ("CGV-2023-10", "CGU-2026-01-01"))
		for field, value in (("cgu_terms", None), ("cgv_terms", None), ("customer", CLIENT_B)):
			doc = frappe.get_doc("Assistance Ticket", ticket.name)
			doc.set(field, value)
			self.assertRaises(RuleViolation, doc.save)

	def test_r_terms_1_a_version_not_yet_published_is_in_force_for_no_one(self):
		label = frappe.generate_hash(length=8)
		draft = frappe.get_doc(
			{
				"doctype": "Terms Version",
				"kind": "CGU",
				"reference": "CGU-BROUILLON",
				"version_label": label,
				"publication_date": add_to_date(now_datetime(), days=-2).date(),
				"effective_date": add_to_date(now_datetime(), days=-1).date(),
			}
		).insert()
		self.assertFalse(draft.published_on)
		self.assertEqual(self.make_ticket().cgu_terms, "CGU-2026-01-01")

	def test_cgu_1_3_acceptance_by_use_is_recorded_on_a_phone_request(self):
		ticket = self.make_ticket()
		self.assertEqual(ticket.terms_acceptance, "By use of the service (CGU 1.3)")
		self.assertEqual(ticket.terms_accepted_on, ticket.received_at)

	def test_incident_after_receipt_is_refused(self):
		self.assertRaises(RuleViolation, self.make_ticket, incident_at=add_to_date(now_datetime(), hours=2))


class TestTicketLifecycle(TicketTestCase):
	def test_r_acc_1_accept_creates_exactly_one_submitted_invoice_linked_both_ways(self):
		ticket = self.make_ticket()
		result = api.accept(ticket.name)
		self.assertEqual(result["status"], "Awaiting Payment")
		invoice = frappe.get_doc("Sales Invoice", result["sales_invoice"])
		self.assertEqual(invoice.docstatus, 1)
		self.assertEqual(invoice.dds_assistance_ticket, ticket.name)
		self.assertEqual(len(invoice.items), 1)
		self.assertEqual(invoice.items[0].item_code, testing.ITEM)
		self.assertEqual(
			(flt(invoice.net_total), flt(invoice.total_taxes_and_charges), flt(invoice.grand_total)),
			(83.33, 16.67, 100.0),
		)
		# accepting again, or retrying the invoice, never makes a second one
		api.accept(ticket.name)
		from dds_assistance.integrations.sales_invoice import make_ticket_invoice

		self.assertEqual(make_ticket_invoice(frappe.get_doc("Assistance Ticket", ticket.name)), invoice.name)
		self.assertEqual(frappe.db.count("Sales Invoice", {"dds_assistance_ticket": ticket.name}), 1)

	def test_r_tkt_4_payment_unlocks_and_cancellation_or_return_locks_again(self):
		ticket = self.make_ticket()
		invoice = api.accept(ticket.name)["sales_invoice"]
		doc = frappe.get_doc("Assistance Ticket", ticket.name)
		doc.status = "In Progress"
		self.assertRaises(PaymentRequiredError, doc.save)

		payment = self.pay(invoice)
		self.assertEqual(self.status(ticket), ("Open", 1))
		doc = frappe.get_doc("Assistance Ticket", ticket.name)
		doc.status = "In Progress"
		doc.save()

		payment.cancel()
		self.assertEqual(self.status(ticket), ("Awaiting Payment", 0))

		self.pay(invoice)
		self.assertEqual(self.status(ticket), ("Open", 1))

		from erpnext.accounts.doctype.sales_invoice.sales_invoice import make_sales_return

		credit_note = make_sales_return(invoice)
		credit_note.insert()
		credit_note.submit()
		self.assertEqual(self.status(ticket), ("Awaiting Payment", 0))

	def test_r_tkt_4_cancelled_invoice_locks_and_accept_reissues_one(self):
		ticket = self.make_ticket()
		invoice = api.accept(ticket.name)["sales_invoice"]
		frappe.get_doc("Sales Invoice", invoice).cancel()
		self.assertEqual(self.status(ticket), ("Awaiting Payment", 0))
		doc = frappe.get_doc("Assistance Ticket", ticket.name)
		doc.status = "Open"
		self.assertRaises(PaymentRequiredError, doc.save)
		again = api.accept(ticket.name)["sales_invoice"]
		self.assertNotEqual(again, invoice)
		self.assertEqual(frappe.db.get_value("Sales Invoice", again, "amended_from"), invoice)
		self.assertEqual(
			frappe.db.count("Sales Invoice", {"dds_assistance_ticket": ticket.name, "docstatus": 1}), 1
		)

	def test_r_tkt_4_gate_holds_on_every_path(self):
		ticket = self.make_ticket()
		api.accept(ticket.name)
		from frappe.client import set_value
		from frappe.desk.doctype.bulk_update.bulk_update import submit_cancel_or_update_docs

		self.assertRaises(
			PaymentRequiredError, set_value, "Assistance Ticket", ticket.name, "status", "In Progress"
		)
		frappe.db.commit()  # the list's bulk edit commits or rolls back per document
		failed = submit_cancel_or_update_docs(
			"Assistance Ticket", [ticket.name], action="update", data={"status": "Resolved"}
		)
		self.assertEqual(failed, [ticket.name])
		self.assertEqual(self.status(ticket), ("Awaiting Payment", 0))

	def test_r_tkt_4_refusal_is_explained_in_french_and_english(self):
		ticket = self.make_ticket()
		api.accept(ticket.name)

		def refusal(lang):
			doc = frappe.get_doc("Assistance Ticket", ticket.name)
			doc.status = "In Progress"
			frappe.local.lang = lang
			try:
				with self.assertRaises(PaymentRequiredError) as caught:
					doc.save()
			finally:
				frappe.local.lang = "en"
			return str(caught.exception)

		self.assertIn("Le paiement est exigible avant toute assistance", refusal("fr"))
		self.assertIn("Payment is due before any assistance", refusal("en"))

	def test_r_tkt_5_closed_ticket_cannot_be_reopened(self):
		ticket = self.make_ticket()
		invoice = api.accept(ticket.name)["sales_invoice"]
		self.pay(invoice)
		doc = frappe.get_doc("Assistance Ticket", ticket.name)
		for status in ("In Progress", "Resolved", "Closed"):
			doc.status = status
			doc.save()
		self.assertTrue(doc.resolved_on and doc.closed_on)
		doc.status = "In Progress"
		with self.assertRaises(RuleViolation) as caught:
			doc.save()
		self.assertIn("new ticket", str(caught.exception))


class TestSoldTicketsEnd(TicketTestCase):
	def test_r_tkt_4_a_ticket_is_not_cancelled_while_its_invoice_stands(self):
		ticket = self.make_ticket()
		invoice = api.accept(ticket.name)["sales_invoice"]

		def cancel():
			doc = frappe.get_doc("Assistance Ticket", ticket.name)
			doc.status = "Cancelled"
			doc.save()

		self.assertRaises(RuleViolation, cancel)  # awaiting payment, invoice standing
		self.pay(invoice)
		self.assertEqual(self.status(ticket), ("Open", 1))
		with self.assertRaises(RuleViolation) as caught:  # paid: refund (credit) first
			cancel()
		self.assertIn(invoice, str(caught.exception))
		from erpnext.accounts.doctype.sales_invoice.sales_invoice import make_sales_return

		credit_note = make_sales_return(invoice)
		credit_note.insert()
		credit_note.submit()
		cancel()
		self.assertEqual(frappe.db.get_value("Assistance Ticket", ticket.name, "status"), "Cancelled")

	def test_r_tkt_4_paid_state_is_not_typed(self):
		ticket = self.make_ticket()
		api.accept(ticket.name)
		from frappe.client import set_value

		for field, value in (("paid_on", "2026-11-01 10:00:00"), ("is_paid", 1), ("outstanding_amount", 0)):
			self.assertRaises(RuleViolation, set_value, "Assistance Ticket", ticket.name, field, value)
		self.assertEqual(self.status(ticket), ("Awaiting Payment", 0))


class TestLateRequests(TicketTestCase):
	def late_ticket(self):
		received = datetime(2026, 11, 27, 10, 0)
		return self.make_ticket(incident_at=datetime(2026, 11, 20, 10, 0), received_at=received)

	def test_r_tkt_7_late_request_is_flagged_and_needs_a_reason_to_accept(self):
		ticket = self.late_ticket()
		self.assertEqual(ticket.is_late, 1)
		self.assertRaises(frappe.ValidationError, api.accept, ticket.name)
		frappe.set_user(AGENT)
		api.accept(ticket.name, reason="Client hospitalised, incident reported by colleague")
		doc = frappe.get_doc("Assistance Ticket", ticket.name)
		self.assertEqual((doc.late_decision, doc.late_decided_by), ("Accepted", AGENT))
		self.assertTrue(doc.late_decided_on and doc.sales_invoice)

	def test_r_tkt_7_refused_late_request_is_rejected_without_invoice(self):
		ticket = self.late_ticket()
		api.refuse(ticket.name, reason="Demande hors délai de 24 heures ouvrées")
		doc = frappe.get_doc("Assistance Ticket", ticket.name)
		self.assertEqual((doc.status, doc.late_decision), ("Rejected", "Refused"))
		self.assertFalse(frappe.db.exists("Sales Invoice", {"dds_assistance_ticket": ticket.name}))

	def test_r_tkt_7_a_request_is_not_refused_without_a_reason(self):
		ticket = self.make_ticket()
		doc = frappe.get_doc("Assistance Ticket", ticket.name)
		doc.status = "Rejected"
		with self.assertRaises(RuleViolation) as caught:
			doc.save()
		self.assertIn("reason", str(caught.exception))
		self.assertRaises(RuleViolation, api.refuse, ticket.name, "  ")
		self.assertEqual(api.refuse(ticket.name, "Doublon de TKT-1")["status"], "Rejected")

	def test_r_tkt_7_clearing_the_incident_time_does_not_clear_the_late_flag(self):
		ticket = self.late_ticket()
		doc = frappe.get_doc("Assistance Ticket", ticket.name)
		doc.incident_at = None
		self.assertRaises(RuleViolation, doc.save)
		api.accept(ticket.name, reason="Client hospitalisé")
		doc = frappe.get_doc("Assistance Ticket", ticket.name)
		doc.incident_at = doc.received_at  # after the decision, the incident time stays
		self.assertRaises(RuleViolation, doc.save)
		self.assertEqual(frappe.db.get_value("Assistance Ticket", ticket.name, "is_late"), 1)

	def test_r_tkt_7_within_window_is_not_late(self):
		ticket = self.make_ticket(
			incident_at=datetime(2026, 11, 24, 10, 0), received_at=datetime(2026, 11, 27, 10, 0)
		)
		self.assertEqual(ticket.is_late, 0)


class TestResponseSLA(TicketTestCase):
	def test_r_tkt_9_due_time_and_sweep_run_twice(self):
		# Monday 09:00 + 4 bh → 14:30; warning 1 bh before → 12:00
		ticket = self.make_ticket(
			incident_at=datetime(2026, 11, 30, 8, 0), received_at=datetime(2026, 11, 30, 9, 0)
		)
		self.assertEqual(ticket.response_due, datetime(2026, 11, 30, 14, 30))
		self.assertEqual(ticket.response_warn_at, datetime(2026, 11, 30, 12, 0))
		from frappe.desk.form.assign_to import add as assign

		assign({"doctype": "Assistance Ticket", "name": ticket.name, "assign_to": [AGENT]})
		frappe.db.commit()

		def notes():  # mails of the standard Notifications about this ticket
			return frappe.db.count("Email Queue", {"reference_name": ticket.name})

		first = sweep_response_sla(datetime(2026, 11, 30, 12, 5))
		self.assertIn(ticket.name, first["At Risk"])
		self.assertEqual(frappe.db.get_value("Assistance Ticket", ticket.name, "sla_status"), "At Risk")
		self.assertEqual(notes(), 1)  # "at risk", to the assignee
		second = sweep_response_sla(datetime(2026, 11, 30, 12, 6))
		self.assertNotIn(ticket.name, second["At Risk"] + second["Breached"])
		self.assertEqual(notes(), 1)

		breach = sweep_response_sla(datetime(2026, 11, 30, 14, 31))
		self.assertIn(ticket.name, breach["Breached"])
		again = sweep_response_sla(datetime(2026, 11, 30, 14, 32))
		self.assertNotIn(ticket.name, again["Breached"])
		self.assertEqual(notes(), 2)  # and "breached", to the managers, once

	def test_r_tkt_9_first_outgoing_reply_stamps_the_response(self):
		ticket = self.make_ticket()
		frappe.get_doc(
			{
				"doctype": "Communication",
				"communication_type": "Communication",
				"communication_medium": "Email",
				"sent_or_received": "Sent",
				"subject": "Re: Export STL",
				"content": "Bonjour, voici la demande de paiement.",
				"reference_doctype": "Assistance Ticket",
				"reference_name": ticket.name,
			}
		).insert(ignore_permissions=True)
		doc = frappe.get_doc("Assistance Ticket", ticket.name)
		self.assertTrue(doc.first_responded_on)
		self.assertEqual(doc.sla_status, "Met")

	def test_r_tkt_10_only_a_manager_extends_with_a_listed_reason(self):
		ticket = self.make_ticket()
		new_due = add_to_date(ticket.response_due, days=1)
		frappe.set_user(AGENT)
		self.assertRaises(
			frappe.PermissionError, api.extend_response_due, ticket.name, str(new_due), "High demand", "ADF"
		)
		frappe.set_user(MANAGER)
		self.assertRaises(
			frappe.ValidationError, api.extend_response_due, ticket.name, str(new_due), "Lunch", "x"
		)
		api.extend_response_due(ticket.name, str(new_due), "High demand", "Salon ADF")
		doc = frappe.get_doc("Assistance Ticket", ticket.name)
		self.assertEqual(doc.response_due, new_due)
		self.assertEqual(len(doc.sla_extensions), 1)
		row = doc.sla_extensions[0]
		self.assertEqual(
			(row.reason, row.extended_by, row.previous_due), ("High demand", MANAGER, ticket.response_due)
		)

	def test_r_tkt_10_due_time_cannot_be_edited_silently(self):
		ticket = self.make_ticket()
		ticket.response_due = add_to_date(ticket.response_due, days=3)
		self.assertRaises(RuleViolation, ticket.save)


class TestConfidentiality(TicketTestCase):
	def test_r_tkt_11_a_client_sees_only_their_own_tickets(self):
		mine = self.make_ticket(customer=CLIENT_A)
		theirs = self.make_ticket(customer=CLIENT_B)
		frappe.set_user(USER_B)
		names = frappe.get_list("Assistance Ticket", pluck="name", limit_page_length=0)
		self.assertIn(theirs.name, names)
		self.assertNotIn(mine.name, names)
		self.assertRaises(
			frappe.PermissionError, frappe.get_doc("Assistance Ticket", mine.name).check_permission, "read"
		)
		from frappe.client import get, get_list

		self.assertRaises(frappe.PermissionError, get, "Assistance Ticket", mine.name)
		self.assertEqual(get_list("Assistance Ticket", filters={"name": mine.name}), [])
		self.assertEqual(get_list("Assistance Ticket", filters={"customer": CLIENT_A}), [])
		self.assertFalse(frappe.has_permission("Assistance Ticket", "write", theirs.name))

	def test_r_tkt_11_agent_sees_all_client_user_without_customer_sees_none(self):
		ticket = self.make_ticket(customer=CLIENT_A)
		frappe.set_user(AGENT)
		self.assertIn(ticket.name, frappe.get_list("Assistance Ticket", pluck="name", limit_page_length=0))
		frappe.set_user("Administrator")
		stranger = testing.ensure_staff_user("nobody@example.com", ["Assistance Client"])
		frappe.set_user(stranger)
		self.assertEqual(frappe.get_list("Assistance Ticket", pluck="name", limit_page_length=0), [])


class TestEmailIntake(TicketTestCase):
	"""R-TKT-6: an Email Account appends incoming mail to Assistance Ticket."""

	ACCOUNT = "DDS Support Test"

	def account(self):
		if not frappe.db.exists("Email Account", self.ACCOUNT):
			frappe.get_doc(
				{
					"doctype": "Email Account",
					"email_account_name": self.ACCOUNT,
					"email_id": "support-test@example.com",
					"enable_incoming": 1,
					"use_imap": 0,
					"append_to": "Assistance Ticket",
					"email_server": "localhost",
					"password": "not-used",
				}
			).insert(ignore_permissions=True)
		return frappe.get_doc("Email Account", self.ACCOUNT)

	def receive(self, sender, subject, body, message_id, in_reply_to=None):
		from frappe.email.receive import InboundMail

		headers = [
			f"From: {sender}",
			"To: support-test@example.com",
			f"Subject: {subject}",
			f"Message-ID: <{message_id}>",
			"Date: Mon, 23 Nov 2026 10:00:00 +0100",
			"Content-Type: text/plain; charset=utf-8",
		]
		if in_reply_to:
			headers.append(f"In-Reply-To: <{in_reply_to}>")
		raw = "\r\n".join(headers) + "\r\n\r\n" + body
		return InboundMail(raw.encode(), self.account(), frappe.generate_hash(length=6), 1).process()

	def test_r_tkt_6_mail_from_a_known_contact_opens_a_ticket_for_its_client(self):
		message_id = frappe.generate_hash(length=10) + "@example.com"
		mail = self.receive(f"Alpha <{USER_A}>", "Scanner exocad bloqué", DESCRIPTION, message_id)
		self.assertEqual(mail.reference_doctype, "Assistance Ticket")
		ticket = frappe.get_doc("Assistance Ticket", mail.reference_name)
		self.assertEqual((ticket.customer, ticket.channel, ticket.raised_by), (CLIENT_A, "E-mail", USER_A))
		self.assertIn("couronne", ticket.description)
		self.assertEqual(ticket.status, "Incomplete")  # no equipment given: shown as such (R-TKT-8)
		self.assertEqual(ticket.coverage, "On-demand")

		reply = self.receive(
			f"Alpha <{USER_A}>", "Re: Scanner exocad bloqué", "Voici le numéro.", "r" + message_id, message_id
		)
		self.assertEqual((reply.reference_doctype, reply.reference_name), ("Assistance Ticket", ticket.name))

	def test_r_tkt_6_unknown_sender_is_kept_for_triage(self):
		message_id = frappe.generate_hash(length=10) + "@example.com"
		mail = self.receive(
			"Inconnu <stranger@nowhere.example>", "Aide", "Bonjour, pouvez-vous m'aider ?", message_id
		)
		ticket = frappe.get_doc("Assistance Ticket", mail.reference_name)
		self.assertFalse(ticket.customer)
		self.assertEqual((ticket.status, ticket.raised_by), ("Incomplete", "stranger@nowhere.example"))
		self.assertIn("Client", ticket.missing_information)


class TestCountdowns(TicketTestCase):
	def test_r_tkt_9_list_countdown_in_business_time_for_readable_tickets_only(self):
		ticket = self.make_ticket(
			received_at=datetime(2026, 11, 30, 9, 0), incident_at=datetime(2026, 11, 30, 8, 0)
		)
		with self.freeze_time(
			datetime(2026, 11, 30, 12, 0)
		):  # due 14:30: 30 min this morning + 30 min after lunch
			self.assertEqual(api.countdowns([ticket.name]), {ticket.name: "1 h 0 min left"})
		with self.freeze_time(datetime(2026, 11, 30, 15, 0)):
			self.assertEqual(
				api.countdowns(frappe.as_json([ticket.name])), {ticket.name: "overdue by 0 h 30 min"}
			)
			frappe.set_user(USER_B)
			self.assertEqual(api.countdowns([ticket.name]), {})
