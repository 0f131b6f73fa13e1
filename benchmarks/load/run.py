"""A support morning on the stack production runs, with its faults.

Seeds 50 clients with portal accounts (half of them Premium, due for renewal
today), 5 agents, the remote sessions awaiting consent, 100 more Premium plans
due for renewal and a ticket whose first response falls due a minute into the
run; waits until the workers have made the Factur-X of the first-term invoices
it made (yesterday's work, done before the morning); then, while locust plays 50
portal clients and 5 agents (``locustfile.py``) through nginx, against the site
``dev/serve-production-like`` serves (bench's supervisor and nginx configurations):

1. the daily subscription job is started and its RQ worker killed with SIGKILL
   in the middle of it: the worker and its work horse must be gone, and supervisor
   must have started a new worker, registered in the queue's Redis;
2. MariaDB is restarted the way this machine does it (``service mariadb stop``,
   then ``start``) while the portal is probed every 0.2 s: it must have stopped
   answering (``mysqladmin ping`` fails) and answer again; each page must be the page
   or nginx's French "try again" page, each call its JSON or the French JSON — never
   a traceback or a bare error page. Other benches' sites on the same MariaDB would
   lose their connections: it waits until no other database is in use (at most
   ``--quiet-wait`` seconds), else the run fails, unless ``--restart-shared-mariadb``;
3. an interruption is announced and the queue's Redis is killed and restarted
   empty before its notices are all sent: it must be gone, then a new one answer;
4. the real scheduler must mark and notify the SLA breach within 5 minutes, once.

A fault that did not happen, or whose recovery did not, fails the run (exit 1).
After the load it waits for the recovery, checks what must hold (every 2xx
creation has its row, one invoice per accepted on-demand ticket and per Premium
term, one notice per client, one breach notification, nothing left pending or
queued), prints the figures — with issue 28's targets: the accept's p95, the time
from an invoice's submit to its Factur-X attached by a worker, and after the
recovery no invoice without its Factur-X or with two — and removes what it made
(unless ``--keep``).

The users arrive one a second, as a morning's do (55 logins in the same few seconds
would measure a crowd at the door, not the desk at work); the latencies printed are
those of the full load, from the last arrival to the end (locust's ``--reset-stats``),
while every answer of the run, arrivals included, counts for the errors.

    dev/serve-production-like start --site <site>
    cd ~/frappe-bench/sites && ../env/bin/python <app>/benchmarks/load/run.py --site <site> \\
        [--url http://127.0.0.1:<the site's nginx port>] [--minutes 10] [--keep]
    dev/serve-production-like stop

Locust runs from the project's environment (``pip install -e ".[load]"``). Root: it
stops and starts MariaDB with ``service``.
"""

import argparse
import csv
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE.parent))

from _seed import connect, remove_invoices  # noqa: E402

PREFIX = "LOAD Client "
RENEWAL_PREFIX = "LOAD Renewal "
PASSWORD = "Charge-Test-2026"
SLA_CLIENT = "LOAD SLA Client"  # not under PREFIX: the agents of the load do not answer it
INTERRUPTION_MESSAGE = "Mise à jour du serveur de l'assistance (test de charge)."
CLIENTS, AGENTS, RENEWALS = 50, 5, 100
SPAWN_RATE = 1  # users arriving per second
SUBSCRIPTION_JOB = "dds_assistance.jobs.subscriptions.process_all"
OUTPUT = HERE / "output"
SERVE = ROOT / "dev" / "serve-production-like"


def log(message: str) -> None:
	print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- the data --------------------------------------------------------------------------


