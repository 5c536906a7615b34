"""Project-wide middleware: the interface language and the Content-Security-Policy."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

GetResponse = Callable[[HttpRequest], HttpResponse]


class VietnameseFirstMiddleware:
    """Vietnamese first: the interface language is the user's explicit choice, never the
    browser's.

    Django's LocaleMiddleware would follow the browser's Accept-Language header, so an
    officer whose phone is set to English would land on an English page. The platform
    speaks Vietnamese unless the user picks English with the switch (stored in the language
    cookie).
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    """Sends ``settings.CONTENT_SECURITY_POLICY`` (directive -> sources) on every response.

    Our own small middleware rather than django-csp: one fixed policy without nonces needs
    a dozen lines, and Django 6 brings a built-in one to move to later. The policy is read
    per response so that ``override_settings`` works in tests.
    """

    def __init__(self, get_response: GetResponse) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" in response or not self._applies(response):
            return response
        policy = settings.CONTENT_SECURITY_POLICY
        response["Content-Security-Policy"] = "; ".join(
            " ".join([directive, *sources]) for directive, sources in policy.items()
        )
        return response

    @staticmethod
    def _applies(response: HttpResponse) -> bool:
        content_type = response.get("Content-Type", "")
        # Browsers' PDF viewers run in their own origin, so a policy on a PDF guards
        # nothing, and object-src 'none' has been known to stop the built-in viewer.
        if content_type.startswith("application/pdf"):
            return False
        # Django's debug 404/500 pages are built with inline script and style; in
        # development they would show broken. Production never renders them.
        debug_page = settings.DEBUG and response.status_code >= 400
        return not (debug_page and content_type.startswith("text/html"))
