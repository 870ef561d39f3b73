"""The authorisation matrix: every URL pattern and every API operation, for every identity.

Identities (``authz_world.IDENTITIES``): anonymous, a citizen (the applicant of the dossier),
another citizen, a system administrator, and each agency role of the role table
(``tinhso.org.roles``) in two provinces, Hưng Yên (``hy.*``) and Thanh Hóa (``th.*``). Every
object the URLs name (procedure, dossier, file, payment, programme, task, target, round,
reports, evidence) belongs to Hưng Yên.

``TABLE`` below says, per URL name, who may read (GET) and who may write (the other methods),
and how a refusal looks:

- allowed: 2xx or 3xx (not a redirect to the login page); ``reached`` lists the answers that
  also prove the person got past the permission check (409: the object is in the wrong state);
- refused, anonymous: a redirect to the login page, or 401/403 from the API;
- refused, object level (``obj=True``): 404 for everyone who may not see the object
  (``sees``, by default the readers), exactly as for a missing one; 403 or 404 for those who
  see it but may not do this;
- refused, page level: 403 or 404 (a write: the permission is checked before the input is read,
  so a refusal tells nothing about the input).

Reads are made by every identity. Writes are sent (an empty form or JSON body) by every
identity that may not write, and must be refused with nothing changed: no ledger entry, no
dossier, payment, report or procedure touched. ``marker`` names a Hưng Yên value that must
appear in the response of exactly the identities in ``marker_for`` and of nobody else (lists,
queues, exports: what a page-level "allowed" shows must still be scoped).

A URL pattern or an API operation (drf-spectacular's schema) missing from ``TABLE`` fails the
test naming it; so does a method a view accepts that its row does not declare.

To add an endpoint: add one line to ``TABLE`` keyed by its URL name (namespace:name), with
``read=`` / ``write=`` (sets of identities built from the groups below), ``obj=True`` when it
names one object, ``methods=`` for its write methods, and ``kwargs=`` when a URL argument is
not one of ``authz_world.World.args`` under the same name.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from authz_world import IDENTITIES, World, build_world
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from tinhso.ledger.services import ledger_seal

# --- who ----------------------------------------------------------------------------------------

ANON, CITIZEN, OTHER_CITIZEN, ADMIN = "anonymous", "citizen", "citizen.other", "system_admin"
EVERYONE = frozenset(IDENTITIES)
SIGNED_IN = EVERYONE - {ANON}
NOBODY: frozenset[str] = frozenset()
CITIZENS = frozenset({CITIZEN, OTHER_CITIZEN})


def hy(*roles: str) -> frozenset[str]:
    return frozenset(f"hy.{role}" for role in roles)


def both(*roles: str) -> frozenset[str]:
    return frozenset(f"{p}.{role}" for p in ("hy", "th") for role in roles)


DESK_ROLES = ("receiver", "handler", "approver", "leader")  # services.view_dossier
HY_DESK = hy(*DESK_ROLES)  # their role sits on (or above) the Hưng Yên desk holding the dossier
DOSSIER = HY_DESK | {CITIZEN}  # access_dossier: officers within reach and the applicant
# onestop.rules.may_read_personal_data on the world's dossier (received, not yet assigned): the
# applicant, the desk and the approvers of the agency handling it; files are personal data.
PERSONAL_FULL = hy("receiver", "approver") | {CITIZEN}
DX_OFFICES = both("dx_office")
CATALOGUE = DX_OFFICES | {ADMIN}  # services.manage_procedure (each over its own province)
PROGRAMME = hy("dx_office", "focal_point", "leader") | {ADMIN}  # the Hưng Yên programme's readers
PROGRAMME_MANAGERS = hy("dx_office")
REPORTER = hy("focal_point")  # Sở Tài chính leads the task and tracks the target
AGENCY_STC = hy("focal_point", "leader") | {ADMIN}  # org.view_agency on Sở Tài chính Hưng Yên
# Officers' accounts (tinhso.org.officers): the DX office over its province, an agency's administrator
# over its subtree, the system administrator; OFFICER_HY: those who manage the world's Hưng Yên desk officer.
OFFICER_ADMINS = DX_OFFICES | both("agency_admin") | {ADMIN}
OFFICER_HY = hy("dx_office", "agency_admin") | {ADMIN}


@dataclass(frozen=True)
class Row:
    read: frozenset[str] | None = None  # None: the URL answers no GET
    write: frozenset[str] | None = None  # None: no other method
    methods: tuple[str, ...] = ("POST",)  # the write methods
    obj: bool = False  # names one object: refused as "not found"
    sees: frozenset[str] | None = None  # for obj rows: who may know it exists (default: read | write)
    kwargs: dict[str, str] = field(default_factory=dict)  # URL argument → World.args key or literal "=…"
    query: str = ""
    reached: frozenset[str] = frozenset()  # answers that mean "allowed, but not now" (e.g. "409")
    same_for_all: bool = False  # a public lookup by a secret key: one answer for everyone, never 5xx
    refused_also: frozenset[str] = frozenset()  # extra refusal answers (a gateway's signed callback)
    marker: str | None = None  # a World.markers key
    marker_for: frozenset[str] = frozenset()
    rate_limited: bool = False  # the cache (rate-limit counters) is emptied before each request
    only: tuple[str, ...] = ()  # a costly public page: these identities stand for all


def R(**kwargs: Any) -> Row:
    return Row(**kwargs)


FORM_KIND = {"kind": "=receipt", "fmt": "=docx"}
TASK_REPORT = {"report_id": "task_report_id"}
TARGET_REPORT = {"report_id": "target_report_id"}

TABLE: dict[str, Row] = {
    # --- site, accounts, API description --------------------------------------------------------
    "home": R(read=EVERYONE),
    "healthz": R(read=EVERYONE),
    "login": R(read=EVERYONE, write=EVERYONE),
    "logout": R(write=EVERYONE),
    "set_language": R(write=EVERYONE),
    # citizens' accounts: anyone may register or reset (one answer whether an account exists);
    # sign-in through an identity provider answers 404 while none is configured (the default)
    "accounts:account": R(read=SIGNED_IN),
    "accounts:register": R(read=EVERYONE, write=EVERYONE, rate_limited=True),
    "accounts:register-confirm": R(read=EVERYONE, write=EVERYONE, rate_limited=True),
    "accounts:reset": R(read=EVERYONE, write=EVERYONE, rate_limited=True),
    "accounts:reset-confirm": R(read=EVERYONE, write=EVERYONE, rate_limited=True),
    "accounts:oidc-start": R(read=EVERYONE, reached=frozenset({"404"})),
    "accounts:oidc-callback": R(read=EVERYONE, reached=frozenset({"404"})),
    "api-schema": R(read=EVERYONE, only=(ANON, CITIZEN, "th.dx_office")),  # the same document for all
    "api-docs": R(read=EVERYONE, only=(ANON, CITIZEN, "th.dx_office")),
    # --- ledger (public proofs; verification is an audit) ---------------------------------------
    "ledger-api:head": R(read=EVERYONE),
    "ledger-api:verify": R(read=DX_OFFICES | {ADMIN}),
    "ledger-api:entry-proof": R(read=EVERYONE, kwargs={"sequence": "=1"}, same_for_all=True),
    "ledger-api:consistency": R(read=EVERYONE, query="first=1&second=1", same_for_all=True),
    "ledger-api:checkpoint-latest": R(read=EVERYONE, same_for_all=True),
    "ledger-api:checkpoint-note": R(read=EVERYONE, same_for_all=True),  # the C2SP signed note, text/plain
    # --- org --------------------------------------------------------------------------------------
    "org-api:me": R(read=SIGNED_IN),
    # A province's own agency list, confirmed from Excel (org.confirm_agency_list: DX office over its
    # province, the system administrator over all); Hưng Yên's template only for Hưng Yên's.
    "org:agencies_confirm": R(read=DX_OFFICES | {ADMIN}, write=DX_OFFICES | {ADMIN}),
    "org:agencies_template": R(read=hy("dx_office") | {ADMIN}, query="tinh=33"),
    # Delegations (ủy quyền): one's own list; made by holders of a role that may be lent; the world's
    # one (Hưng Yên approver → desk handler) seen by those two, revoked by its delegator.
    "org:delegations": R(read=SIGNED_IN, marker="delegation", marker_for=hy("approver", "handler")),
    "org:delegation_new": R(
        read=both("approver", "leader", "dx_office"), write=both("approver", "leader", "dx_office")
    ),
    "org:delegation_revoke": R(write=hy("approver"), obj=True, sees=hy("approver", "handler")),
    "org:officers": R(read=OFFICER_ADMINS),
    "org:officer_create": R(read=OFFICER_ADMINS, write=OFFICER_ADMINS),
    "org:officers_import": R(read=OFFICER_ADMINS, write=OFFICER_ADMINS),
    "org:officers_template": R(read=OFFICER_ADMINS),
    "org:officer_detail": R(read=OFFICER_HY, write=OFFICER_HY, obj=True),
    "org:officer_handover": R(read=OFFICER_HY, write=OFFICER_HY, obj=True),
    # The activation link of a new officer: a secret token, the same "invalid link" for everyone.
    "org:officer_activate": R(
        read=EVERYONE, write=EVERYONE, kwargs={"uidb64": "=MQ", "token": "=x-y"}, same_for_all=True
    ),
    "org-api:agency-list": R(read=SIGNED_IN),
    "org-api:agency-detail": R(read=AGENCY_STC, obj=True),
    "org-api:unit-search": R(read=EVERYONE, query="q=Hung+Yen"),
    "org-api:unit-successors": R(read=EVERYONE, kwargs={"unit_id": "unit_id"}),
    # In-app notifications: everyone signed in has a list and choices; one's own only (the world's is hy.handler's).
    "notifications:list": R(read=SIGNED_IN, marker="notification", marker_for=hy("handler")),
    "notifications:read": R(write=hy("handler"), obj=True),
    "notifications:read_all": R(write=SIGNED_IN),
    "notifications:preferences": R(read=SIGNED_IN, write=SIGNED_IN),
    "org-api:notification-list": R(read=SIGNED_IN, marker="notification", marker_for=hy("handler")),
    "org-api:notification-read": R(write=hy("handler"), obj=True),
    "org-api:notification-read-all": R(write=SIGNED_IN),
    # --- programme API ------------------------------------------------------------------------------
    "programme-api:programme-list": R(read=SIGNED_IN, marker="programme", marker_for=PROGRAMME),
    "programme-api:programme-import": R(write=DX_OFFICES),
    "programme-api:programme-detail": R(read=PROGRAMME, obj=True),
    "programme-api:programme-progress": R(read=PROGRAMME, obj=True),
    "programme-api:programme-trend": R(read=PROGRAMME, obj=True),
    "programme-api:programme-tasks": R(read=PROGRAMME, obj=True),
    "programme-api:programme-targets": R(read=PROGRAMME, obj=True),
    "programme-api:programme-inbox": R(read=PROGRAMME, obj=True),
    "programme-api:programme-rounds": R(read=PROGRAMME, write=PROGRAMME_MANAGERS, obj=True),
    "programme-api:programme-agency-mappings": R(write=PROGRAMME_MANAGERS, obj=True, sees=PROGRAMME),
    "programme-api:task-detail": R(read=PROGRAMME, obj=True),
    "programme-api:task-comments": R(write=PROGRAMME_MANAGERS | REPORTER, obj=True, sees=PROGRAMME),
    "programme-api:target-detail": R(read=PROGRAMME, obj=True),
    "programme-api:target-comments": R(write=PROGRAMME_MANAGERS | REPORTER, obj=True, sees=PROGRAMME),
    "programme-api:round-reports": R(read=PROGRAMME, obj=True),
    "programme-api:round-close": R(write=PROGRAMME_MANAGERS, obj=True, sees=PROGRAMME),
    # a report is read by its reporter and the DX office (leaders read the programme's pages)
    "programme-api:task-report": R(
        read=PROGRAMME_MANAGERS | REPORTER,
        write=REPORTER,
        methods=("PATCH",),
        obj=True,
        sees=PROGRAMME,
        kwargs=TASK_REPORT,
    ),
    "programme-api:task-report-submit": R(write=REPORTER, obj=True, sees=PROGRAMME, kwargs=TASK_REPORT),
    "programme-api:task-report-return": R(write=PROGRAMME_MANAGERS, obj=True, sees=PROGRAMME, kwargs=TASK_REPORT),
    "programme-api:task-report-approve": R(write=PROGRAMME_MANAGERS, obj=True, sees=PROGRAMME, kwargs=TASK_REPORT),
    "programme-api:task-report-evidence": R(write=REPORTER, obj=True, sees=PROGRAMME, kwargs=TASK_REPORT),
    "programme-api:target-report": R(
        read=PROGRAMME_MANAGERS | REPORTER,
        write=REPORTER,
        methods=("PATCH",),
        obj=True,
        sees=PROGRAMME,
        kwargs=TARGET_REPORT,
    ),
    "programme-api:target-report-submit": R(write=REPORTER, obj=True, sees=PROGRAMME, kwargs=TARGET_REPORT),
    "programme-api:target-report-return": R(write=PROGRAMME_MANAGERS, obj=True, sees=PROGRAMME, kwargs=TARGET_REPORT),
    "programme-api:target-report-approve": R(write=PROGRAMME_MANAGERS, obj=True, sees=PROGRAMME, kwargs=TARGET_REPORT),
    "programme-api:target-report-evidence": R(write=REPORTER, obj=True, sees=PROGRAMME, kwargs=TARGET_REPORT),
    # --- programme pages --------------------------------------------------------------------------
    "programme:index": R(read=SIGNED_IN, marker="programme", marker_for=PROGRAMME),
    "programme:import": R(read=DX_OFFICES, write=DX_OFFICES),
    "programme:import_template": R(read=DX_OFFICES),
    "programme:import_columns": R(write=DX_OFFICES),
    "programme:overview": R(read=PROGRAMME, obj=True),
    "programme:tasks": R(read=PROGRAMME, obj=True),
    "programme:task_detail": R(read=PROGRAMME, obj=True),
    "programme:task_comment": R(write=PROGRAMME_MANAGERS | REPORTER, obj=True, sees=PROGRAMME),
    "programme:targets": R(read=PROGRAMME, obj=True),
    "programme:target_detail": R(read=PROGRAMME, obj=True),
    "programme:target_comment": R(write=PROGRAMME_MANAGERS | REPORTER, obj=True, sees=PROGRAMME),
    "programme:inbox": R(read=PROGRAMME, obj=True),
    "programme:report_save": R(
        write=REPORTER, obj=True, sees=PROGRAMME, kwargs={"kind": "=nhiem-vu", "report_id": "task_report_id"}
    ),
    "programme:evidence": R(read=PROGRAMME, obj=True),
    "programme:rounds": R(read=PROGRAMME - REPORTER, write=PROGRAMME_MANAGERS, obj=True, sees=PROGRAMME),
    "programme:round_dates": R(read=PROGRAMME - REPORTER, obj=True, sees=PROGRAMME),
    "programme:round_close": R(write=PROGRAMME_MANAGERS, obj=True, sees=PROGRAMME),
    "programme:round_report_docx": R(read=PROGRAMME - REPORTER, obj=True, sees=PROGRAMME),
    "programme:round_report_xlsx": R(read=PROGRAMME - REPORTER, obj=True, sees=PROGRAMME),
    # plans that cascade: the DX office's table (leaders read it), its derive action, a plan read whole
    "programme:cascade": R(read=PROGRAMME - REPORTER, obj=True, sees=PROGRAMME),
    "programme:cascade_xlsx": R(read=PROGRAMME - REPORTER, obj=True, sees=PROGRAMME),
    "programme:cascade_derive": R(write=PROGRAMME_MANAGERS, obj=True, sees=PROGRAMME),
    "programme:plan": R(read=PROGRAMME - REPORTER, obj=True, sees=PROGRAMME),
    # a plan an agency wrote itself, imported under the scheme: its DX office for any agency of the
    # territory, a department's (commune's) focal point for its own; everyone else: "not found"
    "programme:plan_import": R(read=PROGRAMME_MANAGERS | REPORTER, write=PROGRAMME_MANAGERS | REPORTER, obj=True),
    "programme:report_approve": R(
        write=PROGRAMME_MANAGERS, obj=True, sees=PROGRAMME, kwargs={"kind": "=nhiem-vu", "report_id": "task_report_id"}
    ),
    "programme:report_return": R(
        write=PROGRAMME_MANAGERS, obj=True, sees=PROGRAMME, kwargs={"kind": "=nhiem-vu", "report_id": "task_report_id"}
    ),
    # --- one-stop shop API: the catalogue is public; a dossier is its applicant's and its desk's ----
    "services-api:procedure-list": R(read=EVERYONE),
    "services-api:procedure-detail": R(read=EVERYONE),
    # filing reads the input before the citizen's permission: the hot path keeps its pinned queries
    # (tinhso/onestop/tests/test_submit_queries.py); a valid filing by an officer is refused (403)
    "services-api:dossier-list": R(
        read=SIGNED_IN, write=CITIZENS, marker="dossier", marker_for=DOSSIER, refused_also=frozenset({"400"})
    ),
    "services-api:dossier-counter": R(write=both("receiver")),
    "services-api:dossier-bulk-assign": R(write=both("approver")),
    "services-api:dossier-detail": R(read=DOSSIER, obj=True),
    # transitions: refused as "not found" to everyone outside the dossier; which of its officers
    # may do which, from which state, is the life-cycle tests' (tinhso/onestop/tests/test_lifecycle.py)
    **{
        f"services-api:dossier-{action}": R(write=DOSSIER, obj=True)
        for action in (
            "receive",
            "forward",
            "assign",
            "start-review",
            "submit-for-approval",
            "approve",
            "refuse",
            "return-result",
            "request-supplement",
            "supplement",
            "transfer",
            "stop",
            "cancel",
            "apologise",
        )
    },
    "services-api:dossier-files": R(read=DOSSIER, write=DOSSIER, obj=True),
    "services-api:dossier-file-reuse": R(write=DOSSIER, obj=True),
    # The world's dossier has no draft result: reading it answers 404 to every officer in reach
    # too; who reads and uploads a draft is tested in tinhso/onestop/tests/test_workflow_rules.py.
    "services-api:dossier-draft-result": R(read=HY_DESK, write=DOSSIER, obj=True, reached=frozenset({"404"})),
    "services-api:dossier-fee-waiver": R(write=DOSSIER, obj=True),
    "services-api:payment-start": R(write=DOSSIER, obj=True),
    "services-api:payment-counter": R(write=DOSSIER, obj=True),
    "services-api:dossier-rating": R(write=DOSSIER, obj=True),
    "services-api:dossier-form": R(read=DOSSIER, obj=True, kwargs=FORM_KIND),
    "services-api:dossier-register": R(
        read=HY_DESK, obj=True, query="agency={desk_id}&from={today}&to={today}", marker="dossier", marker_for=HY_DESK
    ),
    "services-api:files-reusable": R(read=SIGNED_IN, marker="file", marker_for=frozenset({CITIZEN})),
    "services-api:file-mark-digitised": R(write=DOSSIER, obj=True, kwargs={"file_id": "file_id"}),
    "services-api:payment-callback": R(
        write=NOBODY, kwargs={"provider": "=gia-lap"}, refused_also=frozenset({"400", "404"})
    ),
    "services-api:lookup": R(read=EVERYONE, query="code=X&last4=1234", same_for_all=True, rate_limited=True),
    # --- catalogue pages ------------------------------------------------------------------------------
    "services:catalogue": R(read=EVERYONE),
    "services:procedure": R(read=EVERYONE),
    "services:catalogue_export": R(read=CATALOGUE, marker="procedure", marker_for=hy("dx_office") | {ADMIN}),
    "services:catalogue_import": R(read=CATALOGUE, write=CATALOGUE),
    # --- citizens' pages ------------------------------------------------------------------------------
    "citizen:submit": R(read=CITIZENS, write=CITIZENS),
    "citizen:dossiers": R(read=SIGNED_IN, marker="dossier", marker_for=frozenset({CITIZEN})),
    "citizen:dossier": R(read=DOSSIER, obj=True),
    "citizen:supplement": R(
        read=frozenset({CITIZEN}), write=frozenset({CITIZEN}), obj=True, sees=DOSSIER, reached=frozenset({"409"})
    ),
    "citizen:stop": R(write=frozenset({CITIZEN}), obj=True, sees=DOSSIER),
    "citizen:pay": R(write=frozenset({CITIZEN}), obj=True, sees=DOSSIER),
    "citizen:rate": R(
        read=frozenset({CITIZEN}), write=frozenset({CITIZEN}), obj=True, sees=DOSSIER, reached=frozenset({"409"})
    ),
    "citizen:lookup": R(read=EVERYONE, write=EVERYONE, rate_limited=True),
    # --- officers' pages ------------------------------------------------------------------------------
    "officer:queues": R(read=SIGNED_IN),
    "officer:assign_bulk": R(write=both("approver")),
    "officer:receive": R(read=both("receiver"), write=both("receiver")),
    "officer:register": R(read=both(*DESK_ROLES)),
    "officer:dossier": R(read=HY_DESK, obj=True, sees=DOSSIER),
    "officer:action": R(write=HY_DESK, obj=True, sees=DOSSIER, kwargs={"slug": "=tiep-nhan"}),
    "verify:result": R(
        read=EVERYONE, write=EVERYONE, kwargs={"token": "=0123456789abcdef0123456789abcdef"}, same_for_all=True
    ),
    "file:download": R(read=PERSONAL_FULL, obj=True, sees=DOSSIER),
    "print:form": R(read=DOSSIER, obj=True, kwargs=FORM_KIND),
    "payment:start": R(read=frozenset({CITIZEN}), write=frozenset({CITIZEN}), obj=True, sees=DOSSIER),
    "payment:checkout": R(read=frozenset({CITIZEN}), write=frozenset({CITIZEN}), obj=True, sees=DOSSIER),
    "payment:callback": R(write=NOBODY, kwargs={"provider": "=gia-lap"}, refused_also=frozenset({"400", "404"})),
    "payment:done": R(read=frozenset({CITIZEN}), obj=True, sees=DOSSIER),
}

# The Django admin at /quan-tri/, as one group: staff (the system administrator) only; everyone
# else is sent to the admin's login page. Every admin pattern is read and posted to by
# anonymous, a citizen and officers with the widest agency roles (ids of objects that may not
# exist: what matters is that nobody else gets in); the system administrator reads its index
# and lists. Its own login and logout pages are everyone's.
ADMIN_NAMESPACE = "admin"
ADMIN_ROW = R(read=frozenset({ADMIN}), write=frozenset({ADMIN}))
ADMIN_PUBLIC = {"admin:login", "admin:logout"}
ADMIN_OUTSIDERS = (ANON, CITIZEN, "hy.leader", "hy.dx_office")
ADMIN_LITERALS = {"object_id": "1", "content_type_id": "1", "app_label": "org", "url": "nothing/", "id": "1"}


# --- the URL patterns and API operations ----------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    name: str  # namespace:name, or for an unnamed admin pattern the admin's route
    route: str
    pattern: URLPattern
    admin: bool


def endpoints() -> Iterator[Endpoint]:
    def walk(resolver: URLResolver, namespace: str | None, prefix: str) -> Iterator[Endpoint]:
        for item in resolver.url_patterns:
            if isinstance(item, URLResolver):
                inner = ":".join(filter(None, [namespace, item.namespace])) or None
                yield from walk(item, inner, prefix + str(item.pattern))
            else:
                route = prefix + str(item.pattern)
                name = ":".join(filter(None, [namespace, item.name])) if item.name else route
                admin = (namespace or "").split(":")[0] == ADMIN_NAMESPACE
                yield Endpoint(name=name, route=route, pattern=item, admin=admin)

    yield from walk(get_resolver(), None, "")


ENDPOINTS = [e for e in endpoints() if not e.admin]
ADMIN_ENDPOINTS = [e for e in endpoints() if e.admin]
MUTATING = ("POST", "PUT", "PATCH", "DELETE")


def api_operations() -> list[tuple[str, str, str]]:
    """(URL name, method, operation id) of every operation in the OpenAPI schema."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    out = []
    for path, item in schema["paths"].items():
        sample = re.sub(r"\{[^}]+\}", "1", path)
        match = resolve(sample)
        for method, operation in item.items():
            if method.upper() in ("GET", *MUTATING):
                out.append((match.view_name, method.upper(), operation.get("operationId", "")))
    return out


