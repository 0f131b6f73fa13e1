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


ACTIVE, LIFTED = "Active", "Lifted"


def check_lift(lifted: bool, reason: str | None) -> None:
	"""R-SAN-2: a sanction is lifted once, with the reason; it stays in history."""
	if lifted:
		raise RuleError("sanction_lifted", "This sanction is already lifted.")
	if not (reason or "").strip():
		raise RuleError("lift_reason", "Say why the sanction is lifted.")


# R-SAN-2: what becomes of a suspended client's new request
REFUSE = "refuse"  # from the desk, the API or the portal: refused with the reason
KEEP_REJECTED = "keep rejected"  # by e-mail: the mail is kept, its request rejected with the reason


def suspended_request(by_mail: bool) -> str:
	"""R-SAN-2: no new request is accepted from a suspended client. One that came by
	e-mail is kept (the mail is what the client sent) as a rejected request with the
	reason; any other is refused."""
	return KEEP_REJECTED if by_mail else REFUSE


def solicitation_window(now: datetime, window_days: int) -> tuple[datetime, datetime]:
	"""R-SAN-3: the requests counted are those received in (now - window_days, now]."""
	return now - timedelta(days=window_days), now


def flagging_on(window_days: int, threshold: int) -> bool:
	"""R-SAN-3 is in use: a window and a threshold are set (a setting)."""
	return window_days > 0 and threshold > 0


def is_abusive(request_count: int, window_days: int, threshold: int) -> bool:
	"""R-SAN-3: more than ``threshold`` requests in the window. A flag for review
	only, never a sanction by itself; no threshold or no window, no flag."""
	return flagging_on(window_days, threshold) and request_count > threshold


def abusive_solicitation(
	request_times: Iterable[datetime], now: datetime, window_days: int, threshold: int
) -> bool:
	"""R-SAN-3: more than ``threshold`` requests in the last ``window_days`` days."""
	since, until = solicitation_window(now, window_days)
	return is_abusive(sum(1 for moment in request_times if since < moment <= until), window_days, threshold)
