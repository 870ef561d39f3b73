"""Sổ theo dõi hồ sơ: the register of the dossiers an agency received, as an Excel workbook.

The one-stop desk keeps it (Circular 01/2018/TT-VPCP, form 04): one line per dossier received
in a period, with the procedure, the applicant, the agency in charge, and the dates it was
received, due, passed to the agency in charge, decided and returned, a column for the
applicant's signature on collection, and notes (its state, late, new return date). Officers
print it from the agency's dossiers they may see; the applicant's name and phone number are
masked as in every list (the dossier's page shows them to whoever handles it).
"""

from __future__ import annotations

import datetime as dt
import io
from typing import TYPE_CHECKING, Any

from django.db.models import Min, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from tinhso.core import validation
from tinhso.core.documents import vn_date, xlsx_append, xlsx_cell
from tinhso.core.errors import DomainError, NotFound
from tinhso.core.privacy import mask_digits, mask_name
from tinhso.onestop.models import Dossier, DossierState
from tinhso.org.access import agencies_where
from tinhso.org.models import Agency
from tinhso.org.roles import Perm

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from tinhso.org.models import Person

MAX_DAYS = 366  # one register is at most a year: a longer one is several files
DATE_TIME = "dd/mm/yyyy hh:mm"


def register_agencies(person: Person | AnonymousUser) -> QuerySet[Agency]:
    """The agencies whose register ``person`` may print: those where they see dossiers."""
    return agencies_where(person, Perm.DOSSIER_VIEW).active().order_by("name")


def _day(value: str | dt.date | None, field: str, label: str) -> dt.date:
    """A day of the period as :func:`validation.date_value` reads it (dd/mm/yyyy or YYYY-MM-DD,
    1900–2100: the day after the last one is computed, which year 9999 does not have)."""
    try:
        return validation.date_value(value, typed=True)
    except validation.InvalidValue as error:
        raise DomainError(error.sentence(label), field=field, code="invalid_date") from None


def register_dossiers(
    person: Person | AnonymousUser,
    agency_id: int | str | None,
    first: str | dt.date | None,
    last: str | dt.date | None,
) -> tuple[Agency, dt.date, dt.date, QuerySet[Dossier]]:
    """(agency, first day, last day, the dossiers it received in those days, oldest first).
    An agency ``person`` does not see is :class:`NotFound`, as one that does not exist."""
    try:
        agency = register_agencies(person).filter(pk=int(str(agency_id))).first()
    except ValueError:
        agency = None
    if agency is None:
        raise NotFound(_("Không tìm thấy cơ quan."), field="agency", code="not_found")
    start = _day(first, "from", _("Từ ngày"))
    end = _day(last, "to", _("Đến ngày"))
    if end < start:
        raise DomainError(_("Đến ngày phải sau hoặc bằng từ ngày."), field="to", code="invalid_period")
    if (end - start).days >= MAX_DAYS:
        raise DomainError(
            _("Mỗi sổ theo dõi lấy tối đa %(n)s ngày; hãy chia thành nhiều kỳ.") % {"n": MAX_DAYS},
            field="to",
            code="period_too_long",
        )
    zone = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time(), tzinfo=zone)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    dossiers = (
        Dossier.objects.filter(receiving_agency=agency, received_at__gte=since, received_at__lt=until)
        .select_related("procedure", "handling_agency")
        .annotate(forwarded_at=Min("events__at", filter=Q(events__action="forward")))
        .order_by("received_at", "pk")
    )
    return agency, start, end, dossiers


COLUMNS: tuple[tuple[Any, int], ...] = (  # (title, width in characters)
    (_lazy("STT"), 6),
    (_lazy("Mã hồ sơ"), 24),
    (_lazy("Tên thủ tục hành chính"), 40),
    (_lazy("Số lượng hồ sơ (bộ)"), 9),
    (_lazy("Tên cá nhân, tổ chức"), 20),
    (_lazy("Số điện thoại"), 14),
    (_lazy("Cơ quan chủ trì giải quyết"), 28),
    (_lazy("Nhận hồ sơ"), 16),
    (_lazy("Hẹn trả kết quả"), 16),
    (_lazy("Chuyển hồ sơ đến cơ quan giải quyết"), 16),
    (_lazy("Nhận kết quả từ cơ quan giải quyết"), 16),
    (_lazy("Trả kết quả cho cá nhân, tổ chức"), 16),
    (_lazy("Ký nhận"), 12),
    (_lazy("Ghi chú"), 30),
)
DATE_COLUMNS = range(8, 13)  # 1-based: received … returned


