"""Admin views for repairs by a superuser; day-to-day work happens in the app's own pages."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ActionItem, AgendaItem, Attendance, Invitation, Meeting, MeetingDocument


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0


class InvitationInline(admin.TabularInline):
    model = Invitation
    extra = 0
    autocomplete_fields = ["person"]
    fields = ["person", "organisation", "role", "response", "sends_deputy", "waitlist_position"]


@admin.register(Meeting)
class MeetingAdmin(SimpleHistoryAdmin):
    list_display = ["title", "kind", "start", "status", "host_organisation"]
    list_filter = ["status", "kind"]
    search_fields = ["title", "description", "venue"]
    date_hierarchy = "start"
    readonly_fields = ["sequence", "revision", "attendance_recorded_at", "check_in_code"]
    inlines = [AgendaItemInline, InvitationInline]


@admin.register(Attendance)
class AttendanceAdmin(SimpleHistoryAdmin):
    list_display = ["person", "meeting", "organisation", "present", "source"]
    list_filter = ["present", "source"]
    search_fields = ["person__full_name", "meeting__title"]
    autocomplete_fields = ["person"]
    raw_id_fields = ["meeting"]


@admin.register(MeetingDocument)
class MeetingDocumentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "meeting", "content_type", "size", "uploaded_at"]
    raw_id_fields = ["meeting", "agenda_item"]


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ["title", "meeting", "owner", "due_date", "done_at"]
    list_filter = ["done_at"]
    raw_id_fields = ["meeting"]
