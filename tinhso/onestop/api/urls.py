"""Routes of the one-stop shop API. Ids are taken as text and read by the ``access_*`` helpers, so
that "abc" or an id out of range gets the same JSON 404 as a missing object, not an HTML page."""

from django.urls import path

from tinhso.onestop.api import dossier_parts as api_extras
from tinhso.onestop.api import dossiers as api

app_name = "services-api"

urlpatterns = [
    path("procedures/", api.ProcedureListApi.as_view(), name="procedure-list"),
    path("procedures/<str:code>/", api.ProcedureDetailApi.as_view(), name="procedure-detail"),
    path("dossiers/", api.DossierListApi.as_view(), name="dossier-list"),
    path("dossiers/counter/", api.DossierCounterApi.as_view(), name="dossier-counter"),
    path("dossiers/bulk-assign/", api.DossierBulkAssignApi.as_view(), name="dossier-bulk-assign"),
    path("dossiers/<str:dossier_id>/", api.DossierDetailApi.as_view(), name="dossier-detail"),
    *[
        path(f"dossiers/<str:dossier_id>/{action}/", view.as_view(), name=f"dossier-{action}")
        for action, view in api.TRANSITIONS.items()
    ],
    path("dossiers/<str:dossier_id>/files/", api_extras.DossierFilesApi.as_view(), name="dossier-files"),
    path("dossiers/<str:dossier_id>/files/reuse/", api_extras.DossierFileReuseApi.as_view(), name="dossier-file-reuse"),
    path(
        "dossiers/<str:dossier_id>/draft-result/",
        api_extras.DossierDraftResultApi.as_view(),
        name="dossier-draft-result",
    ),
    path("dossiers/<str:dossier_id>/payments/", api_extras.PaymentStartApi.as_view(), name="payment-start"),
    path("dossiers/<str:dossier_id>/payments/counter/", api_extras.PaymentCounterApi.as_view(), name="payment-counter"),
    path("dossiers/<str:dossier_id>/fee-waiver/", api_extras.FeeWaiverApi.as_view(), name="dossier-fee-waiver"),
    path("dossiers/<str:dossier_id>/rating/", api_extras.DossierRatingApi.as_view(), name="dossier-rating"),
    path(
        "dossiers/<str:dossier_id>/forms/<str:kind>.<str:fmt>", api_extras.DossierFormApi.as_view(), name="dossier-form"
    ),
    path("register.xlsx", api_extras.DossierRegisterApi.as_view(), name="dossier-register"),
    path("files/reusable/", api_extras.ReusableFilesApi.as_view(), name="files-reusable"),
    path("files/<str:file_id>/mark-digitised/", api_extras.FileMarkDigitisedApi.as_view(), name="file-mark-digitised"),
    path("payments/callback/<str:provider>/", api_extras.PaymentCallbackApi.as_view(), name="payment-callback"),
    path("lookup/", api_extras.LookupApi.as_view(), name="lookup"),
]
