"""Ticket decisions (R-TKT-1 … R-TKT-10, R-ACC-1) and the first-response SLA."""

from datetime import date, datetime, timedelta
from itertools import product

import pytest

from dds_assistance.core import sla
from dds_assistance.core import tickets as t
from dds_assistance.core.business_time import french_business_calendar
from dds_assistance.core.errors import RuleError


@pytest.fixture(scope="module")
def cal():
	return french_business_calendar()


def sub(name="SUB-1", start=date(2026, 1, 1), end=date(2026, 12, 31), licence=date(2027, 6, 30), active=True):
	return t.SubscriptionFacts(name, start, end, licence, active)


# --------------------------------------------------------------------------- R-TKT-1 coverage
def test_r_tkt_1_no_subscription_is_on_demand():
	coverage = t.decide_coverage([], datetime(2026, 11, 23, 10))
	assert coverage.kind == t.ON_DEMAND and coverage.subscription is None


def test_r_tkt_1_active_subscription_and_licence_is_premium():
	coverage = t.decide_coverage([sub()], datetime(2026, 11, 23, 10))
	assert coverage == t.Coverage(t.PREMIUM, "SUB-1", coverage.reason)


@pytest.mark.parametrize(
	"facts, day, expected",
	[
		(sub(licence=date(2026, 11, 22)), date(2026, 11, 23), t.ON_DEMAND),  # licence lapsed yesterday
		(sub(licence=date(2026, 11, 23)), date(2026, 11, 23), t.PREMIUM),  # valid through today
		(sub(licence=None), date(2026, 11, 23), t.ON_DEMAND),
		(sub(active=False), date(2026, 11, 23), t.ON_DEMAND),
		(sub(), date(2027, 1, 1), t.ON_DEMAND),  # term over
		(sub(), date(2025, 12, 31), t.ON_DEMAND),  # not begun
		(sub(), date(2026, 12, 31), t.PREMIUM),  # last day of the term
	],
)
def test_r_tkt_1_coverage_boundaries(facts, day, expected):
	assert t.decide_coverage([facts], day).kind == expected


def test_r_tkt_1_lapsed_licence_reason_is_given():
	coverage = t.decide_coverage([sub(licence=date(2020, 1, 1))], date(2026, 5, 5))
	assert coverage.kind == t.ON_DEMAND and "licence" in coverage.reason


# --------------------------------------------------------------------------- R-TKT-8 completeness
def request(**overrides):
	values = dict(
		customer="CUST-1",
		client_number="C-0042",
		serial_no="SN-123",
		equipment_reference="exocad DentalCAD 3.2",
		description="The scanner stops responding after the export of a crown.",
	)
	values.update(overrides)
	return values


def test_r_tkt_8_complete_request():
	assert t.missing_request_information(**request()) == []


@pytest.mark.parametrize(
	"field", ["customer", "client_number", "serial_no", "equipment_reference", "description"]
)
def test_r_tkt_8_each_missing_piece_is_named(field):
	assert t.missing_request_information(**request(**{field: "   "})) == [field]
	assert t.missing_request_information(**request(**{field: None})) == [field]


def test_r_tkt_8_vague_description_is_incomplete():
	assert t.missing_request_information(**request(description="<p>bug</p>")) == ["description"]
	assert t.missing_request_information(**request(description="<p>" + "x " * 5 + "</p>")) == ["description"]


# --------------------------------------------------------------------------- R-TKT-7 window
def test_r_tkt_7_within_24_business_hours_is_on_time(cal):
	incident = datetime(2026, 11, 23, 9, 0)
	assert not t.is_late_request(cal, incident, datetime(2026, 11, 26, 12, 0), 24)  # exactly 24 bh


def test_r_tkt_7_after_24_business_hours_is_late(cal):
	incident = datetime(2026, 11, 23, 9, 0)
	assert t.is_late_request(cal, incident, datetime(2026, 11, 26, 12, 1), 24)


def test_r_tkt_7_weekend_and_holidays_do_not_count(cal):
	# Friday 17:00 → Thursday 17:00 across the weekend and 11 Nov: 0.5 + 7 + 7 + 7 = 21.5 bh
	assert not t.is_late_request(cal, datetime(2026, 11, 6, 17, 0), datetime(2026, 11, 12, 17, 0), 24)