def seed(frappe) -> dict:
	from frappe.utils import add_days, add_years, now_datetime, nowdate
	from freezegun import freeze_time

	from dds_assistance.samples.records import ensure_customer
	from dds_assistance.samples.testing import ensure_assistance_setup, ensure_plan_item, ensure_staff_user

	ensure_assistance_setup()
	today = nowdate()
	plan_item = ensure_plan_item()
	technician = ensure_staff_user("load.tech@example.com", ["Assistance Technician"])
	# the support manager the first-response notifications go to (R-TKT-9)
	ensure_staff_user("load.manager@example.com", ["Assistance Manager"])
	accounts = {"password": PASSWORD, "prefix": PREFIX, "clients": [], "agents": []}

	def set_password(user: str):
		doc = frappe.get_doc("User", user)
		doc.new_password = PASSWORD
		doc.language = "fr"
		doc.save(ignore_permissions=True)

	def premium(customer: str):
		"""A plan whose anniversary is today, made yesterday: its first term is invoiced,
		the renewal is the daily job's work of today."""
		if not frappe.db.exists("Premium Subscription", {"customer": customer}):
			with freeze_time(add_days(today, -1)):
				frappe.get_doc(
					{
						"doctype": "Premium Subscription",
						"customer": customer,
						"start_date": add_years(today, -1),
						"item": plan_item,
						"annual_price": 1188,
						"licence_valid_until": add_days(today, 300),
					}
				).insert(ignore_permissions=True)

	for i in range(1, CLIENTS + 1):
		name, email = f"{PREFIX}{i:02d}", f"load.client{i:02d}@example.com"
		ensure_customer(name, f"C-LD{i:02d}", email)
		set_password(email)
		if i % 2 == 0:
			premium(name)
		tickets, sessions = [], []
		for n in range(2):
			ticket = frappe.db.get_value("Assistance Ticket", {"customer": name, "subject": f"Charge {n}"})
			if not ticket:
				ticket = (
					frappe.get_doc(
						{
							"doctype": "Assistance Ticket",
							"subject": f"Charge {n}",
							"customer": name,
							"channel": "Phone",
							"serial_no": f"SN-LD{i:02d}",
							"equipment_reference": "exocad DentalCAD 3.2",
							"description": "Le module de modélisation se ferme à l'ouverture du projet.",
						}
					)
					.insert(ignore_permissions=True)
					.name
				)
			tickets.append(ticket)
		if i % 2 == 0 and frappe.db.get_value("Assistance Ticket", tickets[0], "status") == "Open":
			session = frappe.db.get_value("Remote Session", {"ticket": tickets[0], "status": "Requested"})
			if not session:
				session = (
					frappe.get_doc(
						{
							"doctype": "Remote Session",
							"ticket": tickets[0],
							"technician": technician,
							"purpose": "Réinstaller le module",
							"tool": "RustDesk",
							"requested_minutes": 30,
						}
					)
					.insert(ignore_permissions=True)
					.name
				)
			sessions.append(session)
		accounts["clients"].append(
			{"user": email, "serial_no": f"SN-LD{i:02d}", "tickets": tickets, "sessions": sessions}
		)
		frappe.db.commit()
	for i in range(1, AGENTS + 1):
		user = ensure_staff_user(f"load.agent{i}@example.com", ["Assistance Agent"])
		set_password(user)
		accounts["agents"].append({"user": user})
	for i in range(1, RENEWALS + 1):
		name = f"{RENEWAL_PREFIX}{i:03d}"
		ensure_customer(name, f"C-LR{i:03d}")
		premium(name)
		frappe.db.commit()

	# the first response of this ticket falls due a minute into the run
	ensure_customer(SLA_CLIENT, "C-LDSLA")
	premium(SLA_CLIENT)
	sla_ticket = frappe.db.get_value("Assistance Ticket", {"customer": SLA_CLIENT, "subject": "Charge SLA"})
	if not sla_ticket:
		sla_ticket = (
			frappe.get_doc(
				{
					"doctype": "Assistance Ticket",
					"subject": "Charge SLA",
					"customer": SLA_CLIENT,
					"channel": "Phone",
					"serial_no": "SN-LDSLA",
					"equipment_reference": "exocad DentalCAD 3.2",
					"description": "La licence n'est plus reconnue après la mise à jour.",
				}
			)
			.insert(ignore_permissions=True)
			.name
		)
	due = now_datetime() + timedelta(seconds=60)
	# recorded as a manager's extension would be (R-TKT-10): a due time so set stands
	# when the calendar changes during the run (a daily job extending the Holiday List,
	# the interruption announced) — a recomputation would put the real one back
	frappe.db.delete("Assistance SLA Extension", {"parent": sla_ticket, "parenttype": "Assistance Ticket"})
	frappe.get_doc(
		{
			"doctype": "Assistance SLA Extension",
			"parent": sla_ticket,
			"parenttype": "Assistance Ticket",
			"parentfield": "sla_extensions",
			"idx": 1,
			"previous_due": frappe.db.get_value("Assistance Ticket", sla_ticket, "response_due"),
			"new_due": due,
			"reason": "Exceptional circumstances",
			"note": "Load benchmark: the first response falls due a minute into the run.",
			"extended_by": "Administrator",
			"extended_on": now_datetime(),
		}
	).db_insert()
	frappe.db.set_value(
		"Assistance Ticket",
		sla_ticket,
		{
			"response_due": due,
			"response_warn_at": due,
			"sla_status": "On Track",
			"first_responded_on": None,
			"sla_notify_pending": 0,
		},
		update_modified=False,
	)
	# the portal writes of a morning are not refused by the per-account limit
	accounts["writes_per_hour"] = frappe.db.get_single_value("Assistance Settings", "portal_writes_per_hour")
	frappe.db.set_single_value("Assistance Settings", "portal_writes_per_hour", 0)
	frappe.db.commit()
	accounts["sla"] = {"ticket": sla_ticket, "due": due.isoformat()}
	return accounts


def load_customers(frappe) -> list[str]:
	return frappe.get_all(
		"Customer",
		filters={"name": ("like", "LOAD %")},
		pluck="name",
	)


