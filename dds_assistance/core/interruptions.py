"""Planned interruptions (CGU art. 8): R-AVAIL-1, R-AVAIL-2.

An interruption is drafted, then announced (the clients are told and the business
calendar closes for it), then possibly cancelled (the clients told are told again,
the calendar opens again). What the clients were told never changes.
"""

from __future__ import annotations

from datetime import datetime

from dds_assistance.core.errors import RuleError

DRAFT, ANNOUNCED, CANCELLED = "Draft", "Announced", "Cancelled"
STATUSES = (DRAFT, ANNOUNCED, CANCELLED)
ANNOUNCEMENT, CANCELLATION = "Announcement", "Cancellation"


def check_span(starts_at: datetime, ends_at: datetime) -> None:
	if ends_at <= starts_at:
		raise RuleError("interruption_span", "The interruption must end after it begins.")


def told_to_clients(status: str) -> bool:
	"""R-AVAIL-1: once announced, what the clients were told is kept as it is (cancel
	it and record a new one instead); the record is never deleted."""
	return status != DRAFT


def check_announce(status: str, ends_at: datetime, now: datetime) -> None:
	if status != DRAFT:
		raise RuleError("announce_status", "Only a draft interruption can be announced.")
	if ends_at <= now:
		raise RuleError("announce_over", "This interruption is already over.")


def check_cancel(status: str) -> None:
	if status != ANNOUNCED:
		raise RuleError("cancel_interruption_status", "Only an announced interruption can be cancelled.")
