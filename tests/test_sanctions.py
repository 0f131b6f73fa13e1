"""Breaches, sanctions and the abuse flag (R-SAN-1 … R-SAN-3)."""

from datetime import datetime, timedelta

import pytest

from dds_assistance.core import sanctions as c
from dds_assistance.core.errors import RuleError


def test_r_san_1_breaches_and_sanctions():
	c.check_sanction("Reverse engineering", "Suspension", "Décompilation de l'agent de connexion")
	for args in (
		("Lateness", "Suspension", "x"),
		("Fraudulent use", "Fine", "x"),
		("Fraudulent use", "Suspension", " "),
	):
		with pytest.raises(RuleError):
			c.check_sanction(*args)


def test_r_san_2_suspension_window():
	start = datetime(2026, 11, 1, 9, 0)
	lifted = c.Suspension(start, datetime(2026, 11, 10, 9, 0))
	assert not c.suspended_at([lifted], start - timedelta(seconds=1))
	assert c.suspended_at([lifted], start)
	assert not c.suspended_at([lifted], datetime(2026, 11, 10, 9, 0))
	assert c.suspended_at([c.Suspension(start, None)], datetime(2030, 1, 1))
	assert not c.suspended_at([], start)


def test_r_san_3_abusive_solicitation_flag():
	now = datetime(2026, 11, 23, 12, 0)
	times = [now - timedelta(days=i) for i in range(11)]  # 11 requests in 11 days
	assert c.abusive_solicitation(times, now, 30, 10)
	assert not c.abusive_solicitation(times, now, 30, 11)
	assert not c.abusive_solicitation(
		times, now, 5, 10
	)  # only 5 in the window (days 0 to 4 … day 5 excluded)
	assert not c.abusive_solicitation(times, now, 0, 10)


# ----------------------------------------------------------------- decided once (issue #25)
def test_r_san_3_the_window_and_the_threshold_decide_once():
	now = datetime(2026, 11, 30, 12, 0)
	since, until = c.solicitation_window(now, 7)
	assert (since, until) == (now - timedelta(days=7), now)
	assert c.is_abusive(6, 7, 5) and not c.is_abusive(5, 7, 5)
	assert not c.flagging_on(0, 5) and not c.flagging_on(7, 0) and c.flagging_on(7, 5)
	assert not c.is_abusive(100, 0, 5) and not c.is_abusive(100, 7, 0)
	times = [now - timedelta(days=d) for d in (0, 1, 2, 3, 4, 5)]
	assert c.abusive_solicitation(times, now, 7, 5) == c.is_abusive(len(times), 7, 5)


def test_r_san_2_a_suspended_clients_mail_is_kept_rejected_other_requests_refused():
	assert c.suspended_request(by_mail=True) == c.KEEP_REJECTED
	assert c.suspended_request(by_mail=False) == c.REFUSE


def test_r_san_2_a_sanction_is_lifted_once_with_a_reason():
	c.check_lift(False, "Excuses présentées")
	for lifted, reason, code in ((True, "x", "sanction_lifted"), (False, " ", "lift_reason")):
		with pytest.raises(RuleError) as refused:
			c.check_lift(lifted, reason)
		assert refused.value.code == code
