"""Versioned terms (CGV, CGU): R-TERMS-1 … R-TERMS-3, R-TKT-2."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from dds_assistance.core.errors import RuleError

# R-TERMS-2 (CGU 1.2): where the CGU and the CGV contradict, the CGV prevail — the
# kinds are listed, shown and applied in this order of precedence
TERMS_KINDS = ("CGV", "CGU")


@dataclass(frozen=True)
class TermsVersion:
	kind: str
	reference: str
	version: str
	publication_date: date
	effective_date: date | None

	@property
	def applies_from(self) -> date:
		"""R-TERMS-1: from the effective date, or the publication date if none."""
		return self.effective_date or self.publication_date


def by_precedence(versions: Iterable[TermsVersion]) -> list[TermsVersion]:
	"""Versions ordered as they prevail: CGV before CGU (R-TERMS-2), newest first within a kind."""
	return sorted(versions, key=lambda v: (TERMS_KINDS.index(v.kind), -v.applies_from.toordinal()))


def terms_in_force(versions: Iterable[TermsVersion], kind: str, at: date) -> TermsVersion | None:
	"""The version of ``kind`` that applies to services provided on ``at``: the one
	that took effect last on or before that day (ties: the latest publication)."""
	candidates = [v for v in versions if v.kind == kind and v.applies_from <= at]
	if not candidates:
		return None
	return max(candidates, key=lambda v: (v.applies_from, v.publication_date, v.version))


def check_terms_version(
	kind: str | None,
	reference: str | None,
	version: str | None,
	published: date | None,
	effective: date | None,
) -> None:
	if kind not in TERMS_KINDS:
		raise RuleError("terms_kind", "The terms kind must be one of: {0}.", ", ".join(TERMS_KINDS))
	if not (reference or "").strip() or not (version or "").strip():
		raise RuleError("terms_reference", "A terms version needs its reference and version label.")
	if published is None:
		raise RuleError("terms_published", "A terms version needs its publication date.")
	if effective is not None and effective < published:
		raise RuleError("terms_effective", "A version cannot take effect before it is published.")


# CGU art. 1.3: using the service accepts the terms in force
BY_USE = "By use of the service (CGU 1.3)"


@dataclass(frozen=True)
class Acceptance:
	how: str
	on: datetime
	by: str | None


def acceptance_by_use(
	recorded: str | None, received_at: datetime, raised_by: str | None, customer: str | None
):
	"""CGU art. 1.3: a request made without an explicit acceptance (the portal records
	one) accepts the terms in force by the use of the service, when it is received,
	by whoever made it. ``None`` when an acceptance is already recorded."""
	if recorded:
		return None
	return Acceptance(BY_USE, received_at, raised_by or customer)
