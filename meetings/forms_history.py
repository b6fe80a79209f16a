from django import forms
from django.utils.translation import gettext_lazy as _

PENDING_TOKEN = r"\A[0-9a-f]{32}\Z"


class HistoryUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or Excel file (.xlsx)"),
        help_text=_(
            "One row per person per meeting. CSV with commas or semicolons (UTF-8 or as Excel saves it), "
            "or the first sheet of an .xlsx file."
        ),
    )


class HistoryConfirmForm(forms.Form):
    """Names the checked upload kept on the server between the preview and the confirmation."""

    token = forms.RegexField(regex=PENDING_TOKEN, widget=forms.HiddenInput)


class HistoryExportForm(forms.Form):
    year = forms.IntegerField(
        label=_("Year"),
        required=False,
        min_value=1900,
        max_value=2100,
        help_text=_("Leave empty for all years."),
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("xlsx", _("Excel (.xlsx)")), ("csv", _("CSV"))],
        initial="xlsx",
        widget=forms.RadioSelect,
    )
