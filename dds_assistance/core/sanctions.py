"""Conduct and sanctions (CGU art. 5): R-SAN-1 … R-SAN-3."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from dds_assistance.core.errors import RuleError

BREACHES = ("Fraudulent use", "Reverse engineering", "Abusive solicitation", "Disrespectful behaviour")
SUSPENSION = "Suspension"
TERMINATION = "Termination of the subscription"
SANCTIONS = (SUSPENSION, TERMINATION)


def check_sanction(breach: str | None, sanction: str | None, facts: str | None) -> None:
	"""R-SAN-1, R-SAN-2: a recorded breach of the list, a sanction of the list, and its facts."""
	if breach not in BREACHES:
		raise RuleError("breach", "The breach must be one of: {0}.", ", ".join(BREACHES))
	if sanction not in SANCTIONS:
		raise RuleError("sanction", "The sanction must be one of: {0}.", ", ".join(SANCTIONS))
	if not (facts or "").strip():
		raise RuleError("facts", "Record the facts of the breach.")


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