def test_every_url_pattern_is_in_the_table() -> None:
    missing = sorted({e.name for e in ENDPOINTS} - set(TABLE))
    assert not missing, f"URL patterns missing from the authorisation matrix (add a line to TABLE): {missing}"
    unnamed = [e.route for e in ENDPOINTS if ":" not in e.name and e.name == e.route and e.route not in TABLE]
    assert not unnamed, unnamed
    stale = sorted(set(TABLE) - {e.name for e in ENDPOINTS})
    assert not stale, f"rows of TABLE naming no URL pattern: {stale}"


def test_every_table_line_names_an_endpoint() -> None:
    stale = sorted(set(TABLE) - {e.name for e in ENDPOINTS})
    assert not stale, f"TABLE lines for URL names that no longer exist (remove them): {stale}"


def test_every_api_operation_is_in_the_table_with_its_method() -> None:
    problems = []
    for name, method, operation in api_operations():
        row = TABLE.get(name)
        if row is None:
            problems.append(f"{operation} ({method} {name}): not in TABLE")
        elif method == "GET" and row.read is None:
            problems.append(f"{operation} ({method} {name}): TABLE declares no read")
        elif method != "GET" and (row.write is None or method not in row.methods):
            problems.append(f"{operation} ({method} {name}): TABLE declares no {method}")
    assert not problems, "API operations missing from the authorisation matrix:\n" + "\n".join(problems)


