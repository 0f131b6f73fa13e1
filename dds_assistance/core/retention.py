"""No client data kept after an intervention (CGU art. 4.3): R-DATA-1."""

from __future__ import annotations

from datetime import date, datetime, timedelta


def purge_due(
	closed_on: datetime | date | None, grace_days: int, today: date, retention_agreed: bool
) -> bool:
	"""R-DATA-1: a closed ticket's files go once the grace period is over, unless
	the client agreed to their retention."""
	if closed_on is None or retention_agreed:
		return False
	closed_day = closed_on.date() if isinstance(closed_on, datetime) else closed_on
	return today >= closed_day + timedelta(days=max(grace_days, 0))
