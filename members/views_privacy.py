"""GDPR requests handled by the coordinator: data export and anonymisation of a person."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from regionalbuendnis.forms import apply_service_errors

from . import privacy, selectors
from .models import User
from .permissions import require_coordinator


class AnonymiseForm(forms.Form):
    confirm = forms.BooleanField(
        label=gettext_lazy("I understand that the name and contact details are removed for good."),
        required=True,
    )


@login_required
@require_GET
@never_cache
def person_export(request, pk):
    require_coordinator(request.user)
    person = get_object_or_404(User, pk=pk)
    filename = f"person-{person.pk}-{timezone.localdate():%Y-%m-%d}.json"
    response = HttpResponse(
        privacy.person_export_json(person=person), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def person_anonymise(request, pk):
    require_coordinator(request.user)
    person = get_object_or_404(User, pk=pk)
    form = AnonymiseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            privacy.person_anonymise(person=person, by=request.user)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The person was anonymised."))
            return redirect(person.get_absolute_url())
    return render(
        request,
        "members/privacy_anonymise.html",
        {
            "form": form,
            "person": person,
            "memberships": selectors.person_memberships(person=person),
            "new_name": privacy.anonymised_name(person),
        },
    )
