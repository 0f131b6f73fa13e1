"""The maxima of what a person writes in one go (issue hardening)."""

import pytest

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
