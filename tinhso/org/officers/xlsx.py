"""Officers from an Excel sheet: the template, the check of every row, the all-or-nothing import.

One row is one new officer: name, e-mail address and/or phone (where the activation link goes;
never a password), the agency (its name, a former name, its short name, its electronic id or
its key), one or more roles separated by ";" and the dates the roles run. Every row is checked
before anything is written; if one is rejected nothing is written and every rejected row is
reported with its reason. Otherwise the officers, their roles and their ledger entries are
inserted in bulk in one transaction, and each officer is sent an activation link after commit.

An e-mail address or phone that already belongs to an account rejects the row: the sheet only
creates accounts. Roles of an existing officer are granted on the officer's page, where the
person is seen and chosen, so that a typo in a sheet cannot hand roles to someone else's
account (a citizen's, or an officer of another province).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from tinhso.core.errors import NotAllowed
from tinhso.core.privacy import mask_digits, mask_email
from tinhso.core.sheets import cell_day, cell_text, sheet_rows
from tinhso.core.text import fold, match_key
from tinhso.ledger.services import ledger_append

from .. import rules
from ..access import agencies_managed_by
from ..models import Agency, AgencyName, Person
from ..roles import GLOBAL_ROLES, Role
from ..selectors import agency_successor_on
from .services import OfficerDraft, RoleSpec, officers_insert, role_spec_refusals

SHEET = "Cán bộ"
LISTS_SHEET = "Danh mục"
HEADERS = ["Họ và tên", "Thư điện tử", "Số điện thoại", "Cơ quan", "Vai trò", "Từ ngày", "Đến ngày"]
MAX_ROWS = 2000
ROLE_SEPARATOR = ";"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_PHONE = re.compile(r"^0[0-9]{9}$")
# "UBND xã A" as people write it for "Ủy ban nhân dân xã A".
_ABBREVIATIONS = (
    (re.compile(r"^ubnd\b"), "uy ban nhan dan"),
    (re.compile(r"^ttpvhcc\b"), "trung tam phuc vu hanh chinh cong"),
)


def grantable_roles() -> list[tuple[str, str]]:
    """The roles a sheet may grant (agency-bound ones), as (value, Vietnamese label)."""
    return [(str(value), str(label)) for value, label in Role.choices if value not in GLOBAL_ROLES]


# --- the template ---------------------------------------------------------------------------------


def officers_template_xlsx(actor: Person) -> bytes:
    """The sheet to fill: the header in Vietnamese, a drop-down list of roles, the agencies the
    importer administers (name and electronic id) on a second sheet, and the instructions."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, width in enumerate((30, 32, 16, 50, 34, 14, 14), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    lists = book.create_sheet(LISTS_SHEET)
    lists.append([_("Vai trò"), _("Cơ quan"), _("Mã định danh điện tử")])
    for cell in lists[1]:
        cell.font = Font(bold=True)
    roles = grantable_roles()
    agencies = list(agencies_managed_by(actor).active().order_by("path").values_list("name", "code")[:MAX_ROWS])
    for row in range(max(len(roles), len(agencies))):
        values = [
            roles[row][1] if row < len(roles) else None,
            agencies[row][0] if row < len(agencies) else None,
            agencies[row][1] if row < len(agencies) and agencies[row][1] else None,
        ]
        for column, value in enumerate(values, start=1):
            if value:
                cell = lists.cell(row=row + 2, column=column, value=value)
                cell.data_type = "s"
    for index, width in enumerate((34, 60, 22), start=1):
        lists.column_dimensions[get_column_letter(index)].width = width
    role_list = DataValidation(
        type="list",
        formula1=f"'{LISTS_SHEET}'!$A$2:$A${len(roles) + 1}",
        allow_blank=True,
        showErrorMessage=False,  # several roles separated by ";" are allowed too
        promptTitle=_("Vai trò"),
        prompt=_("Chọn trong danh sách; nhiều vai trò: ghi cách nhau bằng dấu chấm phẩy."),
        showInputMessage=True,
    )
    sheet.add_data_validation(role_list)
    role_list.add(f"E2:E{MAX_ROWS + 1}")
    for letter in ("B", "C", "F", "G"):  # text: a phone keeps its leading 0, a date its day first
        for number in range(2, 302):
            sheet[f"{letter}{number}"].number_format = "@"
    guide = book.create_sheet(_("Hướng dẫn"))
    for line in (
        _("Mỗi dòng của trang “%(sheet)s” là một cán bộ mới; dòng 1 là tiêu đề, giữ nguyên.") % {"sheet": SHEET},
        _("Họ và tên: bắt buộc."),
        _(
            "Thư điện tử, số điện thoại: ít nhất một trong hai; liên kết kích hoạt tài khoản được gửi tới thư điện tử "
            "(không có thì tới số điện thoại). Không ghi mật khẩu: cán bộ tự đặt mật khẩu qua liên kết."
        ),
        _("Số điện thoại: 10 chữ số, bắt đầu bằng 0."),
        _(
            "Cơ quan: tên (kể cả tên cũ), tên viết tắt hoặc mã định danh điện tử của cơ quan, trong phạm vi bạn "
            "quản lý (xem trang “%(sheet)s”)."
        )
        % {"sheet": LISTS_SHEET},
        _("Vai trò: chọn trong danh sách; nhiều vai trò ghi cách nhau bằng dấu chấm phẩy (;)."),
        _("Từ ngày: dạng dd/mm/yyyy, để trống là từ hôm nay. Đến ngày: để trống nếu không có thời hạn."),
        _(
            "Thư điện tử hoặc số điện thoại đã có tài khoản thì dòng bị từ chối: thêm vai trò cho tài khoản đó ở "
            "trang Cán bộ."
        ),
        _("Tệp chỉ được nhập khi không còn dòng nào bị từ chối; khi đó mọi dòng được nhập cùng lúc."),
    ):
        guide.append([line])
    guide.column_dimensions["A"].width = 120
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- reading --------------------------------------------------------------------------------------


