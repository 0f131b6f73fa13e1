"""Every 5 minutes: what a lost or killed job left undone gets done.

A worker killed in the middle of a job (SIGKILL, out of memory, a machine
restarting) or a queue server restarted without its data loses RQ jobs. The app
keeps the state of its work in the database, so nothing is lost for good:

- **abandoned jobs** — a job whose worker died stays "started" in RQ until RQ's
  own maintenance (every 10 minutes) notices, and until then Frappe's scheduler
  will not queue that scheduled job again. Their expired entries (no heartbeat)
  are released now, as RQ's maintenance would;
- **the app's scheduled jobs** — one that started and never finished (its last
  Scheduled Job Log still "Start", nothing queued or running for it) is queued
  again: each is idempotent;
- **the app's background work** — calendar changes still Pending, interruption
  notices still being sent, bank statements whose import stopped, Bank
  Transactions from ERPNext's own import left unmatched, invoices whose Factur-X
  PDF is still pending, new terms whose clients are not all informed — is queued
  again under its one job id (never twice).
SLA notifications still due are queued by the SLA sweep itself (``jobs.sla``).
"""

import frappe
from frappe.utils import add_to_date, now_datetime
from frappe.utils.background_jobs import get_queue, get_queue_list

from dds_assistance.background.runner import enqueue_resumable
from dds_assistance.integrations import bank_statement, einvoice

THIS_JOB = "dds_assistance.jobs.recovery.resume_unfinished_work"
STARTED_GRACE_MINUTES = 2
STATEMENT_GRACE_MINUTES = 10
NOTICES_GRACE_MINUTES = 10  # a batch of terms notices reports progress well within it


def resume_unfinished_work() -> dict:
	return {
		"released": release_abandoned_jobs(),
		"rerun": rerun_interrupted_scheduled_jobs(),
		"resumed": resume_pending_work(),
	}


def release_abandoned_jobs() -> int:
	"""Move the jobs whose worker stopped beating to RQ's failed registry (RQ's
	``StartedJobRegistry.cleanup``: only entries past their heartbeat expiry)."""
	released = 0
	for queue_type in get_queue_list():
		registry = get_queue(queue_type).started_job_registry
		expired = registry.get_expired_job_ids()
		if expired:
			registry.cleanup()
			released += len(expired)
	return released


def rerun_interrupted_scheduled_jobs() -> list[str]:
	"""Queue again each scheduled job of the app that started and never finished."""
	cutoff = add_to_date(now_datetime(), minutes=-STARTED_GRACE_MINUTES)
	rerun = []
	for job_type in frappe.get_all(
		"Scheduled Job Type",
		filters={"method": ("like", "dds_assistance.%"), "stopped": 0},
		fields=["name", "method"],
	):
		if job_type.method == THIS_JOB:
			continue
		last = frappe.get_all(
			"Scheduled Job Log",
			filters={"scheduled_job_type": job_type.name},
			fields=["status", "creation"],
			order_by="creation desc",
			limit=1,
		)
		if not last or last[0].status != "Start" or last[0].creation > cutoff:
			continue
		doc = frappe.get_doc("Scheduled Job Type", job_type.name)
		if not doc.is_job_in_queue() and doc.enqueue(force=True):
			rerun.append(job_type.method)
	return rerun


def resume_pending_work() -> list[str]:
	"""Queue again the app's unfinished background work (deduplicated by job id:
	work still queued or running is left alone)."""
	resumed = []
	for change in frappe.get_all("Assistance Calendar Change", filters={"status": "Pending"}, pluck="name"):
		if enqueue_resumable(
			"dds_assistance.jobs.deadlines.recompute_open_deadlines", after_commit=False, change=change
		):
			resumed.append(change)
	for row in frappe.get_all(
		"Planned Interruption", filters={"notices_pending": ("is", "set")}, fields=["name", "notices_pending"]
	):
		if enqueue_resumable(
			"dds_assistance.jobs.interruptions.inform_clients",
			after_commit=False,
			interruption=row.name,
			kind=row.notices_pending,
		):
			resumed.append(row.name)
	# Bank Transactions from elsewhere (ERPNext's import, a feed) whose matching was lost
	waiting = add_to_date(now_datetime(), minutes=-STATEMENT_GRACE_MINUTES)
	if bank_statement.other_transactions(limit=1, submitted_before=waiting):
		if enqueue_resumable(bank_statement.MATCH_JOB, after_commit=False):
			resumed.append(bank_statement.MATCH_JOB)
	# bank statements whose import stopped (a running import is not queued twice)
	quiet = add_to_date(now_datetime(), minutes=-STATEMENT_GRACE_MINUTES)
	for statement in frappe.get_all(
		"Assistance Bank Statement",
		filters={"status": ("in", ("Queued", "Importing")), "modified": ("<", quiet)},
		pluck="name",
	):
		if enqueue_resumable(
			"dds_assistance.jobs.bank_statements.import_statement", after_commit=False, statement=statement
		):
			resumed.append(statement)
	# invoices issued without their Factur-X yet (a job queued or running is not queued twice)
	for invoice in einvoice.pending_facturx():
		if einvoice.queue_facturx(invoice, after_commit=False):
			resumed.append(invoice)
	# new terms whose notices stopped (batches still at work are left to finish)
	for version in frappe.get_all(
		"Terms Version",
		filters={
			"notices_pending": 1,
			"modified": ("<", add_to_date(now_datetime(), minutes=-NOTICES_GRACE_MINUTES)),
		},
		pluck="name",
	):
		if frappe.get_doc("Terms Version", version).queue_notices(after_commit=False):
			resumed.append(version)
	return resumed
