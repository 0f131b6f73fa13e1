"""Business-time engine benchmark (issue: foundation).

Prints deadlines per second of ``add_business_hours`` for 1, 4, 24 and 1000
business hours on the French calendar (the cost must stay flat as the span
grows), then — when ERPNext is importable (run it with the bench's Python and a
site) — the same deadlines computed by ERPNext's own SLA function
``get_expected_time_for`` on a one-window-per-day calendar, the speed ratio, and
whether both give the same deadlines.

    python benchmarks/business_time.py
    cd ~/frappe-bench/sites && ../env/bin/python /path/to/app/benchmarks/business_time.py --site SITE

This is a benchmark, not a test: it prints figures and the targets they meet.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dds_assistance.core.business_time import (  # noqa: E402
	FRENCH_WINDOWS,
	BusinessCalendar,
	french_business_calendar,
	french_public_holidays,
)

SPANS = (1, 4, 24, 1000)
ONE_WINDOW = [(day, "09:00", "17:30") for day in range(5)]
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


def random_starts(count: int, seed: int = 15) -> list[datetime]:
	rng = random.Random(seed)
	base = datetime(2026, 1, 1)
	return [base + timedelta(minutes=rng.randrange(0, 365 * 24 * 60)) for _ in range(count)]


def rate(func, starts, hours) -> tuple[float, list]:
	results = []
	began = time.perf_counter()
	for start in starts:
		results.append(func(start, hours))
	elapsed = time.perf_counter() - began
	return len(starts) / elapsed, results


# a year with planned interruptions (R-AVAIL-2): a half day each month, a three-day closure
INTERRUPTIONS = [(datetime(2026, m, 10, 14, 0), datetime(2026, m, 10, 17, 30)) for m in range(1, 13)] + [
	(datetime(2026, 8, 3, 9, 0), datetime(2026, 8, 5, 17, 30))
]


def bench_core(count: int, cal=None, label: str = "French calendar (2 windows a day)") -> dict[int, float]:
	cal = cal or french_business_calendar()
	starts = random_starts(count)
	cal.add_business_hours(starts[0], 1)  # warm the holiday cache
	print(f"dds_assistance core, {label}, {count} random starts in 2026")
	print(f"{'business hours':>15} {'deadlines/s':>14} {'µs/deadline':>12}")
	rates = {}
	for hours in SPANS:
		per_second, _ = rate(cal.add_business_hours, starts, hours)
		rates[hours] = per_second
		print(f"{hours:>15} {per_second:>14,.0f} {1e6 / per_second:>12.1f}")
	flat = rates[1] / rates[1000]
	print(f"cost of 1000 bh / cost of 1 bh: {flat:.2f}  (target < 2: {'met' if flat < 2 else 'NOT met'})")
	return rates


def bench_against_erpnext(site: str, sites_path: str, count: int) -> None:
	from _seed import connect

	frappe = connect(site, sites_path)
	try:
		from erpnext.support.doctype.service_level_agreement.service_level_agreement import (
			get_expected_time_for,
		)

		holiday_list = frappe.db.get_single_value("Assistance Settings", "holiday_list")
		if not holiday_list:
			print("\nNo Holiday List in Assistance Settings: install the app on the site first.")
			return
		holidays = frappe.get_all("Holiday", filters={"parent": holiday_list}, pluck="holiday_date")
		ours = BusinessCalendar(ONE_WINDOW, holidays, "Europe/Paris")
		support = [
			frappe._dict(workday=day, start_time=timedelta(hours=9), end_time=timedelta(hours=17, minutes=30))
			for day in WEEKDAYS
		]
		last_covered = max(holidays)
		starts = [s for s in random_starts(count, seed=7) if s.date() < date(last_covered.year, 1, 1)]

		print(
			f"\nAgainst ERPNext {frappe.get_attr('erpnext.__version__')} get_expected_time_for, "
			f"one window a day (Mon–Fri 09:00–17:30), Holiday List {holiday_list!r}, {len(starts)} starts"
		)
		print(f"{'business hours':>15} {'ours/s':>12} {'ERPNext/s':>12} {'ratio':>8} {'same deadlines':>16}")
		ratios = {}
		for hours in SPANS:
			level = frappe._dict(
				support_and_resolution=support, holiday_list=holiday_list, response_time=hours * 3600
			)
			sample = starts if hours < 1000 else starts[: max(200, len(starts) // 5)]
			ours_rate, ours_due = rate(ours.add_business_hours, sample, hours)
			erp_rate, erp_due = rate(lambda s, h: get_expected_time_for("response", level, s), sample, hours)
			same = sum(1 for a, b in zip(ours_due, erp_due, strict=True) if a == b)
			ratios[hours] = ours_rate / erp_rate
			print(
				f"{hours:>15} {ours_rate:>12,.0f} {erp_rate:>12,.0f} {ours_rate / erp_rate:>7.0f}× "
				f"{same:>7}/{len(sample)}"
			)
		for hours, target in ((24, 10), (1000, 100)):
			verdict = "met" if ratios[hours] >= target else "NOT met"
			print(f"speed ratio at {hours} bh: {ratios[hours]:.0f}× (target ≥ {target}×: {verdict})")
	finally:
		frappe.destroy()


def main():
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--count", type=int, default=20000, help="random starts per span")
	parser.add_argument("--site", help="a site with ERPNext and this app, to compare with ERPNext")
	parser.add_argument("--sites-path", default=".", help="the bench's sites folder")
	args = parser.parse_args()
	bench_core(args.count)
	print()
	with_interruptions = BusinessCalendar(
		FRENCH_WINDOWS, french_public_holidays, "Europe/Paris", closures=INTERRUPTIONS
	)
	bench_core(
		args.count, with_interruptions, f"French calendar with {len(INTERRUPTIONS)} planned interruptions"
	)
	if args.site:
		bench_against_erpnext(args.site, args.sites_path, min(args.count, 5000))
	else:
		print("\n(ERPNext comparison skipped: pass --site from the bench's sites folder.)")


if __name__ == "__main__":
	main()
