from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnestopConfig(AppConfig):
    name = "tinhso.onestop"
    label = "services"
    verbose_name = _("Một cửa và dịch vụ công")