# --- faults ----------------------------------------------------------------------------


def supervise(bench: Path, site: str, port: int) -> str:
	"""``dev/serve-production-like start``: what is down started again (Redis, which
	bench's supervisor does not run here, and any program supervisor gave up on)."""
	result = subprocess.run(
		[str(SERVE), "start", "--site", site, "--bench", str(bench), "--port", str(port)],
		capture_output=True,
		text=True,
	)
	if result.returncode:
		raise FaultFailed(
			f"dev/serve-production-like start failed: {(result.stderr or result.stdout)[-300:]}"
		)
	restarted = [
		line for line in result.stdout.splitlines() if line.startswith(("-- starting", "-- restarting"))
	]
	return "; ".join(line[3:] for line in restarted) or "nothing to restart"


class FaultFailed(Exception):
	"""A fault that did not happen, or whose recovery did not."""


def wait_for(condition, seconds: float, what: str):
	deadline = time.time() + seconds
	while time.time() < deadline:
		value = condition()
		if value:
			return value
		time.sleep(0.25)
	raise FaultFailed(f"{what}: not within {seconds:g} s")


def alive(pid: int) -> bool:
	try:
		os.kill(pid, 0)
	except ProcessLookupError:
		return False
	# a zombie is gone too
	try:
		return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
	except (FileNotFoundError, IndexError):
		return False


def registered_workers(redis) -> dict[int, str]:
	"""PID -> queues of the RQ workers registered in the queue's Redis."""
	workers = {}
	for key in redis.smembers("rq:workers"):
		worker = redis.hgetall(key)
		if worker.get(b"pid"):
			workers[int(worker[b"pid"])] = (worker.get(b"queues") or b"").decode()
	return workers


def kill_worker_mid_job(frappe, site: str, port: int, result: dict) -> None:
	from frappe.utils.background_jobs import get_redis_conn

	job_type = frappe.db.get_value("Scheduled Job Type", {"method": SUBSCRIPTION_JOB})
	frappe.get_doc("Scheduled Job Type", job_type).enqueue(force=True)
	frappe.db.commit()
	redis = get_redis_conn()
	pid = None
	for _ in range(600):  # up to 5 minutes: the workers may be busy with other jobs
		for key in redis.smembers("rq:workers"):
			worker = redis.hgetall(key)
			job = (worker.get(b"current_job") or b"").decode()
			if job and SUBSCRIPTION_JOB in (redis.hget(f"rq:job:{job}", "description") or b"").decode():
				pid = int(worker[b"pid"])
		if pid:
			break
		time.sleep(0.5)
	if not pid:
		raise FaultFailed("the subscription job was never seen running")
	# in the middle of it: some renewals made, others not
	made = wait_for(lambda: count_renewals(frappe), 120, "the subscription job's first renewal invoice")
	queues = registered_workers(redis).get(pid, "")
	# the work horse runs the job in a session of its own: killed by its PID, with the worker
	horses = [
		int(h)
		for h in subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
	]
	for victim in [*horses, pid]:
		os.kill(victim, signal.SIGKILL)
	log(
		f"fault 1: SIGKILL to worker {pid} and its work horse {' '.join(map(str, horses))} after {made} renewal invoices"
	)
	wait_for(lambda: not any(alive(p) for p in [*horses, pid]), 10, f"worker {pid} and its work horse gone")
	# supervisor (autorestart) starts a new worker for the same queues, which registers
	new = wait_for(
		lambda: [p for p, q in registered_workers(redis).items() if q == queues and p != pid and alive(p)],
		60,
		f"a new worker for {queues} registered",
	)
	result["worker kill"] = (
		f"killed after {made} renewals: worker {pid} and its work horse gone; supervisor's new worker "
		f"{new[0]} registered for {queues}"
	)


def count_renewals(frappe) -> int:
	frappe.db.commit()  # a fresh snapshot
	# terms are counted from 0: the renewal invoices the first year's successor, term 1
	return frappe.db.count(
		"Sales Invoice", {"dds_subscription_term": 1, "docstatus": ("<", 2), "customer": ("like", "LOAD %")}
	)


def mariadb_answers() -> bool:
	"""Whether MariaDB answers on loopback (even "access denied" is an answer)."""
	ping = subprocess.run(
		["mysqladmin", "--protocol=tcp", "-h", "127.0.0.1", "--connect-timeout=2", "ping"],
		capture_output=True,
	)
	return ping.returncode == 0


def other_databases_in_use(bench: Path) -> set[str]:
	"""The databases other than this bench's sites' with a connection open (another
	bench at work), as MariaDB's root sees them through its socket."""
	ours = set()
	for conf in (bench / "sites").glob("*/site_config.json"):
		ours.add(json.loads(conf.read_text()).get("db_name"))
	answer = subprocess.run(
		[
			"mysql",
			"--protocol=socket",
			"-uroot",
			"-N",
			"-e",
			"select distinct db from information_schema.processlist",
		],
		capture_output=True,
		text=True,
	)
	if answer.returncode:
		raise FaultFailed(f"cannot see MariaDB's connections: {answer.stderr.strip()[-200:]}")
	return {db for db in answer.stdout.split() if db not in ours | {"NULL", "information_schema", "mysql"}}


