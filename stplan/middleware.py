import re

from django.conf import settings
from django.http import Http404, QueryDict
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


CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def without_control_characters(text: str) -> str:
    """`text` without control characters other than tab, line feed and carriage return
    (a textarea's line ends): NUL cannot be stored in PostgreSQL text or JSON at all, and
    the rest are invisible debris from pasting, which no one means to keep."""
    return CONTROL_CHARACTERS.sub("", text)


def _cleaned(query: QueryDict) -> QueryDict | None:
    """A copy of `query` with control characters dropped from keys and values, or None
    when there were none (uploaded files are left to `stplan.uploads`)."""
    if not any(CONTROL_CHARACTERS.search(k + "".join(vs)) for k, vs in query.lists()):
        return None
    cleaned = QueryDict(mutable=True, encoding=query.encoding)
    for key, values in query.lists():
        cleaned.setlist(without_control_characters(key), [without_control_characters(v) for v in values])
    cleaned._mutable = False
    return cleaned


class ControlCharactersMiddleware:
    """The one place NUL and other control characters are dealt with: they are dropped
    from every GET and POST key and value before any view reads them, so a filter such as
    `?q=%00`, a tampered post or text pasted from a PDF never ends in a server error and
    never loses what else was typed. No one types these characters, and they do not show,
    so removing them changes nothing the user can see. A path carrying one names no page
    (404): no address of stplan contains them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if CONTROL_CHARACTERS.search(request.path):
            raise Http404("网址中含有不允许的控制字符。")
        if (get := _cleaned(request.GET)) is not None:
            request.GET = get
        if request.method == "POST" and (post := _cleaned(request.POST)) is not None:
            request.POST = post
        return self.get_response(request)
