"""Terms versions in force and their precedence (R-TERMS-1, R-TERMS-2)."""

from datetime import date, datetime

import pytest

from dds_assistance.core import terms as c
from dds_assistance.core.errors import RuleError

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
		with pytest.raises(RuleError):
			c.check_terms_version(*args)


def test_r_terms_2_cgv_prevail_over_cgu():
	assert c.by_precedence([CGU_2027, CGV_2023, CGU_2026]) == [CGV_2023, CGU_2027, CGU_2026]
	assert c.TERMS_KINDS[0] == "CGV"


def test_cgu_1_3_using_the_service_accepts_the_terms_in_force():
	received = datetime(2026, 11, 23, 9, 0)
	acceptance = c.acceptance_by_use(None, received, "client@labo.example", "Labo")
	assert (acceptance.how, acceptance.on, acceptance.by) == (c.BY_USE, received, "client@labo.example")
	assert c.acceptance_by_use(None, received, None, "Labo").by == "Labo"
	assert c.acceptance_by_use("Accepted on the portal", received, None, "Labo") is None
