"""E-mail intake benchmark on the real mail server (``dev/mail-server start --site SITE``).

Delivers 1 000 mixed mails over SMTP to the support mailbox — new requests from
known clients (authenticated submission), requests from unknown senders and
forged senders (port 25), replies that thread onto the new tickets, complaints,
automatic replies and bounces — then lets Frappe's own pull read them over IMAP,
and prints:
- mails per second and tickets per second through the pull,
- the count of tickets, threaded replies, complaints and ignored mails, each
  against what was sent (they must be equal), and of the acknowledgements queued at
  once: one per request from a client's address (authenticated or not), none to a
  forged stranger, none for a reply.
What it made (clients, tickets, complaints, mails) is removed at the end.

    cd ~/frappe-bench/sites && ../env/bin/python <app>/benchmarks/mail_intake.py --site SITE
"""

import argparse
import imaplib
import smtplib
import sys
import time
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from _seed import connect  # noqa: E402

PASSWORD = "dds-mail-test"
TICKET = "Assistance Ticket"
SUPPORT = "support@assistance.test"
TAG = "bench-mail"


def message(
	sender, subject, body="L'export STL d'une couronne échoue avec l'erreur 0x42 depuis hier.", **headers
):
	mail = EmailMessage()
	mail["From"], mail["To"], mail["Subject"] = sender, SUPPORT, subject
	mail["Message-ID"] = make_msgid(domain="example.com")
	for name, value in headers.items():
		mail[name.replace("_", "-")] = value
	mail.set_content(body)
	return mail


def send(mails: list[tuple[EmailMessage, bool]]) -> None:
	"""Authenticated mails by submission (one session per sender), the others on port 25."""
	with smtplib.SMTP("127.0.0.1", 25) as plain:
		for mail, authenticated in mails:
			if authenticated:
				with smtplib.SMTP("127.0.0.1", 587) as submission:
					submission.login(mail["From"], PASSWORD)
					submission.send_message(mail)
			else:
				plain.send_message(mail)


def stored() -> int:
	imap = imaplib.IMAP4("127.0.0.1", 143)
	imap.login(SUPPORT, PASSWORD)
	imap.select("INBOX", readonly=True)
	count = len(imap.search(None, "UNSEEN")[1][0].split())
	imap.logout()
	return count


def pull_until_done(frappe, expected: int) -> float:
	"""Wait until the server stored what was sent, then time Frappe's pulls."""
	from frappe.email.doctype.email_account.email_account import pull_from_email_account

	deadline = time.monotonic() + 300
	while stored() < expected and time.monotonic() < deadline:
		time.sleep(0.5)
	began = time.perf_counter()
	while stored():
		pull_from_email_account("DDS Support")
		frappe.db.commit()
	return time.perf_counter() - began


