"""Fixtures for the dossier life cycle: a real procedure, the desk, a department, people, a
private media folder with the demo signing certificate."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any, ClassVar

import pytest

from conftest import at  # noqa: F401 - the clock's instants, imported from here by the app's tests
from tinhso.onestop.models import NotificationChannel
from tinhso.onestop.notices import services as notify
from tinhso.onestop.tests.factories import (  # noqa: F401 - re-exported
    GOOD_FORM,
    JUDICIAL_RECORD_FIELDS,
    ProcedureFactory,
)


def make_procedure(
    *,
    code: str = "1.001193.000.00.00.H31",
    agencies: list[Any],
    steps: bool = True,
    online_level: str = "full",
    fee_vnd: int = 200_000,
) -> Any:
    """The judicial record certificate done by ``agencies``: see :class:`ProcedureFactory`."""
    return ProcedureFactory(code=code, agencies=agencies, steps=steps, online_level=online_level, fee_vnd=fee_vnd)


@pytest.fixture
def svc(demo_agencies: dict[str, Any], make_person: Any) -> SimpleNamespace:
    """The Hưng Yên desk (H31.01), Sở Tư pháp (H31.02), their people, a citizen and a procedure."""
    from tinhso.org.models import Agency
    from tinhso.org.roles import Role

    Agency.objects.filter(pk=demo_agencies["hy.ttpvhcc"].pk).update(code="H31.01")
    Agency.objects.filter(pk=demo_agencies["hy.stp"].pk).update(code="H31.02")
    Agency.objects.filter(pk=demo_agencies["hy.sct"].pk).update(code="H31.03")
    centre = Agency.objects.get(pk=demo_agencies["hy.ttpvhcc"].pk)
    stp = Agency.objects.get(pk=demo_agencies["hy.stp"].pk)
    sct = Agency.objects.get(pk=demo_agencies["hy.sct"].pk)
    return SimpleNamespace(
        centre=centre,
        stp=stp,
        sct=sct,
        procedure=make_procedure(agencies=[centre, stp]),
        receiver=make_person("motcua", Role.RECEIVER, centre),
        approver=make_person("lanhdao.stp", Role.APPROVER, stp),
        handler=make_person("chuyenvien.stp", Role.HANDLER, stp),
        handler2=make_person("chuyenvien2.stp", Role.HANDLER, stp),
        sct_approver=make_person("lanhdao.sct", Role.APPROVER, sct),
        sct_handler=make_person("chuyenvien.sct", Role.HANDLER, sct),
        sct_officer=make_person("motcua.sct", Role.RECEIVER, sct),
        citizen=make_person("congdan", Role.CITIZEN, None, full_name="Nguyễn Văn An"),
        other_citizen=make_person("congdan2", Role.CITIZEN, None),
    )


@pytest.fixture(scope="session")
def signing_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One DATA_DIR for the session, so the demo signing certificate is generated once."""
    return tmp_path_factory.mktemp("data")


@pytest.fixture
def media(settings: Any, tmp_path: Path, signing_data_dir: Path) -> Iterator[Path]:
    """A fresh MEDIA_ROOT for the test; results signed with the session's demo certificate (no
    configured key, no older trusted certificates); an empty cache (rate limits, lookups)."""
    from django.core.cache import cache

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DATA_DIR = signing_data_dir
    settings.TINHSO_SIGNING_KEY_FILE = ""
    settings.TINHSO_SIGNING_CERT_FILE = ""
    settings.TINHSO_SIGNING_TRUSTED_CERTS = []
    cache.clear()
    yield settings.MEDIA_ROOT
    cache.clear()


def stored_files(root: Path) -> list[Path]:
    """The files written below ``root`` (the media folder), none if it was never made."""
    return [path for path in root.rglob("*") if path.is_file()] if root.exists() else []


def submit_online(svc: SimpleNamespace, key: str = "k-1") -> Any:
    """The citizen's online dossier at the desk (GOOD_FORM), submitted with idempotency key ``key``."""
    from tinhso.onestop.dossiers import intake

    return intake.dossier_submit_online(
        applicant=svc.citizen, procedure=svc.procedure, agency=svc.centre, form_data=GOOD_FORM, idempotency_key=key
    )


def to_review(svc: SimpleNamespace, dossier: Any) -> Any:
    """``dossier`` received by the desk, forwarded to Sở Tư pháp, assigned to its handler, under review."""
    from tinhso.onestop.dossiers import services

    dossier = services.dossier_receive(actor=svc.receiver, dossier=dossier)
    dossier = services.dossier_forward(actor=svc.receiver, dossier=dossier, to_agency=svc.stp)
    dossier = services.dossier_assign(actor=svc.approver, dossier=dossier, assignee=svc.handler)
    return services.dossier_start_review(actor=svc.handler, dossier=dossier)


# --- text gateways, for settings.TINHSO_SMS_PROVIDER = f"{GATEWAYS}.<class>" ------------------

GATEWAYS = __name__  # the module of the gateways below, for their dotted paths


class FailingTextProvider(notify.TextProvider):
    """A gateway that refuses everything and echoes the number, as real ones do."""

    def send(self, *, channel: str, phone: str, body: str) -> None:
        raise RuntimeError(f"gateway refused {phone}")


class RecordingTextProvider(notify.TextProvider):
    """A gateway that delivers by SMS and keeps what it sent in ``sent`` (see ``texts_sent``)."""

    sent: ClassVar[list[tuple[str, str, str]]] = []

    def send(self, *, channel: str, phone: str, body: str) -> None:
        self.sent.append((channel, phone, body))


class RecordingSmsZaloProvider(RecordingTextProvider):
    """The same, offering Zalo (ZNS) as well."""

    channels = (NotificationChannel.SMS, NotificationChannel.ZALO)


@pytest.fixture
def texts_sent() -> list[tuple[str, str, str]]:
    """What the recording gateways sent during the test: (channel, phone, body)."""
    RecordingTextProvider.sent.clear()
    return RecordingTextProvider.sent


def draft_upload(svc: SimpleNamespace, dossier: Any, actor: Any = None, title: str = "Du thao Phieu LLTP") -> Any:
    """The assigned handler's draft result (a real one-page PDF) on ``dossier``; needs ``media``."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tinhso.onestop.demo.samples import sample_pdf
    from tinhso.onestop.results.signing import dossier_draft_upload

    upload = SimpleUploadedFile("du-thao.pdf", sample_pdf(title), "application/pdf")
    return dossier_draft_upload(actor=actor or dossier.assignee or svc.handler, dossier=dossier, upload=upload)


def to_approval(svc: SimpleNamespace, dossier: Any) -> Any:
    """``dossier`` under review with the handler's draft result, submitted for approval."""
    from tinhso.onestop.dossiers import services

    draft_upload(svc, dossier)
    return services.dossier_submit_for_approval(actor=svc.handler, dossier=dossier)


def pay_at_counter(svc: SimpleNamespace, dossier: Any) -> Any:
    """The desk records the fee paid in cash (so that the result may be returned)."""
    from tinhso.onestop.payments.services import payment_record_counter

    return payment_record_counter(actor=svc.receiver, dossier=dossier)