def test_r_tkt_7_incident_after_receipt_is_refused(cal):
	with pytest.raises(t.RuleError) as caught:
		t.is_late_request(cal, datetime(2026, 11, 24), datetime(2026, 11, 23), 24)
	assert caught.value.code == "incident_after_receipt"


# --------------------------------------------------------------------------- transitions
@pytest.mark.parametrize("target", sorted(t.WORKING_STATUSES - {t.CLOSED}))
def test_r_tkt_4_unpaid_on_demand_cannot_reach_working_status(target):
	source = {t.OPEN: t.AWAITING_PAYMENT}.get(target, t.OPEN)
	with pytest.raises(t.RuleError) as caught:
		t.check_transition(source, target, coverage=t.ON_DEMAND, paid=False)
	assert caught.value.code == "payment_required"
	assert "Payment is due before any assistance" in str(caught.value)


def test_r_tkt_4_payment_gate_over_every_transition():
	"""For every allowed edge into a working status: refused unpaid, allowed paid
	or covered."""
	for current, targets in t.TRANSITIONS.items():
		for target in targets:
			if target not in t.WORKING_STATUSES:
				continue
			with pytest.raises(t.RuleError):
				t.check_transition(current, target, coverage=t.ON_DEMAND, paid=False)
			t.check_transition(current, target, coverage=t.ON_DEMAND, paid=True)
			t.check_transition(current, target, coverage=t.PREMIUM, paid=False)


def test_r_tkt_5_closed_ticket_is_never_reopened():
	for target in t.STATUSES:
		if target == t.CLOSED:
			continue
		with pytest.raises(t.RuleError) as caught:
			t.check_transition(t.CLOSED, target, coverage=t.PREMIUM, paid=True)
		assert caught.value.code == "closed"


def test_r_tkt_5_resolved_may_reopen_for_the_same_incident_before_closing():
	for target in (t.IN_PROGRESS, t.CLOSED):
		assert target in t.TRANSITIONS[t.RESOLVED]
		assert t.check_transition(t.RESOLVED, target, coverage=t.PREMIUM, paid=True) is None
	for target in (t.NEW, t.OPEN, t.AWAITING_PAYMENT, t.REJECTED, t.CANCELLED):
		with pytest.raises(t.RuleError) as caught:
			t.check_transition(t.RESOLVED, target, coverage=t.PREMIUM, paid=True, reason="x")
		assert caught.value.code == "transition"
	# once closed, the same incident is over: the reopening is refused
	with pytest.raises(t.RuleError, match="closed"):
		t.check_transition(t.CLOSED, t.IN_PROGRESS, coverage=t.PREMIUM, paid=True)


def test_every_pair_of_statuses_is_decided_by_the_table():
	for current, target in product(t.STATUSES, t.STATUSES):
		try:
			t.check_transition(current, target, coverage=t.PREMIUM, paid=True, reason="motif")
			allowed = True
		except t.RuleError:
			allowed = False
		assert allowed == (current == target or target in t.TRANSITIONS[current])


def test_r_tkt_7_late_request_needs_explicit_decision():
	with pytest.raises(t.RuleError) as caught:
		t.check_transition(t.NEW, t.AWAITING_PAYMENT, coverage=t.ON_DEMAND, paid=False, late=True)
	assert caught.value.code == "late"
	t.check_transition(t.NEW, t.REJECTED, coverage=t.ON_DEMAND, paid=False, late=True, reason="hors délai")
	t.check_transition(
		t.NEW, t.AWAITING_PAYMENT, coverage=t.ON_DEMAND, paid=False, late=True, late_accepted=True
	)


def test_r_tkt_8_incomplete_request_cannot_go_further():
	with pytest.raises(t.RuleError) as caught:
		t.check_transition(t.NEW, t.OPEN, coverage=t.PREMIUM, paid=False, missing=["serial_no"])
	assert caught.value.code == "incomplete" and "serial_no" in str(caught.value)
	t.check_transition(
		t.INCOMPLETE, t.REJECTED, coverage=t.PREMIUM, paid=False, missing=["serial_no"], reason="incomplète"
	)


