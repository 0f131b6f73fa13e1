"""The Factur-X out of the request (issue 28), with real RQ workers on a bench site.

Starts ``--workers`` RQ workers of the queue of a ticket's Factur-X
(``einvoice.TICKET_FACTURX_QUEUE``: ``bench worker --queue default``, processes of
their own, stopped at the end), then accepts ``--tickets`` on-demand tickets one
after the other as an agent does — each acceptance is the endpoint's
work and its commit, as a web worker runs it (without HTTP) — and waits for every
invoice's Factur-X PDF to be attached by the workers. Prints, side by side:

* the acceptance as the request runs it now (the e-invoice checked, the PDF
  queued), and as it ran before (the PDF made in the request: the same code, the
  worker's part called in the transaction) on ``--inline`` other tickets;
* per invoice, the time from its submit committed to its Factur-X File created by
  a worker (the workers busy with the others: a burst of accepts);
* what must hold: one Factur-X per invoice, one acknowledgement per ticket.

Everything it makes is removed at the end (invoices with their files; the tickets
stay, as the load benchmark's do). Jobs other runs left in that queue are run
by the workers too: best on a quiet site.

    cd ~/frappe-bench/sites && ../env/bin/python <app>/benchmarks/facturx_workers.py --site SITE \\
        [--tickets 40] [--workers 2] [--inline 10]

This is a benchmark, not a test: it prints figures, it asserts nothing about time.
"""

import argparse
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _seed import connect, remove_invoices  # noqa: E402

CUSTOMER = "Labo Banc Arriere-plan"


def percentile(values: list[float], share: float) -> float:
	ordered = sorted(values)
	return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def summary(values: list[float], unit: str, scale: float = 1) -> str:
	return (
		f"median {statistics.median(values) * scale:7.1f} {unit}, p95 {percentile(values, 0.95) * scale:7.1f} "
		f"{unit}, max {max(values) * scale:7.1f} {unit}"
	)


def start_workers(count: int, queue: str, sites_path: str) -> list[subprocess.Popen]:
	return [
		subprocess.Popen(
			[
				sys.executable,
				"-m",
				"frappe.utils.bench_helper",
				"frappe",
				"worker",
				"--queue",
				queue,
				"--quiet",
			],
			cwd=sites_path,
			stdout=subprocess.DEVNULL,
			stderr=subprocess.DEVNULL,
			start_new_session=True,  # stopped with its work horse
		)
		for _ in range(count)
	]


def stop_workers(workers: list[subprocess.Popen]) -> None:
	for worker in workers:
		if worker.poll() is None:
			os.killpg(worker.pid, signal.SIGTERM)  # RQ's warm shutdown: the job at hand is finished
	for worker in workers:
		try:
			worker.wait(timeout=60)
		except subprocess.TimeoutExpired:
			os.killpg(worker.pid, signal.SIGKILL)
			worker.wait()


