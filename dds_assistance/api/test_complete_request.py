# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""An incomplete request is completed by its client on its portal page — the second
way the acknowledgement names, besides a reply (R-TKT-8): what it lacks is shown, the
client gives it, the request goes to the agent, and the agent sees what was given."""

import frappe

from dds_assistance.samples import testing
from dds_assistance.samples.testing import PORTAL_PASSWORD, WebClient

TICKET = "Assistance Ticket"
HTML = {"Accept": "text/html"}


class TestCompleteRequest(testing.AssistanceTestCase):
	client_prefix = "Labo Complète"

	def setUp(self):
		super().setUp()
		user = frappe.get_doc("User", self.user)
		user.new_password = PORTAL_PASSWORD
		user.save(ignore_permissions=True)
		self.incomplete = testing.make_ticket(
			self.customer, channel="E-mail", raised_by=self.user, serial_no=None, equipment_reference=None
		)
		frappe.db.commit()
		self.web = WebClient(self.user)

	def complete(self, ticket, **values):
		return self.web.call("dds_assistance.api.portal.complete_request", ticket=ticket, **values)

	def test_r_tkt_8_the_client_completes_the_request_on_its_page(self):
		self.assertEqual(self.incomplete.status, "Incomplete")
		page = self.web.open(f"/assistance/tickets/{self.incomplete.name}", method="GET", headers=HTML)
		body = page.get_data(as_text=True)
		self.assertIn("Complétez votre demande", body)
		self.assertIn("Numéro de série, Référence de l'équipement", body)
		self.assertIn('id="dds-serial"', body)
		self.assertNotIn('id="dds-details"', body)  # the description is there already

		response = self.complete(
			self.incomplete.name, serial_no=" SN-9001 ", equipment_reference="DentalCAD 3.2"
		)
		self.assertEqual(response.status_code, 200, response.get_data(as_text=True)[:300])
		ticket = frappe.get_doc(TICKET, self.incomplete.name)
		self.assertEqual((ticket.status, ticket.serial_no), ("New", "SN-9001"))
		self.assertFalse(ticket.missing_information)
		self.assertEqual(ticket.client_replied, 1)  # the agent sees the client acted
		given = frappe.get_all(
			"Communication",
			filters={"reference_name": ticket.name, "sent_or_received": "Received"},
			pluck="content",
		)
		self.assertTrue(any("SN-9001" in text for text in given))
		page = self.web.open(f"/assistance/tickets/{ticket.name}", method="GET", headers=HTML)
		self.assertNotIn("Complétez votre demande", page.get_data(as_text=True))
		# complete now: nothing more to complete
		response = self.complete(ticket.name, serial_no="SN-autre")
		self.assertEqual(response.status_code, 417)
		self.assertIn("déjà complète", " ".join(WebClient.messages(response)))
		self.assertEqual(frappe.db.get_value(TICKET, ticket.name, "serial_no"), "SN-9001")

	def test_nothing_given_and_another_clients_request_are_refused(self):
		response = self.complete(self.incomplete.name, serial_no="  ")
		self.assertEqual(response.status_code, 417)
		other, other_user = self.new_client("Labo Voisin")
		theirs = testing.make_ticket(other, serial_no=None)
		frappe.db.commit()
		response = self.complete(theirs.name, serial_no="SN-INTRUS")
		self.assertEqual(response.status_code, 404)
		self.assertFalse(frappe.db.get_value(TICKET, theirs.name, "serial_no"))

	def test_more_about_the_incident_is_bounded_as_a_description(self):
		details = "Le module se ferme à l'ouverture du projet. " * 100  # 4 400 characters
		response = self.complete(self.incomplete.name, serial_no="SN-9002", details=details)
		self.assertEqual(response.status_code, 200, response.get_data(as_text=True)[:300])
		self.assertIn("SN-9002", frappe.db.get_value(TICKET, self.incomplete.name, "serial_no"))
