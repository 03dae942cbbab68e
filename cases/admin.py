from django.contrib import admin

from cases.models import CaseParty, DeadlineRule, EnforcementCase, ImportBatch, StepType


@admin.register(StepType)
class StepTypeAdmin(admin.ModelAdmin):
    """After changing an on-time rule, run `recompute_timeliness` (the site page does it itself)."""

    list_display = ("order", "code", "name", "on_time_within", "sets_status", "is_active")
    list_display_links = ("code", "name")
    list_filter = ("is_active",)


@admin.register(DeadlineRule)
class DeadlineRuleAdmin(admin.ModelAdmin):
    list_display = ("from_step", "to_step", "case_kind", "period", "unit", "article", "effective_from", "is_active")
    list_filter = ("effective_from", "unit", "is_active")
    list_select_related = ("from_step", "to_step")


class CasePartyInline(admin.TabularInline):
    model = CaseParty
    extra = 0


@admin.register(EnforcementCase)
class EnforcementCaseAdmin(admin.ModelAdmin):
    list_display = ("number", "unit", "officer", "intake_date", "kind", "status")
    list_filter = ("status", "kind")
    list_select_related = ("unit", "officer")
    search_fields = ("search_number",)
    raw_id_fields = ("officer",)
    inlines = [CasePartyInline]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ("uploaded_at", "file_name", "uploaded_by", "status", "total_rows", "new_rows", "error_count")
    list_filter = ("status",)
    readonly_fields = [field.name for field in ImportBatch._meta.fields]

    def has_add_permission(self, request):  # noqa: ANN001
        return False
