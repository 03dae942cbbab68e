from django.contrib import admin

from org.models import Officer, Position, StaffImport, Unit, UnitKind, UnitSignatory


@admin.register(UnitKind)
class UnitKindAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "order")


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "kind", "parent", "is_active")
    search_fields = ("name", "code")
    readonly_fields = ("path", "depth")

    def has_add_permission(self, request):  # noqa: ANN001
        return False  # the tree paths are kept by org.services: use the site's unit pages


@admin.register(Position)
class PositionAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "order")


@admin.register(Officer)
class OfficerAdmin(admin.ModelAdmin):
    list_display = ("full_name", "email", "unit", "position", "it_level", "is_active")
    list_filter = ("position", "it_level", "is_active")
    search_fields = ("full_name", "email", "search_name")
    raw_id_fields = ("user", "unit")


@admin.register(StaffImport)
class StaffImportAdmin(admin.ModelAdmin):
    list_display = ("file_name", "uploaded_by", "uploaded_at", "status")
    readonly_fields = [field.name for field in StaffImport._meta.fields]


@admin.register(UnitSignatory)
class UnitSignatoryAdmin(admin.ModelAdmin):
    """Signer, signature and seal printed on the certificates a unit issues."""

    list_display = ("unit", "agency_name", "signer_title", "signer_name", "place")
    search_fields = ("unit__name", "signer_name")
    autocomplete_fields = ("unit",)
