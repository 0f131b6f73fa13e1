"""Complaints, sanctions, abuse flags, terms versions and data retention
(R-CPL-1, R-CPL-2, R-SAN-1 … R-SAN-3, R-TERMS-1 … R-TERMS-3, R-DATA-1)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dds_assistance.core.business_time import BusinessCalendar
from dds_assistance.core.tickets import TicketRuleError

# --------------------------------------------------------------------------- complaints (R-CPL-*)
ON_TRACK, AT_RISK, OVERDUE, DONE = "On Track", "At Risk", "Overdue", "Done"
COMPLAINT_CHANNELS = ("E-mail", "Post")


@dataclass(frozen=True)
class Deadline:
	due: datetime
	warn_at: datetime


def complaint_deadline(calendar: BusinessCalendar, received_at: datetime, days: int) -> Deadline:
	"""Due at the end of the ``days``-th business day after the day of receipt
	(R-TIME-4); at risk from the end of the business day before (the last
	business day to act)."""
	due = calendar.add_business_days(received_at, days)
	warn_at = calendar.add_business_days(received_at, days - 1) if days > 1 else received_at
	return Deadline(due=due, warn_at=warn_at)


def deadline_state(now: datetime, deadline: Deadline, done_at: datetime | None) -> str:
	if done_at is not None:
		return DONE
	if now > deadline.due:
		return OVERDUE
	if now >= deadline.warn_at:
		return AT_RISK
	return ON_TRACK


# --------------------------------------------------------------------------- sanctions (R-SAN-*)
BREACHES = ("Fraudulent use", "Reverse engineering", "Abusive solicitation", "Disrespectful behaviour")
SANCTIONS = ("Suspension", "Termination of the subscription")


def check_sanction(breach: str | None, sanction: str | None, facts: str | None) -> None:
	if breach not in BREACHES:
		raise TicketRuleError("breach", "The breach must be one of: {0}.", ", ".join(BREACHES))
	if sanction not in SANCTIONS:
		raise TicketRuleError("sanction", "The sanction must be one of: {0}.", ", ".join(SANCTIONS))
	if not (facts or "").strip():
		raise TicketRuleError("facts", "Record the facts of the breach.")


@dataclass(frozen=True)
class Suspension:
	start: datetime
	lifted_on: datetime | None


def suspended_at(suspensions: Iterable[Suspension], at: datetime) -> bool:
	"""R-SAN-2: a client is suspended while a suspension has begun and is not lifted."""
	return any(s.start <= at and (s.lifted_on is None or at < s.lifted_on) for s in suspensions)


def abusive_solicitation(
	request_times: Iterable[datetime], now: datetime, window_days: int, threshold: int
) -> bool:
	"""R-SAN-3: more than ``threshold`` requests in the last ``window_days`` days.
	A flag for review only: never a sanction by itself."""
	if window_days <= 0 or threshold <= 0:
		return False
	since = now - timedelta(days=window_days)
	return sum(1 for moment in request_times if since < moment <= now) > threshold


# --------------------------------------------------------------------------- terms (R-TERMS-*)
# R-TERMS-2 (CGU 1.2): where the CGU and the CGV contradict, the CGV prevail — the
# kinds are listed, shown and applied in this order of precedence
TERMS_KINDS = ("CGV", "CGU")


def by_precedence(versions: Iterable[TermsVersion]) -> list[TermsVersion]:
	"""Versions ordered as they prevail: CGV before CGU (R-TERMS-2), newest first within a kind."""
	return sorted(versions, key=lambda v: (TERMS_KINDS.index(v.kind), -v.applies_from.toordinal()))


@dataclass(frozen=True)
class TermsVersion:
	kind: str
	reference: str
	version: str
	publication_date: date
	effective_date: date | None

	@property
	def applies_from(self) -> date:
		"""R-TERMS-1: from the effective date, or the publication date if none."""
		return self.effective_date or self.publication_date


def terms_in_force(versions: Iterable[TermsVersion], kind: str, at: date) -> TermsVersion | None:
	"""The version of ``kind`` that applies to services provided on ``at``: the one
	that took effect last on or before that day (ties: the latest publication)."""
	candidates = [v for v in versions if v.kind == kind and v.applies_from <= at]
	if not candidates:
		return None
	return max(candidates, key=lambda v: (v.applies_from, v.publication_date, v.version))


def check_terms_version(
	kind: str | None,
	reference: str | None,
	version: str | None,
	published: date | None,
	effective: date | None,
) -> None:
	if kind not in TERMS_KINDS:
		raise TicketRuleError("terms_kind", "The terms kind must be one of: {0}.", ", ".join(TERMS_KINDS))
	if not (reference or "").strip() or not (version or "").strip():
		raise TicketRuleError("terms_reference", "A terms version needs its reference and version label.")
	if published is None:
		raise TicketRuleError("terms_published", "A terms version needs its publication date.")
	if effective is not None and effective < published:
		raise TicketRuleError("terms_effective", "A version cannot take effect before it is published.")


# --------------------------------------------------------------------------- retention (R-DATA-1)
def purge_due(
	closed_on: datetime | date | None, grace_days: int, today: date, retention_agreed: bool
) -> bool:
	"""R-DATA-1: a closed ticket's files go once the grace period is over, unless
	the client agreed to their retention."""
	if closed_on is None or retention_agreed:
		return False
	closed_day = closed_on.date() if isinstance(closed_on, datetime) else closed_on
	return today >= closed_day + timedelta(days=max(grace_days, 0))
