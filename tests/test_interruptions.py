"""Planned interruptions (CGU 8): R-AVAIL-1, R-AVAIL-2 — the states decided by the core."""

from datetime import datetime

import pytest

from dds_assistance.core import interruptions as i
from dds_assistance.core.errors import RuleError

START, END = datetime(2026, 12, 10, 9, 0), datetime(2026, 12, 10, 12, 0)


def test_r_avail_1_an_interruption_ends_after_it_begins():
	i.check_span(START, END)
	for end in (START, datetime(2026, 12, 10, 8, 0)):
		with pytest.raises(RuleError):
			i.check_span(START, end)


def test_r_avail_1_a_draft_is_announced_before_its_end_an_announced_one_cancelled():
	i.check_announce(i.DRAFT, END, datetime(2026, 12, 1))
	with pytest.raises(RuleError) as over:
		i.check_announce(i.DRAFT, END, datetime(2026, 12, 10, 12, 0))
	assert over.value.code == "announce_over"
	for status in (i.ANNOUNCED, i.CANCELLED):
		with pytest.raises(RuleError):
			i.check_announce(status, END, datetime(2026, 12, 1))
	i.check_cancel(i.ANNOUNCED)
	for status in (i.DRAFT, i.CANCELLED):
		with pytest.raises(RuleError):
			i.check_cancel(status)


def test_r_avail_1_what_the_clients_were_told_is_kept():
	assert not i.told_to_clients(i.DRAFT)
	assert i.told_to_clients(i.ANNOUNCED) and i.told_to_clients(i.CANCELLED)
