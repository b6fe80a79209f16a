"""The coordinator's change history ("Änderungsverlauf")."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from . import audit
from .permissions import require_coordinator


@login_required
@require_GET
def audit_log(request):
    require_coordinator(request.user)
    models = audit.audited_models()
    label = request.GET.get("model", "")
    if label not in models:
        label = ""
    page = audit.audit_page(page_number=request.GET.get("page"), label=label)
    return render(
        request,
        "members/audit_log.html",
        {
            "page": page,
            "models": [(key, model._meta.verbose_name_plural) for key, model in models.items()],
            "selected": label,
            "extra_query": urlencode({"model": label}) + "&" if label else "",
        },
    )
