"""Scheduled work (``hooks.scheduler_events``): one module per job.

Every job selects its candidates from the current state — so running it twice,
or twice at once, changes nothing more — and works on each document in a
transaction of its own through :func:`for_each`.
"""

import frappe


def for_each(items, work, title: str) -> list:
	"""Run ``work(item)`` for each item, committed on its own; a failure is rolled
	back and logged under ``title`` (``{0}``: the item) and the others go on.
	Returns what each successful ``work`` returned that is not None/False."""
	done = []
	frappe.db.commit()  # each item is then read in its own transaction, after its lock
	for item in items:
		try:
			result = work(item)
			frappe.db.commit()
		except Exception:
			frappe.db.rollback()
			frappe.log_error(title=title.format(getattr(item, "name", item)))
			continue
		if result is not None and result is not False:
			done.append(result)
	return done
