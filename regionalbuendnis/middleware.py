from django.http import HttpResponseNotAllowed

from .views import bad_request, method_not_allowed

NUL = "\x00"


def _contains_nul(query_dict):
    return any(NUL in key or any(NUL in value for value in values) for key, values in query_dict.lists())


class RejectNulBytesMiddleware:
    """Answer 400 when the path or a GET/POST value holds a NUL character.

    PostgreSQL text cannot hold NUL: such a value would fail deep inside a lookup as a 500.
    No legitimate link or form sends one, so it is refused up front with the friendly error page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if NUL in request.path or _contains_nul(request.GET) or self._post_contains_nul(request):
            return bad_request(request)
        return self.get_response(request)

    @staticmethod
    def _post_contains_nul(request):
        # Only form bodies are parsed into POST; uploads' file contents are not inspected here.
        if request.method != "POST":
            return False
        return _contains_nul(request.POST)


class MethodNotAllowedPageMiddleware:
    """`require_POST` and its kind answer 405 with an empty body, which a browser shows as a blank
    page (after reloading a page that a button led to, say): show one in the layout instead."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if isinstance(response, HttpResponseNotAllowed) and not response.content:
            return method_not_allowed(request, response["Allow"])
        return response