def _phone(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):  # a number cell lost its leading 0
        text = f"0{int(value)}"
    else:
        text = re.sub(r"[\s.\-()]", "", cell_text(value))
    if text.startswith("+84"):
        text = "0" + text[3:]
    elif text.startswith("84") and len(text) == 11:
        text = "0" + text[2:]
    return text


# --- matching agencies and roles ------------------------------------------------------------------


def _name_keys(text: str) -> tuple[str, str]:
    """(key with diacritics, key without): "UBND xã An Bình" and "Ủy ban nhân dân xã An Bình" alike."""
    folded = fold(text)
    for pattern, full in _ABBREVIATIONS:
        if pattern.match(folded):
            folded = pattern.sub(full, folded, count=1)
            return "", folded  # an abbreviation has no diacritics to compare
    return match_key(text), folded


class AgencyIndex:
    """Every agency by electronic id, key, current, former and short names and aliases, built once
    per sheet (a few queries), so that each row is matched without a query."""

    def __init__(self, today: dt.date) -> None:
        self.today = today
        self.by_code: dict[str, set[int]] = defaultdict(set)
        self.by_key: dict[str, set[int]] = defaultdict(set)
        self.by_fold: dict[str, set[int]] = defaultdict(set)
        names: list[tuple[int, str]] = []
        for pk, code, key, name, short_name, aliases in Agency.objects.values_list(
            "pk", "code", "key", "name", "short_name", "aliases"
        ):
            if code:
                self.by_code[code.upper()].add(pk)
            if key:
                self.by_key[key.lower()].add(pk)
            names.append((pk, name))
            if short_name:
                names.append((pk, short_name))
            names.extend((pk, alias) for alias in aliases or [] if isinstance(alias, str))
        names.extend(AgencyName.objects.values_list("agency_id", "name"))
        self.by_exact: dict[str, set[int]] = defaultdict(set)
        for pk, name in names:
            exact, folded = _name_keys(name)
            if exact:
                self.by_exact[exact].add(pk)
            self.by_fold[folded].add(pk)
        self._agencies: dict[int, Agency] = {}

    def candidates(self, text: str) -> set[int]:
        if not text:
            return set()
        found = self.by_code.get(text.upper()) or self.by_key.get(text.lower())
        if found:
            return set(found)
        exact, folded = _name_keys(text)
        return set((self.by_exact.get(exact) if exact else None) or self.by_fold.get(folded) or set())

    def preload(self, texts: list[str]) -> None:
        """Read every agency these texts may name in one query (not one per row)."""
        wanted = set().union(*(self.candidates(text) for text in texts)) - self._agencies.keys()
        self._agencies.update(Agency.objects.in_bulk(list(wanted)))

    def current(self, pks: set[int]) -> list[Agency]:
        """The agencies carrying these agencies' functions today (a merged one's successor)."""
        missing = [pk for pk in pks if pk not in self._agencies]
        if missing:
            self._agencies.update(Agency.objects.in_bulk(missing))
        result: dict[int, Agency] = {}
        for pk in pks:
            agency = self._agencies[pk]
            if not agency.is_active_on(self.today):
                agency = agency_successor_on(agency=agency, day=self.today)
            if agency.is_active_on(self.today):
                result[agency.pk] = agency
        return list(result.values())