def restart_mariadb(url: str, bench: Path, session: requests.Session, result: dict, args) -> None:
	others = other_databases_in_use(bench)
	if others and not args.restart_shared_mariadb:
		log(f"fault 2: waiting for other benches to leave MariaDB ({len(others)} databases in use)")
		try:
			wait_for(
				lambda: not other_databases_in_use(bench), args.quiet_wait, "MariaDB free of other benches"
			)
		except FaultFailed as error:
			raise FaultFailed(
				f"{error}: MariaDB not restarted (--restart-shared-mariadb to do it anyway)"
			) from None
	answers, probing_done = [], threading.Event()

	def probe():
		while not probing_done.is_set():
			for path in ("/assistance", "/api/method/dds_assistance.api.portal.my_requests"):
				try:
					answer = session.get(url + path, timeout=10)
					answers.append(
						(path, answer.status_code, answer.headers.get("Retry-After"), answer.content)
					)
				except requests.RequestException as error:
					answers.append((path, 0, None, str(error).encode()))
			time.sleep(0.2)

	thread = threading.Thread(target=probe)
	thread.start()
	time.sleep(1)
	log("fault 2: MariaDB restart (service mariadb stop, then start)")
	started = time.time()
	try:
		subprocess.run(["service", "mariadb", "stop"], capture_output=True, text=True, check=True)
		wait_for(lambda: not mariadb_answers(), 30, "MariaDB stopped (mysqladmin ping fails)")
		down = time.time()
		time.sleep(2)  # down long enough for the probes to meet it
		subprocess.run(["service", "mariadb", "start"], capture_output=True, text=True, check=True)
		wait_for(mariadb_answers, 60, "MariaDB answering again")
		back = time.time()
	except subprocess.CalledProcessError as error:
		raise FaultFailed(
			f"service mariadb {error.cmd[-1]}: {(error.stderr or error.stdout)[-200:]}"
		) from None
	finally:
		time.sleep(3)
		probing_done.set()
		thread.join()
		result["_db_window"] = (started - 1, time.time() + 1)
	statuses = {}
	for _path, status, *_ in answers:
		statuses[status] = statuses.get(status, 0) + 1
	page = (ROOT / "dds_assistance" / "public" / "unavailable" / "fr.html").read_bytes()
	data = (ROOT / "dds_assistance" / "public" / "unavailable" / "fr.json").read_bytes()

	def expected(path, status, retry_after, body):
		if status == 200:
			return True
		return status == 503 and retry_after == "30" and body == (data if path.startswith("/api/") else page)

	unexpected = [
		(path, status, body[:120])
		for path, status, retry, body in answers
		if not expected(path, status, retry, body)
	]
	try_again = sum(1 for _path, status, *_ in answers if status == 503)
	result["database restart"] = (
		f"down after {down - started:.1f} s (mysqladmin ping fails), answering again {back - started:.1f} s after "
		f"the stop; {len(answers)} probes, statuses {dict(sorted(statuses.items()))}; the French 'try again' "
		f"(page or JSON, Retry-After): {try_again}; anything else: {len(unexpected)}"
	)
	if not try_again:
		raise FaultFailed("no probe met the restart: no 'try again' answer")
	if unexpected:
		raise FaultFailed(
			f"answers during the restart that are neither the page nor 'try again': {unexpected[:3]}"
		)


def restart_queue_redis(frappe, bench: Path, site: str, port: int, result: dict) -> None:
	from frappe.utils import add_days, get_datetime, nowdate

	from dds_assistance.samples.testing import ensure_assistance_setup

	ensure_assistance_setup()
	day = add_days(nowdate(), 40)
	doc = frappe.get_doc(
		{
			"doctype": "Planned Interruption",
			"reason": "Maintenance",
			"starts_at": get_datetime(f"{day} 09:00:00"),
			"ends_at": get_datetime(f"{day} 10:00:00"),
			"message": INTERRUPTION_MESSAGE,
		}
	).insert(ignore_permissions=True)
	doc.announce()
	frappe.db.commit()
	result["_clients_to_tell"] = len(doc.clients_to_tell("Announcement"))
	result["_interruption"] = doc.name
	port_queue = _redis_port(bench, "queue")
	old = _redis_pid(port_queue)
	log(
		f"fault 3: interruption {doc.name} announced; the queue's Redis (pid {old}) killed (no save) and restarted"
	)
	subprocess.run(["redis-cli", "-p", port_queue, "shutdown", "nosave"], capture_output=True)
	wait_for(lambda: not alive(old), 10, f"the queue's Redis (pid {old}) gone")
	time.sleep(2)
	restarted = supervise(bench, site, port)
	new = wait_for(lambda: _redis_pid(port_queue), 30, "a new queue Redis answering")
	if new == old:
		raise FaultFailed(f"the queue's Redis still has pid {old}")
	result["queue restart"] = (
		f"interruption {doc.name} announced; Redis {old} gone, {new} answering; restarted: {restarted}"
	)


