from decimal import Decimal

from django import forms
from django.utils import formats, timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from meetings.models import Meeting
from members.models import Organisation, User
from regionalbuendnis.uploads import upload_help_text
from regionalbuendnis.widgets import LongSelect

from . import imports, selectors
from .enums import ActivityStatus, Calculation, Field, ProjectStatus
from .models import ClimateActivity, Co2Factor, Indicator, Milestone, Project, ProjectLink

DATE_WIDGET = {"type": "date"}
# Evaluated when shown: in the visitor's language, with the configured size limit.
DOCUMENT_HELP_TEXT = lazy(upload_help_text, str)()


def date_input():
    return forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d")


class MeetingChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, meeting):
        start = timezone.localtime(meeting.start)
        return f"{formats.date_format(start, 'SHORT_DATE_FORMAT')} – {meeting.title}"


class ProjectForm(forms.ModelForm):
    participants = forms.ModelMultipleChoiceField(
        label=_("Participating members"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    contacts = forms.ModelMultipleChoiceField(
        label=_("Contact people"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Hold Ctrl (or Cmd) to choose several people."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    meetings = MeetingChoiceField(
        label=_("Discussed in meetings"),
        queryset=Meeting.objects.none(),
        required=False,
        help_text=_("Hold Ctrl (or Cmd) to choose several meetings."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    class Meta:
        model = Project
        fields = [
            "title",
            "summary",
            "field",
            "lead_organisation",
            "participants",
            "contacts",
            "start",
            "end",
            "budget",
            "funding_programme",
            "meetings",
        ]
        widgets = {
            "start": date_input(),
            "end": date_input(),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "budget": forms.TextInput(attrs={"inputmode": "decimal"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_organisation"].queryset = Organisation.objects.order_by("sort_name")
        self.fields["participants"].queryset = Organisation.objects.members().order_by("sort_name")
        self.fields["contacts"].queryset = User.objects.filter(
            is_active=True, anonymised_at__isnull=True
        ).order_by("full_name")
        self.fields["meetings"].queryset = selectors.meeting_choices()
        self.fields["budget"].localize = True
        self.fields["budget"].widget.is_localized = True


class ProjectCreateForm(ProjectForm):
    status = forms.ChoiceField(label=_("Status"), choices=ProjectStatus.choices, initial=ProjectStatus.IDEA)
    status_since = forms.DateField(
        label=_("Status since"), initial=timezone.localdate, widget=date_input(), required=False
    )


class StatusChangeForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    changed_on = forms.DateField(
        label=_("Date of the change"), initial=timezone.localdate, widget=date_input()
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        help_text=_("A short reason, e.g. “funding approved” or “all municipalities connected”."),
    )

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (value, label) for value, label in ProjectStatus.choices if value != project.status
        ]


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_on", "done_on"]
        widgets = {"due_on": date_input(), "done_on": date_input()}


class ProgressUpdateForm(forms.Form):
    date = forms.DateField(label=_("Date"), initial=timezone.localdate, widget=date_input())
    text = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)
    document = forms.FileField(label=_("Document (optional)"), required=False, help_text=DOCUMENT_HELP_TEXT)
    document_title = forms.CharField(label=_("Title of the document"), max_length=200, required=False)


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = forms.FileField(label=_("File"), help_text=DOCUMENT_HELP_TEXT)


class LinkForm(forms.ModelForm):
    class Meta:
        model = ProjectLink
        fields = ["title", "url"]


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = [
            "name",
            "unit",
            "direction",
            "tolerance_percent",
            "source",
            "note",
            "calculation",
            "source_indicator",
            "position",
        ]
        widgets = {
            "note": forms.Textarea(attrs={"rows": 3}),
            "tolerance_percent": forms.TextInput(attrs={"inputmode": "decimal"}),
        }

    def __init__(self, *args, project: Project | None, **kwargs):
        super().__init__(*args, **kwargs)
        sources = Indicator.objects.filter(project=project, calculation=Calculation.ENTERED)
        if self.instance.pk:
            sources = sources.exclude(pk=self.instance.pk)
        self.fields["source_indicator"].queryset = sources.order_by("position", "name")
        self.fields["source_indicator"].help_text = _("Only for computed indicators (t CO2 from kilometres).")
        self.fields["tolerance_percent"].localize = True
        self.fields["tolerance_percent"].widget.is_localized = True


class NumberInput(forms.TextInput):
    """Shows a Decimal without trailing zeros in the language's notation: 1067931,5 in German."""

    def format_value(self, value):
        if isinstance(value, Decimal):
            normalised = value.normalize()
            places = max(0, -normalised.as_tuple().exponent)
            return formats.number_format(normalised, decimal_pos=places, use_l10n=True, force_grouping=False)
        return super().format_value(value)


class FlexibleDecimalField(forms.CharField):
    """A number as people type it: 1067931, 1.067.931, 1067931,5 or 12.5 (as in the import)."""

    widget = NumberInput

    def to_python(self, value):
        text = super().to_python(value)
        try:
            return imports.parse_decimal(text)
        except ValueError:
            raise forms.ValidationError(_("Enter a number."), code="invalid") from None


class IndicatorGridForm(forms.Form):
    """Target and actual per organisation (rows, first the whole region) and year (columns)."""

    def __init__(self, *args, indicator: Indicator, organisations, years, existing: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator, self.years = indicator, years
        self.row_keys = [(None, _("Whole region"))] + [(org, org.display_name) for org in organisations]
        self.rows = []
        for organisation, name in self.row_keys:
            cells = []
            for year in years:
                value = existing.get((organisation.pk if organisation else None, year))
                pair = {"year": year}
                for kind, label in (("target", _("Target")), ("actual", _("Actual"))):
                    key = self.field_name(kind, organisation, year)
                    self.fields[key] = FlexibleDecimalField(
                        label=f"{label} {year} – {name}",
                        required=False,
                        initial=getattr(value, kind) if value else None,
                        widget=NumberInput(
                            attrs={
                                "inputmode": "decimal",
                                "class": "form-control form-control-sm",
                                "placeholder": label,
                            }
                        ),
                    )
                    pair[kind] = key
                cells.append(pair)
            self.rows.append({"name": name, "organisation": organisation, "cells": cells})

    @staticmethod
    def field_name(kind: str, organisation, year: int) -> str:
        return f"{kind}_{organisation.pk if organisation else 'region'}_{year}"

    def bound_rows(self):
        """Rows with bound fields, for the template."""
        return [
            {
                "name": row["name"],
                "cells": [
                    {"year": cell["year"], "target": self[cell["target"]], "actual": self[cell["actual"]]}
                    for cell in row["cells"]
                ],
            }
            for row in self.rows
        ]

    def values(self):
        from .services import ValueInput

        result = []
        for organisation, _name in self.row_keys:
            for year in self.years:
                result.append(
                    ValueInput(
                        year=year,
                        organisation=organisation,
                        target=self.cleaned_data.get(self.field_name("target", organisation, year)),
                        actual=self.cleaned_data.get(self.field_name("actual", organisation, year)),
                    )
                )
        return result


class YearRangeForm(forms.Form):
    first = forms.IntegerField(label=_("From year"), min_value=1990, max_value=2100, required=False)
    last = forms.IntegerField(label=_("To year"), min_value=1990, max_value=2100, required=False)

    def clean(self):
        data = super().clean()
        first, last = data.get("first"), data.get("last")
        if first and last and (last < first or last - first > 15):
            raise forms.ValidationError(_("Choose at most 16 years, the first before the last."))
        return data


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or Excel file (.xlsx)"),
        help_text=_(
            "Columns: year/Jahr, organisation/Kommune (empty or “Region” for the whole region), "
            "target/Soll and/or actual/Ist, optionally unit/Einheit."
        ),
    )


class Co2FactorForm(forms.ModelForm):
    class Meta:
        model = Co2Factor
        fields = ["year", "grams_per_km", "source"]
        widgets = {"grams_per_km": forms.TextInput(attrs={"inputmode": "decimal"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grams_per_km"].localize = True
        self.fields["grams_per_km"].widget.is_localized = True

    def validate_unique(self):
        # Saving a year again replaces its factor (services.co2_factor_set).
        pass


class ActivityForm(forms.ModelForm):
    class Meta:
        model = ClimateActivity
        fields = ["organisation", "title", "field", "year", "status", "summary", "link"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            pk__in=[org.pk for org in organisations]
        ).order_by("sort_name")
        self.fields["organisation"].empty_label = None
        if not self.instance.pk:
            self.fields["year"].initial = timezone.localdate().year


def _choices_with_all(choices):
    return [("", _("All"))] + list(choices)


def _bootstrap_classes(form) -> None:
    """Filter forms are laid out by hand (one row), so their widgets get Bootstrap classes here.

    Their drop-downs are LongSelects: rendered in Python, not through a template per option.
    """
    for field in form.fields.values():
        is_select = isinstance(field.widget, (forms.Select, LongSelect))
        field.widget.attrs.setdefault("class", "form-select" if is_select else "form-control")


class MemberFilterField(forms.Field):
    """The members to filter by, offered as slug and name from one query; cleans to the Organisation.

    Not a ModelChoiceField (nor a ChoiceField): building, labelling and normalising hundreds of
    choices took longer than the rest of the filter form.
    """

    widget = LongSelect
    default_error_messages = {
        "invalid_choice": forms.ModelChoiceField.default_error_messages["invalid_choice"]
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Member"))
        super().__init__(required=False, **kwargs)

    def load_choices(self) -> None:
        members = Organisation.objects.members().order_by("sort_name").values_list("slug", "name")
        self.widget.choices = _choices_with_all(members)

    def clean(self, value) -> Organisation | None:
        if value in self.empty_values:
            return None
        # Looked up only when the list is filtered by a member.
        organisation = Organisation.objects.members().filter(slug=str(value)).first()
        if organisation is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return organisation


class ProjectFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=_choices_with_all(ProjectStatus.choices),
        widget=LongSelect,
    )
    field = forms.ChoiceField(
        label=_("Field"), required=False, choices=_choices_with_all(Field.choices), widget=LongSelect
    )
    member = MemberFilterField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].load_choices()
        _bootstrap_classes(self)


class ActivityFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    member = MemberFilterField()
    field = forms.ChoiceField(
        label=_("Field"), required=False, choices=_choices_with_all(Field.choices), widget=LongSelect
    )
    year = forms.TypedChoiceField(
        label=_("Year"), required=False, coerce=int, empty_value=None, widget=LongSelect
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=_choices_with_all(ActivityStatus.choices),
        widget=LongSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].load_choices()
        self.fields["year"].choices = _choices_with_all((year, year) for year in selectors.activity_years())
        _bootstrap_classes(self)
