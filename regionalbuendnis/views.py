from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.module_loading import import_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .health import check_database, check_redis

# Each entry returns a list of sections {"template": ..., **context} for the logged-in person.
# Apps add their own provider here; the dashboard stays free of app logic.
DASHBOARD_PROVIDERS: list[str] = [
    "controlling.dashboard.dashboard_sections",
    "meetings.dashboard.dashboard_sections",
    "projects.selectors.dashboard_sections",
    "surveys.dashboard.dashboard_sections",
]


@login_required
def dashboard(request):
    sections = []
    for dotted in DASHBOARD_PROVIDERS:
        sections.extend(import_string(dotted)(request.user))
    return render(request, "dashboard.html", {"sections": sections})


@never_cache
@require_GET
def health(request):
    """200 with JSON when the database and Redis answer; 503 naming the failing one."""
    checks = {"database": check_database(connection), "redis": check_redis()}
    ok = all(result == "ok" for result in checks.values())
    return JsonResponse({"status": "ok" if ok else "error", "checks": checks}, status=200 if ok else 503)


def bad_request(request, exception=None):
    return render(request, "errors/400.html", status=400)


def permission_denied(request, exception=None):
    return render(request, "errors/403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "errors/404.html", status=404)


def method_not_allowed(request, allowed: str):
    """An address that only takes a form or a button, opened directly (a reload, a bookmark)."""
    response = render(request, "errors/405.html", status=405)
    response["Allow"] = allowed
    return response


def csrf_failure(request, reason=""):
    """A failed CSRF check (expired form, blocked cookies) explained in the layout, not Django's page."""
    return render(request, "errors/403_csrf.html", status=403)


def server_error(request):
    # Without the request context: no context processor may touch a database that just failed.
    return HttpResponseServerError(render_to_string("errors/500.html"))
