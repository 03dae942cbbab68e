from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from core.models import AuditEvent, CalendarOverride, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (("THADS", {"fields": ("must_change_password",)}),)
    list_display = ("username", "email", "first_name", "last_name", "is_active", "must_change_password")


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_label", "action", "target", "ip")
    list_filter = ("action",)
    search_fields = ("actor_label", "target")

    def has_add_permission(self, request):  # noqa: ANN001
        return False

    def has_change_permission(self, request, obj=None):  # noqa: ANN001
        return False

    def has_delete_permission(self, request, obj=None):  # noqa: ANN001
        return False


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    """Days off and worked Saturdays announced by the government; run `recompute_timeliness` after changes."""

    list_display = ("date", "kind", "note")
    list_filter = ("kind",)
