# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""Planned interruptions (CGU art. 8.2; R-AVAIL-1, R-AVAIL-2): clients told once,
a notice on every portal page, the deadlines it overlaps moved once and recorded,
put back when it is cancelled."""

from datetime import datetime
from unittest.mock import patch

import frappe

from dds_assistance.api import interruption as api
from dds_assistance.context.business_calendar import clear_calendar_cache
from dds_assistance.jobs.deadlines import recompute_open_deadlines
from dds_assistance.jobs.interruptions import inform_clients
from dds_assistance.samples import testing
from dds_assistance.samples.testing import AGENT, MANAGER, render_portal_page
from dds_assistance.web import portal_reads as pages

DEADLINES_JOB = "dds_assistance.jobs.deadlines.recompute_open_deadlines"
# Monday 15 and Tuesday 16 March 2027, closed all day long
STARTS, ENDS = datetime(2027, 3, 15, 9, 0), datetime(2027, 3, 16, 17, 30)


class TestPlannedInterruption(testing.AssistanceTestCase):
	MESSAGE = "Migration de nos serveurs d'assistance."

	def setUp(self):
		super().setUp()
		self.forget_interruptions()
		self.with_ticket, self.user = self.new_client("Labo Interruption")
		self.with_plan, _ = self.new_client("Labo Forfait")
		self.without, _ = self.new_client("Labo Sans Relation")
		with self.freeze_time("2027-03-12 16:00:00"):  # a Friday
			self.ticket_name = self.ticket(customer=self.with_ticket, received_at="2027-03-12 16:00:00").name
			self.complaint = frappe.get_doc(
				{
					"doctype": "Assistance Complaint",
					"subject": "Délai",
					"customer": self.with_ticket,
					"channel": "Post",
					"received_at": "2027-03-12 10:00:00",
					"description": "Réponse tardive.",
				}
			).insert()
		frappe.get_doc(
			{
				"doctype": "Premium Subscription",
				"customer": self.with_plan,
				"start_date": frappe.utils.nowdate(),
				"item": testing.PLAN_ITEM,
				"annual_price": 1188,
			}
		).insert()
		self.interruption = frappe.get_doc(
			{
				"doctype": "Planned Interruption",
				"reason": "Maintenance",
				"starts_at": STARTS,
				"ends_at": ENDS,
				"message": self.MESSAGE,
			}
		).insert()
		frappe.db.commit()

	def tearDown(self):
		self.forget_interruptions()
		super().tearDown()

	def forget_interruptions(self):
		"""The site's calendar is shared: no interruption of these tests stays announced
		(not even after a run that stopped half-way)."""
		frappe.db.set_value(
			"Planned Interruption",
			{"message": self.MESSAGE, "status": "Announced"},
			"status",
			"Cancelled",
			update_modified=False,
		)
		frappe.db.commit()
		clear_calendar_cache()

	def act(self, call, *args):
		"""A manager's action, then the background jobs it enqueued, run as a worker runs them."""
		frappe.set_user(MANAGER)
		try:
			with patch("frappe.enqueue") as enqueue:
				result = call(*args)
		finally:
			frappe.set_user("Administrator")
		frappe.db.commit()
		jobs = {}
		for queued in enqueue.call_args_list:
			kwargs = testing.job_arguments(queued)
			jobs[queued.args[0]] = kwargs
			if queued.args[0] != DEADLINES_JOB:  # that one the test runs, to look at it
				frappe.get_attr(queued.args[0])(**kwargs)
		return result, jobs[DEADLINES_JOB]

	def ticket_due(self):
		return frappe.db.get_value("Assistance Ticket", self.ticket_name, "response_due")

	def notices(self, kind):
		return frappe.get_all(
			"Interruption Notice",
			filters={"interruption": self.interruption.name, "kind": kind},
			fields=["name", "customer"],
		)

	def test_r_avail_1_2_announce_tells_clients_once_moves_deadlines_once_and_cancel_puts_them_back(self):
		self.assertEqual(self.ticket_due(), datetime(2027, 3, 15, 11, 30))
		ack_due = frappe.db.get_value("Assistance Complaint", self.complaint.name, "ack_due")
		self.assertEqual(ack_due, datetime(2027, 3, 19, 17, 30))

		frappe.set_user(AGENT)
		self.assertRaises(frappe.PermissionError, api.announce, self.interruption.name)
		frappe.set_user("Administrator")
		result, job = self.act(api.announce, self.interruption.name)
		self.assertEqual(result["status"], "Announced")

		# each client with an active relationship told once, by e-mail
		told = {n.customer for n in self.notices("Announcement")}
		self.assertTrue({self.with_ticket, self.with_plan} <= told)
		self.assertNotIn(self.without, told)
		mine = [
			n.name for n in self.notices("Announcement") if n.customer in (self.with_ticket, self.with_plan)
		]
		self.assertEqual(frappe.db.count("Email Queue", {"reference_name": ("in", mine)}), 2)
		inform_clients(self.interruption.name, "Announcement")  # run twice: no second notice
		self.assertEqual(frappe.db.count("Email Queue", {"reference_name": ("in", mine)}), 2)
		self.assertEqual(len(self.notices("Announcement")), len(told))

		# the deadlines it overlaps move once, each change recorded with the interruption as cause
		recompute_open_deadlines(**job)
		self.assertEqual(self.ticket_due(), datetime(2027, 3, 17, 11, 30))  # Friday 1 h 30 + Wednesday
		ticket = frappe.get_doc("Assistance Ticket", self.ticket_name)
		[change] = ticket.deadline_changes
		self.assertEqual(
			(change.source_doctype, change.source_name), ("Planned Interruption", self.interruption.name)
		)
		complaint = frappe.get_doc("Assistance Complaint", self.complaint.name)
		self.assertEqual(complaint.ack_due, datetime(2027, 3, 23, 17, 30))  # two business days later
		self.assertEqual([c.deadline for c in complaint.deadline_changes], ["Acknowledgement", "Answer"])
		recompute_open_deadlines(**job)
		self.assertEqual(len(frappe.get_doc("Assistance Ticket", self.ticket_name).deadline_changes), 1)

		# the portal shows it, and the moved due time
		frappe.set_user(self.user)
		try:
			self.assertIn(self.interruption.name, [i.name for i in pages.interruptions_to_show()])
			html = render_portal_page("ticket", self.ticket_name)
			complaints_html = render_portal_page("complaints")
		finally:
			frappe.set_user("Administrator")
		self.assertIn("Migration de nos serveurs", html)
		self.assertIn("dds-deadline-change", html)
		self.assertEqual(complaints_html.count("dds-deadline-change"), 2)
		self.assertIn(self.interruption.name, complaints_html)

		# cancelled: the same clients are told, the deadlines come back
		_result, job = self.act(api.cancel, self.interruption.name, "Maintenance reportée")
		self.assertEqual({n.customer for n in self.notices("Cancellation")}, told)
		recompute_open_deadlines(**job)
		self.assertEqual(self.ticket_due(), datetime(2027, 3, 15, 11, 30))
		self.assertEqual(frappe.db.get_value("Assistance Complaint", self.complaint.name, "ack_due"), ack_due)
		self.assertNotIn(self.interruption.name, [i.name for i in pages.interruptions_to_show()])

	def test_an_announced_interruption_is_kept_as_told(self):
		self.act(api.announce, self.interruption.name)
		doc = frappe.get_doc("Planned Interruption", self.interruption.name)
		doc.ends_at = datetime(2027, 3, 17, 17, 30)
		self.assertRaises(frappe.ValidationError, doc.save)
		self.assertRaises(frappe.ValidationError, frappe.delete_doc, "Planned Interruption", doc.name)
		self.act(api.cancel, doc.name)
