"""The notifications API (namespace ``org-api``): a person's own list, marking read. Another
person's notification is answered as a missing one (404 JSON)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tinhso.core.api import Input, error_responses, parse_input, path_param

from . import services
from .access import access_notification
from .selectors import notification_list, notification_unread_count

TAG = "org"
PAGE_SIZE = 20
NOTIFICATION_ID = path_param("notification_id", gettext_lazy("Mã thông báo."))

if TYPE_CHECKING:
    from tinhso.org.models import Person


class NotificationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    verb = serializers.CharField(help_text=gettext_lazy("Sự việc."))
    object_label = serializers.CharField(help_text=gettext_lazy("Đối tượng của sự việc."))
    link = serializers.CharField(help_text=gettext_lazy("Đường dẫn (trên trang này) để xem."))
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)


class NotificationPageOutput(serializers.Serializer):
    count = serializers.IntegerField(help_text=gettext_lazy("Tổng số thông báo."))
    unread = serializers.IntegerField(help_text=gettext_lazy("Số thông báo chưa đọc."))
    page = serializers.IntegerField()
    pages = serializers.IntegerField(help_text=gettext_lazy("Số trang (mỗi trang 20 thông báo)."))
    results = NotificationOutput(many=True)


class NotificationPageInput(Input):
    page = serializers.IntegerField(required=False, min_value=1, max_value=100_000, label=gettext_lazy("trang"))


class ReadAllOutput(serializers.Serializer):
    marked = serializers.IntegerField(help_text=gettext_lazy("Số thông báo vừa được đánh dấu đã đọc."))


def _person(request: Request) -> Person:
    return cast("Person", request.user)  # the default permission (IsAuthenticated) let them in


class NotificationListApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Thông báo của tôi (mới nhất trước)"),
        parameters=[NotificationPageInput],
        responses=error_responses(NotificationPageOutput, 400),
    )
    def get(self, request: Request) -> Response:
        person = _person(request)
        page = parse_input(NotificationPageInput, request.query_params).get("page", 1)
        items = notification_list(person=person)
        count = items.count()
        pages = max(1, -(-count // PAGE_SIZE))
        rows = list(items[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]) if page <= pages else []
        return Response(
            {
                "count": count,
                "unread": notification_unread_count(person=person),
                "page": page,
                "pages": pages,
                "results": NotificationOutput(rows, many=True).data,
            }
        )


class NotificationReadApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Đánh dấu một thông báo đã đọc (404 nếu không có hoặc không phải của tôi)"),
        parameters=[NOTIFICATION_ID],
        request=None,
        responses=error_responses(NotificationOutput, 404),
    )
    def post(self, request: Request, notification_id: int) -> Response:
        person = _person(request)
        notification = services.notification_read(
            actor=person, notification=access_notification(person, notification_id)
        )
        return Response(NotificationOutput(notification).data)


class NotificationReadAllApi(APIView):
    @extend_schema(
        tags=[TAG],
        summary=gettext_lazy("Đánh dấu mọi thông báo của tôi đã đọc"),
        request=None,
        responses=error_responses(ReadAllOutput),
    )
    def post(self, request: Request) -> Response:
        return Response({"marked": services.notifications_read_all(actor=_person(request))})
