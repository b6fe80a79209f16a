from django import forms
from django.utils.translation import gettext_lazy as _

from members.models import Organisation, User
from regionalbuendnis.uploads import upload_help_text
from regionalbuendnis.widgets import LongSelect

from .enums import InvitationRole, Response
from .models import ActionItem, AgendaItem, Meeting
from .services import DEPUTY_MEANS_NO, EDITABLE_FIELDS


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class MeetingForm(forms.ModelForm):
    # The revision the form was rendered from: a save on an older one is refused (optimistic lock).
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Meeting
        # Exactly what the service lets a coordinator change.
        fields = list(EDITABLE_FIELDS)
        widgets = {
            "start": DateTimeLocalInput(),
            "end": DateTimeLocalInput(),
            "registration_deadline": DateTimeLocalInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "address": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "capacity": _("Workshops: places available; further “yes” answers go to a waiting list."),
            "registration_deadline": _("Answers are closed after this moment."),
            "host_organisation": _("The member hosting the meeting (hosts are often rotated)."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host_organisation"].queryset = Organisation.objects.order_by("sort_name")
        self.fields["online_url"].assume_scheme = "https"
        if self.instance.pk:
            # Editing: the revision must come back with the form (see meetings.services.meeting_update).
            self.fields["revision"].initial = self.instance.revision
            self.fields["revision"].required = True

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end <= start:
            self.add_error("end", _("The end must be after the start."))
        return cleaned

    def _post_clean(self):
        # The model's checks run in the service (with the optimistic lock); the form only parses.
        pass

    def meeting_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class AgendaItemForm(forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = ["position", "title", "presenter", "planned_minutes"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Empty extra rows are skipped; a row with content but no title is refused by the service.
        self.fields["title"].required = False
        self.fields["position"].required = False
        self.fields["position"].label = _("No.")


AgendaFormSet = forms.modelformset_factory(AgendaItem, form=AgendaItemForm, extra=3, can_delete=True)


class DocumentForm(forms.Form):
    file = forms.FileField(label=_("File"))
    agenda_item = forms.ModelChoiceField(
        label=_("Agenda item"),
        queryset=AgendaItem.objects.none(),
        required=False,
        empty_label=_("General document of the meeting"),
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agenda_item"].queryset = meeting.agenda_items.order_by("position", "pk")
        self.fields["file"].help_text = upload_help_text()


class GuestForm(forms.Form):
    """Invite an existing person, or a new guest (with or without e-mail address)."""

    person = forms.ModelChoiceField(
        label=_("Existing person"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("— a new person —"),
    )
    full_name = forms.CharField(label=_("Name of a new guest"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-mail address (optional)"), required=False)
    affiliation = forms.CharField(
        label=_("Organisation / body"),
        max_length=200,
        required=False,
        help_text=_("E.g. Stadtwerke Detmold, Verbraucherzentrale NRW."),
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = (
            User.objects.filter(is_active=True, anonymised_at__isnull=True)
            .exclude(invitations__meeting=meeting)
            .order_by("full_name")
        )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("person") and not (cleaned.get("full_name") or "").strip():
            raise forms.ValidationError(_("Choose an existing person or enter the name of a new guest."))
        return cleaned


class RsvpForm(forms.Form):
    response = forms.ChoiceField(
        label=_("Your answer"),
        choices=[
            (Response.YES, Response.YES.label),
            (Response.MAYBE, Response.MAYBE.label),
            (Response.NO, Response.NO.label),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("Comment (optional)"), max_length=500, required=False)
    sends_deputy = forms.BooleanField(
        label=_("I send my deputy instead"),
        required=False,
        help_text=_("Your answer is then “no”; your deputy answers for themselves."),
    )

    def __init__(self, *args, invitation=None, **kwargs):
        super().__init__(*args, **kwargs)
        if invitation is not None and invitation.role != InvitationRole.REPRESENTATIVE:
            del self.fields["sends_deputy"]

    def clean(self):
        cleaned = super().clean()
        response = cleaned.get("response")
        if cleaned.get("sends_deputy") and response and response != Response.NO:
            self.add_error("sends_deputy", DEPUTY_MEANS_NO)
        return cleaned


class WalkInForm(forms.Form):
    full_name = forms.CharField(label=_("Name"), max_length=200)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("— other / none —"),
        widget=LongSelect,
    )
    organisation_text = forms.CharField(
        label=_("Other organisation (free text)"), max_length=200, required=False
    )
    email = forms.EmailField(label=_("E-mail address (optional)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.queryset = Organisation.objects.order_by("sort_name")
        # The drop-down from (pk, name) pairs, as the project filters do: the field's own choices
        # make a model instance and a wrapper per option (4 ms for 400 organisations).
        field.widget.choices = [("", field.empty_label), *field.queryset.values_list("pk", "name")]


class MarkPersonForm(forms.Form):
    """Record one existing person as present (offers "add as guest" if not invited).

    The person is typed, not picked: a drop-down of everyone in the directory (thousands) made the
    attendance page slow and is hard to use without JavaScript. The server resolves the text to
    exactly one active person by e-mail address or name, or says why it cannot.
    """

    MATCHES_SHOWN = 5

    person = forms.CharField(
        label=_("Name or e-mail address"),
        max_length=254,
        help_text=_("The full name, part of it, or the e-mail address of someone in the directory."),
    )
    # Set by the "add as guest" confirmation, which already knows the person.
    person_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    add_as_guest = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.data.get(self.add_prefix("person_id")):
            self.fields["person"].required = False

    def clean(self):
        cleaned = super().clean()
        people = User.objects.filter(is_active=True)
        if cleaned.get("person_id"):
            cleaned["person"] = people.filter(pk=cleaned["person_id"]).first()
            if cleaned["person"] is None:
                raise forms.ValidationError(_("This person is no longer in the directory."))
            return cleaned
        text = " ".join((cleaned.get("person") or "").split())
        if not text:
            return cleaned
        if "@" in text:
            matches = list(people.filter(email__iexact=text)[:2])
        else:
            matches = list(people.filter(full_name__iexact=text)[: self.MATCHES_SHOWN + 1])
            if not matches:
                matches = list(
                    people.filter(full_name__icontains=text).order_by("full_name", "pk")[
                        : self.MATCHES_SHOWN + 1
                    ]
                )
        if not matches:
            self.add_error("person", _("Nobody in the directory has this name or e-mail address."))
        elif len(matches) > 1:
            shown = ", ".join(
                f"{person.full_name} ({person.email})" if person.email else person.full_name
                for person in matches[: self.MATCHES_SHOWN]
            )
            self.add_error(
                "person",
                _("Several people match: %(people)s. Please enter the full name or the e-mail address.")
                % {"people": shown + (", …" if len(matches) > self.MATCHES_SHOWN else "")},
            )
        else:
            cleaned["person"] = matches[0]
        return cleaned


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text=_("Markdown: # heading, **bold**, - list item, [link](https://…)."),
    )
    revision = forms.IntegerField(widget=forms.HiddenInput)


class ActionItemForm(forms.ModelForm):
    class Meta:
        model = ActionItem
        fields = ["title", "owner", "owner_organisation", "due_date"]
        widgets = {"due_date": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(is_active=True).order_by("full_name")
        self.fields["owner_organisation"].queryset = Organisation.objects.order_by("sort_name")


class DuplicateForm(forms.Form):
    start = forms.DateTimeField(label=_("Start of the new meeting"), widget=DateTimeLocalInput())
    end = forms.DateTimeField(
        label=_("End"),
        widget=DateTimeLocalInput(),
        required=False,
        help_text=_("Empty: same duration as the original."),
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end <= start:
            self.add_error("end", _("The end must be after the start."))
        return cleaned
