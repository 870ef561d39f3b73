"""A flat output serializer's answer, made without building the serializer on every call, is
the serializer's own answer."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone
from rest_framework import serializers

from tinhso.core.api import flat_output


class _Answer(serializers.Serializer):
    code = serializers.CharField()
    at = serializers.DateTimeField(allow_null=True)
    count = serializers.IntegerField()


def test_flat_output_answers_as_the_serializer_does() -> None:
    represent = flat_output(_Answer)
    morning = timezone.make_aware(dt.datetime(2025, 11, 24, 8))
    for obj in (
        SimpleNamespace(code="H31.01-251124-0001", at=morning, count=2),
        SimpleNamespace(code="H31.01-251124-0002", at=None, count=0),
    ):
        assert represent(obj) == _Answer(obj).data
    assert represent(SimpleNamespace(code="x", at=morning, count=1))["at"] == "2025-11-24T08:00:00+07:00"


def test_flat_output_refuses_what_it_cannot_copy() -> None:
    class Nested(serializers.Serializer):
        inner = _Answer()

    class Renamed(serializers.Serializer):
        code = serializers.CharField(source="other")

    for output in (Nested, Renamed):
        with pytest.raises(TypeError, match="not a plain field"):
            flat_output(output)