def test_unknown_status():
	with pytest.raises(t.RuleError):
		t.check_transition(t.NEW, "Frozen", coverage=t.PREMIUM, paid=True)


@pytest.mark.parametrize(
	"status, paid, expected",
	[
		(t.AWAITING_PAYMENT, True, t.OPEN),
		(t.OPEN, False, t.AWAITING_PAYMENT),
		(t.IN_PROGRESS, False, t.AWAITING_PAYMENT),
		(t.WAITING_ON_CLIENT, False, t.AWAITING_PAYMENT),
		(t.RESOLVED, False, t.RESOLVED),
		(t.CLOSED, False, t.CLOSED),
		(t.IN_PROGRESS, True, t.IN_PROGRESS),
		(t.NEW, True, t.NEW),
	],
)
def test_r_tkt_4_status_follows_payment(status, paid, expected):
	assert t.status_after_payment_change(status, t.ON_DEMAND, paid) == expected
	assert t.status_after_payment_change(status, t.PREMIUM, paid) == status


def test_accept_target():
	assert t.accept_target(t.ON_DEMAND) == t.AWAITING_PAYMENT
	assert t.accept_target(t.PREMIUM) == t.OPEN


# --------------------------------------------------------------------------- accepting and refusing
def plan(status, coverage=t.ON_DEMAND, late=False, late_accepted=False, reason=None, missing=()):
	return t.plan_accept(
		status, coverage, late=late, late_accepted=late_accepted, reason=reason, missing=missing
	)


def test_r_acc_1_accepting_a_new_on_demand_request_invoices_it_and_waits_for_payment():
	assert plan(t.NEW) == t.AcceptPlan(False, True, t.AWAITING_PAYMENT)


def test_r_tkt_1_accepting_a_covered_request_opens_it_without_invoice():
	assert plan(t.NEW, t.PREMIUM) == t.AcceptPlan(False, False, t.OPEN)


def test_r_tkt_7_a_late_request_is_accepted_only_with_a_reason_which_is_recorded():
	with pytest.raises(t.RuleError, match="late"):
		plan(t.NEW, late=True, reason="  ")
	assert plan(t.NEW, late=True, reason="Client hospitalisé") == t.AcceptPlan(True, True, t.AWAITING_PAYMENT)
	assert plan(t.NEW, late=True, late_accepted=True) == t.AcceptPlan(False, True, t.AWAITING_PAYMENT)


def test_r_tkt_8_an_incomplete_request_goes_nowhere_before_any_invoice():
	with pytest.raises(t.RuleError, match="incomplete"):
		plan(t.NEW, missing=["serial_no"])
	with pytest.raises(t.RuleError):
		plan(t.INCOMPLETE)


def test_r_acc_1_accepting_again_only_reissues_the_invoice_of_a_ticket_awaiting_payment():
	assert plan(t.AWAITING_PAYMENT) == t.AcceptPlan(False, True, None)
	assert plan(t.OPEN) == t.AcceptPlan(False, False, None)
	assert plan(t.OPEN, t.PREMIUM) == t.AcceptPlan(False, False, None)


def test_r_tkt_5_a_closed_request_cannot_be_accepted():
	with pytest.raises(t.RuleError, match="closed"):
		plan(t.CLOSED)


def test_r_tkt_7_refusal_needs_a_reason_and_no_live_invoice():
	def refuse(reason, live_invoice=None, current=t.NEW):
		t.check_transition(
			current, t.REJECTED, coverage=t.ON_DEMAND, paid=False, reason=reason, live_invoice=live_invoice
		)

	refuse("Hors délai")
	refuse("Incomplète", current=t.INCOMPLETE)
	with pytest.raises(t.RuleError, match="reason"):
		refuse(" ")
	with pytest.raises(t.RuleError, match="reason"):
		refuse(None)
	with pytest.raises(t.RuleError, match="ACC-2026-00001"):
		refuse("Hors délai", "ACC-2026-00001")


