from django.contrib.auth.backends import ModelBackend

from .models import User


def axes_username(request, credentials=None):
    """The e-mail address axes counts failures for: Anna@Example.org and anna@example.org are one."""
    if credentials:
        username = credentials.get("username")
    else:
        username = getattr(request, "data", request.POST).get("username")
    return username.strip().lower() if username else username


class EmailBackend(ModelBackend):
    """Log in by e-mail address, case-insensitively."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        email = username or kwargs.get(User.USERNAME_FIELD)
        if not email or not password:
            return None
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            # Same work as for a real user, so timing does not reveal who exists.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
