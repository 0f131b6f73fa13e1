"""Assistance tickets: the decisions of section 3 and 10 of the rules.

Pure functions over plain values. A refusal is a :class:`~dds_assistance.core.errors.RuleError`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dds_assistance.core.business_time import BusinessCalendar
from dds_assistance.core.errors import RuleError

# --------------------------------------------------------------------------- statuses
INCOMPLETE = "Incomplete"  # R-TKT-8 information missing
NEW = "New"  # received, complete, awaiting the agent's decision
AWAITING_PAYMENT = "Awaiting Payment"  # on-demand, invoiced, not (or no longer) paid
OPEN = "Open"  # may be worked on: paid or covered
IN_PROGRESS = "In Progress"
WAITING_ON_CLIENT = "Waiting on Client"
RESOLVED = "Resolved"
CLOSED = "Closed"
REJECTED = "Rejected"
CANCELLED = "Cancelled"

STATUSES = (
	INCOMPLETE,
	NEW,
	AWAITING_PAYMENT,
	OPEN,
	IN_PROGRESS,
	WAITING_ON_CLIENT,
	RESOLVED,
	CLOSED,
	REJECTED,
	CANCELLED,
)
# R-TKT-4: statuses in which work is (or has been) done — only for a paid ticket
WORKING_STATUSES = frozenset({OPEN, IN_PROGRESS, WAITING_ON_CLIENT, RESOLVED, CLOSED})
FINAL_STATUSES = frozenset({CLOSED, REJECTED, CANCELLED})
# statuses in which the first-response clock runs (R-TKT-9)
SLA_RUNNING_STATUSES = frozenset({INCOMPLETE, NEW, AWAITING_PAYMENT, OPEN, IN_PROGRESS, WAITING_ON_CLIENT})

TRANSITIONS: dict[str, frozenset[str]] = {
	INCOMPLETE: frozenset({NEW, REJECTED}),
	NEW: frozenset({INCOMPLETE, AWAITING_PAYMENT, OPEN, REJECTED}),
	AWAITING_PAYMENT: frozenset({OPEN, CANCELLED}),
	OPEN: frozenset({AWAITING_PAYMENT, IN_PROGRESS, WAITING_ON_CLIENT, RESOLVED, CANCELLED}),
	IN_PROGRESS: frozenset({AWAITING_PAYMENT, WAITING_ON_CLIENT, RESOLVED}),
	WAITING_ON_CLIENT: frozenset({AWAITING_PAYMENT, IN_PROGRESS, RESOLVED}),
	RESOLVED: frozenset({IN_PROGRESS, CLOSED}),  # same incident only, before closing
	CLOSED: frozenset(),  # R-TKT-5: never reopened
	REJECTED: frozenset(),
	CANCELLED: frozenset(),
}

# --------------------------------------------------------------------------- coverage
PREMIUM = "Premium"
ON_DEMAND = "On-demand"

CHANNELS = ("E-mail", "Web Form", "Phone", "Portal")  # R-TKT-6

EXTENSION_REASONS = ("Force majeure", "High demand", "Exceptional circumstances")  # R-TKT-10

MIN_DESCRIPTION_LENGTH = 20  # R-TKT-8: "a precise description"


@dataclass(frozen=True)
class SubscriptionFacts:
	"""What coverage needs to know of one subscription of the client."""

	name: str
	term_start: date
	term_end: date  # last day covered (inclusive)
	licence_valid_until: date | None
	active: bool = True  # not ended, terminated or suspended


@dataclass(frozen=True)
class Coverage:
	kind: str  # PREMIUM or ON_DEMAND
	subscription: str | None = None
	reason: str = ""


def decide_coverage(subscriptions: Iterable[SubscriptionFacts], at: datetime | date) -> Coverage:
	"""R-TKT-1: covered by Premium when an active subscription's term holds ``at``
	and the exocad licence is up to date on that day; otherwise an on-demand ticket."""
	day = at.date() if isinstance(at, datetime) else at
	lapsed = None
	for sub in subscriptions:
		if not sub.active or not sub.term_start <= day <= sub.term_end:
			continue
		if sub.licence_valid_until is None or sub.licence_valid_until < day:
			lapsed = sub
			continue
		return Coverage(PREMIUM, sub.name, "active subscription and licence up to date")
	if lapsed is not None:
		return Coverage(ON_DEMAND, None, "exocad licence not up to date")
	return Coverage(ON_DEMAND, None, "no active Premium subscription")


# --------------------------------------------------------------------------- request
def missing_request_information(
	*,
	customer: str | None,
	client_number: str | None,
	serial_no: str | None,
	equipment_reference: str | None,
	description: str | None,
) -> list[str]:
	"""R-TKT-8: the fields a request still lacks (empty list when complete)."""
	missing = []
	for key, value in (
		("customer", customer),
		("client_number", client_number),
		("serial_no", serial_no),
		("equipment_reference", equipment_reference),
	):
		if not (value or "").strip():
			missing.append(key)
	if len(_plain_text(description)) < MIN_DESCRIPTION_LENGTH:
		missing.append("description")
	return missing


# R-TKT-8: what a client completes of an incomplete request on the portal; the client
# and the client number are the company's records (an agent sets them)
CLIENT_COMPLETES = ("serial_no", "equipment_reference", "description")


def completable_by_client(missing: Iterable[str]) -> list[str]:
	"""What of ``missing`` the client may give on the portal page of the request."""
	return [key for key in missing if key in CLIENT_COMPLETES]


def reply_awaits_agent(status: str | None, from_staff: bool) -> bool:
	"""A client's message on an open request waits for an agent; one on a closed,
	refused or cancelled request does not (R-TKT-5: its writer is told to open a new
	one), nor a message of the support team itself."""
	return not from_staff and status not in FINAL_STATUSES


def _plain_text(value: str | None) -> str:
	"""Text of a (possibly HTML) description, whitespace collapsed."""
	import html
	import re

	text = re.sub(r"<[^>]*>", " ", value or "")
	return " ".join(html.unescape(text).split())


def check_receipt(received_at: datetime, now: datetime) -> None:
	"""A request — or a complaint — is recorded when it arrives: its receipt time,
	from which its deadlines run (R-TKT-9, R-CPL-2), is never in the future."""
	if received_at > now:
		raise RuleError("receipt_future", "The receipt time ({0}) cannot be in the future.", received_at)


def check_incident_time(incident_at: datetime | None, received_at: datetime) -> None:
	"""R-TKT-7: the incident happened before the request that reports it."""
	if incident_at is not None and incident_at > received_at:
		raise RuleError(
			"incident_after_receipt",
			"The incident ({0}) cannot be after the receipt of the request ({1}).",
			incident_at,
			received_at,
		)


def late_window_applies(coverage: str | None) -> bool:
	"""R-TKT-7: the late-request window is the CGV's (art. 5), for on-demand tickets."""
	return coverage == ON_DEMAND


