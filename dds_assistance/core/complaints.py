"""Complaints (réclamations, CGU art. 10): R-CPL-1, R-CPL-2.

A complaint is acknowledged within N business days of receipt and answered
within a target; both deadlines are "N jours ouvrés" (R-TIME-4).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dds_assistance.core.business_time import BusinessCalendar
from dds_assistance.core.errors import RuleError

ON_TRACK, AT_RISK, OVERDUE, DONE = "On Track", "At Risk", "Overdue", "Done"
COMPLAINT_CHANNELS = ("E-mail", "Post")
OPEN, ACKNOWLEDGED, ANSWERED = "Open", "Acknowledged", "Answered"


def check_acknowledge(acknowledged: bool) -> None:
	"""R-CPL-2: a complaint is acknowledged once."""
	if acknowledged:
		raise RuleError("acknowledged", "This complaint is already acknowledged.")


def check_answer(answer: str | None) -> None:
	"""R-CPL-2: an answer says something (acknowledging it too if not yet done)."""
	if not (answer or "").strip():
		raise RuleError("answer_empty", "Write the answer.")


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
