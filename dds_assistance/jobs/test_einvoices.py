# Copyright (c) 2026, 3D Dental Store and contributors
# For license information, please see license.txt

"""The Factur-X PDF out of the request (issue 28): an agent's accept checks the
e-invoice and submits the invoice without rendering a PDF; a worker attaches
exactly one Factur-X per invoice, whatever the retries, then mails the client;
a crash mid-job leaves nothing half-made and the recovery makes it whole; a
rolled-back submit leaves no file; the portal says "being prepared" until the
PDF is there; the daily renewals hand their e-invoices to the workers (R-SUB-5).
One test runs the real RQ worker (``bench worker --burst``) on the site."""

import os
import subprocess
import sys
from datetime import date, datetime
from unittest.mock import patch

import frappe
from frappe.utils import get_bench_path
from frappe.utils.background_jobs import get_job, get_queue

from dds_assistance.api import portal as portal_api
from dds_assistance.api import ticket as ticket_api
from dds_assistance.background.runner import job_id
from dds_assistance.core import cii_xml
from dds_assistance.integrations import einvoice, facturx_pdf
from dds_assistance.jobs import recovery
from dds_assistance.jobs.einvoices import make_facturx
from dds_assistance.jobs.subscriptions import process_all
from dds_assistance.samples import records, testing
from dds_assistance.web import portal_reads

TICKET = "Assistance Ticket"


def facturx_job(invoice: str):
	"""The invoice's RQ job, as the queue holds it (or None)."""
	return get_job(job_id(einvoice.FACTURX_JOB, invoice=invoice))


def files_of(invoice: str) -> list[frappe._dict]:
	return frappe.get_all(
		"File",
		filters={"attached_to_doctype": "Sales Invoice", "attached_to_name": invoice},
		fields=["name", "file_name", "file_url", "creation"],
	)


def on_disk(invoice: str) -> bool:
	"""A file of the invoice's Factur-X name in the site's private files."""
	return os.path.exists(frappe.get_site_path("private", "files", einvoice.facturx_file_name(invoice)))


def acknowledgements(ticket: str) -> list[frappe._dict]:
	return frappe.get_all(
		"Email Queue",
		filters={"reference_doctype": TICKET, "reference_name": ticket},
		fields=["name", "creation"],
	)


