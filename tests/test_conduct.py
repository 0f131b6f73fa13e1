"""Complaints, sanctions, abuse flags, terms versions, retention (R-CPL, R-SAN, R-TERMS, R-DATA)."""

from datetime import date, datetime, timedelta

import pytest

from dds_assistance.core import conduct as c
from dds_assistance.core.business_time import french_business_calendar
from dds_assistance.core.tickets import TicketRuleError


@pytest.fixture(scope="module")
def cal():
	return french_business_calendar()


# --------------------------------------------------------------------------- R-CPL-2
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


# --------------------------------------------------------------------------- R-SAN
def test_r_san_1_breaches_and_sanctions():
	c.check_sanction("Reverse engineering", "Suspension", "Décompilation de l'agent de connexion")
	for args in (
		("Lateness", "Suspension", "x"),
		("Fraudulent use", "Fine", "x"),
		("Fraudulent use", "Suspension", " "),
	):
		with pytest.raises(TicketRuleError):
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


# --------------------------------------------------------------------------- R-TERMS
CGV_2023 = c.TermsVersion("CGV", "CGV-TICKET-ASSISTANCE-EXO-2023-10", "2023-10", date(2023, 10, 1), None)
CGU_2026 = c.TermsVersion("CGU", "CGU-ASSISTANCE", "2026-01-01", date(2025, 12, 1), date(2026, 1, 1))
CGU_2027 = c.TermsVersion("CGU", "CGU-ASSISTANCE", "2027-03-01", date(2027, 1, 15), date(2027, 3, 1))


def test_r_terms_1_version_in_force_at_a_moment():
	versions = [CGV_2023, CGU_2026, CGU_2027]
	assert c.terms_in_force(versions, "CGV", date(2026, 6, 1)) == CGV_2023
	assert c.terms_in_force(versions, "CGU", date(2025, 12, 31)) is None  # published, not yet effective
	assert c.terms_in_force(versions, "CGU", date(2026, 1, 1)) == CGU_2026
	assert (
		c.terms_in_force(versions, "CGU", date(2027, 2, 28)) == CGU_2026
	)  # new one published, not effective
	assert c.terms_in_force(versions, "CGU", date(2027, 3, 1)) == CGU_2027


def test_r_terms_1_publication_date_when_no_effective_date():
	assert CGV_2023.applies_from == date(2023, 10, 1)


def test_terms_version_checks():
	c.check_terms_version("CGU", "CGU-X", "v2", date(2027, 1, 1), date(2027, 2, 1))
	for args in (
		("CGX", "r", "v", date(2027, 1, 1), None),
		("CGU", "", "v", date(2027, 1, 1), None),
		("CGU", "r", "v", None, None),
		("CGU", "r", "v", date(2027, 1, 1), date(2026, 1, 1)),
	):
		with pytest.raises(TicketRuleError):
			c.check_terms_version(*args)


# --------------------------------------------------------------------------- R-DATA-1
@pytest.mark.parametrize(
	"closed, grace, today, agreed, due",
	[
		(date(2026, 11, 1), 30, date(2026, 11, 30), False, False),
		(date(2026, 11, 1), 30, date(2026, 12, 1), False, True),
		(datetime(2026, 11, 1, 18, 0), 30, date(2026, 12, 1), False, True),
		(date(2026, 11, 1), 30, date(2027, 1, 1), True, False),  # retention agreed
		(None, 30, date(2027, 1, 1), False, False),  # not closed
		(date(2026, 11, 1), 0, date(2026, 11, 1), False, True),
	],
)
def test_r_data_1_purge_due(closed, grace, today, agreed, due):
	assert c.purge_due(closed, grace, today, agreed) is due


def test_r_terms_2_cgv_prevail_over_cgu():
	assert c.by_precedence([CGU_2027, CGV_2023, CGU_2026]) == [CGV_2023, CGU_2027, CGU_2026]
	assert c.TERMS_KINDS[0] == "CGV"
