"""Admin views for reading and emergency corrections; day-to-day work goes through the app's pages
(status changes, value imports and CO2 recomputation run only through services)."""

from django.contrib import admin

from .models import (
    ClimateActivity,
    Co2Factor,
    Indicator,
    IndicatorValue,
    Milestone,
    ProgressUpdate,
    Project,
    ProjectDocument,
    ProjectLink,
    StatusChange,
)


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["from_status", "to_status", "changed_on", "reason", "changed_by", "recorded_at"]

    def has_add_permission(self, request, obj=None):
        return False


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


class LinkInline(admin.TabularInline):
    model = ProjectLink
    extra = 0


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "field", "status", "lead_organisation", "start", "end"]
    list_filter = ["status", "field"]
    search_fields = ["title", "summary"]
    readonly_fields = ["status"]
    filter_horizontal = ["participants", "contacts", "meetings"]
    inlines = [StatusChangeInline, MilestoneInline, LinkInline]
    list_select_related = ["lead_organisation"]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(admin.ModelAdmin):
    list_display = ["project", "date", "author", "organisation"]
    list_select_related = ["project", "author", "organisation"]


@admin.register(ProjectDocument)
class ProjectDocumentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "project", "content_type", "size", "uploaded_at"]
    list_select_related = ["project"]
    readonly_fields = ["file", "original_name", "content_type", "size", "uploaded_by"]


class IndicatorValueInline(admin.TabularInline):
    model = IndicatorValue
    extra = 0
    readonly_fields = ["updated_by"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "project", "direction", "tolerance_percent", "calculation"]
    list_filter = ["direction", "calculation"]
    list_select_related = ["project"]
    inlines = [IndicatorValueInline]


@admin.register(Co2Factor)
class Co2FactorAdmin(admin.ModelAdmin):
    list_display = ["year", "grams_per_km", "source"]


@admin.register(ClimateActivity)
class ClimateActivityAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "field", "year", "status"]
    list_filter = ["field", "status", "year"]
    search_fields = ["title", "summary"]
    list_select_related = ["organisation"]
