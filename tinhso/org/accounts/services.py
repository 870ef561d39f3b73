"""Writes of citizens' accounts: one-time codes, registration, password reset, and accounts
signed in through an OpenID Connect provider.

No enumeration: whether an address already has an account never changes what the person at
the keyboard sees, nor how long the page takes. A registration with a taken address, or a reset
for an address without an account, writes a code row like any other but sends the address a
notice instead of the code (no account is created or touched, no ledger entry); the browser
gets a *ticket* (kept in its session) either way, and that code simply never matches. A code is
compared first and only a right code learns that it was used or has expired, so someone without
the phone cannot tell a real ticket from a decoy by waiting or guessing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import logging
import re
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from tinhso.core.channels import EMAIL, SMS, masked_recipient, message_send
from tinhso.core.errors import Conflict, DomainError
from tinhso.core.text import clean
from tinhso.ledger.services import ledger_append
from tinhso.org.models import (
    CITIZEN_USERNAME_PREFIX,
    CodePurpose,
    Consent,
    ExternalIdentity,
    OneTimeCode,
    Person,
    PersonalIdProof,
)
from tinhso.org.roles import Role
from tinhso.org.services import role_grant

log = logging.getLogger(__name__)

CODE_DIGITS = 6
CODE_LIFETIME = dt.timedelta(minutes=10)
CODE_MAX_ATTEMPTS = 5

# The consent asked at registration: its purpose in plain Vietnamese, by version. A new wording
# is a new version; consents given under an older one stay recorded with it.
CONSENT_PURPOSE = "account"
CONSENT_VERSION = "1"
CONSENT_TEXTS = {
    CONSENT_VERSION: _lazy(
        "Tôi đồng ý để Cổng dịch vụ công của tỉnh dùng họ tên, số điện thoại hoặc thư điện tử của tôi để "
        "tạo và bảo vệ tài khoản, gửi mã xác nhận, và báo cho tôi về hồ sơ tôi nộp. Các thông tin này "
        "không được dùng vào việc khác. Tôi có thể rút lại sự đồng ý bất cứ lúc nào."
    ),
}

_PHONE_RE = re.compile(r"^0[0-9]{9}$")
_PHONE_NOISE = re.compile(r"[\s.\-()]")


# --- addresses ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Address:
    """A phone number (channel SMS) or an e-mail address (channel e-mail), normalised."""

    channel: str
    value: str

    @property
    def masked(self) -> str:
        return masked_recipient(self.channel, self.value)

    @property
    def digest(self) -> str:
        return _keyed("address", self.value)


def address_parse(raw: Any) -> Address:
    """A Vietnamese phone (0912345678, +84 912 345 678) or an e-mail address; DomainError else."""
    text = clean(str(raw or ""))
    if "@" in text:
        email = text.lower()
        try:
            validate_email(email)
        except ValidationError:
            pass
        else:
            return Address(EMAIL, email)
    else:
        phone = _PHONE_NOISE.sub("", text)
        if phone.startswith("+84"):
            phone = "0" + phone[3:]
        elif phone.startswith("84") and len(phone) == 11:
            phone = "0" + phone[2:]
        if _PHONE_RE.fullmatch(phone):
            return Address(SMS, phone)
    raise DomainError(
        _("Vui lòng nhập số điện thoại (10 chữ số, bắt đầu bằng 0) hoặc địa chỉ thư điện tử hợp lệ."),
        field="address",
        code="invalid_address",
    )


def citizen_account_by_address(address: Address) -> Person | None:
    """The citizen's account that signs in with ``address`` (its confirmed phone or e-mail)."""
    people = Person.objects.filter(username__startswith=CITIZEN_USERNAME_PREFIX)
    if address.channel == SMS:
        return people.filter(phone=address.value).first()
    return people.filter(email__iexact=address.value).first()


def address_taken(address: Address) -> bool:
    """Whether a new account may not use ``address``: a citizen's account has that phone, or
    anyone has that e-mail (e-mails are unique across all accounts)."""
    if address.channel == SMS:
        return citizen_account_by_address(address) is not None
    return Person.objects.filter(email__iexact=address.value).exists()


