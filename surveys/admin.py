"""Surveys and their questions in the admin. Recipients, links and answers are left out on purpose:
drafts are personal data, and answers are only shown aggregated (results page)."""

from django.contrib import admin

from .enums import SurveyStatus
from .models import Question, Survey


class QuestionInline(admin.StackedInline):
    model = Question
    extra = 0

    # Like the app: questions are fixed once the invitations are out.
    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and (obj is None or obj.questions_editable)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or obj.questions_editable)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or obj.questions_editable)


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ["year", "title_de", "status", "send_on", "closes_on", "is_anonymous"]
    list_filter = ["status", "is_anonymous"]
    readonly_fields = ["status", "opened_at", "closed_at", "created_at", "created_by"]
    inlines = [QuestionInline]

    def get_readonly_fields(self, request, obj=None):
        # Like the app: once the invitations are out, only the closing date and reminders change.
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and not obj.questions_editable:
            fields += ["year", "title_de", "title_en", "intro_de", "intro_en", "is_anonymous"]
            fields += ["invite_members", "send_on"]
            if obj.status == SurveyStatus.CLOSED:
                fields += ["closes_on", "reminder_offsets"]
        return fields
