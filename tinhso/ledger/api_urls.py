from django.urls import path

from . import api

app_name = "ledger-api"

urlpatterns = [
    path("head/", api.HeadApi.as_view(), name="head"),
    path("verify/", api.VerifyApi.as_view(), name="verify"),
    path("entries/<int:sequence>/proof/", api.InclusionProofApi.as_view(), name="entry-proof"),
    path("consistency/", api.ConsistencyProofApi.as_view(), name="consistency"),
    path("checkpoints/latest/", api.LatestCheckpointApi.as_view(), name="checkpoint-latest"),
    path("checkpoint", api.CheckpointNoteApi.as_view(), name="checkpoint-note"),
]