# --- one-time codes ----------------------------------------------------------------------------


def _keyed(kind: str, value: str) -> str:
    """HMAC-SHA256 under the site's secret: codes and addresses are never stored in clear."""
    return hmac.new(settings.SECRET_KEY.encode(), f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def new_ticket() -> str:
    return secrets.token_urlsafe(24)


def _code_digest(ticket: str, code: str) -> str:
    return _keyed(f"code:{ticket}", code)


def code_issue(*, purpose: str, address: Address, person: Person | None = None) -> tuple[OneTimeCode, str]:
    """A new code for ``address``; returns the row and the code in clear (to send, never kept).
    Codes still pending for the same purpose and address stop working."""
    now = timezone.now()
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    ticket = new_ticket()
    with transaction.atomic():
        OneTimeCode.objects.filter(
            purpose=purpose, destination_digest=address.digest, used_at__isnull=True, expires_at__gt=now
        ).update(expires_at=now)
        row = OneTimeCode.objects.create(
            purpose=purpose,
            ticket=ticket,
            channel=address.channel,
            destination_digest=address.digest,
            destination_masked=address.masked,
            code_digest=_code_digest(ticket, code),
            person=person,
            created_at=now,
            expires_at=now + CODE_LIFETIME,
        )
    return row, code


def _wrong_code() -> DomainError:
    return DomainError(
        _("Mã xác nhận không đúng. Vui lòng kiểm tra tin nhắn hoặc thư vừa nhận."), field="code", code="code_wrong"
    )


def code_attempts_exhausted() -> DomainError:
    return DomainError(
        _("Bạn đã nhập sai mã quá %(n)d lần. Vui lòng yêu cầu gửi mã mới.") % {"n": CODE_MAX_ATTEMPTS},
        field="code",
        code="code_attempts",
    )


def code_check(*, ticket: str, purpose: str, code: str) -> OneTimeCode:
    """The pending code row ``ticket`` names if ``code`` is its code. A wrong code counts an
    attempt (committed even though the request is refused); an unknown ticket is answered as a
    wrong code. Only the right code learns that it was used or expired."""
    code = clean(code)
    row = OneTimeCode.objects.filter(ticket=ticket, purpose=purpose).first() if ticket else None
    if row is not None and row.attempts >= CODE_MAX_ATTEMPTS:
        raise code_attempts_exhausted()
    expected = row.code_digest if row is not None else _code_digest(ticket or "-", "-")
    given = _code_digest(ticket or "-", code) if code.isdigit() and len(code) == CODE_DIGITS else ""
    if row is None or not hmac.compare_digest(expected, given):
        if row is not None:
            OneTimeCode.objects.filter(pk=row.pk).update(attempts=F("attempts") + 1)
        raise _wrong_code()
    if row.used_at is not None:
        raise DomainError(
            _("Mã xác nhận này đã được dùng. Nếu cần, hãy yêu cầu gửi mã mới."), field="code", code="code_used"
        )
    if row.expires_at <= timezone.now():
        raise DomainError(
            _("Mã xác nhận đã hết hạn (mã có hiệu lực %(minutes)d phút). Vui lòng yêu cầu gửi mã mới.")
            % {"minutes": int(CODE_LIFETIME.total_seconds() // 60)},
            field="code",
            code="code_expired",
        )
    return row


def _code_use(row: OneTimeCode) -> None:
    """Mark ``row`` used, inside the caller's transaction; a concurrent use of the same code
    loses here and its whole write rolls back."""
    used = OneTimeCode.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=timezone.now())
    if not used:
        raise DomainError(
            _("Mã xác nhận này đã được dùng. Nếu cần, hãy yêu cầu gửi mã mới."), field="code", code="code_used"
        )


_MESSAGES: dict[str, Any] = {
    CodePurpose.REGISTER: _lazy(
        "Mã xác nhận đăng ký tài khoản Dịch vụ công của bạn là %(code)s, có hiệu lực %(minutes)d phút. Không chia sẻ mã này với ai."
    ),
    CodePurpose.RESET: _lazy(
        "Mã lấy lại mật khẩu tài khoản Dịch vụ công của bạn là %(code)s, có hiệu lực %(minutes)d phút. Nếu bạn không yêu cầu, hãy bỏ qua tin này."
    ),
}
_SUBJECTS: dict[str, Any] = {
    CodePurpose.REGISTER: _lazy("Mã xác nhận đăng ký tài khoản"),
    CodePurpose.RESET: _lazy("Mã lấy lại mật khẩu"),
}
_NO_ACCOUNT_NOTICE = _lazy(
    "Có người vừa yêu cầu lấy lại mật khẩu tài khoản Dịch vụ công bằng địa chỉ này, nhưng chưa có tài khoản "
    "nào dùng địa chỉ này. Nếu là bạn, hãy đăng ký tài khoản. Nếu không phải bạn, hãy bỏ qua tin này."
)
_TAKEN_NOTICE = _lazy(
    "Có người vừa dùng địa chỉ này để đăng ký tài khoản Dịch vụ công, nhưng địa chỉ đã gắn với một tài khoản. "
    "Nếu là bạn, hãy đăng nhập hoặc dùng chức năng Quên mật khẩu. Nếu không phải bạn, hãy bỏ qua tin này."
)


def _send(address: Address, subject: str, body: str) -> None:
    """Send now; a failed send is logged (address masked) and not raised, so the page answers
    the same whatever happened (the person asks for the code again)."""
    try:
        message_send(channel=address.channel, recipient=address.value, subject=subject, body=body)
    except Exception as error:  # any provider failure: logged, never shown
        log.warning("one-time code to %s not sent: %s", address.masked, type(error).__name__)


def code_send(address: Address, purpose: str, code: str) -> None:
    minutes = int(CODE_LIFETIME.total_seconds() // 60)
    _send(address, str(_SUBJECTS[purpose]), str(_MESSAGES[purpose]) % {"code": code, "minutes": minutes})


# --- registration ------------------------------------------------------------------------------


@dataclass
class Registration:
    """What the registration form gave, kept in the session until the code is confirmed (the
    password only as its hash)."""

    ticket: str
    channel: str
    address: str
    full_name: str
    password_hash: str
    consent_version: str

    def as_session(self) -> dict[str, str]:
        return dict(self.__dict__)

    @classmethod
    def from_session(cls, data: Any) -> Registration | None:
        try:
            return cls(**{name: str(data[name]) for name in cls.__dataclass_fields__})
        except (KeyError, TypeError):
            return None


def registration_check(*, address: Address, full_name: str, password: str) -> str:
    """The cleaned full name, or a DomainError for a bad name or a weak password (checked the
    same way whether the address is free or not)."""
    full_name = clean(full_name)
    if not full_name:
        raise DomainError(_("Vui lòng nhập họ và tên."), field="full_name")
    if len(full_name) > 150:
        raise DomainError(_("Họ và tên dài quá 150 ký tự."), field="full_name")
    probe = Person(username=CITIZEN_USERNAME_PREFIX, full_name=full_name)
    if address.channel == EMAIL:
        probe.email = address.value
    else:
        probe.phone = address.value
    try:
        validate_password(password, probe)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), field="password1", code="weak_password") from exc
    return full_name


def registration_start(*, address: Address, full_name: str, password: str, consent: bool) -> Registration:
    """Check the form, then send a code to a free address, or to a taken one a notice (nothing
    written). Either way the caller keeps the returned registration in the session and shows
    the same page."""
    if not consent:
        raise DomainError(
            _("Vui lòng đồng ý với việc xử lý dữ liệu cá nhân để tạo tài khoản."), field="consent", code="no_consent"
        )
    full_name = registration_check(address=address, full_name=full_name, password=password)
    return Registration(
        ticket=_register_code(address),
        channel=address.channel,
        address=address.value,
        full_name=full_name,
        password_hash=make_password(password),
        consent_version=CONSENT_VERSION,
    )


def registration_resend(registration: Registration) -> Registration:
    """A new code (or notice) for the same registration; the old code stops working."""
    registration.ticket = _register_code(Address(registration.channel, registration.address))
    return registration


def _register_code(address: Address) -> str:
    """The ticket of a new registration code for ``address``. A taken address gets its owner a
    notice instead, and a code that was never sent (so never matches): the same row written, the
    same one message through the same gateway, so the page takes as long either way."""
    row, code = code_issue(purpose=CodePurpose.REGISTER, address=address)
    if address_taken(address):
        _send(address, str(_SUBJECTS[CodePurpose.REGISTER]), str(_TAKEN_NOTICE))
    else:
        code_send(address, CodePurpose.REGISTER, code)
    return row.ticket


def _citizen_username() -> str:
    return CITIZEN_USERNAME_PREFIX + secrets.token_hex(6)


def registration_confirm(*, registration: Registration, code: str) -> Person:
    """The account, created active with the citizen's role and the consent recorded, once
    ``code`` is the one sent for ``registration``. Nothing is written otherwise (but a wrong
    code's attempt)."""
    row = code_check(ticket=registration.ticket, purpose=CodePurpose.REGISTER, code=code)
    address = Address(registration.channel, registration.address)
    with transaction.atomic():
        _code_use(row)
        if address_taken(address):  # registered meanwhile; this person just proved they hold it
            raise Conflict(
                _("Địa chỉ này đã gắn với một tài khoản. Hãy đăng nhập, hoặc dùng chức năng Quên mật khẩu."),
                field="code",
                code="address_taken",
            )
        person = Person(
            username=_citizen_username(),
            full_name=registration.full_name,
            phone=address.value if address.channel == SMS else "",
            email=address.value if address.channel == EMAIL else "",
            password=registration.password_hash,
        )
        try:
            with transaction.atomic():
                person.save()
        except IntegrityError as exc:
            raise Conflict(
                _("Địa chỉ này đã gắn với một tài khoản. Hãy đăng nhập, hoặc dùng chức năng Quên mật khẩu."),
                field="code",
                code="address_taken",
            ) from exc
        ledger_append(actor=None, action="org.account.create", obj=person, payload={"channel": address.channel})
        ledger_append(actor=person, action="org.account.confirm", obj=person, payload={"channel": address.channel})
        consent_give(person=person, purpose=CONSENT_PURPOSE, version=registration.consent_version)
        role_grant(actor=None, person=person, role=Role.CITIZEN, agency=None)
    return person


def consent_give(*, person: Person, purpose: str, version: str) -> Consent:
    with transaction.atomic():
        consent = Consent.objects.create(person=person, purpose=purpose, text_version=version, given_at=timezone.now())
        ledger_append(
            actor=person, action="org.consent.give", obj=consent, payload={"purpose": purpose, "version": version}
        )
    return consent


# --- password reset ----------------------------------------------------------------------------


def reset_start(*, address: Address) -> str:
    """A ticket for resetting the password of the account of ``address``: a code is sent if
    there is one (and it is active), else a notice that no account uses it; the answer is the same."""
    person = citizen_account_by_address(address)
    if person is not None and not person.is_active:
        person = None
    # Without an account: a code that is never sent (it names no one, so it never resets
    # anything) and a notice through the same gateway: the page takes as long either way.
    row, code = code_issue(purpose=CodePurpose.RESET, address=address, person=person)
    if person is None:
        _send(address, str(_SUBJECTS[CodePurpose.RESET]), str(_NO_ACCOUNT_NOTICE))
    else:
        code_send(address, CodePurpose.RESET, code)
    return row.ticket


def reset_confirm(*, ticket: str, code: str, password: str) -> Person:
    """Set the new ``password`` once ``code`` is the one sent. A weak password is refused before
    the code is looked at (and costs no attempt)."""
    row = OneTimeCode.objects.filter(ticket=ticket, purpose=CodePurpose.RESET).select_related("person").first()
    probe = row.person if row is not None and row.person is not None else Person(username=CITIZEN_USERNAME_PREFIX)
    try:
        validate_password(password, probe)
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages), field="password1", code="weak_password") from exc
    row = code_check(ticket=ticket, purpose=CodePurpose.RESET, code=code)
    if row.person_id is None:  # a code never sent: nobody can hold it
        raise _wrong_code()
    with transaction.atomic():
        _code_use(row)
        person = Person.objects.select_for_update().get(pk=row.person_id)
        if not person.is_active:
            raise _wrong_code()
        person.set_password(password)
        person.save(update_fields=["password"])
        ledger_append(actor=person, action="org.account.password_reset", obj=person, payload={"channel": row.channel})
    return person