def test_every_method_a_view_accepts_is_declared() -> None:
    """A class-based view's handlers are the methods it accepts; the row must name them all."""
    problems = []
    for endpoint in ENDPOINTS:
        view_class = getattr(endpoint.pattern.callback, "view_class", None) or getattr(
            endpoint.pattern.callback, "cls", None
        )
        if view_class is None or endpoint.name.startswith(("api-", "login", "logout")):
            continue
        accepted = {m.upper() for m in ("get", *map(str.lower, MUTATING)) if hasattr(view_class, m)}
        row = TABLE.get(endpoint.name)
        if row is None:
            continue
        declared = ({"GET"} if row.read is not None else set()) | (set(row.methods) if row.write is not None else set())
        if accepted != declared:
            problems.append(f"{endpoint.name}: accepts {sorted(accepted)}, TABLE declares {sorted(declared)}")
    assert not problems, "\n".join(problems)


# --- the world and the checks ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def signed_in(django_db_setup: None, django_db_blocker: Any) -> Iterator[tuple[World, dict[str, Client]]]:
    """The world and a signed-in client per identity, made once for the module inside a
    transaction rolled back at its end (each test runs in a savepoint of it)."""
    with django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        ledger_seal(sign=False)  # as the worker would; the module outlives the ledger's merge delay
        clients = {}
        for identity in IDENTITIES:
            clients[identity] = Client()
            if identity != ANON:
                clients[identity].force_login(world.people[identity])
        yield world, clients
        transaction.set_rollback(True)


