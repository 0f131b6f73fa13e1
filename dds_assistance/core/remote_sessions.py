"""Remote sessions (R-RS-1 … R-RS-8, CGU art. 3, 4.1, 6; CGV art. 7)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from dds_assistance.core.errors import RuleError
from dds_assistance.core.tickets import FINAL_STATUSES, ON_DEMAND, PREMIUM

REQUESTED = "Requested"
CONSENTED = "Consented"
IN_PROGRESS = "In Progress"
ENDED = "Ended"
EXPIRED = "Expired"
CANCELLED = "Cancelled"
STATUSES = (REQUESTED, CONSENTED, IN_PROGRESS, ENDED, EXPIRED, CANCELLED)
CLOSED_STATUSES = (ENDED, EXPIRED, CANCELLED)

# history events (R-RS-4)
EV_REQUESTED, EV_CONSENTED, EV_STARTED = "Requested", "Consented", "Started"
EV_SCOPE, EV_ENDED, EV_EXPIRED, EV_REFUSED, EV_CANCELLED = (
	"Scope Extended",
	"Ended",
	"Expired",
	"Refused",
	"Cancelled",
)

CONSENT_METHODS = ("Portal", "E-mail", "Phone")
# R-RS-2: the client's four confirmations before consenting (CGU 3.2)
CHECKLIST = ("check_backup", "check_apps_closed", "check_reachable", "check_connection")
CHECKLIST_LABELS = {
	"check_backup": "Data and critical settings backed up",
	"check_apps_closed": "Sensitive applications closed",
	"check_reachable": "Client present or reachable",
	"check_connection": "Stable internet connection",
}


def authorisation_valid(
	valid_from: datetime, valid_to: datetime | None, revoked_on: datetime | None, at: datetime
) -> bool:
	"""R-RS-6: a technician authorisation holds at ``at``."""
	if at < valid_from:
		return False
	if valid_to is not None and at >= valid_to:
		return False
	if revoked_on is not None and at >= revoked_on:
		return False
	return True


def check_duration(minutes, maximum: int) -> int:
	"""R-RS-3: every session has a bounded, positive authorised duration."""
	try:
		value = int(minutes)
	except (TypeError, ValueError):
		raise RuleError("duration", "The session duration must be a whole number of minutes.")
	if value <= 0 or value > maximum:
		raise RuleError("duration", "The session duration must be between 1 and {0} minutes.", maximum)
	return value


def check_consent(
	status: str, method: str | None, checklist: dict, note: str | None, by_client: bool
) -> None:
	"""R-RS-1, R-RS-2: consent for this one session, with the four confirmations.
	A portal click comes from the client; an e-mail or a phone call is recorded by
	staff with a mandatory note."""
	if status != REQUESTED:
		raise RuleError(
			"consent_status", "Consent can only be given to a requested session (status: {0}).", status
		)
	if method not in CONSENT_METHODS:
		raise RuleError(
			"consent_method", "The consent method must be one of: {0}.", ", ".join(CONSENT_METHODS)
		)
	if method == "Portal" and not by_client:
		raise RuleError("consent_portal", "Only the client can consent through the portal.")
	if method != "Portal" and by_client:
		raise RuleError("consent_staff", "Consent by e-mail or phone is recorded by support staff.")
	if method != "Portal" and not (note or "").strip():
		raise RuleError("consent_note", "Note how and when the client gave consent by e-mail or phone.")
	missing = [CHECKLIST_LABELS[key] for key in CHECKLIST if not checklist.get(key)]
	if missing:
		raise RuleError(
			"checklist", "The client must confirm every item of the checklist: {0}.", "; ".join(missing)
		)


def check_ticket_takes_sessions(ticket_status: str) -> None:
	"""R-TKT-5, R-RS-7: a session is proposed, consented to and run only on a ticket
	that is still live — never on a closed, refused or cancelled one."""
	if ticket_status in FINAL_STATUSES:
		raise RuleError(
			"ticket_closed",
			"No remote session on a closed, refused or cancelled ticket (status: {0}): open a new request.",
			ticket_status,
		)


@dataclass(frozen=True)
class StartFacts:
	status: str
	consented: bool  # consent recorded for this very session
	technician_authorised: bool
	client_suspended: bool
	coverage: str  # ticket coverage: ON_DEMAND or PREMIUM
	ticket_paid: bool
	subscription_active: bool
	ticket_status: str = ""


START_REFUSALS = {
	"status": "Only a consented session can start (status: {0}).",
	"no_consent": "The client has not consented to this session.",
	"not_authorised": "You hold no valid technician authorisation.",
	"suspended": "The client's access is suspended.",
	"unpaid": "The ticket is not paid: no remote session before payment.",
	"not_covered": "The client's Premium subscription is not active.",
	"ticket_closed": "The ticket is closed, refused or cancelled: no remote session on it.",
}


def start_refusals(facts: StartFacts) -> list[str]:
	"""Every condition of R-RS-1, R-RS-6, R-RS-7 and R-SAN-2 that fails (empty: may start)."""
	refusals = []
	if facts.status != CONSENTED:
		refusals.append("status")
	if not facts.consented:
		refusals.append("no_consent")
	if not facts.technician_authorised:
		refusals.append("not_authorised")
	if facts.client_suspended:
		refusals.append("suspended")
	if facts.coverage == ON_DEMAND and not facts.ticket_paid:
		refusals.append("unpaid")
	if facts.coverage == PREMIUM and not facts.subscription_active:
		refusals.append("not_covered")
	if facts.coverage not in (ON_DEMAND, PREMIUM):
		refusals.append("unpaid")
	if facts.ticket_status in FINAL_STATUSES:
		refusals.append("ticket_closed")
	return refusals


def authorised_end(started_at: datetime, minutes: int) -> datetime:
	"""R-RS-3: the session closes at this moment at the latest."""
	return started_at + timedelta(minutes=minutes)


def is_expired(status: str, end: datetime | None, now: datetime) -> bool:
	"""R-RS-3: a session in progress whose authorised time is over is closed."""
	return status == IN_PROGRESS and end is not None and now >= end


def proposal_fixed(status: str) -> bool:
	"""R-RS-1: what the client consents to (scope, tool, duration) is fixed once the
	proposal left the Requested state."""
	return status != REQUESTED


def check_end(status: str) -> None:
	if status != IN_PROGRESS:
		raise RuleError("end_status", "Only a session in progress can be ended.")


def check_cancel(status: str, reason: str | None) -> None:
	if status not in (REQUESTED, CONSENTED):
		raise RuleError("cancel_status", "Only a session that has not started can be cancelled.")
	if not (reason or "").strip():
		raise RuleError("cancel_reason", "Give the reason for cancelling.")


def check_scope_extension(
	status: str, new_scope: str | None, instruction_by: str | None, instruction: str | None
) -> None:
	"""R-RS-5: access beyond the declared scope needs the client's express
	instruction (who gave it and what it says), recorded before it takes effect."""
	if status not in (CONSENTED, IN_PROGRESS):
		raise RuleError("scope_status", "The scope of a session in status {0} cannot change.", status)
	if not (new_scope or "").strip():
		raise RuleError("scope_empty", "Describe the widened scope.")
	if not (instruction_by or "").strip() or not (instruction or "").strip():
		raise RuleError(
			"scope_instruction",
			"Widening the scope needs the client's express instruction: who gave it and what it says.",
		)