# --- OpenID Connect ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ProviderClaims:
    """What an identity provider asserted about who signed in (already verified)."""

    issuer: str
    subject: str
    full_name: str = ""
    email: str = ""
    personal_id: str = ""


def _personal_id_prove(person: Person, claims: ProviderClaims) -> None:
    """Record that ``person`` holds the personal id the provider asserted, unless another
    account already proved it (left as it is) or this one proved another (kept)."""
    personal_id = claims.personal_id
    if not (personal_id.isdigit() and len(personal_id) == 12):
        return
    if PersonalIdProof.objects.filter(Q(person=person) | Q(personal_id=personal_id)).exists():
        return
    proof = PersonalIdProof.objects.create(
        person=person, personal_id=personal_id, method="oidc", issuer=claims.issuer, proven_at=timezone.now()
    )
    if not person.personal_id and not Person.objects.filter(personal_id=personal_id).exists():
        person.personal_id = personal_id  # what e-forms prefill; the proof is what links dossiers
        person.save(update_fields=["personal_id"])
    ledger_append(actor=person, action="org.account.link", obj=proof, payload={"method": "oidc"})


def person_from_provider(*, claims: ProviderClaims, signed_in: Person | None = None) -> Person:
    """The account the provider's subject signs in as: the one linked to it; else the signed-in
    person's (linking it now); else the account that proved the same personal id; else a new
    citizen's account. The proof of the personal id is recorded on the way."""
    if not claims.issuer or not claims.subject:
        raise DomainError(_("Nhà cung cấp định danh không trả về mã định danh."), code="oidc_claims")
    with transaction.atomic():
        linked = (
            ExternalIdentity.objects.select_related("person")
            .filter(issuer=claims.issuer, subject=claims.subject)
            .first()
        )
        if linked is not None:
            person = linked.person
        else:
            proven = None
            if claims.personal_id:
                proven = PersonalIdProof.objects.select_related("person").filter(personal_id=claims.personal_id).first()
            if signed_in is not None and signed_in.is_authenticated:
                person = signed_in
            elif proven is not None:
                person = proven.person
            else:
                person = _person_create_from_claims(claims)
            identity = ExternalIdentity.objects.create(
                person=person, issuer=claims.issuer, subject=claims.subject, created_at=timezone.now()
            )
            ledger_append(actor=person, action="org.account.identity_link", obj=identity, payload={})
        _personal_id_prove(person, claims)
    return person