def _redis_pid(port: str) -> int | None:
	"""The PID of the Redis server answering on ``port`` (None when none answers)."""
	answer = subprocess.run(["redis-cli", "-p", port, "info", "server"], capture_output=True, text=True)
	found = re.search(r"^process_id:(\d+)", answer.stdout, re.M)
	return int(found.group(1)) if found else None


def _redis_port(bench: Path, which: str) -> str:
	for line in (bench / "config" / f"redis_{which}.conf").read_text().splitlines():
		if line.startswith("port "):
			return line.split()[1]
	raise RuntimeError(f"no port in redis_{which}.conf")


# --- after the load --------------------------------------------------------------------


def wait_for_recovery(frappe, minutes: int) -> dict:
	"""Until nothing the app records as unfinished is left, and the queues are empty."""
	from frappe.utils.background_jobs import get_queue, get_queue_list

	deadline = time.time() + minutes * 60
	while True:
		frappe.db.commit()
		left = {
			"calendar changes pending": frappe.db.count("Assistance Calendar Change", {"status": "Pending"}),
			"interruptions with notices pending": frappe.db.count(
				"Planned Interruption", {"notices_pending": ("is", "set")}
			),
			"SLA notifications pending": frappe.db.count("Assistance Ticket", {"sla_notify_pending": 1}),
			"app scheduled jobs left started": len(_started_job_types(frappe)),
			"renewals missing": RENEWALS + CLIENTS // 2 + 1 - count_renewals(frappe),
			"Factur-X pending": facturx_pending(frappe),
			"jobs queued or running": sum(
				get_queue(q).count + len(get_queue(q).started_job_registry.get_job_ids())
				for q in get_queue_list()
			),
		}
		if not any(left.values()) or time.time() > deadline:
			return left
		log(f"waiting for the recovery: {', '.join(f'{k} {v}' for k, v in left.items() if v)}")
		time.sleep(20)


def _started_job_types(frappe) -> list[str]:
	names = []
	for job_type in frappe.get_all(
		"Scheduled Job Type", filters={"method": ("like", "dds_assistance.%")}, pluck="name"
	):
		last = frappe.get_all(
			"Scheduled Job Log",
			filters={"scheduled_job_type": job_type},
			fields=["status"],
			order_by="creation desc",
			limit=1,
		)
		if last and last[0].status == "Start":
			names.append(job_type)
	return names


def check(frappe, accounts: dict, created: list[dict], result: dict, since) -> dict:
	"""What must hold after the load and the faults."""
	from frappe.utils import get_datetime

	customers = load_customers(frappe)
	found = (
		set(
			frappe.get_all(
				"Assistance Ticket", filters={"name": ("in", [c["name"] for c in created])}, pluck="name"
			)
		)
		if created
		else set()
	)
	invoices = frappe.db.sql(
		"""select dds_assistance_ticket, count(*) from `tabSales Invoice`
		where docstatus < 2 and is_return = 0 and ifnull(dds_assistance_ticket, '') != ''
		and customer like 'LOAD %%' group by dds_assistance_ticket"""
	)
	per_ticket = dict(invoices)
	sold = frappe.get_all(
		"Assistance Ticket",
		filters={
			"customer": ("in", customers),
			"coverage": "On-demand",
			"accepted_on": (">=", since),  # sold during this run
			"status": (
				"in",
				["Awaiting Payment", "Open", "In Progress", "Waiting on Client", "Resolved", "Closed"],
			),
		},
		pluck="name",
	)
	terms = frappe.db.sql(
		"""select dds_premium_subscription, dds_subscription_term, count(*) from `tabSales Invoice`
		where docstatus < 2 and is_return = 0 and ifnull(dds_premium_subscription, '') != ''
		and customer like 'LOAD %%' group by dds_premium_subscription, dds_subscription_term"""
	)
	notices = frappe.db.sql(
		"""select customer, kind, count(*) from `tabInterruption Notice` where interruption = %s
		group by customer, kind""",
		result.get("_interruption"),
	)
	sla = accounts["sla"]
	ticket = frappe.db.get_value(
		"Assistance Ticket", sla["ticket"], ["sla_status", "sla_notify_pending"], as_dict=True
	)
	mails = frappe.get_all(
		"Email Queue",
		filters={
			"reference_doctype": "Assistance Ticket",
			"reference_name": sla["ticket"],
			"creation": (">", sla["due"]),
		},
		fields=["creation"],
		order_by="creation",
	)
	delay = (get_datetime(mails[0].creation) - get_datetime(sla["due"])).total_seconds() if mails else None
	return {
		"requests created (2xx)": len(created),
		"  of which missing in the database": len(created) - len(found),
		"on-demand tickets sold": len(sold),
		"  without an invoice": sum(1 for t in sold if not per_ticket.get(t)),
		"  with more than one": sum(1 for t in sold if per_ticket.get(t, 0) > 1),
		"Premium terms invoiced": len(terms),
		"  invoiced more than once": sum(1 for *_, n in terms if n > 1),
		"renewal invoices (term 1, the second year)": count_renewals(frappe),
		"interruption notices": f"{sum(n for *_, n in notices)} for {result.get('_clients_to_tell')} clients to tell",
		"  duplicated": sum(1 for *_, n in notices if n > 1),
		"SLA ticket": f"{ticket.sla_status}, {len(mails)} notification(s), "
		+ (f"the first {delay:.0f} s after the due time" if delay is not None else "none"),
		"_sla_breached_and_notified_once": ticket.sla_status == "Breached" and len(mails) == 1,
	}


