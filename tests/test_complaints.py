"""Complaints: acknowledgement and answer deadlines (R-CPL-1, R-CPL-2)."""

from datetime import datetime

import pytest

from dds_assistance.core import complaints as c
from dds_assistance.core.business_time import french_business_calendar
from dds_assistance.core.errors import RuleError


@pytest.fixture(scope="module")
def cal():
	return french_business_calendar()


def test_r_cpl_2_acknowledgement_within_5_business_days(cal):
	# received Wednesday → due Wednesday of the next week 17:30; at risk from Tuesday 17:30
	d = c.complaint_deadline(cal, datetime(2026, 11, 25, 11, 0), 5)
	assert d.due == datetime(2026, 12, 2, 17, 30)
	assert d.warn_at == datetime(2026, 12, 1, 17, 30)


def test_r_cpl_2_received_on_saturday_and_across_a_holiday(cal):
	assert c.complaint_deadline(cal, datetime(2026, 11, 28, 9, 0), 5).due == datetime(2026, 12, 4, 17, 30)
	assert c.complaint_deadline(cal, datetime(2026, 11, 4, 9, 0), 5).due == datetime(2026, 11, 12, 17, 30)


@pytest.mark.parametrize(
	"now, done, expected",
	[
		(datetime(2026, 11, 30, 10, 0), None, c.ON_TRACK),
		(datetime(2026, 12, 1, 17, 30), None, c.AT_RISK),
		(datetime(2026, 12, 2, 17, 30), None, c.AT_RISK),
		(datetime(2026, 12, 2, 17, 31), None, c.OVERDUE),
		(datetime(2026, 12, 9), datetime(2026, 12, 1), c.DONE),
	],
)
def test_r_cpl_2_states(cal, now, done, expected):
	d = c.complaint_deadline(cal, datetime(2026, 11, 25, 11, 0), 5)
	assert c.deadline_state(now, d, done) == expected


def test_one_day_deadline_is_at_risk_at_once(cal):
	d = c.complaint_deadline(cal, datetime(2026, 11, 25, 11, 0), 1)
	assert d.warn_at == datetime(2026, 11, 25, 11, 0)


# ----------------------------------------------------------------- decided once (issue #25)
def test_r_cpl_2_acknowledged_once_answered_with_words():
	c.check_acknowledge(False)
	c.check_answer("Nous avons bien reçu votre réclamation.")
	for check, value in ((c.check_acknowledge, True), (c.check_answer, " "), (c.check_answer, None)):
		with pytest.raises(RuleError):
			check(value)
