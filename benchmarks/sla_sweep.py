"""First-response SLA sweep benchmark (R-TKT-9) on the bench's MariaDB.

Seeds N open tickets with bulk inserts (default 100 000), due times spread over
the coming weeks, and a known number whose warning or due time has just passed;
then times the sweep twice at the same instant and prints:
- seconds per run (target < 1 s),
- rows written per run (must equal the rows whose state changed: then 0),
- the EXPLAIN of the sweep's queries (which index serves them).
The seeded rows are removed at the end.

    cd ~/frappe-bench/sites && ../env/bin/python /path/to/app/benchmarks/sla_sweep.py --site SITE
"""

import argparse
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _seed import bulk_insert, connect  # noqa: E402

PREFIX = "BENCH-SLA-"


def seed(frappe, count: int, now: datetime, warn: int, breach: int) -> None:
	fields = [
		"naming_series",
		"subject",
		"status",
		"channel",
		"received_at",
		"response_due",
		"response_warn_at",
		"sla_status",
		"coverage",
	]
	rows = []
	for i in range(count):
		if i < breach:  # due a minute ago, still On Track or At Risk
			due, state = now - timedelta(minutes=1), ("On Track", "At Risk")[i % 2]
		elif i < breach + warn:  # warning time just passed
			due, state = now + timedelta(minutes=30), "On Track"
		else:  # the rest: due over the next four weeks, or already settled
			due = now + timedelta(minutes=90 + (i * 37) % (28 * 24 * 60))
			state = ("On Track", "On Track", "On Track", "Met", "Breached")[i % 5]
		warn_at = due - timedelta(hours=1) if i >= breach + warn else now - timedelta(minutes=1)
		if i < breach:
			warn_at = due - timedelta(hours=1)
		rows.append(
			(
				f"{PREFIX}{i:06d}",
				"TKT-.YYYY.-",
				f"Benchmark ticket {i}",
				("New", "Awaiting Payment", "Open", "In Progress")[i % 4],
				"Phone",
				due - timedelta(hours=4),
				due,
				warn_at,
				state,
				"On-demand",
			)
		)
	bulk_insert(frappe, "Assistance Ticket", fields, rows, now)
	frappe.db.commit()


def cleanup(frappe) -> None:
	frappe.db.sql("delete from `tabAssistance Ticket` where name like %s", (PREFIX + "%",))
	frappe.db.sql("delete from `tabNotification Log` where document_name like %s", (PREFIX + "%",))
	frappe.db.commit()


def main():
	parser = argparse.ArgumentParser(description="SLA sweep benchmark")
	parser.add_argument("--site", required=True)
	parser.add_argument("--sites-path", default=".")
	parser.add_argument("--tickets", type=int, default=100_000)
	parser.add_argument("--warn", type=int, default=200, help="tickets whose warning time just passed")
	parser.add_argument("--breach", type=int, default=100, help="tickets whose due time just passed")
	args = parser.parse_args()

	frappe = connect(args.site, args.sites_path)
	from dds_assistance.jobs.sla import PLAN, pending, sweep_response_sla

	try:
		cleanup(frappe)
		now = datetime(2030, 6, 12, 10, 0)  # far from any real ticket of the site
		began = time.perf_counter()
		seed(frappe, args.tickets, now, args.warn, args.breach)
		print(
			f"seeded {args.tickets:,} open tickets in {time.perf_counter() - began:.1f} s "
			f"({args.breach} just breached, {args.warn} just at risk)"
		)
		open_count = frappe.db.sql(
			"select count(*) from `tabAssistance Ticket` where sla_status in ('On Track', 'At Risk')"
		)[0][0]
		print(f"tickets the sweep must consider (On Track / At Risk): {open_count:,}")

		for run in (1, 2):
			began = time.perf_counter()
			changed = sweep_response_sla(now)
			elapsed = time.perf_counter() - began
			written = len(changed["Breached"]) + len(changed["At Risk"])
			seeded = sum(1 for names in changed.values() for name in names if name.startswith(PREFIX))
			verdict = "met" if elapsed < 1 else "NOT met"
			print(
				f"run {run}: {elapsed:.3f} s (target < 1 s: {verdict}; notifications queued for a worker); rows written {written:,} "
				f"(breached {len(changed['Breached']):,}, at risk {len(changed['At Risk']):,}; "
				f"{seeded:,} of them seeded, the rest the site's own overdue tickets)"
			)
		expected = args.breach + args.warn
		print(f"expected rows written on run 1: {expected:,}; on run 2: 0")

		print("\nEXPLAIN of the sweep's queries:")
		for _state, column, states in PLAN:
			plan = frappe.db.sql("explain " + pending(column, states, now).get_sql(), as_dict=True)
			for row in plan:
				print(
					f"  {column:<17} type={row.get('type')} key={row.get('key')} rows={row.get('rows')} "
					f"extra={row.get('Extra')}"
				)
	finally:
		cleanup(frappe)
		frappe.destroy()


if __name__ == "__main__":
	main()
