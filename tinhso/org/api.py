from __future__ import annotations

from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .selectors import person_role_summary


class MeApi(APIView):
    class RoleOutput(serializers.Serializer):
        role = serializers.CharField()
        role_label = serializers.CharField()
        agency_id = serializers.IntegerField(allow_null=True)
        agency_name = serializers.CharField(allow_null=True)

    class Output(serializers.Serializer):
        username = serializers.CharField()
        full_name = serializers.CharField()
        roles = serializers.ListField(child=serializers.DictField())

    def get(self, request: Request) -> Response:
        person = request.user
        roles = [
            {
                "role": item.role,
                "role_label": str(item.role_label),
                "agency_id": item.agency.pk if item.agency else None,
                "agency_name": item.agency.name if item.agency else None,
            }
            for item in person_role_summary(person=person)
        ]
        return Response({"username": person.username, "full_name": person.full_name, "roles": roles})