@pytest.fixture
def world(signed_in: tuple[World, dict[str, Client]], db: None) -> World:
    return signed_in[0]


@pytest.fixture
def clients(signed_in: tuple[World, dict[str, Client]], db: None) -> dict[str, Client]:
    return signed_in[1]


def _url(endpoint: Endpoint, row: Row, world: World) -> str:
    kwargs = {}
    for name in endpoint.pattern.pattern.regex.groupindex:
        source = row.kwargs.get(name, ADMIN_LITERALS.get(name, name) if endpoint.admin else name)
        kwargs[name] = (
            source[1:]
            if source.startswith("=")
            else (ADMIN_LITERALS[name] if endpoint.admin and name in ADMIN_LITERALS else world.args[source])
        )
    if endpoint.admin and not endpoint.pattern.name:
        route = endpoint.route
        for name, value in kwargs.items():
            route = re.sub(rf"<(?:\w+:)?{name}>|\(\?P<{name}>[^)]*\)", str(value), route)
        return "/" + route.lstrip("^").rstrip("$")
    url = reverse(endpoint.name, kwargs=kwargs)
    return f"{url}?{row.query.format(**world.args)}" if row.query else url


def _answer(response: Any) -> str:
    status = response.status_code
    if status in (301, 302, 303, 307):
        location = response.get("Location", "")
        if "/dang-nhap/" in location or "/quan-tri/login/" in location:
            return "login"
    return "ok" if status < 400 else str(status)


