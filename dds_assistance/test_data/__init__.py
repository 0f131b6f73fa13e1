"""Data for the tests and benchmarks: bank statements (``camt053_statement.xml``) and
their generator (``camt``)."""

from pathlib import Path

HERE = Path(__file__).resolve().parent
CAMT053_STATEMENT = HERE / "camt053_statement.xml"
