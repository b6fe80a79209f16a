from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from .enums import MembershipRole
from .models import Membership, Organisation, User


class LoginForm(auth_forms.AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
    error_messages = {
        "invalid_login": _("E-mail address or password is wrong. Please try again."),
        "inactive": _("This account is inactive."),
    }


class PersonForm(forms.ModelForm):
    """The coordinator's form for any person."""

    class Meta:
        model = User
        fields = ["full_name", "email", "phone", "preferred_language", "affiliation", "is_active"]

    def clean_email(self):
        email = (self.cleaned_data.get("email") or "").strip().lower()
        if email and User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("A person with this e-mail address already exists."))
        return email or None


class ProfileForm(PersonForm):
    """What a person edits about themselves."""

    class Meta(PersonForm.Meta):
        fields = [
            "full_name",
            "email",
            "phone",
            "preferred_language",
            "notify_reminders",
            "notify_answer_requests",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The e-mail address is the login: nobody removes their own.
        self.fields["email"].required = True


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["person", "organisation", "role", "start", "end"]
        widgets = {
            "start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.order_by("sort_name")
        self.fields["person"].queryset = User.objects.filter(is_active=True).order_by("full_name")
        self.fields["role"].choices = MembershipRole.choices


class MembershipEditForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["role", "start", "end"]
        widgets = MembershipForm.Meta.widgets


class MembershipEndForm(forms.Form):
    end = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}))


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = [
            "name",
            "short_name",
            "kind",
            "is_member",
            "address",
            "website",
            "active_since",
            "active_until",
        ]
        widgets = {
            "active_since": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "active_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
