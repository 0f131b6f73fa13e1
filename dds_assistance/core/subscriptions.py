"""Premium subscriptions (R-SUB-1 … R-SUB-6).

Terms
-----
A subscription runs in yearly terms from its start date. Term ``k`` (0-based)
begins on the ``k``-th anniversary of the start and ends the day before the next
anniversary. **29 February rule**: in a year without 29 February the
anniversary of a 29 February start is 1 March, so a term that began on 29
February ends on 28 February (and the next one begins on 1 March).

Notice (R-SUB-3)
----------------
The "term" (échéance) of CGU 9.4 is the anniversary on which the subscription
would renew. A written notice received at least 30 days before it — on the
notice deadline ``anniversary - 30 days`` or earlier — ends the subscription at
the end of the current term; a later notice ends it at the end of the next term.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from dds_assistance.core.errors import RuleError
from dds_assistance.core.tickets import SubscriptionFacts

NOTICE_DAYS = 30

SCHEDULED = "Scheduled"
ACTIVE = "Active"
NOTICE_GIVEN = "Notice Given"
ENDED = "Ended"
TERMINATED = "Terminated for Breach"
SUSPENDED = "Suspended"
STATUSES = (SCHEDULED, ACTIVE, NOTICE_GIVEN, ENDED, TERMINATED, SUSPENDED)
# a plan that still binds the client (not ended, not terminated): its renewals run, a
# termination for breach applies to it, its client is informed of new terms
LIVE_STATUSES = (SCHEDULED, ACTIVE, NOTICE_GIVEN, SUSPENDED)

NOTICE_CHANNELS = ("Portal", "E-mail", "Letter")
# what a notice records (R-SUB-3): when, how, why, its effect, who recorded it
NOTICE_FIELDS = (
	"notice_received_on",
	"notice_channel",
	"notice_reason",
	"notice_effective_end",
	"notice_recorded_by",
	"notice_note",
)
NOTICE_REASONS = ("Client decision", "Refusal of new terms")  # R-SUB-4 is the second


def anniversary(start: date, years: int) -> date:
	"""The ``years``-th anniversary of ``start``; 29 February → 1 March in common years."""
	year = start.year + years
	if start.month == 2 and start.day == 29 and not calendar.isleap(year):
		return date(year, 3, 1)
	return start.replace(year=year)


@dataclass(frozen=True)
class Term:
	index: int
	start: date
	end: date  # inclusive

	@property
	def renewal(self) -> date:
		"""The anniversary that closes this term (the échéance)."""
		return self.end + timedelta(days=1)

	@property
	def notice_deadline(self) -> date:
		"""Last day a notice may be received to end the subscription at this term."""
		return self.renewal - timedelta(days=NOTICE_DAYS)


def term(start: date, index: int) -> Term:
	if index < 0:
		raise ValueError(f"Invalid term index: {index}")
	return Term(index, anniversary(start, index), anniversary(start, index + 1) - timedelta(days=1))


def term_index_at(start: date, day: date) -> int:
	"""The index of the term holding ``day`` (0 before the start)."""
	if day < start:
		return 0
	index = max(day.year - start.year - 1, 0)
	while anniversary(start, index + 1) <= day:
		index += 1
	return index


def term_at(start: date, day: date) -> Term:
	return term(start, term_index_at(start, day))


def notice_effective_end(start: date, received_on: date) -> date:
	"""R-SUB-3: the last covered day for a notice received on ``received_on``."""
	current = term_at(start, received_on)
	if received_on <= current.notice_deadline:
		return current.end
	return term(start, current.index + 1).end


def check_notice(
	start: date, received_on: date | None, channel: str | None, reason: str | None, today: date
) -> date:
	"""Validate a notice and return its effective end."""
	if not received_on:
		raise RuleError("notice_date", "The date the notice was received is required.")
	if received_on > today:
		raise RuleError("notice_future", "A notice cannot be received in the future ({0}).", received_on)
	if channel not in NOTICE_CHANNELS:
		raise RuleError(
			"notice_channel", "The notice channel must be one of: {0}.", ", ".join(NOTICE_CHANNELS)
		)
	if reason not in NOTICE_REASONS:
		raise RuleError("notice_reason", "The notice reason must be one of: {0}.", ", ".join(NOTICE_REASONS))
	return notice_effective_end(start, received_on)


def check_withdrawal(effective_end: date | None, today: date) -> None:
	if effective_end is None:
		raise RuleError("no_notice", "There is no notice to withdraw.")
	if today > effective_end:
		raise RuleError(
			"notice_effective", "The notice took effect on {0}: it can no longer be withdrawn.", effective_end
		)


@dataclass(frozen=True)
class SubscriptionState:
	"""What the rules need to know of one subscription."""

	start: date
	no_renewal_after: date | None = None  # auto-renewal switched off: last day of that term
	notice_end: date | None = None  # effective end of a notice (R-SUB-3)
	breach_on: date | None = None  # first day without service after a termination for breach (R-SUB-6)
	suspended: bool = False
	invoiced_terms: frozenset[int] = frozenset()
	reminded_terms: frozenset[int] = frozenset()

	def last_day(self, today: date | None = None) -> date | None:
		"""The last covered day, if the subscription has an end (notice, no renewal, breach)."""
		ends = []
		if self.notice_end:
			ends.append(self.notice_end)
		if self.no_renewal_after:
			ends.append(self.no_renewal_after)
		if self.breach_on:
			ends.append(self.breach_on - timedelta(days=1))
		return min(ends) if ends else None


def status(state: SubscriptionState, today: date) -> str:
	"""The status shown to everyone, derived from the facts (never stored by hand)."""
	last = state.last_day(today)
	if state.breach_on and today >= state.breach_on:
		return TERMINATED
	if last is not None and today > last:
		return ENDED
	if today < state.start:
		return SCHEDULED
	if state.suspended:
		return SUSPENDED
	if state.notice_end:
		return NOTICE_GIVEN
	return ACTIVE


def is_active_on(state: SubscriptionState, day: date) -> bool:
	"""Active term on ``day``: begun, not ended, not terminated, not suspended."""
	return status(state, day) in (ACTIVE, NOTICE_GIVEN)


def coverage_facts(name: str, state: SubscriptionState, licence_valid_until: date | None, day: date):
	"""R-TKT-1 / R-SUB-1: the facts the ticket's coverage decision needs."""
	current = term_at(state.start, max(day, state.start))
	return SubscriptionFacts(
		name=name,
		term_start=current.start,
		term_end=current.end,
		licence_valid_until=licence_valid_until,
		active=is_active_on(state, day),
	)


