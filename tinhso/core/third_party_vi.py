"""Vietnamese for the strings of the libraries whose pages we show (the admin of django-axes and
django-tasks-db, REST framework's browsable forms), which ship no Vietnamese of their own.

Our catalogue (``locale/``) is regenerated from our code at each merge, so these sentences live
here, as data: at the first request they are added in front of the ``vi`` catalogue Django
built (the library's own msgids, so their models and fields stay as they are and need no
migration). The msgids are marked with ``gettext_noop`` so that ``makemessages`` also lists
them in ``locale/vi``; a translation there takes over from this table.
"""

from __future__ import annotations

import gettext
from typing import Any

from django.utils.translation import gettext_noop as N
from django.utils.translation import trans_real

MESSAGES: dict[str, str] = {
    # django-axes
    N("access attempt"): "lần đăng nhập",
    N("access attempts"): "lần đăng nhập",
    N("access failure"): "lần đăng nhập sai",
    N("access failures"): "lần đăng nhập sai",
    N("access log"): "nhật ký đăng nhập",
    N("access logs"): "nhật ký đăng nhập",
    N("access attempt expiration"): "hạn của lần đăng nhập",
    N("access attempt expirations"): "hạn của lần đăng nhập",
    N("Access Attempt"): "Lần đăng nhập",
    N("Access lock out"): "Bị khóa",
    N("Attempt Remaining"): "Số lần còn lại",
    N("Attempt Time"): "Thời điểm",
    N("Clean up expired attempts"): "Dọn các lần đăng nhập đã hết hạn",
    N("Expires At"): "Hết hạn lúc",
    N("Failed Logins"): "Số lần đăng nhập sai",
    N("Form Data"): "Dữ liệu biểu mẫu",
    N("GET Data"): "Dữ liệu GET",
    N("HTTP Accept"): "Tiêu đề HTTP Accept",
    N("IP Address"): "Địa chỉ IP",
    N("Locked Out"): "Bị khóa",
    N("Logout Time"): "Đăng xuất lúc",
    N("Meta Data"): "Siêu dữ liệu",
    N("Not set"): "Chưa đặt",
    N("POST Data"): "Dữ liệu POST",
    N("Path"): "Đường dẫn",
    N("Session key hash (sha256)"): "Mã băm khóa phiên (SHA-256)",
    N(
        "The time when access attempt expires and is no longer valid."
    ): "Thời điểm lần đăng nhập hết hạn và không còn được tính.",
    N("User Agent"): "Trình duyệt",
    N("Username"): "Tên đăng nhập",
    N("Yes"): "Có",
    N("No"): "Không",
    # django-tasks-db
    N("Task Result"): "tác vụ nền",
    N("Task Results"): "tác vụ nền",
    N("status"): "trạng thái",
    N("enqueued at"): "xếp hàng lúc",
    N("started at"): "bắt đầu lúc",
    N("finished at"): "kết thúc lúc",
    N("args kwargs"): "tham số",
    N("priority"): "độ ưu tiên",
    N("task path"): "tác vụ",
    N("worker id"): "tiến trình xử lý",
    N("queue name"): "hàng đợi",
    N("backend name"): "kho tác vụ",
    N("run after"): "chạy sau",
    N("return value"): "kết quả trả về",
    N("exception class path"): "loại lỗi",
    N("traceback"): "vết lỗi",
    # the states of a task (pgettext, context "Task")
    "Task\x04Ready": "Sẵn sàng",
    "Task\x04Running": "Đang chạy",
    "Task\x04Failed": "Thất bại",
    "Task\x04Successful": "Thành công",
}


class _Extra(gettext.NullTranslations):
    """What ``DjangoTranslation.merge`` reads from another catalogue."""

    def __init__(self, catalogue: Any) -> None:
        self._catalog = dict(MESSAGES)
        self.plural = catalogue.plural
        self._info: dict[str, str] = {}
        self._fallback = None


def catalogue_install(**_kwargs: Any) -> None:
    """Add :data:`MESSAGES` to the ``vi`` catalogue (once per catalogue Django builds); a
    translation that our own ``locale`` gives wins."""
    catalogue = trans_real.translation("vi")
    if getattr(catalogue, "_tinhso_third_party", False):
        return
    ours = {msgid: text for msgid, text in MESSAGES.items() if catalogue.gettext(msgid) == msgid}
    extra = _Extra(catalogue)
    extra._catalog = ours
    catalogue.merge(extra)
    catalogue._tinhso_third_party = True  # type: ignore[attr-defined]