def is_late_request(
	calendar: BusinessCalendar,
	incident_at: datetime | None,
	received_at: datetime,
	window_hours: float,
	coverage: str = ON_DEMAND,
) -> bool:
	"""R-TKT-7: a request received more than ``window_hours`` business hours after
	the incident is late. The window is the CGV's (art. 5): it applies to on-demand
	tickets; a request without incident time, or covered by Premium, is not late."""
	if incident_at is None or not late_window_applies(coverage):
		return False
	check_incident_time(incident_at, received_at)
	return calendar.business_hours_between(incident_at, received_at) > timedelta(hours=window_hours)


def incident_change_refused(
	before: datetime | None, after: datetime | None, status: str, late_decision: str | None
) -> bool:
	"""R-TKT-7: the incident time decides whether a request is late: it may be
	corrected while the request awaits its decision, never cleared once given, and
	never changed after the decision."""
	if before == after:
		return False
	decided = bool(late_decision) or status not in (INCOMPLETE, NEW)
	return decided or (before is not None and after is None)


# --------------------------------------------------------------------------- transitions
def check_transition(
	current: str,
	target: str,
	*,
	coverage: str,
	paid: bool,
	late: bool = False,
	late_accepted: bool = False,
	missing: Iterable[str] = (),
	reason: str | None = None,
	live_invoice: str | None = None,
) -> None:
	"""Raise :class:`RuleError` unless a ticket in ``current`` may move to
	``target`` (R-TKT-4, R-TKT-5, R-TKT-7, R-TKT-8). ``reason`` is the refusal's
	reason; ``live_invoice`` the ticket's submitted, uncredited invoice, if any."""
	if target not in TRANSITIONS:
		raise RuleError("unknown_status", "Unknown ticket status: {0}.", target)
	if current == target:
		return
	if current == CLOSED:
		raise RuleError("closed", "A closed ticket cannot be reopened: open a new ticket for a new incident.")
	# the payment gate speaks first: it is the reason a client can act on
	if target in WORKING_STATUSES and coverage == ON_DEMAND and not paid:
		raise RuleError(
			"payment_required",
			"Payment is due before any assistance: this ticket's invoice is not fully paid.",
		)
	if target not in TRANSITIONS.get(current, ()):
		raise RuleError("transition", "A ticket cannot go from status {0} to status {1}.", current, target)
	missing = list(missing)
	if missing and target not in (INCOMPLETE, REJECTED):
		raise RuleError(
			"incomplete",
			"The request is incomplete ({0}): it cannot go further until it is completed.",
			", ".join(missing),
		)
	if target == REJECTED and not (reason or "").strip():
		raise RuleError("refusal_reason", "Give the reason for refusing this request.")
	if target in (REJECTED, CANCELLED) and live_invoice:
		# R-TKT-4, R-ACC-2: nothing stays sold on a ticket that is refused or cancelled
		raise RuleError(
			"refusal_invoice",
			"This ticket has a submitted invoice {0}: cancel or credit it before refusing the ticket.",
			live_invoice,
		)
	if late and not late_accepted and target not in (INCOMPLETE, NEW, REJECTED):
		raise RuleError(
			"late",
			"The request was made more than 24 business hours after the incident: "
			"refuse it or accept it explicitly first.",
		)


