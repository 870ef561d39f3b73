"""Input serializers answer in the request's language, by field label, however many times the
same class is used: the sentences are built once per class and language, then reused."""

from __future__ import annotations

import pytest
from django.utils import translation
from rest_framework import serializers

from tinhso.core.api import Input, parse_input
from tinhso.core.errors import DomainError


class _Note(Input):
    title = serializers.CharField(max_length=5, label="tiêu đề")
    count = serializers.IntegerField(max_value=3, label="số lượng")


def _error(data: dict) -> str:
    with pytest.raises(DomainError) as caught:
        parse_input(_Note, data)
    return caught.value.message


def test_messages_follow_the_language_of_each_call() -> None:
    for _round in range(2):  # the second round is served from the kept sentences
        with translation.override("vi"):
            assert _error({"count": 1}) == "Vui lòng nhập tiêu đề."
            assert _error({"title": "dài quá mức", "count": 1}) == "Tiêu đề không được dài quá 5 ký tự."
            assert _error({"title": "ngắn", "count": 9}) == "Số lượng không được lớn hơn 3."
        with translation.override("en"):
            assert _error({"count": 1}) == "Please enter tiêu đề."
            assert _error({"title": "dài quá mức", "count": 1}) == "Tiêu đề must not be longer than 5 characters."
    with translation.override("vi"):
        assert parse_input(_Note, {"title": "ngắn", "count": 2}) == {"title": "ngắn", "count": 2}
