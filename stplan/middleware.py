from django.conf import settings
from django.http import QueryDict
from django.utils import translation


class ChosenLanguageMiddleware:
    """简体中文 unless the person chose another language (the set_language cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language, showing English
    to an officer whose browser happens to be set up in English; the bureau wants its
    service in Chinese by default, with English on request.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class NulCharactersMiddleware:
    """Drops NUL characters from posted fields: PostgreSQL cannot store them in text or
    JSON, and no one types them, so a post carrying one must not end in a server error."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and any(
            "\x00" in k or "\x00" in v for k, vs in request.POST.lists() for v in vs
        ):
            cleaned = QueryDict(mutable=True)
            for key, values in request.POST.lists():
                cleaned.setlist(key.replace("\x00", ""), [v.replace("\x00", "") for v in values])
            cleaned._mutable = False
            request.POST = cleaned
        return self.get_response(request)
