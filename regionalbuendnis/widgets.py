"""Form widgets shared by the apps."""

import copy

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe


class LongSelect(forms.Widget):
    """A <select> for thousands of options (everybody in the directory), rendered in Python.

    django-crispy-forms renders each option of a Select through a template include, which took
    1.7 s for the 4,000 people of the benchmark; this widget takes milliseconds. Not a subclass
    of Select on purpose: crispy then renders it with `render()` like any other widget.
    """

    def __init__(self, attrs=None, choices=()):
        super().__init__(attrs)
        self.choices = choices

    def __deepcopy__(self, memo):
        obj = super().__deepcopy__(memo)
        obj.choices = copy.copy(self.choices)
        return obj

    def format_value(self, value):
        return "" if value is None else str(value)

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        # crispy's Bootstrap 5 pack gives non-Select widgets the text-input class.
        classes = attrs.get("class", "").replace("form-control", "").split()
        attrs["class"] = " ".join(["form-select", *(c for c in classes if c != "form-select")])
        selected = self.format_value(value)
        # escape() per value and one join: format_html() per option took half of the widget's time.
        options = "".join(
            f'<option value="{escape(option)}"{" selected" if str(option) == selected else ""}>'
            f"{escape(label)}</option>"
            for option, label in self.choices
        )
        safe_options = mark_safe(options)  # noqa: S308 - every value and label is escaped above
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(attrs), safe_options)
