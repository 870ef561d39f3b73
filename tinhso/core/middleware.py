from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from .http import NUL_CODE, TOO_LARGE, api_error, form_has_nul, is_api, nul_message, request_has_nul
from .views import error_page


class LanguageMiddleware:
    """Vietnamese unless the user chose another language (cookie set by ``set_language``).

    Unlike Django's LocaleMiddleware it ignores the browser's Accept-Language: a government
    platform speaks Vietnamese by default, whatever language the browser is set to.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class RequestGuardMiddleware:
    """Refuses what no view should see, before any view or query runs: a NUL character in the
    path, the query string, a header, a cookie or a page's form (400), a body too large or with
    too many fields or files (413). Under ``/api/`` every refusal is JSON ``{"detail", "code"}``:
    one that left a view or Django itself as HTML (a 404 of an unknown route in debug mode, a 405
    of a plain Django view) is rewritten. API bodies are checked by their parsers
    (``tinhso.core.api``), which know JSON's escapes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            if request_has_nul(request) or (
                not is_api(request)
                and request.method not in ("GET", "HEAD", "OPTIONS")
                and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data")
                and form_has_nul(request)
            ):
                return error_page(request, 400, nul_message(), NUL_CODE)
        except TOO_LARGE:
            return error_page(request, 413)
        response = self.get_response(request)
        if (
            is_api(request)
            and response.status_code >= 400
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            allowed = response.get("Allow")
            response = api_error(response.status_code)
            if allowed:
                response["Allow"] = allowed
        return response