@pytest.mark.parametrize("current", [t.AWAITING_PAYMENT, t.OPEN])
def test_r_tkt_4_a_ticket_with_a_live_invoice_is_not_cancelled(current):
	with pytest.raises(t.RuleError, match="credit"):
		t.check_transition(current, t.CANCELLED, coverage=t.ON_DEMAND, paid=True, live_invoice="ACC-1")
	t.check_transition(current, t.CANCELLED, coverage=t.ON_DEMAND, paid=False, live_invoice=None)


@pytest.mark.parametrize("status", [t.INCOMPLETE, t.NEW])
def test_r_tkt_1_a_client_is_named_before_acceptance(status):
	t.check_client_change(status, None)


@pytest.mark.parametrize(
	"status, invoice", [(t.AWAITING_PAYMENT, "ACC-1"), (t.OPEN, None), (t.CLOSED, None), (t.NEW, "ACC-1")]
)
def test_r_tkt_2_no_client_change_once_accepted_or_invoiced(status, invoice):
	with pytest.raises(t.RuleError, match="before it is accepted"):
		t.check_client_change(status, invoice)


# --------------------------------------------------------------------------- R-TKT-3 price
def test_r_tkt_3_100_euros_incl_vat_splits_83_33_and_16_67():
	split = t.split_inclusive_price(100)
	assert (split.net, split.tax, split.gross) == (83.33, 16.67, 100.0)


@pytest.mark.parametrize("gross", [0.01, 1, 99.99, 100, 120, 250.5, 1234.56])
def test_r_tkt_3_split_adds_up(gross):
	split = t.split_inclusive_price(gross)
	assert round(split.net + split.tax, 2) == round(gross, 2)


def test_r_tkt_3_bad_price():
	for gross in (0, -5):
		with pytest.raises(t.RuleError):
			t.split_inclusive_price(gross)


# --------------------------------------------------------------------------- R-TKT-9 / R-TKT-10 SLA
def test_r_tkt_9_due_is_receipt_plus_4_business_hours(cal):
	target = sla.response_target(cal, datetime(2026, 11, 27, 17, 0), 4, 1)
	assert target.due == datetime(2026, 11, 30, 12, 30)
	assert target.warn_at == datetime(2026, 11, 30, 11, 30)


def test_r_tkt_9_warning_never_before_receipt(cal):
	target = sla.response_target(cal, datetime(2026, 11, 23, 9, 0), 0.5, 1)
	assert target.warn_at == datetime(2026, 11, 23, 9, 0)


@pytest.mark.parametrize(
	"now, responded, expected",
	[
		(datetime(2026, 11, 30, 9, 0), None, sla.ON_TRACK),
		(datetime(2026, 11, 30, 11, 30), None, sla.AT_RISK),
		(datetime(2026, 11, 30, 12, 29), None, sla.AT_RISK),
		(datetime(2026, 11, 30, 12, 30), None, sla.BREACHED),
		(datetime(2026, 12, 30), datetime(2026, 11, 30, 12, 30), sla.MET),
		(datetime(2026, 12, 30), datetime(2026, 11, 30, 12, 31), sla.BREACHED),
	],
)
def test_r_tkt_9_states(now, responded, expected):
	due, warn = datetime(2026, 11, 30, 12, 30), datetime(2026, 11, 30, 11, 30)
	assert sla.sla_state(now, due, warn, responded) == expected


def test_r_tkt_10_extension_rules():
	due = datetime(2026, 11, 30, 12, 30)
	sla.check_extension(due, due + timedelta(hours=3), "High demand", "Salon ADF: peak of requests")
	with pytest.raises(t.RuleError, match="reasons"):
		sla.check_extension(due, due + timedelta(hours=3), "Lunch", "note")
	with pytest.raises(t.RuleError, match="note"):
		sla.check_extension(due, due + timedelta(hours=3), "Force majeure", "  ")
	with pytest.raises(t.RuleError, match="later"):
		sla.check_extension(due, due, "Force majeure", "storm")
	with pytest.raises(t.RuleError, match="already given"):
		sla.check_extension(due, due + timedelta(hours=3), "High demand", "Salon ADF", responded=True)


