from __future__ import annotations

from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """Django's login form with its messages in Vietnamese (Django's own vi catalogue leaves
    them untranslated)."""

    error_messages = {
        "invalid_login": _(
            "Vui lòng nhập chính xác tên đăng nhập và mật khẩu. Lưu ý: mật khẩu phân biệt chữ hoa, chữ thường."
        ),
        "inactive": _("Tài khoản này đã bị khóa."),
    }
