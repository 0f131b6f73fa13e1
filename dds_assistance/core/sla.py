"""First-response service level (R-TKT-9, R-TKT-10).

The due time and the warning time are computed once, when their inputs change
(R-TIME-5), and stored; the sweep only compares them with the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dds_assistance.core.business_time import BusinessCalendar
from dds_assistance.core.errors import RuleError
from dds_assistance.core.tickets import EXTENSION_REASONS

ON_TRACK = "On Track"
AT_RISK = "At Risk"
BREACHED = "Breached"
MET = "Met"
SLA_STATES = (ON_TRACK, AT_RISK, BREACHED, MET)
PENDING_STATES = (ON_TRACK, AT_RISK)


@dataclass(frozen=True)
class ResponseTarget:
	due: datetime
	warn_at: datetime


def response_target(
	calendar: BusinessCalendar, received_at: datetime, response_hours: float, warning_hours: float
) -> ResponseTarget:
	"""Due = receipt + N business hours; warning = the latest moment with
	``warning_hours`` business hours still to go (never before the receipt)."""
	due = calendar.add_business_hours(received_at, response_hours)
	return ResponseTarget(due, warning_time(calendar, due, received_at, response_hours, warning_hours))


def warning_time(
	calendar: BusinessCalendar,
	due: datetime,
	not_before: datetime,
	response_hours: float,
	warning_hours: float,
) -> datetime:
	"""R-TKT-9: the agents are warned when ``warning_hours`` business hours are left
	before ``due`` (at most the whole response time), never before ``not_before``
	(the receipt): the same margin for a due time computed, extended or recomputed."""
	return max(calendar.subtract_business_hours(due, min(warning_hours, response_hours)), not_before)


def target_set_at_receipt(is_new: bool, has_due: bool) -> bool:
	"""R-TIME-5: the due time is computed when the request is recorded; afterwards
	it moves only by an extension (R-TKT-10) or a recorded recomputation."""
	return is_new or not has_due


def follows_calendar(responded: bool, extended: bool, clock_running: bool) -> bool:
	"""R-TIME-5, R-AVAIL-2: a pending due time is computed again when the calendar
	changes — unless the first response was given, a manager extended it (R-TKT-10:
	the extension stands) or the clock no longer runs."""
	return not responded and not extended and clock_running


def sla_state(now: datetime, due: datetime, warn_at: datetime, responded_at: datetime | None) -> str:
	"""The first-response state at ``now``. A response after the due time leaves
	the ticket Breached: the breach happened."""
	if responded_at is not None:
		return MET if responded_at <= due else BREACHED
	if now >= due:
		return BREACHED
	if now >= warn_at:
		return AT_RISK
	return ON_TRACK


def check_extension(
	current_due: datetime, new_due: datetime, reason: str, note: str | None, responded: bool = False
) -> None:
	"""R-TKT-10: an extension of a pending first response names a reason from the
	terms' list, explains itself and moves the due time later."""
	if responded:
		raise RuleError("extension_responded", "The first response was already given.")
	if reason not in EXTENSION_REASONS:
		raise RuleError(
			"extension_reason",
			"An extension needs one of these reasons: {0}.",
			", ".join(EXTENSION_REASONS),
		)
	if not (note or "").strip():
		raise RuleError("extension_note", "Explain the extension in a note.")
	if new_due <= current_due:
		raise RuleError(
			"extension_due", "The new due time must be later than the current one ({0}).", current_due
		)