@dataclass
class DailyPlan:
	"""What the daily job must do for one subscription today (R-SUB-5)."""

	invoice_terms: list[Term] = field(default_factory=list)
	remind_term: Term | None = None
	status: str = ACTIVE


def daily_plan(state: SubscriptionState, today: date, reminder_days: int) -> DailyPlan:
	"""Terms to invoice (every begun term up to today that the subscription
	reaches and that has no invoice yet, oldest first: a job that did not run
	for days catches up in order, never twice), the reminder to send, and the
	status to show."""
	plan = DailyPlan(status=status(state, today))
	if today < state.start:
		return plan
	last = state.last_day(today)
	current = term_index_at(state.start, today)
	for index in range(current + 1):
		begun = term(state.start, index)
		if last is not None and begun.start > last:
			break
		if state.breach_on and begun.start >= state.breach_on:
			break
		if index not in state.invoiced_terms:
			plan.invoice_terms.append(begun)
	if plan.status in (ACTIVE, SUSPENDED) and not state.no_renewal_after and not state.notice_end:
		now_term = term(state.start, current)
		remind_from = now_term.notice_deadline - timedelta(days=max(reminder_days, 0))
		if remind_from <= today <= now_term.notice_deadline and current not in state.reminded_terms:
			plan.remind_term = now_term
	return plan
