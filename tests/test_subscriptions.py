"""Premium subscription rules (R-SUB-1 … R-SUB-6, R-TKT-1)."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dds_assistance.core import subscriptions as s
from dds_assistance.core import tickets as t

D = date


# --------------------------------------------------------------------------- R-SUB-2 terms
def test_r_sub_2_terms_follow_the_anniversary():
	assert s.term(D(2026, 3, 15), 0) == s.Term(0, D(2026, 3, 15), D(2027, 3, 14))
	assert s.term(D(2026, 3, 15), 2) == s.Term(2, D(2028, 3, 15), D(2029, 3, 14))


def test_r_sub_2_year_end_start():
	assert s.term(D(2026, 1, 1), 0) == s.Term(0, D(2026, 1, 1), D(2026, 12, 31))
	assert s.term(D(2026, 12, 31), 0).end == D(2027, 12, 30)


def test_r_sub_2_29_february_start_ends_on_28_february():
	first = s.term(D(2028, 2, 29), 0)
	assert first.end == D(2029, 2, 28)
	assert s.term(D(2028, 2, 29), 1) == s.Term(1, D(2029, 3, 1), D(2030, 2, 28))
	# back on 29 February in the next leap year
	assert s.term(D(2028, 2, 29), 4) == s.Term(4, D(2032, 2, 29), D(2033, 2, 28))
	assert s.term(D(2028, 2, 29), 3).end == D(2032, 2, 28)


@settings(max_examples=300, deadline=None)
@given(start=st.dates(min_value=D(2000, 1, 1), max_value=D(2090, 1, 1)), index=st.integers(0, 40))
def test_r_sub_2_terms_tile_time_without_gap_or_overlap(start, index):
	a, b = s.term(start, index), s.term(start, index + 1)
	assert b.start == a.end + timedelta(days=1)
	assert 365 <= (a.end - a.start).days + 1 <= 366
	for day in (a.start, a.end, a.start + (a.end - a.start) / 2):
		assert s.term_index_at(start, day) == index


def test_term_index_before_start_is_zero():
	assert s.term_index_at(D(2026, 5, 1), D(2020, 1, 1)) == 0


# --------------------------------------------------------------------------- R-SUB-3 notice
START = D(2026, 1, 1)  # term 0: 2026-01-01 … 2026-12-31, renews 2027-01-01


def test_r_sub_3_notice_deadline_is_30_days_before_the_term():
	assert s.term(START, 0).notice_deadline == D(2026, 12, 2)


def test_r_sub_3_notice_exactly_30_days_before_ends_this_term():
	assert s.notice_effective_end(START, D(2026, 12, 2)) == D(2026, 12, 31)


def test_r_sub_3_notice_29_days_before_ends_the_next_term():
	assert s.notice_effective_end(START, D(2026, 12, 3)) == D(2027, 12, 31)


def test_r_sub_3_notice_on_the_last_day_and_after_renewal():
	assert s.notice_effective_end(START, D(2026, 12, 31)) == D(2027, 12, 31)
	assert s.notice_effective_end(START, D(2027, 1, 1)) == D(2027, 12, 31)


def test_r_sub_3_notice_checks():
	today = D(2026, 6, 1)
	assert s.check_notice(START, D(2026, 5, 1), "Letter", "Client decision", today) == D(2026, 12, 31)
	with pytest.raises(t.RuleError):
		s.check_notice(START, None, "Letter", "Client decision", today)
	with pytest.raises(t.RuleError):
		s.check_notice(START, D(2026, 7, 1), "Letter", "Client decision", today)
	with pytest.raises(t.RuleError):
		s.check_notice(START, D(2026, 5, 1), "Pigeon", "Client decision", today)
	with pytest.raises(t.RuleError):
		s.check_notice(START, D(2026, 5, 1), "Letter", "Bored", today)


def test_r_sub_4_refusal_of_new_terms_is_a_notice_reason():
	assert s.check_notice(START, D(2026, 5, 1), "E-mail", "Refusal of new terms", D(2026, 6, 1)) == D(
		2026, 12, 31
	)


def test_r_sub_3_withdrawal_before_it_takes_effect():
	s.check_withdrawal(D(2026, 12, 31), D(2026, 12, 31))
	with pytest.raises(t.RuleError):
		s.check_withdrawal(D(2026, 12, 31), D(2027, 1, 1))
	with pytest.raises(t.RuleError):
		s.check_withdrawal(None, D(2026, 1, 1))


# --------------------------------------------------------------------------- status
@pytest.mark.parametrize(
	"state, day, expected",
	[
		(s.SubscriptionState(START), D(2025, 12, 31), s.SCHEDULED),
		(s.SubscriptionState(START), D(2026, 1, 1), s.ACTIVE),
		(s.SubscriptionState(START), D(2031, 1, 1), s.ACTIVE),  # renews for ever
		(s.SubscriptionState(START, notice_end=D(2026, 12, 31)), D(2026, 12, 31), s.NOTICE_GIVEN),
		(s.SubscriptionState(START, notice_end=D(2026, 12, 31)), D(2027, 1, 1), s.ENDED),
		(s.SubscriptionState(START, no_renewal_after=D(2026, 12, 31)), D(2026, 12, 31), s.ACTIVE),
		(s.SubscriptionState(START, no_renewal_after=D(2026, 12, 31)), D(2027, 1, 1), s.ENDED),
		(s.SubscriptionState(START, breach_on=D(2026, 6, 10)), D(2026, 6, 9), s.ACTIVE),
		(s.SubscriptionState(START, breach_on=D(2026, 6, 10)), D(2026, 6, 10), s.TERMINATED),
		(s.SubscriptionState(START, suspended=True), D(2026, 6, 10), s.SUSPENDED),
	],
)
def test_status_is_derived(state, day, expected):
	assert s.status(state, day) == expected


def test_no_renewal_ends_at_the_recorded_term_end():
	state = s.SubscriptionState(START, no_renewal_after=D(2026, 12, 31), invoiced_terms=frozenset({0}))
	assert state.last_day() == D(2026, 12, 31)
	assert s.daily_plan(state, D(2027, 1, 2), 15).invoice_terms == []
	assert s.daily_plan(state, D(2026, 11, 20), 15).remind_term is None


# --------------------------------------------------------------------------- R-SUB-1 / R-TKT-1 coverage
def covered(state, licence, day):
	facts = s.coverage_facts("SUB-1", state, licence, day)
	return t.decide_coverage([facts], day).kind == t.PREMIUM


def test_r_sub_1_coverage_around_term_boundaries_and_licence_expiry():
	state = s.SubscriptionState(START, notice_end=D(2026, 12, 31))
	licence = D(2026, 9, 30)
	assert not covered(state, licence, D(2025, 12, 31))  # before the start
	assert covered(state, licence, D(2026, 1, 1))
	assert covered(state, licence, D(2026, 9, 30))  # licence valid through its last day
	assert not covered(state, licence, D(2026, 10, 1))  # licence lapsed → on-demand
	assert covered(state, D(2027, 6, 30), D(2026, 12, 31))  # last day of the last term
	assert not covered(state, D(2027, 6, 30), D(2027, 1, 1))  # ended


def test_r_sub_1_suspended_or_terminated_is_not_covered():
	assert not covered(s.SubscriptionState(START, suspended=True), D(2030, 1, 1), D(2026, 5, 5))
	assert not covered(s.SubscriptionState(START, breach_on=D(2026, 5, 5)), D(2030, 1, 1), D(2026, 5, 5))


# --------------------------------------------------------------------------- R-SUB-5 daily plan
def test_r_sub_5_first_term_invoiced_when_it_begins():
	plan = s.daily_plan(s.SubscriptionState(START), D(2026, 1, 1), 15)
	assert [term.index for term in plan.invoice_terms] == [0]
	assert s.daily_plan(s.SubscriptionState(START), D(2025, 12, 31), 15).invoice_terms == []


def test_r_sub_5_never_twice_and_catches_up_in_order():
	state = s.SubscriptionState(START, invoiced_terms=frozenset({0}))
	assert s.daily_plan(state, D(2026, 6, 1), 15).invoice_terms == []
	# the job did not run for three years
	late = s.daily_plan(state, D(2029, 1, 10), 15)
	assert [term.index for term in late.invoice_terms] == [1, 2, 3]


def test_r_sub_5_no_renewal_invoice_after_the_end():
	state = s.SubscriptionState(START, notice_end=D(2026, 12, 31), invoiced_terms=frozenset({0}))
	plan = s.daily_plan(state, D(2027, 1, 1), 15)
	assert plan.invoice_terms == [] and plan.status == s.ENDED


def test_r_sub_5_reminder_window_and_once_per_term():
	state = s.SubscriptionState(START, invoiced_terms=frozenset({0}))
	assert s.daily_plan(state, D(2026, 11, 16), 15).remind_term is None
	assert s.daily_plan(state, D(2026, 11, 17), 15).remind_term.index == 0
	assert s.daily_plan(state, D(2026, 12, 2), 15).remind_term.index == 0
	assert s.daily_plan(state, D(2026, 12, 3), 15).remind_term is None
	reminded = s.SubscriptionState(START, invoiced_terms=frozenset({0}), reminded_terms=frozenset({0}))
	assert s.daily_plan(reminded, D(2026, 11, 20), 15).remind_term is None
	noticed = s.SubscriptionState(START, notice_end=D(2026, 12, 31))
	assert s.daily_plan(noticed, D(2026, 11, 20), 15).remind_term is None


def test_r_sub_6_breach_stops_invoicing():
	state = s.SubscriptionState(START, breach_on=D(2026, 6, 1), invoiced_terms=frozenset({0}))
	plan = s.daily_plan(state, D(2027, 2, 1), 15)
	assert plan.invoice_terms == [] and plan.status == s.TERMINATED
