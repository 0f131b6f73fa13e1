"""Remote session rules (R-RS-1 … R-RS-7)."""

from datetime import datetime, timedelta
from itertools import product

import pytest

from dds_assistance.core import remote_sessions as rs
from dds_assistance.core import tickets as t
from dds_assistance.core.errors import RuleError

NOW = datetime(2026, 11, 23, 10, 0)
ALL_CHECKED = dict.fromkeys(rs.CHECKLIST, True)


# --------------------------------------------------------------------------- R-RS-6
@pytest.mark.parametrize(
	"valid_from, valid_to, revoked, expected",
	[
		(NOW - timedelta(days=1), None, None, True),
		(NOW, None, None, True),
		(NOW + timedelta(seconds=1), None, None, False),
		(NOW - timedelta(days=9), NOW, None, False),  # expired exactly now
		(NOW - timedelta(days=9), NOW + timedelta(days=1), None, True),
		(NOW - timedelta(days=9), None, NOW - timedelta(minutes=1), False),  # revoked
		(NOW - timedelta(days=9), None, NOW + timedelta(minutes=1), True),
	],
)
def test_r_rs_6_authorisation_validity(valid_from, valid_to, revoked, expected):
	assert rs.authorisation_valid(valid_from, valid_to, revoked, NOW) is expected


# --------------------------------------------------------------------------- R-RS-1 / R-RS-2
def test_r_rs_1_portal_consent_by_the_client_with_the_checklist():
	assert rs.check_consent(rs.REQUESTED, "Portal", ALL_CHECKED, None, by_client=True) is None
	# the same click is the client's only: staff cannot give it, and it is given once
	with pytest.raises(t.RuleError) as caught:
		rs.check_consent(rs.REQUESTED, "Portal", ALL_CHECKED, None, by_client=False)
	assert caught.value.code == "consent_portal"
	with pytest.raises(t.RuleError) as caught:
		rs.check_consent(rs.CONSENTED, "Portal", ALL_CHECKED, None, by_client=True)
	assert caught.value.code == "consent_status"


@pytest.mark.parametrize("status", ["Closed", "Rejected", "Cancelled"])
def test_r_tkt_5_no_session_on_a_closed_ticket(status):
	with pytest.raises(t.RuleError) as caught:
		rs.check_ticket_takes_sessions(status)
	assert caught.value.code == "ticket_closed"
	facts = rs.StartFacts(rs.CONSENTED, True, True, False, t.ON_DEMAND, True, False, ticket_status=status)
	assert rs.start_refusals(facts) == ["ticket_closed"]


@pytest.mark.parametrize("status", ["Open", "In Progress", "Waiting on Client", "Resolved"])
def test_r_rs_7_sessions_on_a_live_ticket(status):
	assert rs.check_ticket_takes_sessions(status) is None
	facts = rs.StartFacts(rs.CONSENTED, True, True, False, t.ON_DEMAND, True, False, ticket_status=status)
	assert rs.start_refusals(facts) == []


@pytest.mark.parametrize("missing", rs.CHECKLIST)
def test_r_rs_2_each_checklist_item_is_required(missing):
	checklist = dict(ALL_CHECKED, **{missing: False})
	with pytest.raises(t.RuleError) as caught:
		rs.check_consent(rs.REQUESTED, "Portal", checklist, None, by_client=True)
	assert caught.value.code == "checklist" and rs.CHECKLIST_LABELS[missing] in str(caught.value)


def test_r_rs_1_phone_or_mail_consent_is_recorded_by_staff_with_a_note():
	rs.check_consent(rs.REQUESTED, "Phone", ALL_CHECKED, "Call with Dr Martin 10:02", by_client=False)
	for note in (None, "  "):
		with pytest.raises(t.RuleError):
			rs.check_consent(rs.REQUESTED, "E-mail", ALL_CHECKED, note, by_client=False)
	with pytest.raises(t.RuleError):
		rs.check_consent(rs.REQUESTED, "Portal", ALL_CHECKED, None, by_client=False)
	with pytest.raises(t.RuleError):
		rs.check_consent(rs.REQUESTED, "Phone", ALL_CHECKED, "note", by_client=True)
	with pytest.raises(t.RuleError):
		rs.check_consent(rs.REQUESTED, "Telepathy", ALL_CHECKED, "note", by_client=False)


