"""The page where a person makes and revokes their own API tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from stplan.api import selectors, services
from stplan.api.forms import TokenForm
from stplan.errors import ServiceError


def _page(request, form, *, created=None, status=200):
    tokens = selectors.tokens_of(user=request.user)
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "tokens": tokens,
            "history": selectors.token_history(user=request.user)[:50],
            "created": created,
            "now": timezone.now(),
        },
        status=status,
    )


@login_required
def tokens(request):
    if request.method != "POST":
        return _page(request, TokenForm())
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form)
    try:
        token, plaintext = services.create_token(user=request.user, **form.cleaned_data)
    except ServiceError as error:
        form.add_error(None, str(error))
        return _page(request, form)
    # Shown in this answer only: the plaintext is stored nowhere.
    return _page(request, TokenForm(), created={"token": token, "plaintext": plaintext})


@login_required
@require_POST
def revoke(request, pk):
    token = get_object_or_404(selectors.tokens_of(user=request.user), pk=pk)
    services.revoke_token(token=token, actor=request.user)
    messages.success(request, _("令牌“%(name)s”已吊销。") % {"name": token.name})
    return redirect("api:tokens")