def _sees(row: Row) -> frozenset[str]:
    return row.sees if row.sees is not None else (row.read or NOBODY) | (row.write or NOBODY)


def _problem(
    row: Row, identity: str, answer: str, allowed: bool, *, write: bool = False, admin: bool = False
) -> str | None:
    if answer.startswith("5"):
        return f"server error {answer}"
    if allowed:
        if answer == "ok" or answer in row.reached or (admin and answer in ("404", "302")):
            return None
        return f"allowed but answered {answer}"
    if admin:
        ok = {"login"}
    elif identity == ANON:
        ok = {"login", "401", "403"} | row.refused_also
    elif row.obj and identity not in _sees(row):
        ok = {"404"} | row.refused_also  # "not found", exactly as for a missing object
    else:
        ok = {"403", "404"} | row.refused_also
        if write and row.obj:
            # who may know the object may be told the empty body is bad input before the permission
            # is checked (the data is checked unchanged); a page-level write checks permission first
            ok |= {"400", "415"}
    return None if answer in ok else f"refused expected ({'/'.join(sorted(ok))}), answered {answer}"


def _body(response: Any) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":  # an .xlsx or .docx: its cells and paragraphs
        try:
            from openpyxl import load_workbook

            book = load_workbook(io.BytesIO(content), read_only=True)
            return "\n".join(
                str(c)
                for sheet in book.worksheets
                for r in sheet.iter_rows(values_only=True)
                for c in r
                if c is not None
            )
        except Exception:
            return content.decode("latin-1")
    return content.decode("utf-8", errors="replace")


