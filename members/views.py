from html import escape

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from meetings.tokens import calendar_feed_url
from projects.selectors import organisation_sections
from regionalbuendnis.forms import apply_service_errors

from . import selectors, services
from .enums import MembershipRole, OrganisationKind
from .forms import (
    MembershipEditForm,
    MembershipEndForm,
    MembershipForm,
    OrganisationForm,
    PersonForm,
    ProfileForm,
)
from .models import Membership, Organisation, User
from .permissions import can_edit_person, require_coordinator


@require_POST
def set_language(request):
    """Django's switch, plus remembering the choice for a logged-in person (e-mails use it)."""
    response = django_set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.person_set_language(person=request.user, language=language)
    return response


# The 17 members of the real alliance fit on one page; a state-wide network gets pages.
ORGANISATIONS_PER_PAGE = 50


@login_required
def organisation_list(request):
    paginator = Paginator(selectors.member_organisations(), ORGANISATIONS_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "members/organisation_list.html", {"page": page, "organisations": _by_role(page)})


def _by_role(organisations) -> list:
    """Each organisation with its link, kind and current representatives and deputies, each
    person as a link (marked when inactive), ready to show.

    The people come as tuples from one query, their links from one reverse() and are rendered
    here: model instances, a reverse() and template tags per person (500 on a page of 50
    organisations) took most of the page's time.
    """
    marker = "2147483647"
    person_url = reverse("members:person_detail", args=[int(marker)])
    organisation_url = reverse("members:organisation_detail", args=["slug-marker"])
    kinds = {value: str(label) for value, label in OrganisationKind.choices}
    inactive_label = _("inactive")
    inactive = f' <span class="badge text-bg-secondary">{escape(inactive_label)}</span>'
    organisations = list(organisations)
    people = selectors.current_representatives_and_deputies_of(organisations)

    def links(persons) -> str:
        # html.escape() is what Django's escape() calls, without its lazy-string wrapper per name.
        return mark_safe(  # noqa: S308 - the address is ours, every name is escaped
            "".join(
                f'<a href="{person_url.replace(marker, str(pk))}">{escape(full_name)}</a>'
                f"{'' if is_active else inactive}<br>"
                for pk, full_name, is_active in persons
            )
        )

    for organisation in organisations:
        organisation.url = organisation_url.replace("slug-marker", organisation.slug)
        organisation.kind_label = kinds.get(organisation.kind, organisation.kind)
        by_role = people[organisation.pk]
        organisation.representatives = links(by_role.get(MembershipRole.REPRESENTATIVE, ()))
        organisation.deputies = links(by_role.get(MembershipRole.DEPUTY, ()))
    return organisations


@login_required
def organisation_detail(request, slug):
    try:
        organisation, current, upcoming, former = selectors.organisation_detail(slug=slug)
    except Organisation.DoesNotExist:
        raise Http404 from None
    can_edit = request.user.is_coordinator
    return render(
        request,
        "members/organisation_detail.html",
        {
            "organisation": organisation,
            "current": current,
            "upcoming": upcoming,
            "former": former,
            "can_edit": can_edit,
            "extra_sections": organisation_sections(organisation),
        },
    )


@login_required
def organisation_edit(request, slug):
    require_coordinator(request.user)
    organisation = get_object_or_404(Organisation, slug=slug)
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.organisation_update(
                organisation=Organisation.objects.get(pk=organisation.pk), **form.cleaned_data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The organisation was saved."))
            return redirect(organisation.get_absolute_url())
    return render(request, "members/organisation_form.html", {"form": form, "organisation": organisation})


@login_required
def people_list(request):
    require_coordinator(request.user)
    search = request.GET.get("q", "").strip()
    page = Paginator(selectors.people_list(search=search), 50).get_page(request.GET.get("page"))
    return render(request, "members/people_list.html", {"page": page, "search": search})


@login_required
def person_detail(request, pk):
    person = get_object_or_404(User, pk=pk)
    # Everyone logged in sees who speaks for whom; contact details are for the person and coordinators.
    return render(
        request,
        "members/person_detail.html",
        {
            "person": person,
            "memberships": selectors.person_memberships(person=person),
            "can_edit": can_edit_person(request.user, person),
            "show_contact": can_edit_person(request.user, person) or bool(request.user.member_organisations),
            "calendar_feed_url": calendar_feed_url(person) if can_edit_person(request.user, person) else "",
        },
    )


@login_required
def person_create(request):
    require_coordinator(request.user)
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            person = services.person_create(
                full_name=data["full_name"],
                email=data["email"],
                phone=data["phone"],
                preferred_language=data["preferred_language"],
                affiliation=data["affiliation"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The person was added."))
            return redirect(person.get_absolute_url())
    return render(request, "members/person_form.html", {"form": form})


@login_required
def person_edit(request, pk):
    person = get_object_or_404(User, pk=pk)
    if not can_edit_person(request.user, person):
        raise PermissionDenied
    form_class = PersonForm if request.user.is_coordinator else ProfileForm
    form = form_class(request.POST or None, instance=User.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(person=person, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The profile was saved."))
            return redirect(person.get_absolute_url())
    return render(request, "members/person_form.html", {"form": form, "person": person})


@login_required
@require_POST
def person_invite(request, pk):
    require_coordinator(request.user)
    person = get_object_or_404(User, pk=pk)
    try:
        services.person_invite(person=person, invited_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("An invitation to set a password was sent to %(email)s.") % {"email": person.email}
        )
    return redirect(person.get_absolute_url())


@login_required
@require_POST
def person_reset_calendar_token(request, pk):
    person = get_object_or_404(User, pk=pk)
    if not can_edit_person(request.user, person):
        raise PermissionDenied
    services.person_reset_calendar_token(person=person)
    messages.success(request, _("The calendar link was reset. The old link no longer works."))
    return redirect(person.get_absolute_url())


@login_required
def membership_create(request):
    require_coordinator(request.user)
    initial = {}
    if "organisation" in request.GET:
        initial["organisation"] = Organisation.objects.filter(slug=request.GET["organisation"]).first()
    if "person" in request.GET and request.GET["person"].isdigit():
        initial["person"] = User.objects.filter(pk=request.GET["person"]).first()
    form = MembershipForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.membership_create(**form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The membership was added."))
            return redirect(membership.organisation.get_absolute_url())
    return render(request, "members/membership_form.html", {"form": form})


@login_required
def membership_edit(request, pk):
    """Corrects role or period of a membership; the person and organisation stay."""
    require_coordinator(request.user)
    membership = get_object_or_404(Membership.objects.select_related("person", "organisation"), pk=pk)
    form = MembershipEditForm(request.POST or None, instance=Membership.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_update(membership=membership, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The membership was saved."))
            return redirect(membership.organisation.get_absolute_url())
    return render(request, "members/membership_edit.html", {"form": form, "membership": membership})


@login_required
def membership_end(request, pk):
    require_coordinator(request.user)
    membership = get_object_or_404(Membership.objects.select_related("person", "organisation"), pk=pk)
    form = MembershipEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_end(membership=membership, end=form.cleaned_data["end"])
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The membership was ended."))
            next_url = request.POST.get("next", "")
            if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
                return HttpResponseRedirect(next_url)
            return redirect(membership.organisation.get_absolute_url())
    return render(request, "members/membership_end.html", {"form": form, "membership": membership})
