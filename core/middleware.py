from django.shortcuts import render
from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    """Pages about children must not linger in browser or proxy caches on shared machines."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith("/static/"):
            add_never_cache_headers(response)
        return response


class RefuseNulBytesMiddleware:
    """A NUL byte is never part of anything a person types, and PostgreSQL cannot store or compare
    text holding one: a request whose query string or form fields hold one is refused whole, with a
    400 page that says why, before any view (or a search kept in the session) can pass it on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        fields = [request.GET]
        if request.method == "POST":
            fields.append(request.POST)
        if any("\x00" in value for query in fields for values in query.lists() for value in values[1]):
            return render(request, "400.html", {"reason": "nul"}, status=400)
        return self.get_response(request)
