from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .enums import KPI_UNITS, Direction, Kpi


class KpiTargetForm(forms.Form):
    """One row of the target table; a blank target means "no target for this key figure"."""

    target = forms.DecimalField(
        label=_("Target"), required=False, min_value=Decimal("0"), max_digits=10, decimal_places=2
    )
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices)
    tolerance_percent = forms.DecimalField(
        label=_("Tolerance (%)"),
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        max_digits=5,
        decimal_places=1,
        initial=Decimal("10"),
    )
    comment = forms.CharField(
        label=_("Comment / reason"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, kpi: str, **kwargs):
        super().__init__(*args, prefix=kpi, **kwargs)
        self.kpi = Kpi(kpi)
        self.unit = KPI_UNITS.get(self.kpi, "")
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control form-control-sm")
        self.fields["direction"].widget.attrs["class"] = "form-select form-select-sm"


def kpi_target_forms(*, data=None, initial: dict[str, dict]) -> list[KpiTargetForm]:
    return [KpiTargetForm(data, kpi=kpi, initial=initial.get(kpi)) for kpi in Kpi.values]


class YearReviewForm(forms.Form):
    assessment = forms.CharField(
        label=_("Assessment of the year"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What went well, what did not, and why (this text appears in the report)."),
    )
    work_programme = forms.CharField(
        label=_("Work programme for the next year"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class UnfreezeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for unfreezing"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The final version stays stored and downloadable together with this reason."),
    )
