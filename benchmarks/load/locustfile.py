"""The load of a support morning, for locust: 50 clients on the portal (list, open,
create a request, reply, consent to a remote session) and 5 agents in the desk
(list, accept, mark responded), each with an account of its own.

Run by ``benchmarks/load/run.py`` (which seeds the accounts, plays the faults and
checks the result); the accounts come from the JSON file named by
``DDS_LOAD_ACCOUNTS``. Every answer of 500 or more is written, with its time and
the start of its body, to ``DDS_LOAD_ERRORS`` (JSON lines), and every request
created to ``DDS_LOAD_CREATED``, so the runner can tell the faults' answers from
real failures and find each created request in the database.
"""

import itertools
import json
import os
import random
import re
import threading
import time

from locust import HttpUser, between, events, task

ACCOUNTS = json.load(open(os.environ["DDS_LOAD_ACCOUNTS"], encoding="utf-8"))
ERRORS_PATH = os.environ.get("DDS_LOAD_ERRORS", "load-errors.jsonl")
CREATED_PATH = os.environ.get("DDS_LOAD_CREATED", "load-created.jsonl")
CSRF = re.compile(r"""csrf_token\s*=\s*["']([0-9a-f]+)["']""")
DESCRIPTION = (
	"Depuis la mise à jour, le calcul de la marge de la couronne échoue sur le modèle importé ; "
	"message « Margin line could not be computed ». Scan joint à la demande."
)
_lock = threading.Lock()
_clients = itertools.cycle(ACCOUNTS["clients"])
_agents = itertools.cycle(ACCOUNTS["agents"])


def _append(path: str, record: dict) -> None:
	with _lock, open(path, "a", encoding="utf-8") as handle:
		handle.write(json.dumps(record) + "\n")


@events.request.add_listener
def _record_server_errors(
	request_type, name, response_time, response_length, response=None, exception=None, **_
):
	status = getattr(response, "status_code", 0) or 0
	if status >= 500 or (exception and not status):
		body = ""
		try:
			body = response.text[:400] if response is not None else ""
		except Exception:
			pass
		_append(
			ERRORS_PATH,
			{
				"at": time.time(),
				"name": name,
				"status": status,
				"exception": str(exception or "")[:200],
				"body": body,
			},
		)


class Account(HttpUser):
	abstract = True
	wait_time = between(2, 6)

	def login(self, user: str, password: str) -> None:
		with self.client.post(
			"/api/method/login", data={"usr": user, "pwd": password}, name="login", catch_response=True
		) as answer:
			if answer.status_code != 200:
				answer.failure(f"login {user}: {answer.status_code}")
		self.csrf = None

	def remember_csrf(self, html: str) -> None:
		match = CSRF.search(html or "")
		if match:
			self.csrf = match.group(1)

	def post(self, method: str, name: str, **data):
		"""A write; a refusal (4xx, e.g. two agents on the same ticket) is an answer, not a failure."""
		headers = {"Accept": "application/json"}
		if self.csrf:
			headers["X-Frappe-CSRF-Token"] = self.csrf
		with self.client.post(
			f"/api/method/{method}", json=data, headers=headers, name=name, catch_response=True
		) as answer:
			if answer.status_code < 500:
				answer.success()
			return answer

	def get_json(self, method: str, name: str, **params):
		with self.client.get(
			f"/api/method/{method}",
			params=params,
			headers={"Accept": "application/json"},
			name=name,
			catch_response=True,
		) as answer:
			if answer.status_code < 500:
				answer.success()
			try:
				return answer.json().get("message") if answer.status_code == 200 else None
			except ValueError:
				return None


class PortalClient(Account):
	fixed_count = 50

	def on_start(self):
		with _lock:
			self.account = next(_clients)
		self.login(self.account["user"], ACCOUNTS["password"])
		self.tickets = list(self.account.get("tickets", []))
		self.sessions = list(self.account.get("sessions", []))
		self.list_page()

	@task(6)
	def list_page(self):
		with self.client.get("/assistance", name="portal: list (page)", catch_response=True) as answer:
			if answer.status_code == 200:
				self.remember_csrf(answer.text)

	@task(4)
	def list_data(self):
		rows = self.get_json("dds_assistance.api.portal.my_requests", "portal: list (API)", page_length=20)
		if rows:
			self.tickets = [
				r["name"] for r in rows if r.get("status") not in ("Closed", "Rejected", "Cancelled")
			]

	@task(5)
	def open_ticket(self):
		if self.tickets:
			self.client.get(
				f"/assistance/tickets/{random.choice(self.tickets)}", name="portal: open a request"
			)

	@task(2)
	def create_request(self):
		answer = self.post(
			"dds_assistance.api.portal.create_request",
			"portal: create a request",
			subject=f"Marge de couronne {random.randint(1, 99999)}",
			description=DESCRIPTION,
			serial_no=self.account["serial_no"],
			equipment_reference="exocad DentalCAD 3.2",
			accept_terms=1,
		)
		if answer.status_code == 200:
			name = answer.json()["message"]["name"]
			self.tickets.append(name)
			_append(CREATED_PATH, {"name": name, "user": self.account["user"], "at": time.time()})

	@task(2)
	def reply(self):
		if self.tickets:
			self.post(
				"dds_assistance.api.portal.reply",
				"portal: reply",
				ticket=random.choice(self.tickets),
				message="Merci, je reste disponible cet après-midi pour la prise en main.",
			)

	@task(1)
	def consent(self):
		if self.sessions:
			self.post(
				"dds_assistance.api.remote_session.consent",
				"portal: consent to a session",
				session=self.sessions.pop(),
				check_backup=1,
				check_apps_closed=1,
				check_reachable=1,
				check_connection=1,
			)


class Agent(Account):
	fixed_count = 5

	def on_start(self):
		with _lock:
			self.account = next(_agents)
		self.login(self.account["user"], ACCOUNTS["password"])
		self.waiting, self.open = [], []
		with self.client.get(
			"/app/assistance-ticket", name="desk: open the desk", catch_response=True
		) as answer:
			if answer.status_code == 200:
				self.remember_csrf(answer.text)

	def desk_list(self, filters: list, name: str) -> list[str]:
		"""What the desk's list view asks (``frappe.desk.reportview.get``)."""
		rows = self.get_json(
			"frappe.desk.reportview.get",
			name,
			doctype="Assistance Ticket",
			fields=json.dumps(["name", "status", "first_responded_on"]),
			filters=json.dumps([*filters, ["customer", "like", ACCOUNTS["prefix"] + "%"]]),
			order_by="received_at desc",
			start=0,
			page_length=20,
		)
		if not rows:
			return []
		keys, values = rows["keys"], rows["values"]
		return [dict(zip(keys, v, strict=False))["name"] for v in values]

	@task(5)
	def list_tickets(self):
		self.waiting = self.desk_list([["status", "=", "New"]], "desk: list new requests")
		self.open = self.desk_list(
			[["status", "in", ["Open", "Awaiting Payment"]], ["first_responded_on", "is", "not set"]],
			"desk: list requests to answer",
		)

	@task(2)
	def accept(self):
		if self.waiting:
			self.post("dds_assistance.api.ticket.accept", "desk: accept", ticket=self.waiting.pop(0))

	@task(2)
	def mark_responded(self):
		if self.open:
			self.post(
				"dds_assistance.api.ticket.mark_responded", "desk: mark responded", ticket=self.open.pop(0)
			)
