"""Who may do what. Views call these; tests cover each role."""

from django.contrib.auth.mixins import AccessMixin
from django.core.exceptions import PermissionDenied


def is_coordinator(user) -> bool:
    return bool(user and user.is_authenticated and user.is_coordinator)


def require_coordinator(user) -> None:
    if not is_coordinator(user):
        raise PermissionDenied


class CoordinatorRequiredMixin(AccessMixin):
    """Anonymous visitors go to the login page; logged-in non-coordinators get 403."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        if not request.user.is_coordinator:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def can_edit_person(user, person) -> bool:
    return is_coordinator(user) or (user.is_authenticated and user.pk == person.pk)