class TestFacturXInTheBackground(testing.AssistanceTestCase):
	client_prefix = "Labo Arriere-plan"

	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		if frappe.get_meta("Assistance Settings").has_field("bank_account"):
			records.ensure_bank_account()
		frappe.db.commit()

	def accepted(self) -> tuple[str, str]:
		"""A ticket accepted by an agent's call, committed: (ticket, invoice)."""
		ticket = self.ticket().name
		invoice = ticket_api.accept(ticket)["sales_invoice"]
		frappe.db.commit()
		return ticket, invoice

	def assert_one_facturx(self, invoice: str):
		files = files_of(invoice)
		self.assertEqual([f.file_name for f in files], [einvoice.facturx_file_name(invoice)])
		content = frappe.get_doc("File", files[0].name).get_content()
		self.assertEqual(content[:5], b"%PDF-")
		self.assertEqual(cii_xml.read_totals(facturx_pdf.extract_xml(content)[1]).number, invoice)
		self.assertFalse(frappe.db.get_value("Sales Invoice", invoice, einvoice.PENDING_FIELD))
		return files[0]

	# ------------------------------------------------------------------ the request, then the worker
	def test_r_tkt_4_accept_renders_no_pdf_and_the_worker_attaches_one_then_mails_once(self):
		ticket = self.ticket().name
		with patch.object(einvoice, "build_facturx", wraps=einvoice.build_facturx) as build:
			invoice = ticket_api.accept(ticket)["sales_invoice"]
			build.assert_not_called()  # no PDF in the request
		self.assertEqual(
			frappe.db.get_value("Sales Invoice", invoice, ["docstatus", "dds_facturx_pending"]), (1, 1)
		)
		self.assertEqual(files_of(invoice), [])
		self.assertEqual(acknowledgements(ticket), [])  # the mail waits for its invoice
		doc = frappe.get_doc(TICKET, ticket)
		doc.run_method("onload")
		self.assertEqual(doc.get_onload().facturx_pending, 1)  # the desk says so
		frappe.db.commit()  # queued once the submit is committed, under the invoice's one job id
		job = facturx_job(invoice)
		try:
			self.assertEqual(job.get_status(), "queued")
			self.assertEqual(job.kwargs["kwargs"], {"invoice": invoice})
			self.assertTrue(job.origin.endswith(":default"))  # a ticket's client waits for it
			self.assertIsNone(einvoice.queue_facturx(invoice, after_commit=False))  # never twice

			# meanwhile the portal says "being prepared", and never links to a missing file
			frappe.set_user(self.user)
			html = testing.render_portal_page("ticket", ticket)
			self.assertIn("dds-einvoice-pending", html)
			self.assertNotIn(f"download_einvoice?invoice={invoice}", html)
			with self.assertRaises(portal_reads.EInvoiceNotReady) as caught:
				portal_api.download_einvoice(invoice)
			self.assertIn("being prepared", str(caught.exception))
			frappe.set_user("Administrator")

			# the worker, twice (a retry): one Factur-X, one mail, after the file
			for _attempt in range(2):
				make_facturx(**job.kwargs["kwargs"])
		finally:
			frappe.set_user("Administrator")
			job.delete()
		file = self.assert_one_facturx(invoice)
		mails = acknowledgements(ticket)
		self.assertEqual(len(mails), 1)
		self.assertLessEqual(file.creation, mails[0].creation)
		frappe.set_user(self.user)
		html = testing.render_portal_page("ticket", ticket)
		self.assertIn(f"download_einvoice?invoice={invoice}", html)
		self.assertNotIn("dds-einvoice-pending", html)
		portal_api.download_einvoice(invoice)
		self.assertEqual(frappe.local.response.filename, einvoice.facturx_file_name(invoice))

	def test_a_crash_after_the_file_is_written_leaves_nothing_and_the_recovery_makes_it_whole(self):
		ticket, invoice = self.accepted()
		lost = facturx_job(invoice)  # the job is lost with its worker
		lost.delete()
		# the worker dies after writing the file, before its commit: its transaction is rolled back
		with patch.object(einvoice, "invoice_ready", side_effect=RuntimeError("worker killed")):
			with self.assertRaises(RuntimeError):
				make_facturx(invoice)
			self.assertTrue(on_disk(invoice))  # written...
			frappe.db.rollback()  # ...as the job runner rolls back a failed job
		self.assertFalse(on_disk(invoice))  # ...and removed with the rollback
		self.assertEqual(files_of(invoice), [])
		self.assertEqual(frappe.db.get_value("Sales Invoice", invoice, einvoice.PENDING_FIELD), 1)
		self.assertEqual(acknowledgements(ticket), [])
		# a process killed outright leaves its file on disk without a File record
		with open(frappe.get_site_path("private", "files", einvoice.facturx_file_name(invoice)), "wb") as f:
			f.write(b"%PDF-1.4 half written")

		self.assertIn(invoice, recovery.resume_pending_work())
		job = facturx_job(invoice)
		try:
			self.assertNotIn(invoice, recovery.resume_pending_work())  # queued: not twice
			make_facturx(**job.kwargs["kwargs"])
		finally:
			job.delete()
		self.assert_one_facturx(invoice)  # under its own name, the leftover replaced
		self.assertEqual(len(acknowledgements(ticket)), 1)
		self.assertNotIn(invoice, recovery.resume_pending_work())

	def test_a_rolled_back_submit_leaves_no_file_and_queues_nothing(self):
		ticket = self.ticket().name
		frappe.db.commit()
		invoice = ticket_api.accept(ticket)["sales_invoice"]
		self.assertEqual(frappe.db.get_value("Sales Invoice", invoice, einvoice.PENDING_FIELD), 1)
		frappe.db.rollback()  # e.g. the request failed after the submit
		self.assertFalse(frappe.db.exists("Sales Invoice", invoice))
		self.assertEqual(files_of(invoice), [])
		self.assertFalse(on_disk(invoice))
		self.assertIsNone(facturx_job(invoice))
		self.assertEqual(frappe.db.get_value(TICKET, ticket, "status"), "New")

	def test_an_invoice_cancelled_before_its_job_gets_none_and_is_no_longer_pending(self):
		ticket, invoice = self.accepted()
		facturx_job(invoice).delete()
		frappe.get_doc("Sales Invoice", invoice).cancel()
		frappe.db.commit()
		self.assertIsNone(make_facturx(invoice))
		self.assertEqual(files_of(invoice), [])
		self.assertEqual(frappe.db.get_value("Sales Invoice", invoice, einvoice.PENDING_FIELD), 0)
		self.assertEqual(acknowledgements(ticket), [])
		self.assertNotIn(invoice, einvoice.pending_facturx())

	# ------------------------------------------------------------------ the daily renewals (R-SUB-5)
	def test_r_sub_5_renewals_hand_their_einvoices_to_the_workers_and_stay_one_per_term(self):
		with self.freeze_time(datetime(2026, 1, 1, 8, 0), tick=True):
			sub = frappe.get_doc(
				{
					"doctype": "Premium Subscription",
					"customer": self.customer,
					"start_date": date(2026, 1, 1),
					"item": testing.PLAN_ITEM,
					"annual_price": 1200,
					"licence_valid_until": date(2035, 12, 31),
				}
			).insert()
		frappe.db.commit()
		renewal = {"dds_premium_subscription": sub.name, "dds_subscription_term": 1, "docstatus": 1}
		with patch.object(einvoice, "build_facturx", wraps=einvoice.build_facturx) as build:
			with self.freeze_time(datetime(2027, 1, 1, 3, 0), tick=True):
				process_all()
				process_all()  # run twice: nothing more
			build.assert_not_called()  # no PDF in the daily job's loop
		invoices = frappe.get_all("Sales Invoice", filters=renewal, pluck="name")
		self.assertEqual(len(invoices), 1)
		first_term = frappe.db.get_value("Sales Invoice", {**renewal, "dds_subscription_term": 0})
		job = facturx_job(invoices[0])  # queued when its renewal was committed
		try:
			self.assertEqual(job.get_status(), "queued")
			self.assertTrue(job.origin.endswith(":long"))  # the renewals' bursts wait there
			make_facturx(**job.kwargs["kwargs"])
		finally:
			for queued in filter(None, (job, facturx_job(first_term))):
				queued.delete()
		self.assert_one_facturx(invoices[0])

	# ------------------------------------------------------------------ the real worker
	def test_the_real_rq_worker_attaches_the_facturx_and_mails_the_client(self):
		ticket, invoice = self.accepted()
		queue = get_queue("default")  # a ticket's invoice
		mine = facturx_job(invoice)
		self.assertEqual(mine.get_status(), "queued")
		# jobs of this test site that earlier tests queued and no worker ran are dropped,
		# so that the burst worker runs this one alone
		for job in queue.get_jobs():
			if job.id != mine.id and (job.kwargs or {}).get("site") == frappe.local.site:
				job.delete()
		worker = subprocess.run(
			[
				sys.executable,
				"-m",
				"frappe.utils.bench_helper",
				"frappe",
				"worker",
				"--queue",
				"default",
				"--burst",
			],
			cwd=os.path.join(get_bench_path(), "sites"),
			env={**os.environ, "CI": "1"},
			capture_output=True,
			text=True,
			timeout=300,
		)
		self.assertEqual(worker.returncode, 0, worker.stderr[-2000:])
		frappe.db.commit()  # a fresh snapshot: what the worker committed
		self.assertEqual(mine.get_status(refresh=True), "finished", worker.stderr[-2000:])
		self.assert_one_facturx(invoice)
		self.assertEqual(len(acknowledgements(ticket)), 1)