# what must hold, else the run fails: nothing lost, nothing twice, the breach notified once
MUST_BE_ZERO = (
	"  of which missing in the database",
	"  without an invoice",
	"  with more than one",
	"  invoiced more than once",
	"  duplicated",
)


# --- the Factur-X out of the request (issue 28) -----------------------------------------

FACTURX_TARGET_S = 60  # p95 from submit to the attached Factur-X, under the load
ACCEPT_TARGET_MS = 400  # p95 of an agent's accept


def facturx_pending(frappe) -> int:
	"""The load's invoices whose Factur-X a worker has still to make."""
	if not frappe.get_meta("Sales Invoice").has_field("dds_facturx_pending"):
		return 0
	return frappe.db.count(
		"Sales Invoice", {"dds_facturx_pending": 1, "docstatus": 1, "customer": ("like", "LOAD %")}
	)


def facturx_figures(frappe, since) -> dict:
	"""Per invoice of the load submitted since ``since`` (ticket and Premium invoices,
	credit notes): the seconds from its submit (an invoice is inserted and submitted in
	one save) to its Factur-X File's creation; the invoices without one, and with two."""
	rows = frappe.db.sql(
		"""select si.name, timestampdiff(microsecond, si.creation, min(f.creation)) / 1e6, count(f.name),
			if(ifnull(si.dds_assistance_ticket, '') != '', 'ticket', 'renewal or credit note')
		from `tabSales Invoice` si
		left join `tabFile` f on f.attached_to_doctype = 'Sales Invoice' and f.attached_to_name = si.name
			and f.file_name like concat(si.name, '-facturx%%.pdf')
		where si.docstatus = 1 and si.customer like 'LOAD %%' and si.creation >= %s
			and (ifnull(si.dds_assistance_ticket, '') != '' or ifnull(si.dds_premium_subscription, '') != ''
				or si.is_return = 1)
		group by si.name""",
		since,
	)

	def delays_of(kind=None):
		return sorted(float(delay) for _name, delay, files, of in rows if files and kind in (None, of))

	def percentile(delays, share: float):
		return delays[min(len(delays) - 1, int(share * len(delays)))] if delays else None

	delays = delays_of()
	return {
		"invoices": len(rows),
		"p50": percentile(delays, 0.50),
		"p95": percentile(delays, 0.95),
		"max": delays[-1] if delays else None,
		"without": sum(1 for _name, _delay, files, _of in rows if not files),
		"with two or more": sum(1 for _name, _delay, files, _of in rows if files > 1),
		# a ticket's (the default queue: its client waits to pay) and the renewals' (the
		# long queue, where the daily job's burst waits)
		"by kind": {
			kind: (len(kind_delays), percentile(kind_delays, 0.5), percentile(kind_delays, 0.95))
			for kind in ("ticket", "renewal or credit note")
			for kind_delays in [delays_of(kind)]
		},
	}


def print_targets(figures: dict, facturx: dict) -> None:
	"""Issue 28's targets, met or not: the accept's p95; the Factur-X attached p95 after
	submit; after the recovery, no invoice without its Factur-X and none with two."""
	accept = figures.get("desk: accept") or {}
	p95 = float(accept["95%"]) if accept.get("95%") not in (None, "", "N/A") else None
	verdicts = [
		(
			f"acceptance p95 (target < {ACCEPT_TARGET_MS} ms)",
			f"{p95:.0f} ms" if p95 is not None else "no accept",
			p95 is not None and p95 < ACCEPT_TARGET_MS,
		),
		(
			f"Factur-X attached after submit, p95 (target < {FACTURX_TARGET_S} s)",
			f"{facturx['p95']:.1f} s (p50 {facturx['p50']:.1f} s, max {facturx['max']:.1f} s, {facturx['invoices']} invoices)"
			if facturx["p95"] is not None
			else "none attached",
			facturx["p95"] is not None and facturx["p95"] < FACTURX_TARGET_S,
		),
		(
			"invoices without their Factur-X after the recovery (target 0)",
			str(facturx["without"]),
			facturx["without"] == 0,
		),
		(
			"invoices with two Factur-X or more (target 0)",
			str(facturx["with two or more"]),
			facturx["with two or more"] == 0,
		),
	]
	print("\nissue 28's targets:")
	for target, value, met in verdicts:
		print(f"  {target}: {value} — {'met' if met else 'NOT met'}")
	for kind, (count, p50, p95) in facturx["by kind"].items():
		if count:
			print(f"    of which {kind}: {count} invoices, p50 {p50:.1f} s, p95 {p95:.1f} s")


