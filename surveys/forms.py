from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.enums import Language

from .enums import CHOICE_KINDS, SCALE_POINTS, QuestionKind
from .models import Question, Survey


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class LinesField(forms.CharField):
    """One entry per line; empty lines are ignored."""

    widget = forms.Textarea(attrs={"rows": 5})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        return [line.strip() for line in text.splitlines() if line.strip()]


class SurveyCreateForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2016, max_value=2100)
    source = forms.ChoiceField(label=_("Questions"))

    def __init__(self, *args, sources=(), year=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.sources = {str(survey.pk): survey for survey in sources}
        self.fields["source"].choices = [
            (pk, _("Copy of “%(title)s”") % {"title": survey.title}) for pk, survey in self.sources.items()
        ] + [("default", _("The default questions (German and English)"))]
        self.fields["source"].initial = next(iter(self.sources), "default")
        self.fields["year"].initial = year or timezone.localdate().year

    def clean_source(self):
        value = self.cleaned_data["source"]
        return None if value == "default" else self.sources[value]


class OffsetsField(forms.CharField):
    """Days before closing, e.g. "14, 3"."""

    def prepare_value(self, value):
        if isinstance(value, list):
            return ", ".join(str(offset) for offset in value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        parts = [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
        try:
            return sorted((int(part) for part in parts), reverse=True)
        except ValueError:
            raise forms.ValidationError(_("Enter whole numbers of days, separated by commas.")) from None


class SurveySettingsForm(forms.Form):
    title_de = forms.CharField(label=_("Title (German)"), max_length=200)
    title_en = forms.CharField(label=_("Title (English)"), max_length=200)
    intro_de = forms.CharField(
        label=_("Introduction (German)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    intro_en = forms.CharField(
        label=_("Introduction (English)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    is_anonymous = forms.BooleanField(
        label=_("Anonymous"),
        required=False,
        help_text=_(
            "Anonymous: answers are stored without any link to the person, the member or the link. "
            "Otherwise the answers show the member and the name, and the form says so."
        ),
    )
    invite_members = forms.BooleanField(
        label=_("Invite all active representatives and deputies"),
        required=False,
        help_text=_("Extra addresses are added on the recipients page."),
    )
    send_on = forms.DateField(
        label=_("Send date"),
        widget=DateInput(),
        help_text=_("Invitations go out at 8:00 on this day. Default: the first working day of October."),
    )
    closes_on = forms.DateField(
        label=_("Closing date"),
        widget=DateInput(),
        help_text=_("Answers are accepted until the end of this day. Default: 30 November."),
    )
    reminder_offsets = OffsetsField(
        label=_("Reminders (days before closing)"),
        required=False,
        help_text=_("Separated by commas, e.g. “14, 3”. Only those who have not answered are reminded."),
    )

    def __init__(self, *args, survey: Survey, editable_fields, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.initial = getattr(survey, name)
            if name not in editable_fields:
                field.disabled = True


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=QuestionKind.choices)
    text_de = forms.CharField(label=_("Question (German)"), max_length=500)
    text_en = forms.CharField(label=_("Question (English)"), max_length=500)
    help_de = forms.CharField(label=_("Hint (German)"), max_length=500, required=False)
    help_en = forms.CharField(label=_("Hint (English)"), max_length=500, required=False)
    required = forms.BooleanField(label=_("Answer required"), required=False)
    scale_labels_de = LinesField(
        label=_("Scale labels (German)"),
        required=False,
        help_text=_("Scale only: five lines, for 1 to 5 (e.g. “very dissatisfied” … “very satisfied”)."),
    )
    scale_labels_en = LinesField(label=_("Scale labels (English)"), required=False)
    is_satisfaction = forms.BooleanField(
        label=_("Satisfaction question"),
        required=False,
        help_text=_("Scale only: its mean goes into the controlling report as the satisfaction figure."),
    )
    options_de = LinesField(
        label=_("Options (German)"), required=False, help_text=_("Choices only: one per line.")
    )
    options_en = LinesField(
        label=_("Options (English)"), required=False, help_text=_("As many as in German, in the same order.")
    )
    allows_other = forms.BooleanField(
        label=_("Add a free text field “other”"), required=False, help_text=_("Choices only.")
    )

    def __init__(self, *args, question: Question | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if question is not None:
            for name, field in self.fields.items():
                field.initial = getattr(question, name)


class RecipientForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    language = forms.ChoiceField(label=_("Language of the e-mails and the form"), choices=Language.choices)


class ResponseForm(forms.Form):
    """The respondent's form, in the current language: one field per question (named q<id>),
    plus q<id>_other for choice questions with a free text "other"."""

    def __init__(self, *args, questions, draft=None, language=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        draft = draft or {}
        for question in questions:
            name = f"q{question.pk}"
            saved = draft.get(question.pk, {})
            # Required questions are checked by the service on submit, so that a draft may be incomplete.
            if question.kind == QuestionKind.SCALE:
                labels = question.scale_labels(language)
                choices = [
                    (str(point), f"{point} – {labels[point - 1]}" if len(labels) == 5 else str(point))
                    for point in SCALE_POINTS
                ]
                field = forms.TypedChoiceField(
                    choices=choices, coerce=int, empty_value=None, widget=forms.RadioSelect, required=False
                )
                field.initial = str(saved["scale"]) if saved.get("scale") else None
            elif question.kind in CHOICE_KINDS:
                choices = [(str(index), label) for index, label in enumerate(question.options(language))]
                if question.kind == QuestionKind.SINGLE:
                    field = forms.TypedChoiceField(
                        choices=choices,
                        coerce=int,
                        empty_value=None,
                        widget=forms.RadioSelect,
                        required=False,
                    )
                    field.initial = str(saved["choices"][0]) if saved.get("choices") else None
                else:
                    field = forms.TypedMultipleChoiceField(
                        choices=choices, coerce=int, widget=forms.CheckboxSelectMultiple, required=False
                    )
                    field.initial = [str(index) for index in saved.get("choices", [])]
            else:
                field = forms.CharField(
                    widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=5000
                )
                field.initial = saved.get("text", "")
            field.label = question.text
            field.help_text = question.help
            field.widget.attrs["class"] = (
                "form-control" if question.kind == QuestionKind.TEXT else "form-check-input"
            )
            field.question = question
            self.fields[name] = field
            if question.kind in CHOICE_KINDS and question.allows_other:
                other = forms.CharField(label=_("Other (please specify)"), required=False, max_length=1000)
                other.widget.attrs["class"] = "form-control"
                other.initial = saved.get("text", "")
                self.fields[f"{name}_other"] = other
        self._describe()

    def full_clean(self):
        super().full_clean()
        self._describe()

    def add_error(self, field, error):
        # Also for errors the service reports after validation (e.g. a required question).
        super().add_error(field, error)
        self._describe()

    def _describe(self):
        """aria-describedby (hint, error) and aria-invalid on every input, for screen readers."""
        for name, field in self.fields.items():
            ids = []
            if field.help_text:
                ids.append(f"{name}-help")
            if self.is_bound and name in self.errors:
                ids.append(f"{name}-error")
                field.widget.attrs["aria-invalid"] = "true"
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)

    def answers(self) -> dict:
        data = self.cleaned_data
        answers = {}
        for question in self.questions:
            value = data.get(f"q{question.pk}")
            if question.kind == QuestionKind.SCALE:
                answers[question.pk] = {"scale": value}
            elif question.kind == QuestionKind.SINGLE:
                answers[question.pk] = {"choices": [] if value is None else [value]}
            elif question.kind == QuestionKind.MULTIPLE:
                answers[question.pk] = {"choices": value or []}
            else:
                answers[question.pk] = {"text": value or ""}
            if question.kind in CHOICE_KINDS and question.allows_other:
                answers[question.pk]["text"] = data.get(f"q{question.pk}_other", "")
        return answers

    def question_blocks(self):
        """(question, field, other field or None) for the template, in question order."""
        for question in self.questions:
            name = f"q{question.pk}"
            other = self[f"{name}_other"] if f"{name}_other" in self.fields else None
            yield question, self[name], other
