"""The terms versions (CGV, CGU) of this site and the ones in force (R-TERMS-1, R-TKT-2)."""

import frappe
from frappe.utils import getdate

from dds_assistance.core import terms as core


def terms_versions() -> list[core.TermsVersion]:
	"""The published versions (clients informed): a draft is in force for no one (R-TERMS-3)."""
	return [
		core.TermsVersion(
			v.kind,
			v.reference,
			v.version_label,
			getdate(v.publication_date),
			getdate(v.effective_date) if v.effective_date else None,
		)
		for v in frappe.get_all(
			"Terms Version",
			fields=["kind", "reference", "version_label", "publication_date", "effective_date"],
			filters={"published_on": ("is", "set")},
		)
	]


def terms_in_force(at) -> dict[str, core.TermsVersion | None]:
	"""R-TERMS-1, R-TKT-2: the CGV and CGU in force on that day."""
	versions = terms_versions()
	day = getdate(at)
	return {kind: core.terms_in_force(versions, kind, day) for kind in core.TERMS_KINDS}
