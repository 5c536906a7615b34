"""Vietnamese first: the interface language is the user's explicit choice, never the browser's.

Django's LocaleMiddleware would follow the browser's Accept-Language header, so an officer
whose phone is set to English would land on an English page. The platform speaks
Vietnamese unless the user picks English with the switch (stored in the language cookie).
"""


class VietnameseFirstMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
