"""Readers for planning models: our CSV model format, targets, what-if changes, and monetary
input–output tables (UK 2015, Chile 2008, the five-year-plan example, pymrio's test system)."""

from asamblea.formats.planning.csv_model import (
    read_changes_csv,
    read_floors_csv,
    read_model_csv,
    read_targets_csv,
)
from asamblea.formats.planning.tables import (
    LoadedModel,
    economy_from_flows,
    load_model,
    read_chile2008,
    read_five_year_plan,
    read_pymrio_test,
    read_uk2015,
)

__all__ = [
    "LoadedModel",
    "economy_from_flows",
    "load_model",
    "read_changes_csv",
    "read_chile2008",
    "read_five_year_plan",
    "read_floors_csv",
    "read_model_csv",
    "read_pymrio_test",
    "read_targets_csv",
    "read_uk2015",
]
