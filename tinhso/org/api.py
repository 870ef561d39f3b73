"""Org API: who am I, the agencies I may see, and the administrative units (public)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tinhso.core import validation
from tinhso.core.errors import DomainError, NotFound
from tinhso.core.validation import DATE_PATTERN

from .access import access_agency_by_id, agencies_where
from .models import AdministrativeUnit, Agency, Person
from .roles import Perm
from .selectors import agency_successor_on, person_role_summary
from .units import unit_search, unit_successor_details


class RoleOutput(serializers.Serializer):
    role = serializers.CharField()
    role_label = serializers.CharField()
    agency_id = serializers.IntegerField(allow_null=True)
    agency_name = serializers.CharField(allow_null=True)


class MeOutput(serializers.Serializer):
    username = serializers.CharField()
    full_name = serializers.CharField()
    roles = RoleOutput(many=True)


class MeApi(APIView):
    @extend_schema(responses=MeOutput, summary="Người dùng hiện tại và vai trò")
    def get(self, request: Request) -> Response:
        person = request.user
        assert isinstance(person, Person)  # IsAuthenticated, the default permission, let it in
        roles = [
            {
                "role": item.role,
                "role_label": str(item.role_label),
                "agency_id": item.agency.pk if item.agency else None,
                "agency_name": item.agency.name if item.agency else None,
            }
            for item in person_role_summary(person=person)
        ]
        return Response(MeOutput({"username": person.username, "full_name": person.full_name, "roles": roles}).data)


class AgencyRefOutput(serializers.Serializer):
    """An agency named where another object points to it (a procedure's agencies, a report's)."""

    id = serializers.IntegerField()
    name = serializers.CharField()


class UnitOutput(serializers.ModelSerializer):
    class Meta:
        model = AdministrativeUnit
        fields = ["id", "code", "level", "name", "division_type", "parent", "valid_from", "valid_to"]


class AgencyOutput(serializers.ModelSerializer):
    unit = UnitOutput()

    class Meta:
        model = Agency
        fields = [
            "id",
            "key",
            "name",
            "short_name",
            "code",
            "kind",
            "parent",
            "unit",
            "valid_from",
            "valid_to",
            "source",
            "confirmed_on",
        ]


class AgencyDetailOutput(AgencyOutput):
    successor_today = serializers.SerializerMethodField()

    class Meta(AgencyOutput.Meta):
        fields = [*AgencyOutput.Meta.fields, "successor_today"]

    def get_successor_today(self, agency: Agency) -> int | None:
        successor = agency_successor_on(agency=agency)
        return None if successor.pk == agency.pk else successor.pk


_AGENCY_FIELDS = [name for name in AgencyOutput.Meta.fields if name != "unit"]


class AgencyListApi(APIView):
    @extend_schema(responses=AgencyOutput(many=True), summary="Cơ quan, đơn vị trong phạm vi của người dùng")
    def get(self, request: Request) -> Response:
        # AgencyOutput's shape, built from two value queries: a system administrator sees every
        # province's agencies (about 19,000), which the serializer takes seconds to render.
        agencies = list(agencies_where(request.user, Perm.AGENCY_VIEW).order_by("path").values(*_AGENCY_FIELDS, "unit"))
        units = {
            unit["id"]: unit
            for unit in AdministrativeUnit.objects.filter(pk__in={agency["unit"] for agency in agencies}).values(
                *UnitOutput.Meta.fields
            )
        }
        return Response(
            [
                {name: units[agency["unit"]] if name == "unit" else agency[name] for name in AgencyOutput.Meta.fields}
                for agency in agencies
            ]
        )


class AgencyDetailApi(APIView):
    @extend_schema(responses=AgencyDetailOutput, summary="Một cơ quan (404 nếu không có hoặc ngoài phạm vi)")
    def get(self, request: Request, agency_id: int) -> Response:
        agency = access_agency_by_id(request.user, agency_id, Perm.AGENCY_VIEW)
        return Response(AgencyDetailOutput(agency).data)


class SuccessorOutput(serializers.Serializer):
    unit = UnitOutput()
    effective_date = serializers.DateField(allow_null=True)
    kind = serializers.CharField(allow_null=True)


def _parse_day(value: str | None) -> dt.date | None:
    """The ``on`` parameter as :func:`validation.date_value` reads every date (1900–2100)."""
    if not value:
        return None
    try:
        return validation.date_value(value)
    except validation.InvalidValue as error:
        message = (
            _("Ngày “%(value)s” không đúng định dạng YYYY-MM-DD.") % {"value": value}
            if error.code == "not_date"
            else error.sentence(_("Ngày"))
        )
        raise DomainError(message, field="on") from None


# The ``on`` parameter as the server reads it: a real day, 1900–2100.
ON_DAY = {"type": "string", "format": "date", "pattern": DATE_PATTERN}


class UnitSearchApi(APIView):
    """Public: administrative units are public facts."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "q",
                {"type": "string", "pattern": r"^[^\u0000]*[^\s\u0000][^\u0000]*$"},
                required=True,
                description="Tên (có hoặc không dấu) hoặc mã",
            ),
            OpenApiParameter("level", str, enum=["province", "district", "commune"]),
            OpenApiParameter("on", ON_DAY, description="Ngày (YYYY-MM-DD)"),
        ],
        responses=UnitOutput(many=True),
        summary="Tìm đơn vị hành chính",
    )
    def get(self, request: Request) -> Response:
        query = request.query_params.get("q", "").strip()
        if not query:
            raise DomainError(_("Vui lòng nhập tên hoặc mã đơn vị hành chính."), field="q")
        level = request.query_params.get("level") or None
        if level and level not in {"province", "district", "commune"}:
            raise DomainError(_("Cấp “%(level)s” không hợp lệ.") % {"level": level}, field="level")
        units = unit_search(query, level=level, on=_parse_day(request.query_params.get("on")))
        return Response(UnitOutput(units, many=True).data)


class UnitSuccessorsApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter("on", ON_DAY, description="Ngày (YYYY-MM-DD), mặc định hôm nay")],
        responses=SuccessorOutput(many=True),
        summary="Đơn vị này (theo id) ngày nay là đơn vị nào",
    )
    def get(self, request: Request, unit_id: int) -> Response:
        unit = AdministrativeUnit.objects.filter(pk=unit_id).first()
        if unit is None:
            raise NotFound(_("Không tìm thấy đơn vị hành chính."))
        details = unit_successor_details(unit, on=_parse_day(request.query_params.get("on")))
        return Response(
            SuccessorOutput(
                [{"unit": item.unit, "effective_date": item.effective_date, "kind": item.kind} for item in details],
                many=True,
            ).data
        )
