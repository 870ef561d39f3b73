"""Pages of the notifications: the list (newest first, unread highlighted), marking read, and
the choice of channels per kind. A person sees and marks only their own (another's: 404)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from tinhso.core.web import page, person_of

from . import services
from .access import access_notification
from .kinds import CHANNEL_LABELS, CHOSEN_CHANNELS
from .selectors import (
    notification_kinds_for,
    notification_list,
    notification_preference_table,
    notification_unread_count,
)

PAGE_SIZE = 20


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("trang", "1")
    return int(raw) if raw.isdigit() and 0 < len(raw) < 7 else 1


def _back(request: HttpRequest) -> HttpResponseRedirect:
    """Back to the list page the form was on (only a path of this site)."""
    target = request.POST.get("next", "")
    if not target or not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = reverse("notifications:list")
    return HttpResponseRedirect(target)


@page("GET")
def notification_list_page(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    paginator = Paginator(notification_list(person=person), PAGE_SIZE)
    current = paginator.get_page(_page_number(request))
    return render(
        request,
        "org/notifications/list.html",
        {"page_obj": current, "unread": notification_unread_count(person=person)},
    )


@page("POST")
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    person = person_of(request)
    services.notification_read(actor=person, notification=access_notification(person, notification_id))
    return _back(request)


@page("POST")
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    services.notifications_read_all(actor=person_of(request))
    return _back(request)


@page("GET", "POST")
def notification_preferences(request: HttpRequest) -> HttpResponse:
    person = person_of(request)
    saved = False
    if request.method == "POST":
        # A checkbox left unticked is not sent: every chosen channel of every kind is decided by
        # the form; a required channel is disabled in it and the service keeps it on.
        choices = {
            kind.code: {
                channel: f"{kind.code}:{channel}" in request.POST
                for channel in CHOSEN_CHANNELS
                if channel not in kind.required
            }
            for kind in notification_kinds_for(person=person)
        }
        services.notification_preferences_set(actor=person, choices=choices)
        saved = True
    return render(
        request,
        "org/notifications/preferences.html",
        {
            "table": notification_preference_table(person=person),
            "channels": [(channel, CHANNEL_LABELS[channel]) for channel in CHOSEN_CHANNELS],
            "saved": saved,
            "note_in_app": _("Mọi thông báo luôn có trong danh sách thông báo trên hệ thống."),
        },
    )
