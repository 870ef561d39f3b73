"""Routes of the programme API. Ids are taken as text and read by the ``access_*`` helpers, so
that "abc" or an id out of range gets the same JSON 404 as a missing object, not an HTML page."""

from django.urls import path

from . import api

app_name = "programme-api"

urlpatterns = [
    path("programmes/", api.ProgrammeListApi.as_view(), name="programme-list"),
    path("programmes/import/", api.ProgrammeImportApi.as_view(), name="programme-import"),
    path("programmes/<str:programme_id>/", api.ProgrammeDetailApi.as_view(), name="programme-detail"),
    path("programmes/<str:programme_id>/progress/", api.ProgrammeProgressApi.as_view(), name="programme-progress"),
    path("programmes/<str:programme_id>/trend/", api.ProgrammeTrendApi.as_view(), name="programme-trend"),
    path("programmes/<str:programme_id>/tasks/", api.ProgrammeTaskListApi.as_view(), name="programme-tasks"),
    path("programmes/<str:programme_id>/targets/", api.ProgrammeTargetListApi.as_view(), name="programme-targets"),
    path("programmes/<str:programme_id>/inbox/", api.ProgrammeInboxApi.as_view(), name="programme-inbox"),
    path("programmes/<str:programme_id>/rounds/", api.ProgrammeRoundsApi.as_view(), name="programme-rounds"),
    path(
        "programmes/<str:programme_id>/agency-mappings/",
        api.ProgrammeAgencyMappingApi.as_view(),
        name="programme-agency-mappings",
    ),
    path("tasks/<str:task_id>/", api.TaskDetailApi.as_view(), name="task-detail"),
    path("tasks/<str:task_id>/comments/", api.TaskCommentApi.as_view(), name="task-comments"),
    path("targets/<str:target_id>/", api.TargetDetailApi.as_view(), name="target-detail"),
    path("targets/<str:target_id>/comments/", api.TargetCommentApi.as_view(), name="target-comments"),
    path("rounds/<str:round_id>/reports/", api.RoundReportsApi.as_view(), name="round-reports"),
    path("rounds/<str:round_id>/close/", api.RoundCloseApi.as_view(), name="round-close"),
    path("task-reports/<str:report_id>/", api.TaskReportApi.as_view(), name="task-report"),
    path("task-reports/<str:report_id>/submit/", api.TaskReportSubmitApi.as_view(), name="task-report-submit"),
    path("task-reports/<str:report_id>/return/", api.TaskReportReturnApi.as_view(), name="task-report-return"),
    path("task-reports/<str:report_id>/approve/", api.TaskReportApproveApi.as_view(), name="task-report-approve"),
    path("task-reports/<str:report_id>/evidence/", api.TaskReportEvidenceApi.as_view(), name="task-report-evidence"),
    path("target-reports/<str:report_id>/", api.TargetReportApi.as_view(), name="target-report"),
    path("target-reports/<str:report_id>/submit/", api.TargetReportSubmitApi.as_view(), name="target-report-submit"),
    path("target-reports/<str:report_id>/return/", api.TargetReportReturnApi.as_view(), name="target-report-return"),
    path("target-reports/<str:report_id>/approve/", api.TargetReportApproveApi.as_view(), name="target-report-approve"),
    path(
        "target-reports/<str:report_id>/evidence/", api.TargetReportEvidenceApi.as_view(), name="target-report-evidence"
    ),
]
