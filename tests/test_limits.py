"""The bounds of every input (``core.limits``): what a person writes in one go, an
endpoint's arguments, attachments, mails, statement files — each at its bound and
just past it."""

import json

import pytest

from dds_assistance.core import limits
from dds_assistance.core.errors import RuleError
from dds_assistance.core.limits import MAXIMA, check_lengths


def test_texts_up_to_their_maximum_pass_and_blanks_do_not_count():
	check_lengths(
		subject="s" * MAXIMA["subject"],
		description="  " + "d" * MAXIMA["description"] + "\n",
		message=None,
	)


@pytest.mark.parametrize("field", sorted(MAXIMA))
def test_one_character_more_is_refused_with_the_field_and_the_figures(field):
	with pytest.raises(RuleError) as refused:
		check_lengths(**{field: "x" * (MAXIMA[field] + 1)})
	assert refused.value.code == "too_long"
	assert refused.value.args_ == (field, MAXIMA[field], MAXIMA[field] + 1)


def test_a_200_000_character_description_is_refused():
	with pytest.raises(RuleError):
		check_lengths(subject="Bibliothèque", description="x" * 200_000)


# ---------------------------------------------------------------------------- every input (issue #28)


@pytest.mark.parametrize(
	"name",
	["ticket", "customer", "incident_at", "description", "message", "answer", "reason", "note", "filters"],
)
def test_an_argument_at_its_length_passes_and_one_character_more_is_refused(name):
	bound = limits.argument_length(name)
	limits.check_argument(name, "x" * bound)
	with pytest.raises(RuleError) as refused:
		limits.check_argument(name, "x" * (bound + 1))
	assert refused.value.code == "argument_too_long"
	assert refused.value.args_ == (name, bound, bound + 1)


def test_an_argument_not_listed_is_a_name_and_what_people_write_has_the_texts_maxima():
	assert limits.argument_length("ticket") == limits.NAME_LENGTH == 140
	for field, maximum in limits.MAXIMA.items():
		assert limits.argument_length(field) == maximum


def test_a_list_at_its_count_passes_and_one_item_more_is_refused():
	names = [f"TKT-2026-{k:05d}" for k in range(limits.LIST_ITEMS)]
	limits.check_argument("tickets", names)
	limits.check_argument("tickets", json.dumps(names))  # as the list view sends it
	with pytest.raises(RuleError) as refused:
		limits.check_argument("tickets", [*names, "TKT-2026-99999"])
	assert (refused.value.code, refused.value.args_) == ("too_many_items", ("tickets", 500, 501))
	with pytest.raises(RuleError) as refused:
		limits.check_argument("tickets", json.dumps([n + "x" * 140 for n in names]))
	assert refused.value.code == "argument_too_long"


def test_numbers_within_their_range_pass_and_past_it_are_refused():
	low, high = limits.INTEGER_RANGE
	for value in (low, 0, high, True, 3.5):
		limits.check_argument("start", value)
	for value in (low - 1, high + 1, 10**100):
		with pytest.raises(RuleError) as refused:
			limits.check_argument("start", value)
		assert refused.value.code == "argument_out_of_range"


def test_a_mapping_is_bounded_by_its_items_and_its_text():
	limits.check_argument("filters", {"status": "Open"})
	with pytest.raises(RuleError):
		limits.check_argument("filters", {"status": "x" * 10_000})
	with pytest.raises(RuleError):
		limits.check_argument("filters", {str(k): k for k in range(limits.LIST_ITEMS + 1)})


def test_a_file_s_content_is_bounded_where_it_is_read():
	limits.check_argument("filedata", "x" * (30 * limits.MB))  # the attachment's own check bounds it


def test_attachments_of_a_request_up_to_their_count():
	limits.check_attachment_count(limits.ATTACHMENTS_PER_TICKET - 1)
	with pytest.raises(RuleError) as refused:
		limits.check_attachment_count(limits.ATTACHMENTS_PER_TICKET)
	assert refused.value.code == "too_many_attachments"
	assert "50 files" in str(refused.value)


def test_a_mail_within_its_bounds_passes_none():
	mb = limits.MAIL_MB * limits.MB
	assert (
		limits.mail_bounds(mb, limits.MAIL_HEADERS, limits.MAIL_ATTACHMENTS, limits.MAIL_TEXT_CHARACTERS)
		== []
	)


def test_a_mail_past_each_bound_states_it():
	mb = limits.MAIL_MB * limits.MB
	codes = lambda *args: [(e.code, e.args_) for e in limits.mail_bounds(*args)]  # noqa: E731
	assert codes(mb + 1, 10, 1, 10) == [("mail_too_large", (25.0, 25))]
	assert codes(100, limits.MAIL_HEADERS + 1, 1, 10) == [("mail_headers", (501, 500))]
	assert codes(100, 10, limits.MAIL_ATTACHMENTS + 1, 10) == [("mail_attachments", (21, 20))]
	assert codes(100, 10, 1, limits.MAIL_TEXT_CHARACTERS + 1) == [("mail_text", (500_001, 500_000))]
	# too large: its attachments are not stored at all, so their count is not said again
	assert [e.code for e in limits.mail_bounds(mb + 1, 10, 99, 10)] == ["mail_too_large"]


def test_the_statement_size_up_to_its_bound():
	limits.check_statement_size(limits.STATEMENT_MB * limits.MB)
	with pytest.raises(RuleError) as refused:
		limits.check_statement_size(limits.STATEMENT_MB * limits.MB + 1)
	assert refused.value.code == "statement_too_large"
