"""Input read by fields made once per language (the flat path of ``parse_input``) gives the
same answer and the same first error as the serializer, for every input class of the API."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.http import QueryDict
from django.utils import translation

from tinhso.core.api import Input, first_error, flat_fields, parse_input
from tinhso.core.errors import DomainError

_API_MODULES = (
    "tinhso.org.api",
    "tinhso.programme.api",
    "tinhso.onestop.api.dossiers",
    "tinhso.onestop.api.dossier_parts",
)
for _module in _API_MODULES:
    importlib.import_module(_module)


def _input_classes() -> list[type[Input]]:
    found, pending = [], list(Input.__subclasses__())
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending += cls.__subclasses__()
    return sorted(
        {cls for cls in found if cls.__module__.startswith("tinhso.") and ".tests." not in cls.__module__},
        key=lambda cls: cls.__qualname__,
    )


def _samples(cls: type[Input]) -> list[Any]:
    names = list(cls().fields)
    samples: list[Any] = [{}]
    for value in ("x", "", "2025-11-24", "12", 7, -1, 10**12, None, True, [], ["a"], {}, {"a": "b"}, "x" * 300):
        samples.append(dict.fromkeys(names, value))
        for number, name in enumerate(names):  # one field bad at a time, the others plausible
            samples.append({**dict.fromkeys(names, "1"), name: value} if number % 2 else {name: value})
    query = QueryDict(mutable=True)
    for name in names:
        query.setlist(name, ["1", "2"])
    samples.append(query)
    return samples


def _flat(cls: type[Input], data: Any) -> Any:
    try:
        return parse_input(cls, data)
    except DomainError as error:
        return ("refused", error.message, error.field, error.code)


def _serializer(cls: type[Input], data: Any) -> Any:
    """The serializer's own way: made for this call, every field checked."""
    serializer = cls(data=data)
    if serializer.is_valid():
        return dict(serializer.validated_data)
    field, detail = first_error(serializer.errors)
    return ("refused", str(detail), field, str(getattr(detail, "code", None) or "invalid"))


@pytest.mark.django_db
@pytest.mark.parametrize("cls", _input_classes(), ids=lambda cls: cls.__qualname__)
def test_flat_reading_answers_as_the_serializer(cls: type[Input]) -> None:
    for language in ("vi", "en"):
        with translation.override(language):
            if flat_fields(cls) is None:
                continue  # read by the serializer itself
            for data in _samples(cls):
                if isinstance(data, QueryDict):  # a parameter sent twice is ambiguous: refused before reading
                    assert _flat(cls, data)[0::3] == ("refused", "repeated_parameter"), (cls.__qualname__, data)
                    continue
                assert _flat(cls, data) == _serializer(cls, data), (cls.__qualname__, language, data)


def test_most_input_classes_are_read_flat() -> None:
    classes = _input_classes()
    flat = [cls for cls in classes if flat_fields(cls) is not None]
    assert len(classes) > 20
    assert len(flat) >= len(classes) * 0.8
    assert any(cls.__name__ == "SubmitInput" for cls in flat)  # the online filing's hot path


def test_classes_that_need_their_serializer_are_read_by_it() -> None:
    from rest_framework import serializers

    class _NeedsContext:
        requires_context = True

        def __call__(self, value: Any, field: Any) -> None:
            assert field.context["request"] is not None

    class WithOwnCheck(Input):
        name = serializers.CharField()

        def validate_name(self, value: str) -> str:
            return value.upper()

    class WithContextValidator(Input):
        name = serializers.CharField(validators=[_NeedsContext()])

    class WithSource(Input):
        name = serializers.CharField(source="title")

    for cls in (WithOwnCheck, WithContextValidator, WithSource):
        assert flat_fields(cls) is None, cls.__name__
    assert parse_input(WithOwnCheck, {"name": "an"}) == {"name": "AN"}  # its own method still runs