def _person_create_from_claims(claims: ProviderClaims) -> Person:
    email = clean(claims.email).lower()
    if email and Person.objects.filter(email__iexact=email).exists():
        email = ""  # another account holds it: never merged by e-mail
    person = Person(
        username=_citizen_username(),
        full_name=clean(claims.full_name)[:150] or _("Công dân"),
        email=email,
    )
    person.set_unusable_password()
    person.save()
    ledger_append(actor=None, action="org.account.create", obj=person, payload={"channel": "oidc"})
    role_grant(actor=None, person=person, role=Role.CITIZEN, agency=None)
    return person


# --- housekeeping ------------------------------------------------------------------------------

CODE_KEPT = dt.timedelta(days=1)  # how long a used or expired code's row stays (attempts, support)


def codes_purge(now: dt.datetime | None = None) -> int:
    """Delete the code rows expired (or used) more than :data:`CODE_KEPT` ago; one ledger event
    with the count when any went."""
    cutoff = (now or timezone.now()) - CODE_KEPT
    with transaction.atomic():
        stale = OneTimeCode.objects.filter(Q(expires_at__lt=cutoff) | Q(used_at__lt=cutoff))
        deleted = stale.delete()[0]
        if deleted:
            ledger_append(
                actor=None,
                action="org.account.codes_purge",
                object_type="org.onetimecode",
                object_id="",
                payload={"deleted": deleted},
            )
    return deleted