def _state(world: World) -> tuple[Any, ...]:
    """What a refused write must leave as it was."""
    from tinhso.ledger.models import Entry
    from tinhso.onestop.models import Dossier, DossierFile, Payment, Procedure
    from tinhso.programme.models import Comment, Evidence, ReportingRound, TargetReport, TaskReport

    return (
        Entry.objects.count(),
        list(Dossier.objects.order_by("pk").values_list("pk", "state", "updated_at", "assignee_id")),
        DossierFile.objects.count(),
        list(Payment.objects.order_by("pk").values_list("pk", "state")),
        list(Procedure.objects.order_by("pk").values_list("pk", "updated_at", "fee_vnd")),
        list(TaskReport.objects.order_by("pk").values_list("pk", "state", "updated_at")),
        list(TargetReport.objects.order_by("pk").values_list("pk", "state", "updated_at")),
        Evidence.objects.count(),
        Comment.objects.count(),
        list(ReportingRound.objects.order_by("pk").values_list("pk", "closed_at")),
    )


def _send(client: Client, method: str, url: str, endpoint: Endpoint, row: Row) -> Any:
    if row.rate_limited:
        cache.clear()  # rate limits count per address: every identity starts afresh
    if method == "GET":
        return client.get(url)
    if endpoint.route.startswith("api/"):
        return client.generic(method, url, data=json.dumps({}), content_type="application/json")
    return client.generic(method, url, data="", content_type="application/x-www-form-urlencoded")


