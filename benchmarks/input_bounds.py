"""Every input at its bound, handled in fixed time and memory (issue #28).

For each input the app takes from outside, the largest allowed (``core.limits``)
and one just past it: through the site's own WSGI application (werkzeug's client:
a request as the web server hands it), or, for a mail, through the intake as
Frappe's pull hands it a message, or, for a bank statement, the accountant's
*Import* (never read in the request) and the worker's import. Each input is
handled in a process of its own, and the benchmark prints its answer, its time
and the memory the process grew by at its peak while handling it. What it made
is removed at the end.

    cd ~/frappe-bench/sites && ../env/bin/python <app>/benchmarks/input_bounds.py --site SITE --admin-password PW
"""

import argparse
import io
import json
import subprocess
import sys
import threading
import time
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _seed import connect  # noqa: E402

TAG = "bench-bounds"


# ---------------------------------------------------------------------------- measuring
def memory(field: str) -> int:
	"""kB of this process: VmRSS now, VmHWM its peak since the last reset."""
	for line in open("/proc/self/status"):
		if line.startswith(field + ":"):
			return int(line.split()[1])
	return 0


def measured(work):
	"""(result, seconds, MB the process grew by at its peak) of ``work()``."""
	with open("/proc/self/clear_refs", "w") as handle:
		handle.write("5")  # the peak starts again from here
	base = memory("VmRSS")
	began = time.perf_counter()
	result = work()
	return result, time.perf_counter() - began, (memory("VmHWM") - base) / 1024


class Web:
	"""The site's WSGI application, each request in a thread of its own (its own
	request context and database connection), the session cookie kept."""

	def __init__(self, frappe, user: str, password: str):
		from frappe.utils import get_test_client

		self.site, self.client = frappe.local.site, get_test_client()
		self.open("/api/method/login", data={"usr": user, "pwd": password})

	def open(self, path: str, **kwargs):
		answer = {}

		def run():
			answer["response"] = self.client.open(
				path,
				method="POST",
				headers={"X-Frappe-Site-Name": self.site, "Accept": "application/json"},
				**kwargs,
			)

		thread = threading.Thread(target=run)
		thread.start()
		thread.join()
		return answer["response"]

	def call(self, method: str, **arguments):
		return self.open(f"/api/method/{method}", json=arguments)


def said(response) -> str:
	"""The status and the first message of an answer."""
	data = response.get_json(silent=True) or {}
	messages = [json.loads(m).get("message", "") for m in json.loads(data.get("_server_messages") or "[]")]
	return f"{response.status_code} {messages[0][:66] if messages else ''}".strip()