# --------------------------------------------------------------------------- R-TKT-4 payment state
@pytest.mark.parametrize(
	"docstatus, outstanding, credited, paid",
	[
		(None, 0, False, False),  # no invoice
		(0, 100, False, False),  # draft
		(1, 100, False, False),  # submitted, unpaid
		(1, 0.01, False, False),  # one cent short
		(1, 0, False, True),  # paid
		(1, -5, False, True),  # overpaid
		(1, 0, True, False),  # paid then credited by a return
		(2, 0, False, False),  # cancelled
	],
)
def test_r_tkt_4_payment_state(docstatus, outstanding, credited, paid):
	assert t.payment_state(docstatus, outstanding, credited).paid is paid


def test_r_tkt_9_a_receipt_time_is_never_in_the_future():
	now = datetime(2026, 11, 25, 10, 0)
	t.check_receipt(now, now)
	t.check_receipt(now - timedelta(days=3), now)
	with pytest.raises(t.RuleError, match="future"):
		t.check_receipt(now + timedelta(minutes=1), now)


# ----------------------------------------------------------------- decided once (issue #25)
def test_r_tkt_7_the_window_is_the_cgvs_on_demand_only(cal):
	incident, received = datetime(2026, 11, 2, 9, 0), datetime(2026, 11, 20, 9, 0)
	assert t.is_late_request(cal, incident, received, 24)
	assert t.is_late_request(cal, incident, received, 24, coverage=t.ON_DEMAND)
	assert not t.is_late_request(cal, incident, received, 24, coverage=t.PREMIUM)
	assert not t.is_late_request(cal, None, received, 24)


def test_r_tkt_7_the_incident_precedes_its_request():
	t.check_incident_time(None, datetime(2026, 11, 23, 9, 0))
	t.check_incident_time(datetime(2026, 11, 23, 9, 0), datetime(2026, 11, 23, 9, 0))
	with pytest.raises(RuleError) as refused:
		t.check_incident_time(datetime(2026, 11, 23, 9, 1), datetime(2026, 11, 23, 9, 0))
	assert refused.value.code == "incident_after_receipt"


def test_r_tkt_7_which_edits_of_the_incident_time_are_allowed():
	a, b = datetime(2026, 11, 20, 10, 0), datetime(2026, 11, 20, 11, 0)
	assert not t.incident_change_refused(a, a, t.NEW, None)  # unchanged
	assert not t.incident_change_refused(a, b, t.NEW, None)  # corrected while awaiting the decision
	assert not t.incident_change_refused(None, b, t.INCOMPLETE, None)  # given later
	assert t.incident_change_refused(a, None, t.NEW, None)  # never cleared once given
	assert t.incident_change_refused(a, b, t.NEW, "Accepted")  # never changed after the decision
	assert t.incident_change_refused(a, b, t.AWAITING_PAYMENT, None)


def test_r_tkt_9_the_warning_margin_is_the_same_for_every_due_time(cal):
	received = datetime(2026, 11, 23, 9, 0)
	target = sla.response_target(cal, received, 4, 1)
	assert target.warn_at == sla.warning_time(cal, target.due, received, 4, 1)
	assert target.warn_at == datetime(2026, 11, 23, 12, 0)
	# a due time extended to the next day: warned one business hour before it
	later = datetime(2026, 11, 24, 10, 0)
	assert sla.warning_time(cal, later, received, 4, 1) == datetime(2026, 11, 24, 9, 0)
	# the margin is at most the response time, and never before the receipt
	assert sla.warning_time(cal, target.due, received, 4, 10) == received


def test_r_time_5_a_due_time_follows_the_calendar_only_while_it_is_pending():
	assert sla.target_set_at_receipt(is_new=True, has_due=False)
	assert not sla.target_set_at_receipt(is_new=False, has_due=True)
	assert sla.follows_calendar(responded=False, extended=False, clock_running=True)
	assert not sla.follows_calendar(responded=True, extended=False, clock_running=True)
	assert not sla.follows_calendar(responded=False, extended=True, clock_running=True)  # R-TKT-10 stands
	assert not sla.follows_calendar(responded=False, extended=False, clock_running=False)