def cleanup(frappe, writes_per_hour: int | None = None) -> None:
	"""Remove the invoices and plans of the load's clients (the clients and their
	tickets stay), cancel its interruption; put the portal's write limit back."""
	customers = load_customers(frappe)
	invoices = frappe.get_all("Sales Invoice", filters={"customer": ("in", customers)}, pluck="name")
	for payment in frappe.get_all(
		"Payment Entry Reference", filters={"reference_name": ("in", invoices)}, pluck="parent"
	):
		doc = frappe.get_doc("Payment Entry", payment)
		if doc.docstatus == 1:
			doc.cancel()
	returns = frappe.get_all(
		"Sales Invoice", filters={"customer": ("in", customers), "is_return": 1}, pluck="name"
	)
	remove_invoices(frappe, returns)
	remove_invoices(frappe, [i for i in invoices if i not in returns])
	for plan in frappe.get_all("Premium Subscription", filters={"customer": ("in", customers)}, pluck="name"):
		frappe.delete_doc("Premium Subscription", plan, force=True, ignore_permissions=True)
	for interruption in frappe.get_all(
		"Planned Interruption", filters={"message": INTERRUPTION_MESSAGE, "status": "Announced"}, pluck="name"
	):
		frappe.get_doc("Planned Interruption", interruption).cancel_interruption("Fin du test de charge.")
	if writes_per_hour is not None:
		frappe.db.set_single_value("Assistance Settings", "portal_writes_per_hour", writes_per_hour)
	frappe.db.commit()
	log(f"removed {len(invoices)} invoices and the plans of the load; its clients and their tickets stay")


# --- figures ---------------------------------------------------------------------------