# ---------------------------------------------------------------------------- the inputs
def mail(frappe, limits, testing, attachments: int, headers: int, text: int, size: int) -> bytes:
	"""A mail of ``size`` bytes at most: ``attachments`` PDFs, ``headers`` header
	fields, a text of ``text`` characters."""
	message = EmailMessage()
	message["From"] = f"Labo <{TAG}@example.com>"
	message["To"] = testing.SUPPORT_ADDRESS
	message["Subject"] = f"{TAG} courriel"
	message["Message-ID"] = make_msgid(domain="example.com")
	for k in range(headers - 8):  # with its own (From, To, MIME …)
		message[f"X-Relais-{k}"] = "oui"
	message.set_content("Journal de l'erreur. " * (text // 21))
	each = (size - len(message.as_bytes()) - 2048 * attachments) * 57 // 78 // attachments  # base64 lines
	for k in range(attachments):
		message.add_attachment(
			b"%PDF-1.7\n" + bytes([65 + k % 26]) * each,
			maintype="application",
			subtype="pdf",
			filename=f"{k}.pdf",
		)
	return message.as_bytes()


def statement_content(camt_files, limits, records, extra: int = 0) -> bytes:
	"""The largest statement file (``extra`` bytes more): one transfer whose
	remittance is the whole file's worth of ``Ustrd`` lines."""
	line = "<Ustrd>Facture ACC-SINV-2026-00012 " + "x" * 100 + "</Ustrd>"
	one = camt_files.write_camt053(
		[camt_files.Entry([camt_files.Transfer(1, "@", counterparty="LABO")], reference=f"{TAG}-1")],
		account_iban=records.BANK_IBAN,
	).decode()
	room = limits.STATEMENT_MB * limits.MB - len(one) + len("<Ustrd>@</Ustrd>")
	content = one.replace("<Ustrd>@</Ustrd>", line * (room // len(line))).encode()
	return content.replace(b"<GrpHdr>", b"<GrpHdr>" + b" " * (room % len(line) + extra), 1)


def run_case(frappe, args) -> dict:
	"""One input, in this process: its answer, time and memory, and what it made."""
	from dds_assistance.core import limits
	from dds_assistance.integrations import files as client_files
	from dds_assistance.samples import camt_files, records, testing

	frappe.local.lang = "fr"
	setup = json.loads(args.setup)
	past = args.case.endswith(":past")
	name = args.case.split(":")[0]
	made = {}
	if name in ("request", "reply", "complaint", "attachment"):
		web = Web(frappe, setup["user"], setup["password"])
	elif name in ("list", "statement"):
		web = Web(frappe, "Administrator", args.admin_password)

	if name == "request":
		n = limits.MAXIMA["description"] + past
		bound = f"{n:,} characters"

		def work():
			return web.call(
				"dds_assistance.api.portal.create_request",
				subject=f"{TAG} " + "s" * (limits.MAXIMA["subject"] - len(TAG) - 1),
				description="é" * n,
				serial_no="SN-BOUNDS",
				equipment_reference="exocad DentalCAD 3.2",
				customer=setup["customer"],
			)
	elif name == "reply":
		n = limits.MAXIMA["message"] + past
		bound = f"{n:,} characters"

		def work():
			return web.call("dds_assistance.api.portal.reply", ticket=setup["ticket"], message="é" * n)
	elif name == "complaint":
		n = limits.MAXIMA["complaint"] + past
		bound = f"{n:,} characters"

		def work():
			return web.call(
				"dds_assistance.api.portal.file_complaint",
				subject=f"{TAG} réclamation",
				description="é" * n,
				customer=setup["customer"],
			)
	elif name == "attachment":
		n = client_files.max_bytes() + past
		bound = f"{n // limits.MB} MB" + (" + 1 byte" if past else "")
		content = b"%PDF-1.7\n" + b"0" * (n - 9)

		def work():
			return web.open(
				"/api/method/dds_assistance.api.portal.attach_file",
				data={"ticket": setup["ticket"], "file": (io.BytesIO(content), f"{TAG}.pdf")},
			)
	elif name == "list":
		names = [f"TKT-2026-{k:05d}" for k in range(limits.LIST_ITEMS + past)]
		bound = f"{len(names)} names"

		def work():
			return web.call("dds_assistance.api.ticket.countdowns", tickets=names)
	elif name == "mail":
		from dds_assistance.integrations.email_intake import AssistanceInboundMail

		account = frappe.get_doc("Email Account", testing.SUPPORT_ACCOUNT)
		raw = mail(
			frappe,
			limits,
			testing,
			limits.MAIL_ATTACHMENTS + 5 * past,
			limits.MAIL_HEADERS + 100 * past,
			limits.MAIL_TEXT_CHARACTERS * (1 + past),
			(limits.MAIL_MB + 5 * past) * limits.MB,
		)
		bound = f"{len(raw) / limits.MB:.1f} MB"

		def work():
			communication = AssistanceInboundMail(raw, account, append_to="Assistance Ticket").process()
			frappe.db.commit()
			return communication
	elif name in ("statement", "statement-worker"):
		statement = setup["statement_past" if past else "statement"]
		size = frappe.get_doc("Assistance Bank Statement", statement)
		bound = f"{Path(size.file_path()).stat().st_size / limits.MB:.1f} MB"

		def work():
			if name == "statement":
				return web.call("dds_assistance.api.bank_statement.import_statement", statement=statement)
			doc = frappe.get_doc("Assistance Bank Statement", statement)
			doc.run_import()
			frappe.db.commit()
			return frappe.get_doc("Assistance Bank Statement", statement)

	result, seconds, grown = measured(work)
	if name in ("request", "complaint") and result.status_code == 200:
		made[name] = result.get_json()["message"]["name"]
	if name == "mail":
		made["request"] = result.reference_name
		note = (result.get("dds_intake_note") or "").split("\n")
		answer = f"a ticket, {len(result._attachments)} files; " + (note[0][:56] if note[0] else "no note")
	elif name == "statement":
		message = result.get_json()["message"]
		answer = f"{result.status_code} {message['status']} " + (message["error"] or "")[:56]
	elif name == "statement-worker":
		note = frappe.db.get_value("Bank Transaction", {"dds_bank_statement": result.name}, "dds_match_note")
		answer = f"{result.status}: {result.imported} imported; " + (note or "")[-58:]
	else:
		answer = said(result)
	return {"bound": bound, "answer": answer, "seconds": seconds, "grown": grown, "made": made}


CASES = (
	("request", "portal request: its description"),
	("reply", "portal reply"),
	("complaint", "portal complaint"),
	("attachment", "portal attachment (an upload)"),
	("list", "a list of names (desk: countdowns)"),
	("mail", "a mail (its size, attachments, headers, text)"),
	("statement", "bank statement: the accountant's Import"),
)


def main():
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--site", required=True)
	parser.add_argument("--sites-path", default=".")
	parser.add_argument("--admin-password", default="admin")
	parser.add_argument("--case", help=argparse.SUPPRESS)
	parser.add_argument("--setup", help=argparse.SUPPRESS)
	args = parser.parse_args()
	frappe = connect(args.site, args.sites_path)
	if args.case:
		print(json.dumps(run_case(frappe, args)))
		return

	from dds_assistance.samples import camt_files, records, testing

	fixture = testing.portal_fixture()
	testing.ensure_mail_accounts()
	from dds_assistance.core import limits

	writes = frappe.db.get_single_value("Assistance Settings", "portal_writes_per_hour")
	frappe.db.set_single_value("Assistance Settings", "portal_writes_per_hour", 0)
	made = {"request": [], "complaint": [], "statement": []}
	ticket = testing.make_ticket(
		fixture["client_a"], subject=f"{TAG} pièces jointes", raised_by=fixture["user_a"]
	)
	made["request"].append(ticket.name)

	def statement(content: bytes) -> str:
		file = frappe.get_doc(
			{"doctype": "File", "file_name": f"{TAG}.xml", "is_private": 1, "content": content}
		)
		file.insert(ignore_permissions=True)
		doc = frappe.get_doc(
			{
				"doctype": "Assistance Bank Statement",
				"bank_account": records.ensure_bank_account(),
				"statement_file": file.file_url,
			}
		).insert(ignore_permissions=True)
		made["statement"].append(doc.name)
		return doc.name

	setup = {
		"user": fixture["user_a"],
		"password": fixture["password"],
		"customer": fixture["client_a"],
		"ticket": ticket.name,
		"statement": statement(statement_content(camt_files, limits, records)),
		"statement_past": statement(statement_content(camt_files, limits, records, extra=1)),
	}
	frappe.db.commit()
	rows = []
	try:
		for case, what in (*CASES, ("statement-worker", "bank statement: the worker's import")):
			for past in (False, True) if case != "statement-worker" else (False,):
				out = subprocess.run(
					[
						sys.executable,
						__file__,
						"--site",
						args.site,
						"--sites-path",
						args.sites_path,
						"--admin-password",
						args.admin_password,
						"--case",
						f"{case}:{'past' if past else 'at'}",
						"--setup",
						json.dumps(setup),
					],
					capture_output=True,
					text=True,
				)
				if out.returncode:
					print(out.stderr[-2000:])
					raise SystemExit(f"{case} failed")
				result = json.loads(out.stdout.strip().splitlines()[-1])
				for kind, name in result["made"].items():
					made[kind].append(name)
				rows.append((what, "past" if past else "at", result))
	finally:
		cleanup(frappe, made)
		frappe.db.set_single_value("Assistance Settings", "portal_writes_per_hour", writes)
		frappe.db.commit()

	print("every input at its bound and just past it, each in a process of its own")
	print("(time; memory: how much the process grew at its peak while handling it)")
	print(f"{'input':<46} {'':<5} {'size':>18}  {'answer':<80} {'s':>6} {'MB':>5}")
	for what, where, r in rows:
		print(
			f"{what:<46} {where:<5} {r['bound']:>18}  {r['answer']:<80} {r['seconds']:>6.2f} {r['grown']:>5.0f}"
		)


def cleanup(frappe, made: dict):
	"""Remove what the benchmark made: its requests, complaints, statements, with
	their mails, files and Bank Transactions."""
	for statement in made["statement"]:
		for bt in frappe.get_all("Bank Transaction", filters={"dds_bank_statement": statement}, pluck="name"):
			doc = frappe.get_doc("Bank Transaction", bt)
			if doc.docstatus == 1:
				doc.cancel()
			frappe.delete_doc("Bank Transaction", bt, force=True, ignore_permissions=True)
		frappe.delete_doc("Assistance Bank Statement", statement, force=True, ignore_permissions=True)
	for doctype, names in (
		("Assistance Ticket", made["request"]),
		("Assistance Complaint", made["complaint"]),
	):
		for name in names:
			if not frappe.db.exists(doctype, name):
				continue
			for communication in frappe.get_all(
				"Communication", filters={"reference_doctype": doctype, "reference_name": name}, pluck="name"
			):
				delete_files(frappe, "Communication", communication)
				frappe.delete_doc("Communication", communication, force=True, ignore_permissions=True)
			delete_files(frappe, doctype, name)
			frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
	for file in frappe.get_all("File", filters={"file_name": ("like", f"{TAG}%")}, pluck="name"):
		frappe.delete_doc("File", file, force=True, ignore_permissions=True)
	frappe.db.commit()


def delete_files(frappe, doctype: str, name: str):
	for file in frappe.get_all(
		"File", filters={"attached_to_doctype": doctype, "attached_to_name": name}, pluck="name"
	):
		frappe.delete_doc("File", file, force=True, ignore_permissions=True)


if __name__ == "__main__":
	main()
