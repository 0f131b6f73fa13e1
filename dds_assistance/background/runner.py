"""Work done outside web requests, shared by the scheduled jobs (``jobs/``) and the
controllers that hand work to the workers.

* :func:`for_each`: one transaction per document — a failure is rolled back and
  logged, the others go on; running it twice changes nothing more when the work
  selects its candidates from the current state.
* :func:`yield_to_requests`: the job's work horse runs at a lower priority than the
  web workers, so that a burst of background work does not slow the requests down.
* :func:`enqueue_resumable`: queue work whose state is kept in the database, once
  (one RQ job id per piece of work), so that ``jobs.recovery`` can queue it again
  after a crash.
"""

import os

import frappe

# background work yields the processor to the web workers' requests (a client waiting
# on a page, an agent on an acceptance): its work horse runs at this niceness
NICENESS = 10


def for_each(items, work, title: str) -> list:
	"""Run ``work(item)`` for each item, committed on its own; a failure is rolled
	back and logged under ``title`` (``{0}``: the item) and the others go on.
	Returns what each successful ``work`` returned that is not None/False."""
	done = []
	yield_to_requests()
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


def job_id(method: str, **kwargs) -> str:
	"""The one RQ job id of a piece of work: the same work is never queued twice."""
	return "::".join(["dds", method.rsplit(".", 1)[-1], *(f"{k}={v}" for k, v in sorted(kwargs.items()))])


def enqueue_resumable(method: str, queue: str = "long", after_commit: bool = True, **kwargs):
	"""Queue a piece of work whose state is kept in the database (so
	``jobs.recovery`` can queue it again if the job is lost): once this transaction
	is committed, under one job id — not queued again while it waits or runs."""
	return frappe.enqueue(
		method,
		queue=queue,
		enqueue_after_commit=after_commit,
		job_id=job_id(method, **kwargs),
		deduplicate=True,
		**kwargs,
	)


def yield_to_requests() -> None:
	"""Lower the priority of the work horse running this job: RQ forks one per job,
	so the worker itself keeps its priority, and so does work run inline (a test, a
	console, a request)."""
	from rq import get_current_job

	if get_current_job() is not None and os.nice(0) < NICENESS:
		os.nice(NICENESS - os.nice(0))
