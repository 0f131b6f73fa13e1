# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""Every scheduled job run twice in a row and twice at once, in two worker
processes: nothing is invoiced, renewed, notified or logged twice."""

import subprocess
from datetime import timedelta

import frappe
from frappe.utils import add_days, get_bench_path, now_datetime, nowdate

from dds_assistance.samples import testing
from dds_assistance.samples.testing import MANAGER, TECHNICIAN


class TestJobsTwiceAndAtOnce(testing.AssistanceTestCase):
	def prepare(self) -> dict:
		customer, _user = self.new_client("Labo Jobs")
		tech = TECHNICIAN
		if not frappe.db.exists("Technician Authorisation", {"user": tech, "revoked_on": ("is", "not set")}):
			frappe.get_doc(
				{"doctype": "Technician Authorisation", "user": tech, "valid_from": "2020-01-01 00:00:00"}
			).insert()
		# an overdue first response
		overdue = frappe.get_doc(
			{
				"doctype": "Assistance Ticket",
				"subject": "En retard",
				"customer": customer,
				"channel": "Phone",
				"serial_no": "SN-J",
				"equipment_reference": "exocad",
				"description": "Le module de modélisation ne répond plus après l'import.",
				"incident_at": add_days(now_datetime(), -3),
				"received_at": add_days(now_datetime(), -3),
			}
		).insert()
		# a remote session past its authorised end, on a covered request
		# as the last sweep left it: still On Track, its due time passed since
		frappe.db.set_value(
			"Assistance Ticket", overdue.name, {"coverage": "Premium", "sla_status": "On Track"}
		)
		session = frappe.get_doc(
			{
				"doctype": "Remote Session",
				"ticket": overdue.name,
				"technician": tech,
				"purpose": "x",
				"tool": "RustDesk",
				"requested_minutes": 5,
			}
		).insert()
		frappe.db.set_value(
			"Remote Session",
			session.name,
			{
				"status": "In Progress",
				"started_at": now_datetime() - timedelta(hours=1),
				"authorised_end": now_datetime() - timedelta(minutes=30),
			},
		)
		# a plan whose new term began today, made a year ago
		start = add_days(nowdate(), -365)
		with self.freeze_time(f"{start} 09:00:00", tick=True):
			plan = frappe.get_doc(
				{
					"doctype": "Premium Subscription",
					"customer": customer,
					"start_date": start,
					"item": testing.ensure_plan_item(),
					"annual_price": 900,
				}
			).insert()
		# a complaint whose acknowledgement is overdue
		complaint = frappe.get_doc(
			{
				"doctype": "Assistance Complaint",
				"subject": "Retard",
				"customer": customer,
				"channel": "Post",
				"received_at": add_days(now_datetime(), -12),
			}
		).insert()
		frappe.db.set_value(
			"Assistance Complaint", complaint.name, {"ack_state": "On Track", "answer_state": "On Track"}
		)
		frappe.db.commit()
		return {
			"ticket": overdue.name,
			"session": session.name,
			"plan": plan.name,
			"complaint": complaint.name,
		}

	def counts(self, made):
		return {
			"invoices": sorted(
				frappe.get_all(
					"Sales Invoice",
					filters={"dds_premium_subscription": made["plan"], "docstatus": 1},
					pluck="dds_subscription_term",
				)
			),
			"expired": frappe.db.count(
				"Remote Session Log", {"session": made["session"], "event": "Expired"}
			),
			"sla_mails": frappe.db.count("Email Queue", {"reference_name": made["ticket"]}),
			"complaint_alerts": frappe.db.count(
				"Notification Log",
				{"document_name": made["complaint"], "for_user": MANAGER},
			),
			"sla_state": frappe.db.get_value("Assistance Ticket", made["ticket"], "sla_status"),
		}

	def run_jobs(self, processes: int):
		command = [
			"bench",
			"--site",
			frappe.local.site,
			"execute",
			"dds_assistance.samples.testing.run_all_jobs",
		]
		workers = [
			subprocess.Popen(
				command, cwd=get_bench_path(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
			)
			for _ in range(processes)
		]
		for worker in workers:
			_, err = worker.communicate(timeout=600)
			self.assertEqual(worker.returncode, 0, err[-2000:])

	def test_jobs_twice_in_a_row_and_two_at_once(self):
		made = self.prepare()
		errors = frappe.db.count("Error Log")
		self.run_jobs(processes=2)  # two workers at once
		frappe.db.rollback()  # see what they committed
		first = self.counts(made)
		self.assertEqual(first["invoices"], [0, 1])  # the new term invoiced once
		self.assertEqual(first["expired"], 1)
		self.assertEqual(first["sla_state"], "Breached")
		self.assertEqual(first["sla_mails"], 1)  # one breach notification
		self.assertEqual(first["complaint_alerts"], 1)
		self.run_jobs(processes=1)  # and once more
		frappe.db.rollback()
		self.assertEqual(self.counts(made), first)
		self.assertEqual(frappe.db.count("Error Log"), errors)  # and no worker tripped over the other
