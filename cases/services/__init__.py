"""Writes owned by cases. Public API:

- `case_create`, `case_step_record`, `case_step_correct`, `case_deadlines_rebuild`, `case_deadlines_rebuild_many`,
  `deadline_rules_reapply`, `timeliness_recompute` (whole, or for a date range / step types)
- `step_import_preview`, `step_import_apply`
- `calendar_day_save`, `calendar_override_delete`, `deadline_rule_save`, `step_type_update` (admin settings
  with their recomputation; calendar rows are written through `core.services`)
- `CaseError`, `StepImportError`, `step_lag`, `RuleBook`
"""

from cases.services.settings import (
    SettingSaved, calendar_day_save, calendar_override_delete, deadline_rule_save, step_type_update,
)
from cases.services.imports import StepImportError, step_import_apply, step_import_preview
from cases.services.steps import (
    CaseError, RuleBook, advance_cases, case_create, case_deadlines_rebuild, case_deadlines_rebuild_many, case_step_correct,
    deadline_rules_reapply, case_step_record,
    step_lag, timeliness_recompute,
)

__all__ = [
    "CaseError", "RuleBook", "StepImportError", "advance_cases", "case_create", "case_deadlines_rebuild", "case_deadlines_rebuild_many",
    "case_step_correct", "case_step_record", "deadline_rules_reapply", "step_import_apply", "step_import_preview", "step_lag",
    "timeliness_recompute", "SettingSaved", "calendar_day_save", "calendar_override_delete", "deadline_rule_save",
    "step_type_update",
]
