"""Daily Premium subscription job benchmark (R-SUB-5) on the bench's MariaDB.

Seeds N live subscriptions (default 10 000) with bulk inserts, their start dates
spread over the past years so that, as on a real site, the day's run renews the
plans whose anniversary is today (a real Sales Invoice each, its Factur-X PDF
queued for the workers) and sends the notice reminders now due; then runs the
job twice on the same day and prints seconds and work done (target: < 60 s, and
the second run finds nothing to do).
What it made is removed at the end.

    cd ~/frappe-bench/sites && ../env/bin/python /path/to/app/benchmarks/subscription_job.py --site SITE
"""

import argparse
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _seed import bulk_insert, connect, remove_invoices  # noqa: E402

PREFIX = "BENCH-PREM-"
CUSTOMER = "DDS Benchmark Client"


def seed(frappe, count: int, today: date) -> None:
	from dds_assistance.core import en16931
	from dds_assistance.core import subscriptions as core
	from dds_assistance.integrations.sales_invoice import make_invoice
	from dds_assistance.samples import records

	# the past terms were invoiced: one real invoice stands for all of them
	item = frappe.db.get_single_value("Assistance Settings", "ticket_item")
	history = make_invoice(
		customer=CUSTOMER,
		item=item,
		rate=1200,
		posting_date=today - timedelta(days=30),
		links={"dds_premium_subscription": None, "remarks": PREFIX + "history"},
		remarks=PREFIX + "history",
	)

	now = datetime.now()
	group = frappe.db.get_value("Customer Group", {"is_group": 0}) or "All Customer Groups"
	territory = frappe.db.get_value("Territory", {"is_group": 0}) or "All Territories"
	# French clients: their renewal invoices are e-invoices, which need the SIREN and VAT number
	identity = records.has_identifier_fields("Customer")

	def identifiers(name: str) -> tuple:
		siren = records.sample_siren(name)
		return (siren, en16931.french_vat_number(siren)) if identity else ()

	bulk_insert(
		frappe,
		"Customer",
		[
			"customer_name",
			"customer_type",
			"customer_group",
			"territory",
			*(("dds_siren", "tax_id") if identity else ()),
		],
		[
			(
				f"{PREFIX}C{i:06d}",
				f"{PREFIX}C{i:06d}",
				"Company",
				group,
				territory,
				*identifiers(f"{PREFIX}C{i:06d}"),
			)
			for i in range(count)
		],
		now,
	)
	parents, terms = [], []
	for i in range(count):
		start = today - timedelta(days=365 + (i * 7919) % (3 * 365))  # one to four years ago
		yesterday = core.term_at(start, today - timedelta(days=1))  # as the job left it yesterday
		name = f"{PREFIX}{i:06d}"
		parents.append(
			(
				name,
				f"{PREFIX}C{i:06d}",
				f"{PREFIX}C{i:06d}",
				start,
				1,
				"Active",
				item,
				1200,
				date(2099, 12, 31),
				yesterday.start,
				yesterday.end,
				yesterday.notice_deadline,
			)
		)
		for index in range(yesterday.index + 1):
			term = core.term(start, index)
			reminded = term.notice_deadline if term.notice_deadline < today else None
			terms.append(
				(
					f"{name}-{index}",
					name,
					"terms",
					"Premium Subscription",
					index + 1,
					index,
					term.start,
					term.end,
					history,
					reminded,
				)
			)
	bulk_insert(
		frappe,
		"Premium Subscription",
		[
			"customer",
			"customer_name",
			"start_date",
			"auto_renew",
			"status",
			"item",
			"annual_price",
			"licence_valid_until",
			"current_term_start",
			"current_term_end",
			"notice_deadline",
		],
		parents,
		now,
	)
	bulk_insert(
		frappe,
		"Premium Subscription Term",
		[
			"parent",
			"parentfield",
			"parenttype",
			"idx",
			"term_index",
			"term_start",
			"term_end",
			"sales_invoice",
			"reminder_sent_on",
		],
		terms,
		now,
	)
	frappe.db.commit()


def facturx_job(invoice: str):
	"""The RQ job that makes the invoice's Factur-X (queued when its renewal is committed)."""
	from frappe.utils.background_jobs import get_job

	from dds_assistance.background.runner import job_id
	from dds_assistance.integrations import einvoice

	return get_job(job_id(einvoice.FACTURX_JOB, invoice=invoice))


def cleanup(frappe) -> None:
	made = frappe.get_all(
		"Sales Invoice", filters={"dds_premium_subscription": ("like", PREFIX + "%")}, pluck="name"
	)
	made += frappe.get_all("Sales Invoice", filters={"remarks": PREFIX + "history"}, pluck="name")
	for job in filter(None, map(facturx_job, made)):  # their Factur-X, not made: no worker ran
		job.delete()
	remove_invoices(frappe, made)
	frappe.db.sql("delete from `tabPremium Subscription Term` where parent like %s", (PREFIX + "%",))
	frappe.db.sql("delete from `tabPremium Subscription` where name like %s", (PREFIX + "%",))
	frappe.db.sql("delete from `tabEmail Queue` where reference_name like %s", (PREFIX + "%",))
	frappe.db.sql("delete from `tabComment` where reference_name like %s", (PREFIX + "%",))
	frappe.db.sql("delete from `tabCustomer` where name like %s", (PREFIX + "%",))
	frappe.db.commit()


def main():
	parser = argparse.ArgumentParser(description="Daily subscription job benchmark")
	parser.add_argument("--site", required=True)
	parser.add_argument("--sites-path", default=".")
	parser.add_argument("--subscriptions", type=int, default=10_000)
	args = parser.parse_args()

	frappe = connect(args.site, args.sites_path)
	from frappe.utils import getdate, nowdate

	from dds_assistance.jobs.subscriptions import process_all

	if not frappe.db.exists("Customer", CUSTOMER):
		from dds_assistance.samples import records

		records.ensure_assistance_setup()
		records.ensure_customer(CUSTOMER, "C-BENCH")
	try:
		cleanup(frappe)
		today = getdate(nowdate())
		began = time.perf_counter()
		seed(frappe, args.subscriptions, today)
		print(f"seeded {args.subscriptions:,} live subscriptions in {time.perf_counter() - began:.1f} s")
		for run in (1, 2):
			began = time.perf_counter()
			counts = process_all(today)
			elapsed = time.perf_counter() - began
			verdict = "met" if elapsed < 60 else "NOT met"
			renewals = frappe.get_all(
				"Sales Invoice",
				filters={"dds_premium_subscription": ("like", PREFIX + "%"), "docstatus": 1},
				pluck="name",
			)
			print(
				f"run {run}: {elapsed:.2f} s (target < 60 s: {verdict}); subscriptions processed "
				f"{counts['processed']:,}, renewal invoices {counts['invoices']:,}, reminders "
				f"{counts['reminders']:,}, failures {counts['failed']:,}; Factur-X queued for the "
				f"workers {sum(1 for name in renewals if facturx_job(name)):,} of {len(renewals):,} invoices"
			)
	finally:
		cleanup(frappe)
		frappe.destroy()


if __name__ == "__main__":
	main()
