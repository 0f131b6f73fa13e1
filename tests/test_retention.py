"""Files removed after the intervention unless agreed (R-DATA-1)."""

from datetime import date, datetime

import pytest

from dds_assistance.core import retention as c


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