def main():
	parser = argparse.ArgumentParser(description=__doc__)
	parser.add_argument("--site", required=True)
	parser.add_argument("--sites-path", default=".")
	parser.add_argument("--mails", type=int, default=1000)
	parser.add_argument("--keep", action="store_true", help="keep what was made (to look at it)")
	args = parser.parse_args()
	frappe = connect(args.site, args.sites_path)
	from dds_assistance.samples import testing

	testing.ensure_assistance_setup()
	testing.ensure_mail_accounts(PASSWORD)
	pull_until_done(frappe, 0)  # what an earlier run left
	clients = []
	for i in range(50):
		email = f"{TAG}.{i}@example.com"
		testing.ensure_customer(f"Labo Banc Courriel {i:02d}", f"C-BM{i:03d}", email)
		clients.append(email)
	frappe.db.commit()

	n = args.mails
	plan = {
		"requests": n * 45 // 100,
		"unknown": n * 5 // 100,
		"forged": n * 5 // 100,
		"complaints": n * 5 // 100,
	}
	plan.update({"automatic": n * 10 // 100, "bounces": n * 5 // 100})
	plan["replies"] = n - sum(plan.values())
	first = []
	for i in range(plan["requests"]):
		first.append((message(clients[i % 50], f"Demande {TAG} {i}"), True))
	for i in range(plan["unknown"]):
		first.append((message(f"inconnu{i}@{TAG}.example", f"Aide {TAG} {i}"), False))
	for i in range(plan["forged"]):
		first.append((message(clients[i % 50], f"Falsifié {TAG} {i}"), False))
	for i in range(plan["complaints"]):
		first.append(
			(message(clients[i % 50], f"Réclamation {TAG} {i}", "Le rappel promis n'est jamais venu."), True)
		)
	for i in range(plan["automatic"]):
		kind = [{"Auto_Submitted": "auto-replied"}, {"X_Autoreply": "yes"}, {"Precedence": "bulk"}][i % 3]
		first.append((message(clients[i % 50], f"Absence {TAG} {i}", "Je suis absent.", **kind), True))
	for i in range(plan["bounces"]):
		first.append((message(f"MAILER-DAEMON@{TAG}.example", f"Undelivered {TAG} {i}", "failure"), False))

	try:
		began = time.perf_counter()
		send(first)
		sent_first = time.perf_counter() - began
		pull_first = pull_until_done(frappe, len(first))
		tickets = frappe.get_all(
			"Assistance Ticket",
			filters={"subject": ("like", f"Demande {TAG} %")},
			fields=["name", "raised_by"],
		)
		replies = [
			(
				message(
					tickets[i % len(tickets)].raised_by,
					f"Re: suite (#{tickets[i % len(tickets)].name})",
					"Voici le numéro de série.",
				),
				True,
			)
			for i in range(plan["replies"])
		]
		began = time.perf_counter()
		send(replies)
		sent_second = time.perf_counter() - began
		pull_second = pull_until_done(frappe, len(replies))

		made = frappe.db.count("Assistance Ticket", {"subject": ("like", f"%{TAG}%")})
		requests = frappe.db.count("Assistance Ticket", {"subject": ("like", f"Demande {TAG} %")})
		held = frappe.db.count(
			"Assistance Ticket", {"subject": ("like", f"Falsifié {TAG} %"), "sender_verified": 0}
		)
		triage = frappe.db.count(
			"Assistance Ticket", {"subject": ("like", f"Aide {TAG} %"), "customer": ("is", "not set")}
		)
		complaints = frappe.db.count("Assistance Complaint", {"subject": ("like", f"Réclamation {TAG} %")})
		threaded = frappe.db.count(
			"Communication",
			{"subject": ("like", "Re: suite (#%"), "reference_name": ("in", [t.name for t in tickets])},
		)
		ignored = frappe.db.count(
			"Communication",
			{
				"subject": ("like", f"%{TAG}%"),
				"reference_name": ("is", "not set"),
				"dds_intake_note": ("like", "%"),
			},
		)
		names = [row.name for row in frappe.get_all(TICKET, {"subject": ("like", f"%{TAG}%")}, ["name"])]
		acknowledged = frappe.db.count(TICKET, {"name": ("in", names), "acknowledged_on": ("is", "set")})
		queued = frappe.db.count(
			"Email Queue", {"reference_doctype": TICKET, "reference_name": ("in", names)}
		)
		cost = acknowledgement_cost(frappe, [t.name for t in tickets[:50]])
		total = len(first) + len(replies)
		pulled = pull_first + pull_second
		print(
			f"mails sent: {total:,} over SMTP ({sent_first + sent_second:.1f} s to hand them to the server)"
		)
		print(
			f"pull: {pulled:.1f} s for {total:,} mails — {total / pulled:.1f} mails/s, {made / pulled:.1f} tickets/s"
		)
		for label, got, want in (
			("tickets from known clients", requests, plan["requests"]),
			("tickets from unknown senders, kept for triage", triage, plan["unknown"]),
			("tickets from forged senders, held", held, plan["forged"]),
			("tickets in all", made, plan["requests"] + plan["unknown"] + plan["forged"]),
			("complaints", complaints, plan["complaints"]),
			("replies threaded onto their ticket", threaded, plan["replies"]),
			("automatic replies and bounces ignored", ignored, plan["automatic"] + plan["bounces"]),
			("requests acknowledged (clients' addresses)", acknowledged, plan["requests"] + plan["forged"]),
			("acknowledgements queued, none twice", queued, plan["requests"] + plan["forged"]),
		):
			print(f"  {label:<48} {got:>5} (sent {want}){'' if got == want else '  ← DIFFERS'}")
		print(
			f"an acknowledgement (template rendered in the client's language, conversation entry, "
			f"mail queued): median {cost[0]:.1f} ms, p95 {cost[1]:.1f} ms over {cost[2]}"
		)
	finally:
		if not args.keep:
			cleanup(frappe)
		frappe.destroy()


def acknowledgement_cost(frappe, names: list[str]) -> tuple[float, float, int]:
	"""(median, p95 in ms, count) of making one acknowledgement again for tickets of the
	run — what the intake adds to a new request (removed with the run's mails)."""
	from dds_assistance.core.acknowledgements import RECEIVED
	from dds_assistance.integrations.acknowledgement import send

	times = []
	for name in names:
		ticket = frappe.get_doc(TICKET, name)
		began = time.perf_counter()
		send(ticket, RECEIVED)
		times.append((time.perf_counter() - began) * 1000)
	frappe.db.rollback()
	times.sort()
	return times[len(times) // 2], times[int(len(times) * 0.95) - 1], len(times)


def cleanup(frappe):
	for doctype in ("Assistance Ticket", "Assistance Complaint"):
		for name in frappe.get_all(doctype, filters={"subject": ("like", f"%{TAG}%")}, pluck="name"):
			frappe.db.delete("Communication", {"reference_doctype": doctype, "reference_name": name})
			queue = frappe.get_all(
				"Email Queue", {"reference_doctype": doctype, "reference_name": name}, pluck="name"
			)
			if queue:
				frappe.db.delete("Email Queue Recipient", {"parent": ("in", queue)})
				frappe.db.delete("Email Queue", {"name": ("in", queue)})
			frappe.db.delete("File", {"attached_to_doctype": doctype, "attached_to_name": name})
			frappe.db.delete(doctype, {"name": name})
	frappe.db.delete("Communication", {"subject": ("like", f"%{TAG}%")})
	frappe.db.delete("Communication", {"subject": ("like", "Re: suite (#%")})
	frappe.db.commit()


if __name__ == "__main__":
	main()