@pytest.mark.parametrize("status", [s for s in rs.STATUSES if s != rs.REQUESTED])
def test_r_rs_1_consent_is_per_session_never_given_twice(status):
	with pytest.raises(t.RuleError):
		rs.check_consent(status, "Portal", ALL_CHECKED, None, by_client=True)


# --------------------------------------------------------------------------- R-RS-7 decision table
def test_r_rs_7_start_decision_table_every_combination():
	for status, consented, authorised, suspended, coverage, paid, active in product(
		rs.STATUSES,
		(True, False),
		(True, False),
		(True, False),
		(t.ON_DEMAND, t.PREMIUM),
		(True, False),
		(True, False),
	):
		facts = rs.StartFacts(status, consented, authorised, suspended, coverage, paid, active)
		refusals = rs.start_refusals(facts)
		expected = set()
		if status != rs.CONSENTED:
			expected.add("status")
		if not consented:
			expected.add("no_consent")
		if not authorised:
			expected.add("not_authorised")
		if suspended:
			expected.add("suspended")
		if coverage == t.ON_DEMAND and not paid:
			expected.add("unpaid")
		if coverage == t.PREMIUM and not active:
			expected.add("not_covered")
		assert set(refusals) == expected, facts
		for code in refusals:
			assert code in rs.START_REFUSALS


def test_r_rs_7_premium_session_does_not_need_a_paid_ticket():
	facts = rs.StartFacts(rs.CONSENTED, True, True, False, t.PREMIUM, False, True)
	assert rs.start_refusals(facts) == []


def test_unknown_coverage_is_refused():
	assert "unpaid" in rs.start_refusals(rs.StartFacts(rs.CONSENTED, True, True, False, "", True, True))


# --------------------------------------------------------------------------- R-RS-3
def test_r_rs_3_time_box():
	end = rs.authorised_end(NOW, 45)
	assert end == NOW + timedelta(minutes=45)
	assert not rs.is_expired(rs.IN_PROGRESS, end, end - timedelta(seconds=1))
	assert rs.is_expired(rs.IN_PROGRESS, end, end)
	assert not rs.is_expired(rs.ENDED, end, end + timedelta(hours=1))


@pytest.mark.parametrize("minutes", [0, -5, 241, "abc", None, 1.5e9])
def test_r_rs_3_duration_bounds(minutes):
	with pytest.raises(t.RuleError):
		rs.check_duration(minutes, 240)


def test_r_rs_3_duration_ok():
	assert rs.check_duration("60", 240) == 60


# --------------------------------------------------------------------------- R-RS-5
def test_r_rs_5_scope_extension_needs_the_client_instruction():
	rs.check_scope_extension(
		rs.IN_PROGRESS, "Also the CAM folder", "Dr Martin", "Please check the CAM export too"
	)
	for by, what in ((None, "x"), ("Dr Martin", ""), ("", "")):
		with pytest.raises(t.RuleError):
			rs.check_scope_extension(rs.IN_PROGRESS, "More", by, what)
	with pytest.raises(t.RuleError):
		rs.check_scope_extension(rs.ENDED, "More", "Dr", "go")
	with pytest.raises(t.RuleError):
		rs.check_scope_extension(rs.IN_PROGRESS, " ", "Dr", "go")


# ----------------------------------------------------------------- decided once (issue #25)
def test_r_rs_1_the_proposal_is_fixed_once_it_left_requested():
	assert not rs.proposal_fixed(rs.REQUESTED)
	assert all(rs.proposal_fixed(status) for status in rs.STATUSES if status != rs.REQUESTED)


def test_r_rs_3_only_a_session_in_progress_ends_only_one_not_started_is_cancelled():
	rs.check_end(rs.IN_PROGRESS)
	for status in set(rs.STATUSES) - {rs.IN_PROGRESS}:
		with pytest.raises(RuleError):
			rs.check_end(status)
	for status in (rs.REQUESTED, rs.CONSENTED):
		rs.check_cancel(status, "Le client a résolu seul")
		with pytest.raises(RuleError):
			rs.check_cancel(status, "  ")
	for status in (rs.IN_PROGRESS, rs.ENDED, rs.EXPIRED, rs.CANCELLED):
		with pytest.raises(RuleError):
			rs.check_cancel(status, "raison")
