"""Portal list and REST intake over HTTP, on a served bench site (loopback).

- "My requests" for a client with 1 000 tickets among 100 000 (seeded here with
  bulk inserts): server time per request through the HTTP endpoint (target < 100 ms).
- Ticket intake through REST as an agent: create + accept (+ its Sales Invoice),
  tickets per second.
- EXPLAIN of the hot queries: which index serves each.
What it made is removed at the end.

    dev/serve-production-like start --site <site>
    cd ~/frappe-bench/sites && ../env/bin/python <app>/benchmarks/portal_and_intake.py --site <site> \\
        --url http://127.0.0.1:8080 --admin-password <password>
"""

import argparse
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _seed import bulk_insert, connect, remove_invoices  # noqa: E402

PREFIX = "BENCH-PORTAL-"
CLIENT = "DDS Portal Benchmark Client"
USER = "portal.bench@example.com"
PASSWORD = "Portail-Bench-2026"


def seed(frappe, total: int, mine: int) -> None:
	from dds_assistance.samples import records

	records.ensure_customer(CLIENT, "C-PBENCH", USER)
	user = frappe.get_doc("User", USER)
	user.new_password = PASSWORD
	user.save(ignore_permissions=True)
	now = datetime.now()
	fields = [
		"naming_series",
		"subject",
		"status",
		"channel",
		"customer",
		"received_at",
		"response_due",
		"response_warn_at",
		"sla_status",
		"coverage",
	]
	rows = []
	for i in range(total):
		customer = CLIENT if i < mine else f"{PREFIX}other-{i % 5000}"
		received = now - timedelta(minutes=i)
		rows.append(
			(
				f"{PREFIX}{i:06d}",
				"TKT-.YYYY.-",
				f"Demande {i}",
				"Open",
				"Portal",
				customer,
				received,
				received + timedelta(hours=4),
				received + timedelta(hours=3),
				"Met",
				"On-demand",
			)
		)
	bulk_insert(frappe, "Assistance Ticket", fields, rows, now)
	frappe.db.commit()


def cleanup(frappe) -> None:
	for name in frappe.get_all(
		"Assistance Ticket", filters={"subject": ("like", f"{PREFIX}intake%")}, pluck="name"
	):
		remove_invoices(
			frappe, frappe.get_all("Sales Invoice", filters={"dds_assistance_ticket": name}, pluck="name")
		)
		frappe.db.delete("Assistance Ticket", {"name": name})
	frappe.db.sql("delete from `tabAssistance Ticket` where name like %s", (PREFIX + "%",))
	frappe.db.commit()


def explain(frappe) -> None:
	from dds_assistance.jobs.sla import pending
	from dds_assistance.jobs.subscriptions import candidates

	today = datetime.now().date()
	queries = {
		"portal: my requests": (
			"select name from `tabAssistance Ticket` where customer = %(c)s order by received_at desc limit 50",
			{"c": CLIENT},
		),
		"SLA sweep: breaches": (
			pending("response_due", ("On Track", "At Risk"), datetime.now()).get_sql(),
			{},
		),
		"SLA sweep: warnings": (pending("response_warn_at", ("On Track",), datetime.now()).get_sql(), {}),
		"sessions: expiry": (
			"select name from `tabRemote Session` where status = 'In Progress' and authorised_end <= %(now)s",
			{"now": datetime.now()},
		),
		"subscriptions: daily": (candidates(today, today).get_sql(), {}),
		"reconciliation: tickets": (
			"select name from `tabAssistance Ticket` where received_at >= %(a)s and received_at < %(b)s",
			{"a": today - timedelta(days=30), "b": today},
		),
		"reconciliation: invoices": (
			"select name from `tabSales Invoice` where dds_assistance_ticket in ('x')",
			{},
		),
	}
	print("\nEXPLAIN of the hot queries:")
	for label, (sql, values) in queries.items():
		for row in frappe.db.sql("explain " + sql, values, as_dict=True):
			print(
				f"  {label:<26} table={row.get('table')} type={row.get('type')} key={row.get('key')} rows={row.get('rows')}"
			)


def main():
	parser = argparse.ArgumentParser(description="Portal list and REST intake benchmark")
	parser.add_argument("--site", required=True)
	parser.add_argument("--sites-path", default=".")
	parser.add_argument("--url", default="http://127.0.0.1:8080")
	parser.add_argument("--admin-password", required=True)
	parser.add_argument("--tickets", type=int, default=100_000)
	parser.add_argument("--mine", type=int, default=1_000)
	parser.add_argument("--intake", type=int, default=30)
	args = parser.parse_args()

	frappe = connect(args.site, args.sites_path)
	from dds_assistance.samples import records

	records.ensure_assistance_setup()
	try:
		cleanup(frappe)
		began = time.perf_counter()
		seed(frappe, args.tickets, args.mine)
		print(
			f"seeded {args.tickets:,} tickets ({args.mine:,} for one client) in {time.perf_counter() - began:.1f} s"
		)

		client = requests.Session()
		client.headers["X-Frappe-Site-Name"] = args.site
		client.post(f"{args.url}/api/method/login", data={"usr": USER, "pwd": PASSWORD}).raise_for_status()
		timings = []
		for i in range(40):
			began = time.perf_counter()
			response = client.get(
				f"{args.url}/api/method/dds_assistance.api.portal.my_requests", params={"page_length": 50}
			)
			elapsed = time.perf_counter() - began
			response.raise_for_status()
			assert len(response.json()["message"]) == 50
			if i >= 5:  # warm-up
				timings.append(elapsed * 1000)
		median, p95 = statistics.median(timings), sorted(timings)[int(len(timings) * 0.95) - 1]
		verdict = "met" if median < 100 else "NOT met"
		print(
			f"portal my requests (50 newest of {args.mine:,}, among {args.tickets:,}): median {median:.1f} ms, "
			f"p95 {p95:.1f} ms over HTTP on loopback (target < 100 ms: {verdict})"
		)

		agent = requests.Session()
		agent.headers["X-Frappe-Site-Name"] = args.site
		agent.post(
			f"{args.url}/api/method/login", data={"usr": "Administrator", "pwd": args.admin_password}
		).raise_for_status()
		customer = records.ensure_customer("DDS Intake Benchmark Client", "C-IBENCH")
		frappe.db.commit()
		began = time.perf_counter()
		for i in range(args.intake):
			created = agent.post(
				f"{args.url}/api/resource/Assistance Ticket",
				json={
					"subject": f"{PREFIX}intake {i}",
					"customer": customer,
					"channel": "Phone",
					"serial_no": "SN-B",
					"equipment_reference": "exocad",
					"description": "Le logiciel se ferme pendant l'export du projet de bridge.",
				},
			)
			created.raise_for_status()
			name = created.json()["data"]["name"]
			agent.post(
				f"{args.url}/api/method/dds_assistance.api.ticket.accept", data={"ticket": name}
			).raise_for_status()
		elapsed = time.perf_counter() - began
		print(
			f"REST intake (create + accept + submitted Sales Invoice): {args.intake / elapsed:.1f} tickets/s "
			f"({elapsed / args.intake * 1000:.0f} ms each)"
		)
		explain(frappe)
	finally:
		cleanup(frappe)
		frappe.destroy()


if __name__ == "__main__":
	main()
