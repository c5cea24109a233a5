"""Writes to indicators' data: yearly figures, the analysis of a result, compromisos de mejora, evidence,
spreadsheets and the rollover of commitments to a new cycle.

Every function here is atomic, checks who acts and whether the region's data is still editable in the
cycle, validates with the models' rules, and records the acting person in the audit history. One module per
use case; this package re-exports their public names.
"""

from indicators.services.analysis import (
    deviation_decide,
    deviation_save,
    improvement_commitment_add,
    improvement_commitment_follow_up,
)
from indicators.services.entry import (
    CellErrors,
    CellInput,
    Conflict,
    StaleDataError,
    measurement_delete,
    measurement_save,
    measurements_save,
)
from indicators.services.evidence import (
    evidence_add,
    evidence_withdraw,
)
from indicators.services.guards import (
    DataLockedError,
)
from indicators.services.rollover import (
    CommitmentPlan,
    DefinitionPlan,
    ObjectivePlan,
    RegionPlan,
    RolloverPlan,
    RolloverResult,
    RuleValue,
    cycle_rollover_apply,
    cycle_rollover_plan,
    region_valid_in,
)
from indicators.services.spreadsheet import (
    KEEP,
    TAKE,
    spreadsheet_apply,
    spreadsheet_preview,
)

__all__ = [
    "KEEP",
    "TAKE",
    "CellErrors",
    "CellInput",
    "CommitmentPlan",
    "Conflict",
    "DataLockedError",
    "DefinitionPlan",
    "ObjectivePlan",
    "RegionPlan",
    "RolloverPlan",
    "RolloverResult",
    "RuleValue",
    "StaleDataError",
    "cycle_rollover_apply",
    "cycle_rollover_plan",
    "deviation_decide",
    "deviation_save",
    "evidence_add",
    "evidence_withdraw",
    "improvement_commitment_add",
    "improvement_commitment_follow_up",
    "measurement_delete",
    "measurement_save",
    "measurements_save",
    "region_valid_in",
    "spreadsheet_apply",
    "spreadsheet_preview",
]
