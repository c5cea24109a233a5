"""Writes to indicators' data: yearly figures, products' budgets, the analysis of a result, compromisos de
mejora, evidence, spreadsheets and the rollover of indicator weightings to a new cycle.

Every function here is atomic, checks who acts and whether the region's data is still editable in the
cycle, validates with the models' rules, and records the acting person in the audit history. One module per
use case; this package re-exports their public names.
"""

from indicators.services.analysis import (
    improvement_commitment_add,
    improvement_commitment_follow_up,
    result_analysis_decide,
    result_analysis_save,
)
from indicators.services.budget import (
    BudgetErrors,
    BudgetInput,
    BudgetSheetErrors,
    product_budget_save,
    product_budgets_import,
    product_budgets_save,
)
from indicators.services.commitments import (
    commitment_due_date_check,
    commitment_follow_up_apply,
)
from indicators.services.computed import (
    computed_figure_apply,
    computed_figures_record,
)
from indicators.services.definitions import (
    StaleDefinitionError,
    TargetInput,
    definition_save,
    definitions_editable,
    medium_term_target_delete,
    medium_term_target_save,
    objective_axes_set,
    objective_delete,
    objective_save,
)
from indicators.services.entry import (
    CellErrors,
    CellInput,
    Conflict,
    DeleteRefused,
    StaleDataError,
    measurement_delete,
    measurement_delete_refusals,
    measurement_save,
    measurements_delete,
    measurements_save,
    measurements_try,
)
from indicators.services.evidence import (
    CheckedUpload,
    StorageAudit,
    checked_upload,
    evidence_add,
    evidence_storage_audit,
    evidence_withdraw,
)
from indicators.services.guards import (
    DataLockedError,
    VersionConflict,
)
from indicators.services.observations import (
    formulation_check_set,
    indicator_responsible_set,
    observation_open,
    observation_reply,
    observation_resolve,
)
from indicators.services.planning import (
    axis_indicators_set,
    priority_axis_save,
)
from indicators.services.rollover import (
    DefinitionPlan,
    ObjectivePlan,
    RegionPlan,
    RolloverPlan,
    RolloverResult,
    RuleValue,
    WeightingPlan,
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
    "BudgetErrors",
    "BudgetInput",
    "BudgetSheetErrors",
    "CellErrors",
    "CellInput",
    "CheckedUpload",
    "Conflict",
    "DataLockedError",
    "DefinitionPlan",
    "DeleteRefused",
    "ObjectivePlan",
    "RegionPlan",
    "RolloverPlan",
    "RolloverResult",
    "RuleValue",
    "StaleDataError",
    "StaleDefinitionError",
    "StorageAudit",
    "TargetInput",
    "VersionConflict",
    "WeightingPlan",
    "axis_indicators_set",
    "checked_upload",
    "commitment_due_date_check",
    "commitment_follow_up_apply",
    "computed_figure_apply",
    "computed_figures_record",
    "cycle_rollover_apply",
    "cycle_rollover_plan",
    "definition_save",
    "definitions_editable",
    "evidence_add",
    "evidence_storage_audit",
    "evidence_withdraw",
    "formulation_check_set",
    "improvement_commitment_add",
    "improvement_commitment_follow_up",
    "indicator_responsible_set",
    "measurement_delete",
    "measurement_delete_refusals",
    "measurement_save",
    "measurements_delete",
    "measurements_save",
    "measurements_try",
    "medium_term_target_delete",
    "medium_term_target_save",
    "objective_axes_set",
    "objective_delete",
    "objective_save",
    "observation_open",
    "observation_reply",
    "observation_resolve",
    "priority_axis_save",
    "product_budget_save",
    "product_budgets_import",
    "product_budgets_save",
    "region_valid_in",
    "result_analysis_decide",
    "result_analysis_save",
    "spreadsheet_apply",
    "spreadsheet_preview",
]