def _check(
    endpoint: Endpoint, row: Row, world: World, clients: dict[str, Client], identities: tuple[str, ...] = IDENTITIES
) -> list[str]:
    url = _url(endpoint, row, world)
    problems = []
    if row.read is not None:
        answers = {}
        for identity in identities:
            response = _send(clients[identity], "GET", url, endpoint, row)
            answers[identity] = answer = _answer(response)
            if row.same_for_all:
                continue
            problem = _problem(row, identity, answer, identity in row.read, admin=endpoint.admin)
            if problem:
                problems.append(f"GET {url} as {identity}: {problem}")
            elif row.marker and answer == "ok":
                shown = world.markers[row.marker] in _body(response)
                if shown != (identity in row.marker_for):
                    problems.append(
                        f"GET {url} as {identity}: the Hưng Yên {row.marker} {'shown' if shown else 'missing'}"
                    )
        if row.same_for_all and (len(set(answers.values())) != 1 or any(a.startswith("5") for a in answers.values())):
            problems.append(f"GET {url}: answers differ between identities or fail: {answers}")
    if row.write is not None:
        for method in row.methods:
            for identity in identities:
                if identity in row.write:
                    continue
                before = _state(world)
                response = _send(clients[identity], method, url, endpoint, row)
                problem = _problem(row, identity, _answer(response), False, write=True, admin=endpoint.admin)
                if problem:
                    problems.append(f"{method} {url} as {identity}: {problem}")
                if _state(world) != before:
                    problems.append(f"{method} {url} as {identity}: refused or not, it changed the data")
    return problems


