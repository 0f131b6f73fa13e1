# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""What a lost or killed job leaves undone gets done (issue "Run it the way
production runs it", faults): the work is resumed from the database, on the real
RQ queue, never twice. (The faults themselves — a worker killed with SIGKILL, the
queue server restarted — are played on the running stack by
``benchmarks/load/run.py``.)"""

import time
from datetime import datetime
from unittest.mock import patch

import frappe
from frappe.utils import add_to_date, now_datetime
from frappe.utils.background_jobs import get_job, get_queue
from rq.job import Job, JobStatus

from dds_assistance.background.runner import job_id
from dds_assistance.context.business_calendar import calendar_changed
from dds_assistance.jobs import recovery
from dds_assistance.jobs.sla import sweep_response_sla
from dds_assistance.samples import testing

DEADLINES = "dds_assistance.jobs.deadlines.recompute_open_deadlines"
COMPLAINTS_JOB = "dds_assistance.jobs.complaints.sweep_complaints"


def queued_job(method: str, **kwargs):
	"""The app's RQ job for this work, as the queue holds it (or None)."""
	return get_job(job_id(method, **kwargs))


def drop(job):
	if job:
		job.delete()


class TestRecovery(testing.AssistanceTestCase):
	client_prefix = "Labo Reprise"

	def test_a_calendar_change_whose_job_was_lost_is_resumed_once(self):
		with patch("frappe.enqueue"):  # the job is lost: never reaches the queue
			change = calendar_changed("Fermeture de test")
		frappe.db.commit()
		self.assertEqual(frappe.db.get_value("Assistance Calendar Change", change, "status"), "Pending")

		self.assertIn(change, recovery.resume_pending_work())
		job = queued_job(DEADLINES, change=change)
		try:
			self.assertEqual(job.get_status(), JobStatus.QUEUED)
			self.assertEqual(job.kwargs["kwargs"], {"change": change})
			# asked again while it waits: not queued twice
			self.assertNotIn(change, recovery.resume_pending_work())
			# a worker runs it: done, and nothing left to resume
			frappe.get_attr(DEADLINES)(**job.kwargs["kwargs"])
			self.assertEqual(frappe.db.get_value("Assistance Calendar Change", change, "status"), "Done")
		finally:
			drop(job)
		self.assertNotIn(change, recovery.resume_pending_work())

	def test_interruption_notices_left_half_sent_are_finished_and_sent_once(self):
		customer = self.customer
		self.ticket()  # an active client
		interruption = frappe.get_doc(
			{
				"doctype": "Planned Interruption",
				"reason": "Maintenance",
				"starts_at": add_to_date(now_datetime(), days=30),
				"ends_at": add_to_date(now_datetime(), days=30, hours=2),
				"message": "Maintenance de nos serveurs.",
			}
		).insert()
		with patch("frappe.enqueue"):  # the worker dies before telling anyone
			interruption.announce()
		frappe.db.commit()
		self.assertEqual(
			frappe.db.get_value("Planned Interruption", interruption.name, "notices_pending"), "Announcement"
		)
		try:
			self.assertIn(interruption.name, recovery.resume_pending_work())
			job = queued_job(
				"dds_assistance.jobs.interruptions.inform_clients",
				interruption=interruption.name,
				kind="Announcement",
			)
			frappe.get_attr("dds_assistance.jobs.interruptions.inform_clients")(**job.kwargs["kwargs"])
			drop(job)
			frappe.get_attr("dds_assistance.jobs.interruptions.inform_clients")(
				**job.kwargs["kwargs"]
			)  # twice
			told = frappe.get_all(
				"Interruption Notice",
				filters={"interruption": interruption.name, "customer": customer},
				pluck="name",
			)
			self.assertEqual(len(told), 1)
			self.assertIsNone(
				frappe.db.get_value("Planned Interruption", interruption.name, "notices_pending")
			)
			self.assertNotIn(interruption.name, recovery.resume_pending_work())
		finally:
			frappe.db.set_value("Planned Interruption", interruption.name, "status", "Cancelled")
			frappe.db.commit()

	def test_an_sla_change_is_notified_even_if_its_notification_job_was_lost(self):
		with self.freeze_time("2026-11-30 09:00:00"):
			ticket = self.ticket(received_at="2026-11-30 09:00:00")
		frappe.db.commit()
		with patch("frappe.enqueue"):  # the sweep marks it; its notification job is lost
			marked = sweep_response_sla(datetime(2026, 11, 30, 14, 31))
		self.assertIn(ticket.name, marked["Breached"])
		self.assertEqual(frappe.db.get_value("Assistance Ticket", ticket.name, "sla_notify_pending"), 1)
		self.assertEqual(frappe.db.count("Email Queue", {"reference_name": ticket.name}), 0)
		# the next sweep (notifications inline in tests) sends it — once, even run twice
		sweep_response_sla(datetime(2026, 11, 30, 14, 36))
		sweep_response_sla(datetime(2026, 11, 30, 14, 41))
		self.assertEqual(frappe.db.get_value("Assistance Ticket", ticket.name, "sla_notify_pending"), 0)
		self.assertEqual(frappe.db.count("Email Queue", {"reference_name": ticket.name}), 1)

	def test_a_job_whose_worker_died_is_released_and_a_scheduled_job_left_started_runs_again(self):
		# a worker took the daily complaints sweep, wrote "Start", then was killed:
		# RQ still shows it started, its heartbeat long expired
		job_type = frappe.get_doc("Scheduled Job Type", {"method": COMPLAINTS_JOB})
		drop(get_job(job_type.rq_job_id))
		self.assertTrue(job_type.enqueue(force=True))  # as Frappe's scheduler queues it
		job = get_job(job_type.rq_job_id)
		queue = get_queue(job_type.get_queue_name())
		queue.remove(job)
		job.set_status(JobStatus.STARTED)
		queue.started_job_registry.connection.zadd(
			queue.started_job_registry.key, {job.id: time.time() - 120}
		)
		# the log as Frappe writes it when the job starts (``update_scheduler_log``), 20 minutes ago
		log = frappe.get_doc({"doctype": "Scheduled Job Log", "scheduled_job_type": job_type.name}).insert(
			ignore_permissions=True
		)
		log.db_set({"status": "Start", "creation": add_to_date(now_datetime(), minutes=-20)})
		frappe.db.commit()
		self.assertTrue(job_type.is_job_in_queue())  # Frappe's scheduler would skip it
		try:
			self.assertGreaterEqual(recovery.release_abandoned_jobs(), 1)
			self.assertEqual(Job.fetch(job.id, connection=queue.connection).get_status(), JobStatus.FAILED)
			self.assertIn(COMPLAINTS_JOB, recovery.rerun_interrupted_scheduled_jobs())
			self.assertEqual(get_job(job_type.rq_job_id).get_status(), JobStatus.QUEUED)
			# queued now: not again
			self.assertNotIn(COMPLAINTS_JOB, recovery.rerun_interrupted_scheduled_jobs())
		finally:
			drop(get_job(job_type.rq_job_id))
			frappe.db.set_value("Scheduled Job Log", log.name, "status", "Failed")
			frappe.db.commit()