def main():
	parser = argparse.ArgumentParser(
		description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
	)
	parser.add_argument("--site", required=True)
	parser.add_argument("--sites-path", default=".")
	parser.add_argument("--tickets", type=int, default=40)
	parser.add_argument("--workers", type=int, default=2)
	parser.add_argument("--inline", type=int, default=10, help="tickets accepted the way it was done before")
	parser.add_argument("--timeout", type=float, default=600, help="seconds to wait for the workers")
	args = parser.parse_args()
	sites_path = os.path.abspath(args.sites_path)

	frappe = connect(args.site, sites_path)
	frappe.set_user("Administrator")
	from frappe.utils import get_datetime, now_datetime
	from frappe.utils.background_jobs import get_job, get_queue

	from dds_assistance.api import ticket as ticket_api
	from dds_assistance.background.runner import job_id
	from dds_assistance.integrations import einvoice
	from dds_assistance.samples import testing

	testing.ensure_assistance_setup()
	customer = testing.ensure_customer(CUSTOMER, "C-BARP01", "banc.arriere-plan@example.com")
	frappe.db.commit()
	made, workers = [], []
	try:
		# before: the Factur-X made in the request's own transaction
		inline = []
		for _ in range(args.inline):
			ticket = testing.make_ticket(customer).name
			frappe.db.commit()
			began = time.perf_counter()
			invoice = ticket_api.accept(ticket)["sales_invoice"]
			einvoice.complete_facturx(invoice)
			frappe.db.commit()
			inline.append(time.perf_counter() - began)
			made.append(invoice)

		# now: the request checks and queues; the workers make the PDFs
		queue = einvoice.TICKET_FACTURX_QUEUE
		waiting_before = get_queue(queue).count  # other work the workers will do first
		workers = start_workers(args.workers, queue, sites_path)
		time.sleep(3)  # the workers are listening
		requests, submitted = [], {}
		tickets = []
		for _ in range(args.tickets):
			tickets.append(testing.make_ticket(customer).name)
			frappe.db.commit()
		began_all = time.perf_counter()
		for ticket in tickets:
			began = time.perf_counter()
			invoice = ticket_api.accept(ticket)["sales_invoice"]
			frappe.db.commit()
			requests.append(time.perf_counter() - began)
			submitted[invoice] = now_datetime()
			made.append(invoice)
		accepted_in = time.perf_counter() - began_all

		deadline = time.time() + args.timeout
		while time.time() < deadline:
			frappe.db.commit()  # a fresh snapshot
			files = frappe.get_all(
				"File",
				filters={"attached_to_doctype": "Sales Invoice", "attached_to_name": ("in", list(submitted))},
				fields=["attached_to_name", "file_name", "creation"],
			)
			if len({f.attached_to_name for f in files}) == len(submitted):
				break
			time.sleep(0.5)
		done_in = time.perf_counter() - began_all
		first = {}
		for f in files:
			first[f.attached_to_name] = min(first.get(f.attached_to_name, f.creation), f.creation)
		delays = [(get_datetime(first[i]) - submitted[i]).total_seconds() for i in first]
		per_invoice = {}
		for f in files:
			per_invoice[f.attached_to_name] = per_invoice.get(f.attached_to_name, 0) + 1
		service = []  # the worker's own time per job (RQ keeps it with the job's result)
		for invoice in submitted:
			job = get_job(job_id(einvoice.FACTURX_JOB, invoice=invoice))
			if job and job.started_at and job.ended_at:
				service.append((job.ended_at - job.started_at).total_seconds())
		acks = {
			ticket: frappe.db.count(
				"Email Queue", {"reference_doctype": "Assistance Ticket", "reference_name": ticket}
			)
			for ticket in tickets
		}

		print(f"Factur-X out of the request on {args.site}: {args.workers} RQ worker(s) of the {queue} queue")
		print(
			f"  ({os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.2f}; "
			f"{waiting_before} other job(s) waiting in that queue at the start)"
		)
		if inline:
			print(
				f"acceptance with the PDF in the request (before), {len(inline)} tickets: {summary(inline, 'ms', 1000)}"
			)
		print(
			f"acceptance as the request runs it now, {len(requests)} tickets:   {summary(requests, 'ms', 1000)}"
		)
		print(
			f"{len(tickets)} accepted in {accepted_in:.1f} s; every Factur-X attached {done_in:.1f} s after the first "
			f"accept ({len(submitted) / done_in:.2f} e-invoices per second)"
		)
		if delays:
			print(f"submit -> Factur-X attached by a worker: {summary(delays, 's')}")
		if service:
			print(f"a worker's time per Factur-X job:        {summary(service, 's')}")
		print(
			f"what must hold: invoices without their Factur-X {len(submitted) - len(first)}, with two or more "
			f"{sum(1 for n in per_invoice.values() if n > 1)}; tickets acknowledged once "
			f"{sum(1 for n in acks.values() if n == 1)} of {len(tickets)}"
		)
	finally:
		stop_workers(workers)
		frappe.db.rollback()
		remove_invoices(frappe, made)
		frappe.db.commit()
		frappe.destroy()


if __name__ == "__main__":
	main()