def _local(moment: dt.datetime | None) -> dt.datetime | None:
    """A cell's date and time: the province's wall clock (Excel has no time zones)."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment is not None else None


def _notes(dossier: Dossier, now: dt.datetime) -> str:
    notes = [str(DossierState(dossier.state).label)]
    finished = dossier.state in (DossierState.STOPPED, DossierState.CANCELLED)
    if dossier.due_at is not None and not finished and (dossier.completed_at or now) > dossier.due_at:
        notes.append(_("quá hạn"))
    if dossier.due_reset_count:
        notes.append(_("đã xin lỗi, hẹn lại ngày trả"))
    if dossier.supplement_requests:
        notes.append(_("yêu cầu bổ sung %(n)s lần") % {"n": dossier.supplement_requests})
    return "; ".join(notes)


def _row(index: int, dossier: Any, now: dt.datetime) -> list[Any]:
    return [
        index,
        dossier.code,
        dossier.procedure.name,
        1,
        mask_name(dossier.applicant_name),
        mask_digits(dossier.applicant_phone),
        dossier.handling_agency.name,
        _local(dossier.received_at),
        _local(dossier.due_at),
        _local(dossier.forwarded_at),
        _local(dossier.decided_at),
        _local(dossier.completed_at),
        "",
        _notes(dossier, now),
    ]


def dossier_register_xlsx(
    person: Person | AnonymousUser, agency_id: int | str | None, first: str | dt.date | None, last: str | dt.date | None
) -> tuple[bytes, str]:
    """The register as a workbook, and its file name (ASCII). Raises what
    :func:`register_dossiers` raises."""
    agency, start, end, dossiers = register_dossiers(person, agency_id, first, last)
    with translation.override("vi"):  # an administrative document, like the forms (printing)
        return _workbook(
            agency, start, end, dossiers
        ), f"so-theo-doi-ho-so-{agency.code or agency.pk}-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"


def _workbook(agency: Agency, start: dt.date, end: dt.date, dossiers: QuerySet[Dossier]) -> bytes:
    now = timezone.now()
    book = Workbook()
    sheet = book.active
    sheet.title = _("Sổ theo dõi hồ sơ")[:31]
    width = len(COLUMNS)
    last_column = get_column_letter(width)
    for row, (text, size, bold) in enumerate(
        (
            (agency.name.upper(), 12, True),
            (_("SỔ THEO DÕI HỒ SƠ"), 14, True),
            (
                _("Hồ sơ tiếp nhận từ ngày %(start)s đến ngày %(end)s")
                % {"start": vn_date(start), "end": vn_date(end)},
                12,
                False,
            ),
        ),
        start=1,
    ):
        sheet.merge_cells(f"A{row}:{last_column}{row}")
        cell = xlsx_cell(sheet, row, 1, text)
        cell.font = Font(name="Times New Roman", size=size, bold=bold, italic=not bold)
        cell.alignment = Alignment(horizontal="center")
    header = 5
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for column, (title, size) in enumerate(COLUMNS, start=1):
        cell = xlsx_cell(sheet, header, column, title)
        cell.font = Font(name="Times New Roman", bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
        sheet.column_dimensions[get_column_letter(column)].width = size
    count = 0
    for count, dossier in enumerate(dossiers.iterator(chunk_size=500), start=1):
        xlsx_append(sheet, _row(count, dossier, now))
        for column, cell in enumerate(sheet[header + count], start=1):
            cell.border = border
            cell.font = Font(name="Times New Roman")
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            if column in DATE_COLUMNS:
                cell.number_format = DATE_TIME
    footer = header + count + 2
    xlsx_cell(
        sheet,
        footer,
        1,
        _("Tổng số: %(n)s hồ sơ. Họ tên và số điện thoại người nộp được che một phần; xem đầy đủ trên trang hồ sơ.")
        % {"n": count},
    ).font = Font(name="Times New Roman", italic=True)
    sheet.freeze_panes = f"C{header + 1}"
    sheet.print_title_rows = f"{header}:{header}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


__all__ = ["MAX_DAYS", "dossier_register_xlsx", "register_agencies", "register_dossiers"]