def print_figures(stats_csv: Path, errors: list[dict], windows: dict) -> dict:
	rows = list(csv.DictReader(stats_csv.open(encoding="utf-8")))
	print()
	print(f"{'endpoint':<36} {'requests':>9} {'failures':>9} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
	figures = {}
	for row in rows:
		name = row["Name"] if row["Name"] != "Aggregated" else "TOTAL"
		print(
			f"{name:<36} {row['Request Count']:>9} {row['Failure Count']:>9} "
			f"{row['50%']:>7} {row['95%']:>7} {row['99%']:>7}"
		)
		figures[name] = row
	in_fault, outside = [], []
	for error in errors:
		(in_fault if any(a <= error["at"] <= b for a, b in windows.values()) else outside).append(error)
	print(
		f"\nanswers >= 500 (or no answer): {len(errors)}, during a fault {len(in_fault)}, outside {len(outside)}"
	)
	for error in outside[:10]:
		print(
			f"  outside a fault: {error['name']} {error['status']} {error['exception'] or error['body'][:120]}"
		)
	statuses = {}
	for error in in_fault:
		statuses[error["status"]] = statuses.get(error["status"], 0) + 1
	if in_fault:
		print(
			f"  during the faults, by status: {dict(sorted(statuses.items()))}; with a traceback: "
			f"{sum(1 for e in in_fault if 'Traceback' in e['body'])}"
		)
	return figures


def main():
	parser = argparse.ArgumentParser(
		description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
	)
	parser.add_argument("--site", required=True)
	parser.add_argument("--url", help="nginx's address of the site [http://127.0.0.1:<its nginx_port>]")
	parser.add_argument("--minutes", type=float, default=10)
	parser.add_argument("--locust", default=str(ROOT / ".venv" / "bin" / "locust"))
	parser.add_argument("--keep", action="store_true", help="keep the invoices made")
	parser.add_argument(
		"--quiet-wait",
		type=float,
		default=300,
		help="seconds to wait for other benches to leave MariaDB before its restart [300]",
	)
	parser.add_argument(
		"--restart-shared-mariadb",
		action="store_true",
		help="restart MariaDB even while other benches' sites use it",
	)
	args = parser.parse_args()
	bench = Path(os.getcwd()).resolve().parent
	if not args.url:
		conf = json.loads((bench / "sites" / args.site / "site_config.json").read_text())
		args.url = f"http://127.0.0.1:{conf.get('nginx_port') or 8080}"
	port = int(args.url.rsplit(":", 1)[1].split("/")[0])
	frappe = connect(args.site, os.getcwd())
	OUTPUT.mkdir(exist_ok=True)
	for old in OUTPUT.glob("*"):
		old.unlink()

	log("removing what a previous run left, then seeding the clients, agents, sessions and plans")
	cleanup(frappe)
	accounts = seed(frappe)
	# the morning starts with yesterday's work done: the first-term invoices the seed
	# made have their Factur-X from the workers before the load, or the renewals' would
	# queue behind them and their delay count the seed's
	settled = time.time()
	wait_for(lambda: frappe.db.commit() or facturx_pending(frappe) == 0, 900, "the seeded invoices' Factur-X")
	log(f"the seeded invoices' Factur-X made by the workers in {time.time() - settled:.0f} s")
	accounts_file, errors_file, created_file = (
		OUTPUT / "accounts.json",
		OUTPUT / "errors.jsonl",
		OUTPUT / "created.jsonl",
	)
	accounts_file.write_text(json.dumps(accounts))
	session = requests.Session()
	session.headers["Accept"] = "application/json"
	session.post(
		args.url + "/api/method/login", data={"usr": accounts["clients"][0]["user"], "pwd": PASSWORD}
	)

	log(f"locust: {CLIENTS} portal clients and {AGENTS} agents for {args.minutes:g} minutes on {args.url}")
	locust = subprocess.Popen(
		[
			args.locust,
			"-f",
			str(HERE / "locustfile.py"),
			"--headless",
			"--host",
			args.url,
			"--users",
			str(CLIENTS + AGENTS),
			"--spawn-rate",
			str(SPAWN_RATE),
			"--reset-stats",
			"--run-time",
			f"{int(args.minutes * 60)}s",
			"--csv",
			str(OUTPUT / "load"),
			"--html",
			str(OUTPUT / "report.html"),
			"--only-summary",
			"--loglevel",
			"WARNING",
		],
		env=dict(
			os.environ,
			DDS_LOAD_ACCOUNTS=str(accounts_file),
			DDS_LOAD_ERRORS=str(errors_file),
			DDS_LOAD_CREATED=str(created_file),
		),
		stdout=open(OUTPUT / "locust.log", "w"),
		stderr=subprocess.STDOUT,
	)
	result, windows = {}, {}
	started = time.time()
	run_started = frappe.utils.now_datetime()
	scale = args.minutes / 10

	def at(seconds: float):
		time.sleep(max(0, started + seconds * scale - time.time()))

	failed = []

	def fault(name: str, play, *arguments):
		try:
			play(*arguments)
		except FaultFailed as error:
			failed.append(name)
			result[name] = f"FAILED: {error}"
			log(f"{name} FAILED: {error}")

	at(60)
	t = time.time()
	fault("worker kill", kill_worker_mid_job, frappe, args.site, port, result)
	windows["worker kill"] = (t, time.time() + 5)
	at(180)
	fault("database restart", restart_mariadb, args.url, bench, session, result, args)
	windows["database restart"] = result.pop("_db_window", (time.time(), time.time()))
	frappe = connect(args.site, os.getcwd())  # the runner's own connection died with it
	at(300)
	t = time.time()
	fault("queue restart", restart_queue_redis, frappe, bench, args.site, port, result)
	windows["queue restart"] = (t, time.time() + 10)
	locust.wait()
	log("load over; waiting for the recovery (at most 15 minutes)")
	left = wait_for_recovery(frappe, 15)
	created = [json.loads(line) for line in created_file.open()] if created_file.exists() else []
	errors = [json.loads(line) for line in errors_file.open()] if errors_file.exists() else []
	figures = print_figures(OUTPUT / "load_stats.csv", errors, windows)
	print("\nfaults:")
	for key, value in result.items():
		if not key.startswith("_"):
			print(f"  {key}: {value}")
	print(
		"\nafter the recovery, left undone: "
		+ (", ".join(f"{k} {v}" for k, v in left.items() if v) or "nothing")
	)
	print("\nwhat must hold:")
	held = check(frappe, accounts, created, result, run_started)
	for key, value in held.items():
		if not key.startswith("_"):
			print(f"  {key}: {value}")
	failed += [key.strip() for key in MUST_BE_ZERO if held[key]]
	if not held["_sla_breached_and_notified_once"]:
		failed.append("the SLA breach marked and notified once by the scheduler")
	print_targets(figures, facturx_figures(frappe, run_started))
	print(f"\nreport: {OUTPUT / 'report.html'}")
	if not args.keep:
		cleanup(frappe, accounts["writes_per_hour"])
	if failed:
		print(f"\nthe run FAILED: {', '.join(failed)} — not as it must be")
		sys.exit(1)
	return figures


if __name__ == "__main__":
	main()