def _roles_by_text() -> dict[str, str]:
    found = {}
    for value, label in grantable_roles():
        found[fold(label)] = value
        found[fold(value)] = value
    return found


# --- checking and importing -----------------------------------------------------------------------


@dataclass
class ImportOutcome:
    rows: int = 0
    created: int = 0
    roles: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)
    preview: list[dict[str, Any]] = field(default_factory=list)  # the first rows, contacts masked
    saved: bool = False


PREVIEW_ROWS = 20


def _mask(email: str, phone: str) -> str:
    return mask_email(email) or mask_digits(phone)


def officers_import_xlsx(*, actor: Person, data: bytes, dry_run: bool = False) -> ImportOutcome:
    """Check every row of the sheet; unless ``dry_run`` or a row is rejected, create them all."""
    if not rules.may_manage_officers(actor):
        raise NotAllowed(_("Bạn không có quyền nhập danh sách cán bộ."), code="forbidden")
    today = timezone.localdate()
    outcome = ImportOutcome()
    raw = sheet_rows(data, sheet=SHEET, headers=HEADERS, max_rows=MAX_ROWS)
    outcome.rows = len(raw)
    index = AgencyIndex(today)
    index.preload([cell_text(cells[3]) for _number, cells in raw])
    scope = rules.grant_scope(actor)
    managed = scope.managed
    roles_by_text = _roles_by_text()
    drafts: list[tuple[int, OfficerDraft]] = []
    seen_email: dict[str, int] = {}
    seen_phone: dict[str, int] = {}
    grant_cache: dict[tuple[str, int, dt.date, dt.date | None], list[str]] = {}

    def reject(number: int, who: str, reason: str) -> None:
        outcome.rejected.append({"row": number, "who": who, "reason": reason})

    for number, cells in raw:
        name = cell_text(cells[0])
        email = cell_text(cells[1]).lower()
        phone = _phone(cells[2])
        agency_text, roles_text = cell_text(cells[3]), cell_text(cells[4])
        who = _mask(email, phone) or name[:1] + "…"
        before = len(outcome.rejected)
        if not name:
            reject(number, who, _("Thiếu họ và tên."))
        elif len(name) > 150:
            reject(number, who, _("Họ và tên dài quá 150 ký tự."))
        if not email and not phone:
            reject(number, who, _("Cần thư điện tử hoặc số điện thoại để gửi liên kết kích hoạt."))
        if email and (not _EMAIL.match(email) or len(email) > 150):
            reject(number, who, _("Thư điện tử không đúng dạng."))
        if phone and not _PHONE.match(phone):
            reject(number, who, _("Số điện thoại phải gồm 10 chữ số, bắt đầu bằng 0."))
        if email and email in seen_email:
            reject(number, who, _("Thư điện tử trùng với dòng %(line)d.") % {"line": seen_email[email]})
        if phone and phone in seen_phone:
            reject(number, who, _("Số điện thoại trùng với dòng %(line)d.") % {"line": seen_phone[phone]})
        if email:
            seen_email.setdefault(email, number)
        if phone:
            seen_phone.setdefault(phone, number)
        # The agency: a single match, within the importer's reach.
        agency: Agency | None = None
        if not agency_text:
            reject(number, who, _("Thiếu cơ quan."))
        else:
            matches = index.current(index.candidates(agency_text))
            mine = [item for item in matches if item.pk in managed]
            if not matches:
                reject(number, who, _("Không tìm thấy cơ quan “%(agency)s”.") % {"agency": agency_text})
            elif len(mine) == 1:
                agency = mine[0]
            elif len(mine) > 1:
                choices = "; ".join(f"{item.name} ({item.code or item.key or item.pk})" for item in mine[:5])
                reject(
                    number,
                    who,
                    _("Tên cơ quan “%(agency)s” trùng với nhiều cơ quan: %(choices)s. Ghi mã định danh điện tử.")
                    % {"agency": agency_text, "choices": choices},
                )
            else:
                reject(
                    number,
                    who,
                    _("Cơ quan “%(agency)s” nằm ngoài phạm vi bạn quản lý.") % {"agency": agency_text},
                )
        # The roles.
        roles: list[str] = []
        if not roles_text:
            reject(number, who, _("Thiếu vai trò."))
        for part in (item.strip() for item in roles_text.split(ROLE_SEPARATOR)):
            if not part:
                continue
            role = roles_by_text.get(fold(part))
            if role is None:
                reject(number, who, _("Vai trò “%(role)s” không có trong danh sách.") % {"role": part})
            elif role not in roles:
                roles.append(role)
        # The dates.
        days: list[dt.date | None] = []
        for cell, label in ((cells[5], HEADERS[5]), (cells[6], HEADERS[6])):
            try:
                days.append(cell_day(cell))
            except ValueError:
                reject(
                    number,
                    who,
                    _("Ngày “%(value)s” (cột %(column)s) không đúng dạng dd/mm/yyyy.")
                    % {"value": cell_text(cell), "column": label},
                )
                days.append(None)
        valid_from, valid_to = days[0] or today, days[1]
        specs = []
        if agency is not None:
            for role in roles:
                spec = RoleSpec(role=role, agency=agency, valid_from=valid_from, valid_to=valid_to)
                cache_key = (role, agency.pk, valid_from, valid_to)
                if cache_key not in grant_cache:
                    grant_cache[cache_key] = role_spec_refusals(actor, spec, today=today, scope=scope)
                for reason in grant_cache[cache_key]:
                    reject(number, who, reason)
                specs.append(spec)
        if len(outcome.rejected) == before:
            drafts.append((number, OfficerDraft(full_name=name, email=email, phone=phone, roles=specs)))
            if len(outcome.preview) < PREVIEW_ROWS:
                outcome.preview.append(
                    {
                        "row": number,
                        "who": who,
                        "agency": agency.name if agency else "",
                        "roles": ", ".join(str(Role(role).label) for role in roles),
                        "valid_from": valid_from,
                        "valid_to": valid_to,
                    }
                )
    # Accounts that exist already: one query for the whole sheet.
    emails = [draft.email for _number, draft in drafts if draft.email]
    phones = [draft.phone for _number, draft in drafts if draft.phone]
    taken_emails: set[str] = set()
    taken_phones: set[str] = set()
    for email_ci, username_ci, phone in (
        Person.objects.annotate(email_ci=Lower("email"), username_ci=Lower("username"))
        .filter(Q(email_ci__in=emails) | Q(username_ci__in=emails + phones) | Q(phone__in=phones))
        .values_list("email_ci", "username_ci", "phone")
    ):
        taken_emails.update({email_ci, username_ci})
        taken_phones.update({phone, username_ci})
    kept = []
    for number, draft in drafts:
        if (draft.email and draft.email in taken_emails) or (draft.phone and draft.phone in taken_phones):
            reject(
                number,
                _mask(draft.email, draft.phone),
                _("Đã có tài khoản với thư điện tử hoặc số điện thoại này: thêm vai trò ở trang của cán bộ đó."),
            )
        else:
            kept.append(draft)
    outcome.rejected.sort(key=lambda item: item["row"])
    outcome.created = len(kept)
    outcome.roles = sum(len(draft.roles) for draft in kept)
    if outcome.rejected or dry_run:
        return outcome
    _apply(actor, kept, outcome, hashlib.sha256(data).hexdigest())
    return outcome


@transaction.atomic
def _apply(actor: Person, drafts: list[OfficerDraft], outcome: ImportOutcome, digest: str) -> None:
    people = officers_insert(actor=actor, drafts=drafts, source="import")
    ledger_append(
        actor=actor,
        action="org.officers.import",
        object_type="org.person",
        object_id=f"import-{digest[:16]}",
        payload={"rows": outcome.rows, "created": len(people), "roles": outcome.roles, "sha256": digest},
    )
    outcome.saved = True
