from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import FrozenReport, KpiTarget, YearReview


@admin.register(KpiTarget)
class KpiTargetAdmin(SimpleHistoryAdmin):
    list_display = ["year", "kpi", "target", "direction", "tolerance_percent", "updated_at"]
    list_filter = ["year", "kpi"]


@admin.register(YearReview)
class YearReviewAdmin(SimpleHistoryAdmin):
    list_display = ["year", "updated_at"]


@admin.register(FrozenReport)
class FrozenReportAdmin(SimpleHistoryAdmin):
    """Read only: a report that was sent is never edited, only reopened on the controlling page."""

    list_display = ["year", "frozen_at", "frozen_by", "unfrozen_at", "unfreeze_reason"]
    list_filter = ["year"]
    exclude = ["snapshot", "pdf_de", "pdf_en"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
