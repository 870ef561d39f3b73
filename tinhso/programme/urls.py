from django.urls import path

from . import views
from .cascade import views as cascade_views

app_name = "programme"

urlpatterns = [
    path("", views.index, name="index"),
    path("nhap/", views.import_page, name="import"),
    path("nhap/cot/", views.import_columns, name="import_columns"),
    path("nhap/mau-nhap-de-an.xlsx", views.import_template, name="import_template"),
    path("<int:programme_id>/", views.overview, name="overview"),
    path("<int:programme_id>/nhiem-vu/", views.task_list_page, name="tasks"),
    path("<int:programme_id>/nhiem-vu/<int:task_id>/", views.task_detail, name="task_detail"),
    path("<int:programme_id>/nhiem-vu/<int:task_id>/y-kien/", views.task_comment, name="task_comment"),
    path("<int:programme_id>/chi-tieu/", views.target_list_page, name="targets"),
    path("<int:programme_id>/chi-tieu/<int:target_id>/", views.target_detail, name="target_detail"),
    path("<int:programme_id>/chi-tieu/<int:target_id>/y-kien/", views.target_comment, name="target_comment"),
    path("<int:programme_id>/don-vi/", views.inbox, name="inbox"),
    path("<int:programme_id>/don-vi/<slug:kind>/<int:report_id>/", views.report_save, name="report_save"),
    path("<int:programme_id>/minh-chung/<int:evidence_id>/", views.evidence_download, name="evidence"),
    path("<int:programme_id>/ky-bao-cao/", views.rounds, name="rounds"),
    path("<int:programme_id>/ky-bao-cao/ngay-mac-dinh/", views.round_dates, name="round_dates"),
    path("<int:programme_id>/ky-bao-cao/<int:round_id>/dong/", views.round_close, name="round_close"),
    path(
        "<int:programme_id>/ky-bao-cao/<int:round_id>/bao-cao.docx", views.round_report_docx, name="round_report_docx"
    ),
    path(
        "<int:programme_id>/ky-bao-cao/<int:round_id>/bao-cao.xlsx", views.round_report_xlsx, name="round_report_xlsx"
    ),
    path(
        "<int:programme_id>/ky-bao-cao/<slug:kind>/<int:report_id>/duyet/",
        views.report_review,
        {"decision": "duyet"},
        name="report_approve",
    ),
    path(
        "<int:programme_id>/ky-bao-cao/<slug:kind>/<int:report_id>/tra-lai/",
        views.report_review,
        {"decision": "tra-lai"},
        name="report_return",
    ),
]

# Plans that cascade (tinhso.programme.cascade): the DX office's table, its export, the derive
# action, an agency's own plan, and the import of a plan the agency wrote itself.
urlpatterns += [
    path("<int:programme_id>/phan-cap/", cascade_views.cascade, name="cascade"),
    path("<int:programme_id>/phan-cap/tinh-hinh.xlsx", cascade_views.cascade_xlsx, name="cascade_xlsx"),
    path("<int:programme_id>/phan-cap/giao/", cascade_views.cascade_derive, name="cascade_derive"),
    path("<int:programme_id>/phan-cap/nhap/", cascade_views.plan_import_page, name="plan_import"),
    path("<int:programme_id>/ke-hoach/", cascade_views.plan, name="plan"),
]