def status_after_payment_change(status: str, coverage: str, paid: bool) -> str:
	"""R-TKT-4: the status a ticket takes when its payment state changes. Paid →
	an awaiting ticket opens; unpaid again (payment cancelled, invoice cancelled
	or credited) → a ticket being worked on is locked back to Awaiting Payment.
	Resolved and closed tickets keep their status (the accountant's report flags
	them)."""
	if coverage != ON_DEMAND:
		return status
	if paid and status == AWAITING_PAYMENT:
		return OPEN
	if not paid and status in (OPEN, IN_PROGRESS, WAITING_ON_CLIENT):
		return AWAITING_PAYMENT
	return status


@dataclass(frozen=True)
class PaymentState:
	paid: bool
	outstanding: float
	reason: str

	@property
	def live(self) -> bool:
		"""The invoice stands: submitted, neither cancelled nor credited."""
		return self.reason in ("paid", "invoice not fully paid")


def payment_state(docstatus: int | None, outstanding: float, credited: bool) -> PaymentState:
	"""R-TKT-4: a ticket is paid when its invoice is submitted, has no outstanding
	amount and has not been credited by a return. A cancelled or returned invoice
	makes it unpaid again."""
	outstanding = float(outstanding or 0)
	if docstatus is None:
		return PaymentState(False, 0.0, "no invoice")
	if docstatus == 0:
		return PaymentState(False, outstanding, "invoice not submitted")
	if docstatus == 2:
		return PaymentState(False, 0.0, "invoice cancelled")
	if credited:
		return PaymentState(False, outstanding, "invoice credited by a return")
	if outstanding > 0.005:
		return PaymentState(False, outstanding, "invoice not fully paid")
	return PaymentState(True, outstanding, "paid")


def accept_target(coverage: str) -> str:
	"""The status an accepted request goes to: on-demand waits for payment."""
	return AWAITING_PAYMENT if coverage == ON_DEMAND else OPEN


@dataclass(frozen=True)
class AcceptPlan:
	"""What accepting a request does (R-TKT-3, R-TKT-7, R-ACC-1)."""

	record_late_acceptance: bool  # the reason given is recorded as the decision on a late request
	invoice: bool  # the ticket must have its one live invoice (made, or re-issued if cancelled)
	target: str | None  # the status it moves to; None: it keeps its status


def plan_accept(
	status: str,
	coverage: str,
	*,
	late: bool,
	late_accepted: bool,
	reason: str | None,
	missing: Iterable[str] = (),
	sender_held: bool = False,
) -> AcceptPlan:
	"""Accepting a request: a late one needs a reason (R-TKT-7); an incomplete or
	closed one goes nowhere; an on-demand ticket gets its one invoice and waits
	for payment, a covered request opens. Accepting again changes nothing but
	re-issues a cancelled invoice of a ticket awaiting payment."""
	target = accept_target(coverage)
	if sender_held:
		# a mail whose sender our server did not authenticate may be forged: it sells nothing
		raise RuleError(
			"sender_unverified",
			"The sender of this e-mail is not authenticated: confirm with the client that they sent it "
			"(Confirm Sender) before accepting the request.",
		)
	if status not in (NEW, AWAITING_PAYMENT):
		check_transition(
			status, target, coverage=coverage, paid=False, late=late, late_accepted=late_accepted
		)
	record = late and not late_accepted
	if record and not (reason or "").strip():
		raise RuleError("late_reason", "This request is late: give the reason for accepting it.")
	if status == NEW:
		# incomplete or undecided-late requests stop here, before any invoice
		check_transition(
			NEW, target, coverage=coverage, paid=True, late=late, late_accepted=True, missing=missing
		)
		return AcceptPlan(record, coverage == ON_DEMAND, target)
	return AcceptPlan(record, status == AWAITING_PAYMENT, None)


def check_client_change(status: str, sales_invoice: str | None) -> None:
	"""R-TKT-1, R-TKT-2: a request's client is named (or corrected) only before it
	is accepted or invoiced: coverage and price are decided for that client."""
	if status not in (INCOMPLETE, NEW) or sales_invoice:
		raise RuleError(
			"client_change", "The client of a ticket can be set only before it is accepted or invoiced."
		)


# --------------------------------------------------------------------------- tariff (R-TKT-3)
@dataclass(frozen=True)
class PriceSplit:
	net: float
	tax: float
	gross: float


def split_inclusive_price(gross: float, rate_percent: float = 20.0) -> PriceSplit:
	"""100 € TTC at 20 % → 83.33 HT + 16.67 VAT (rounded to the cent, net + tax = gross)."""
	if gross <= 0:
		raise RuleError("price", "The ticket price must be greater than zero.")
	if rate_percent < 0:
		raise RuleError("rate", "The VAT rate cannot be negative.")
	net = round(gross / (1 + rate_percent / 100) + 1e-9, 2)
	return PriceSplit(net=net, tax=round(gross - net, 2), gross=round(gross, 2))
