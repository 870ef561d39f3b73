"""What the navigation bar offers the person looking at a page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from tinhso.org.access import agencies_where, can
from tinhso.org.roles import Perm


def navigation(request: HttpRequest) -> dict[str, Any]:
    """``site_nav.desk``: the person works on dossiers somewhere; ``site_nav.citizen``: they may
    file one. Not named ``nav``: pages use ``nav`` for their own active tab, which would hide it.

    Lazy, so pages that never show the bar pay no query.
    """

    def flags() -> dict[str, bool]:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return {"desk": False, "citizen": False}
        return {"desk": agencies_where(user, Perm.DOSSIER_VIEW).exists(), "citizen": can(user, Perm.DOSSIER_SUBMIT)}

    return {"site_nav": SimpleLazyObject(flags)}
