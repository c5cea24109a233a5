"""Reads of strategic products, indicators and their yearly figures, shaped for the pages.

One module per use case; this package re-exports their public names, so callers may import either
`indicators.selectors` or the module.
"""

from indicators.selectors.board import (
    ProductBlock,
    RegionBoard,
    region_board,
    submission_problems,
)
from indicators.selectors.definitions import (
    DefinitionsPage,
    ObjectiveBlock,
    definitions_changes,
    definitions_page,
    objective_get,
    target_get,
)
from indicators.selectors.detail import (
    IndicatorDetail,
    indicator_detail,
)
from indicators.selectors.entry import (
    EntryPage,
    entry_page,
    entry_page_refreshed,
)
from indicators.selectors.formulation import (
    FormulationState,
    formulation_fingerprints,
    formulation_states,
)
from indicators.selectors.history import (
    Change,
    FieldChange,
    indicator_changes,
    recorded_changes,
)
from indicators.selectors.observations import (
    Checklist,
    awaiting_region,
    formulation_checklists,
    indicator_codes,
    indicator_observations,
    observation_get,
    open_observations,
)
from indicators.selectors.people import indicator_recipients, responsible_choices
from indicators.selectors.rows import (
    FIXED_DEFINITION_FIELDS,
    FIXED_META_STAGES,
    Cell,
    Column,
    IndicatorRow,
    cycle_display_columns,
    cycle_entry_columns,
    cycle_indicators,
    cycle_products,
    cycle_required_columns,
    fixed_columns,
    fixed_definition_cycles,
    indicator_counts_by_region,
    indicator_rows,
    product_budgets,
    products_with_indicators,
)
from indicators.selectors.spreadsheet import (
    recent_imports,
    template_workbook,
)

__all__ = [
    "FIXED_DEFINITION_FIELDS",
    "FIXED_META_STAGES",
    "Cell",
    "Change",
    "Checklist",
    "Column",
    "DefinitionsPage",
    "EntryPage",
    "FieldChange",
    "FormulationState",
    "IndicatorDetail",
    "IndicatorRow",
    "ObjectiveBlock",
    "ProductBlock",
    "RegionBoard",
    "awaiting_region",
    "cycle_display_columns",
    "cycle_entry_columns",
    "cycle_indicators",
    "cycle_products",
    "cycle_required_columns",
    "definitions_changes",
    "definitions_page",
    "entry_page",
    "entry_page_refreshed",
    "fixed_columns",
    "fixed_definition_cycles",
    "formulation_checklists",
    "formulation_fingerprints",
    "formulation_states",
    "indicator_changes",
    "indicator_codes",
    "indicator_counts_by_region",
    "indicator_detail",
    "indicator_observations",
    "indicator_recipients",
    "indicator_rows",
    "objective_get",
    "observation_get",
    "open_observations",
    "product_budgets",
    "products_with_indicators",
    "recent_imports",
    "recorded_changes",
    "region_board",
    "responsible_choices",
    "submission_problems",
    "target_get",
    "template_workbook",
]