def test_every_method_a_page_accepts_is_declared(world: World, clients: dict[str, Client]) -> None:
    """A page restricted to some methods names them in its 405 answer (``Allow``): the row must
    declare exactly those. Pages that answer any method (public GET pages) are skipped."""
    problems = []
    for endpoint in ENDPOINTS:
        row = TABLE.get(endpoint.name)
        callback = endpoint.pattern.callback
        if row is None or getattr(callback, "view_class", None) or getattr(callback, "cls", None):
            continue
        response = clients[ADMIN].generic("OPTIONS", _url(endpoint, row, world))
        if response.status_code != 405:
            continue
        accepted = {m.strip() for m in response["Allow"].split(",")} - {"HEAD", "OPTIONS"}
        declared = ({"GET"} if row.read is not None else set()) | (set(row.methods) if row.write is not None else set())
        if accepted != declared:
            problems.append(f"{endpoint.name}: accepts {sorted(accepted)}, TABLE declares {sorted(declared)}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", sorted({e.name for e in ENDPOINTS} & set(TABLE)))
def test_each_identity_gets_what_the_role_table_implies(name: str, world: World, clients: dict[str, Client]) -> None:
    endpoint = next(e for e in ENDPOINTS if e.name == name)
    row = TABLE[name]
    problems = _check(endpoint, row, world, clients, row.only or IDENTITIES)
    assert not problems, "\n".join(problems)


def test_the_admin_is_the_system_administrators_only(world: World, clients: dict[str, Client]) -> None:
    problems = []
    for endpoint in ADMIN_ENDPOINTS:
        if endpoint.name in ADMIN_PUBLIC:
            continue
        lists = endpoint.name == "admin:index" or endpoint.name.endswith("_changelist")
        problems += _check(endpoint, ADMIN_ROW, world, clients, (*ADMIN_OUTSIDERS, ADMIN) if lists else ADMIN_OUTSIDERS)
    assert not problems, "\n".join(problems)
