"""Where each operation of Airflow 2's REST API v1 lives in Airflow 3's REST API v2, and what changes.

Hand-written, reviewed data: the input from which the generator gives every endpoint declaration its
Airflow 3 route and the translations the call needs. Plain data only (no client, no spec needed to
import it). The facts come from Airflow 2.11.2's v1 description and apache-airflow-core 3.3.2's v2
description; users, roles and permissions are not part of the v2 description at all: Airflow 3
serves them only through the FAB auth manager's own API (apache-airflow-providers-fab, under
``/auth/fab/v1``), and only when that auth manager is configured.
``test/conformance/test_airflow3_routes.py`` checks every entry here against the descriptions.

Vocabulary
----------
A *path* names a field of a request body or an answer: ``note``; ``dag_runs[].logical_date`` is the
field ``logical_date`` of every item of the list ``dag_runs``; ``""`` is the body or answer itself.

:class:`Route`, one per v1 operationId (all 89 in :data:`ROUTES`):

- ``v2``/``route``: the v2 operationId serving the call and its ``"METHOD /path"``, relative to
  ``/api/v2``; or, when ``base`` is :data:`FAB`, relative to the FAB auth manager's ``/auth/fab/v1``.
- ``params``: v1 parameter -> v2 parameter, for names that change; ``None`` when v2 has no such
  parameter (``dropped_why`` says why and what happens instead).
- ``param_values``: v1 parameter -> the :data:`VALUE_STEPS` its value goes through on the way.
- ``fixed``: v2 parameter -> the value always sent (the v1 call implies it);
  ``defaults``: v2 parameter -> the value sent when the call leaves it out (v1's default, where v2's
  differs; ``limit`` is the one rule for all, see :data:`V1_LIMIT_DEFAULT`);
  ``from_body``: v2 parameter -> the v1 body field that supplies it.
- ``lookups``: v2 operations an adapter calls first (to turn a URI into an asset id, say).
- ``body`` (:class:`Body`) and ``answer`` (:class:`Answer`): field by field, what differs.
- ``dry_run_route``/``dry_run_at``: the v2 operation (and its route) for a call that asks for a dry
  run, where v2 has a separate route for it.
- ``none_why``: for a v1 operation without an Airflow 3 equivalent: why, and what replaces it.
- ``note``: a difference in behaviour a caller should know that no field captures.

Where v1 and v2 agree (same name, compatible type), nothing is listed. Adapter names are described in
:data:`ADAPTERS`, value steps in :data:`VALUE_STEPS`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

AIRFLOW_2_VERSION = "2.11.2"
AIRFLOW_3_VERSION = "3.3.2"

V2 = "v2"  # a route relative to {server}/api/v2
FAB = "fab"  # a route relative to {server}/auth/fab/v1 (the FAB auth manager's API)

# Page sizes: v1 lists answer 100 items unless told otherwise, v2 lists 50; v2 also caps every limit
# at the server's [api] maximum_page_limit (100 by default) silently, without an error.
V1_LIMIT_DEFAULT = 100
V2_LIMIT_DEFAULT = 50
V2_LIMIT_CAP = 100


def _frozen(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value))


class _Frozen:
    """Makes every mapping attribute of a frozen dataclass read-only after construction."""

    def __post_init__(self) -> None:
        for name, value in vars(self).items():
            if isinstance(value, dict):
                object.__setattr__(self, name, _frozen(value))


@dataclass(frozen=True)
class Body(_Frozen):
    """How a v1 request body becomes the v2 one."""

    renames: Mapping[str, str] = field(default_factory=dict)  # v1 path -> v2 path
    dropped: Mapping[str, str] = field(default_factory=dict)  # v1 field -> why it is not sent
    fills: Mapping[str, str] = field(default_factory=dict)  # v2 field v1 lacks -> what is sent
    retyped: Mapping[str, str] = field(default_factory=dict)  # v1 field -> how its value must change
    values: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # v1 field -> VALUE_STEPS
    adapter: str | None = None


@dataclass(frozen=True)
class Answer(_Frozen):
    """How a v2 answer becomes the v1 model the 2.x method returns."""

    renames: Mapping[str, str] = field(default_factory=dict)  # v2 path -> v1 path
    absent: Mapping[str, str] = field(default_factory=dict)  # v1 field v2 never sends -> why
    derived: Mapping[str, str] = field(default_factory=dict)  # v1 field the adapter computes -> how
    retyped: Mapping[str, str] = field(default_factory=dict)  # v1 field -> what v2 sends instead
    adapter: str | None = None
    status: int | None = None  # v2's success status, where it differs from v1's


@dataclass(frozen=True)
class Route(_Frozen):
    """Where one v1 operation goes in Airflow 3."""

    v2: str | None
    route: str | None
    base: str = V2
    params: Mapping[str, str | None] = field(default_factory=dict)
    dropped_why: Mapping[str, str] = field(default_factory=dict)
    param_values: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    fixed: Mapping[str, Any] = field(default_factory=dict)
    defaults: Mapping[str, Any] = field(default_factory=dict)
    from_body: Mapping[str, str] = field(default_factory=dict)
    lookups: tuple[str, ...] = ()
    body: Body | None = None
    answer: Answer | None = None
    dry_run_route: str | None = None
    dry_run_at: str | None = None
    none_why: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class V2Only:
    """A v2 operation no v1 operation maps to, and the 2.x API class it joins."""

    operation: str
    route: str
    tag: str
    api_class: str
    method: str = ""  # the method name; the operationId unless that would clash

    def __post_init__(self) -> None:
        if not self.method:
            object.__setattr__(self, "method", self.operation)


ADAPTERS: Mapping[str, str] = _frozen({
    # request side
    "dry_run_route": "dry_run true, or missing (2.x's default is true), sends the body to the dry_run route; "
    "the flag itself is not sent",
    "note_to_patch": "the note is sent as a PATCH of the object, with update_mask [\"note\"]",
    "state_to_patch": "the state is sent as a PATCH of the DAG run, with update_mask [\"state\"]",
    "logical_date_or_null": "logical_date, else execution_date, else an explicit null: v2 requires the field, "
    "and null means a run without a logical date",
    "set_state_to_patch": "the run (dag_run_id, or the run whose logical date is execution_date) and task_id "
    "move into the path of a task-instance PATCH; dry_run picks the dry_run route",
    "dataset_uri_to_asset_id": "dataset_uri is replaced by asset_id, found as asset_id_for_uri does",
    # answer side
    "first_of_collection": "v2 answers a collection of the patched task instances; the v1 model is the first",
    "structured_log_to_text": "the structured log records are joined into the text 2.x returned",
    "assets_as_datasets": "asset fields are renamed to the dataset fields 2.x used",
    "queued_events_with_uri": "each queued event's asset id is turned back into the dataset URI",
    "extra_links_from_mapping": "v2's {name: url} mapping becomes 2.x's list of {name, href} links",
    "dag_v1_fields": "is_active is the negation of v2's is_stale",
    "dag_run_v1_fields": "external_trigger is true for runs started from outside the schedule (run_type "
    "\"manual\" or \"operator_triggered\"; 2.x counted both as manual)",
    "dag_detail_v1_fields": "is_active from is_stale, dag_run_timeout as a TimeDelta from v2's ISO duration",
    "distinct_actions": "v2 lists (action, resource) pairs; the v1 answer is the distinct action names",
    "page_locally": "v2 answers every try at once; order_by, offset and limit are applied to that list",
    "every_page": "v2 pages this list (50 by default, 100 at most) where 2.x answered it whole: "
    "the pages are fetched and joined",
    "task_v1_fields": "extra_links in 2.x's shape: v2 names each link, which becomes {class_ref: {class_name: "
    "the name, module_path: None}}; class_ref is v2's {module_path, class_name}",
})

VALUE_STEPS: Mapping[str, str] = _frozen({
    "one_item_list": "a single string becomes a one-item list (v2 takes several sort keys)",
    "logical_date_sort_key": "the sort key execution_date becomes logical_date (with its - prefix kept)",
    "comma_split": "2.x's comma-separated string becomes a list, sent as repeated parameters",
    "exploded": "2.x sent the list comma-joined in one parameter; v2 takes the parameter repeated",
    "comma_joined": "the list is joined with commas into one string",
    "body_renames": "field names in the list follow the body's renames",
    "none_as_null": "the state \"none\" (2.x's name for no state) is sent as null, which v2's body takes instead",
    "asset_id_for_uri": "the dataset URI is looked up among the assets (get_assets by uri_pattern, keeping the "
    "exact match) and the asset's id is sent; an error names the URI when no asset, or more than one (an "
    "Airflow 3 asset is a name and a URI), has it",
    "dag_id_for_file_token": "the DAG whose file_token is the one given is looked up (get_dags, narrowed to the "
    "bundle the token's unsigned payload names) and its id is sent; no such DAG is a 404",
})

# ---------------------------------------------------------------------------------------------------
# Shared pieces of the table

_TI = "/dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/{task_id}"
_ORDER = ("one_item_list",)
_ORDER_LOGICAL = ("one_item_list", "logical_date_sort_key")
_MASK = ("exploded",)

_FIELDS_GONE = "v2 has no field selection: it always answers whole objects, a superset of any selection"
_ACTIVE = "v2 names the same filter exclude_stale (a stale DAG is one whose file is gone: 2.x's inactive)"
_SLA = "SLAs were removed in Airflow 3"
_SUBDAG = "SubDAGs were removed in Airflow 3"
_PICKLE = "DAG pickling was removed in Airflow 3"
_DEFAULT_VIEW = "v2 does not report a default UI view (Airflow 3's UI has none to choose)"
_SCHEDULE = ("schedule_interval was removed in Airflow 3; timetable_summary and timetable_description describe "
             "the schedule")

_DAG_RENAMES = {"next_dagrun_logical_date": "next_dagrun", "next_dagrun_run_after": "next_dagrun_create_after"}
_DAG_ABSENT = {
    "root_dag_id": _SUBDAG,
    "is_subdag": _SUBDAG,
    "last_pickled": _PICKLE,
    "pickle_id": _PICKLE,
    "scheduler_lock": "the scheduler lock of DAG pickling was removed in Airflow 3",
    "default_view": _DEFAULT_VIEW,
    "schedule_interval": _SCHEDULE,
}
_EXTERNAL = "run_type is \"manual\" or \"operator_triggered\""
_RUN_TYPES = ("v2 says \"asset_triggered\" where 2.x said \"dataset_triggered\", and adds \"operator_triggered\" "
              "and \"asset_materialization\"")


def _answer(
    prefix: str = "",
    *,
    renames: Mapping[str, str] | None = None,
    absent: Mapping[str, str] | None = None,
    derived: Mapping[str, str] | None = None,
    adapter: str | None = None,
    retyped: Mapping[str, str] | None = None,
) -> Answer:
    """An Answer whose paths all sit under `prefix` (``dags[]`` for each DAG of a collection, say)."""

    def at(path: str) -> str:
        return f"{prefix}.{path}" if prefix and path else prefix or path

    def moved(table: Mapping[str, str] | None) -> dict[str, str]:
        return {at(k): v for k, v in (table or {}).items()}

    return Answer(
        renames={at(k): at(v) for k, v in (renames or {}).items()},
        absent=moved(absent),
        derived=moved(derived),
        retyped=moved(retyped),
        adapter=adapter,
    )


def _dag_answer(prefix: str = "") -> Answer:
    return _answer(prefix, renames=_DAG_RENAMES, absent=_DAG_ABSENT, derived={"is_active": "not is_stale"},
                   adapter="dag_v1_fields")


def _run_answer(prefix: str = "") -> Answer:
    return _answer(prefix, renames={"logical_date": "execution_date"},
                   derived={"external_trigger": _EXTERNAL}, retyped={"run_type": _RUN_TYPES},
                   adapter="dag_run_v1_fields")


def _ti_answer(prefix: str = "") -> Answer:
    return _answer(prefix, renames={"logical_date": "execution_date"}, absent={"sla_miss": _SLA})


def _ti_patched_answer() -> Answer:
    """A v2 task-instance PATCH answers a collection; the 2.x method returned the one instance."""
    return Answer(
        renames={"task_instances[]": "", "task_instances[].logical_date": "execution_date"},
        absent={"sla_miss": _SLA},
        adapter="first_of_collection",
    )


def _ti_reference_answer() -> Answer:
    """2.x answered a bare reference to the patched instance; v2 a collection of full task instances."""
    return Answer(renames={"task_instances[]": "", "task_instances[].logical_date": "execution_date"},
                  adapter="first_of_collection")


# v2 requires these body fields; the v1 description marks them optional, so a 2.x call may lack them.
_NEEDED = "the caller's value; v2 answers 422 without it (the v1 description does not mark it required)"
_CONNECTION_NEEDS = {"connection_id": _NEEDED, "conn_type": _NEEDED}
_VARIABLE_NEEDS = {"key": _NEEDED, "value": _NEEDED}
_PAUSE_NEEDED = {"is_paused": "the caller's value; v2 answers 422 without it, and it is all v2 can change"}

_RUN_FILTERS = {"execution_date_gte": "logical_date_gte", "execution_date_lte": "logical_date_lte"}

# ---------------------------------------------------------------------------------------------------
# The table

ROUTES: Mapping[str, Route] = _frozen({
    # --- Config
    "get_config": Route("get_config", "GET /config", answer=Answer(retyped={
        "sections[].options[].value": "a [value, source] pair when the server is asked to show sources"})),
    "get_value": Route("get_config_value", "GET /config/section/{section}/option/{option}", answer=Answer(retyped={
        "sections[].options[].value": "a [value, source] pair when the server is asked to show sources"})),
    # --- Connection
    "get_connections": Route("get_connections", "GET /connections", param_values={"order_by": _ORDER},
                             answer=Answer()),
    "post_connection": Route("post_connection", "POST /connections", body=Body(fills=_CONNECTION_NEEDS),
                             answer=Answer(status=201)),
    "get_connection": Route("get_connection", "GET /connections/{connection_id}", answer=Answer()),
    "patch_connection": Route("patch_connection", "PATCH /connections/{connection_id}",
                              param_values={"update_mask": _MASK},
                              body=Body(fills={"connection_id": "the path's connection_id when the body lacks it",
                                               "conn_type": _NEEDED + ", even with an update_mask"}),
                              answer=Answer()),
    "delete_connection": Route("delete_connection", "DELETE /connections/{connection_id}"),
    "test_connection": Route("test_connection", "POST /connections/test", body=Body(fills=_CONNECTION_NEEDS),
                             answer=Answer()),
    # --- DAG
    "get_dags": Route(
        "get_dags", "GET /dags",
        params={"only_active": "exclude_stale", "fields": None}, dropped_why={"fields": _FIELDS_GONE},
        param_values={"order_by": _ORDER}, answer=_dag_answer("dags[]"),
        note=_ACTIVE,
    ),
    "patch_dags": Route(
        "patch_dags", "PATCH /dags",
        params={"only_active": "exclude_stale"}, param_values={"update_mask": _MASK},
        body=Body(fills=_PAUSE_NEEDED),
        answer=_dag_answer("dags[]"),
        note=_ACTIVE + ". dag_id_pattern is optional in v2: without it every DAG matches",
    ),
    "get_dag": Route("get_dag", "GET /dags/{dag_id}", params={"fields": None}, dropped_why={"fields": _FIELDS_GONE},
                     answer=_dag_answer()),
    "patch_dag": Route(
        "patch_dag", "PATCH /dags/{dag_id}", param_values={"update_mask": _MASK},
        body=Body(fills=_PAUSE_NEEDED),
        answer=_dag_answer(),
    ),
    "delete_dag": Route("delete_dag", "DELETE /dags/{dag_id}", answer=Answer(status=200)),
    "get_dag_details": Route(
        "get_dag_details", "GET /dags/{dag_id}/details",
        params={"fields": None}, dropped_why={"fields": _FIELDS_GONE},
        answer=Answer(
            renames={**_DAG_RENAMES, "asset_expression": "dataset_expression"},
            absent={**_DAG_ABSENT, "orientation": "v2 does not report the graph orientation"},
            derived={"is_active": "not is_stale", "dag_run_timeout": "a TimeDelta from v2's ISO 8601 duration"},
            adapter="dag_detail_v1_fields",
        ),
    ),
    "get_tasks": Route("get_tasks", "GET /dags/{dag_id}/tasks", answer=Answer(
        derived={"tasks[].class_ref": "module_path and class_name from v2's class_ref, an object whose fields "
                                     "the v2 description leaves open",
                 "tasks[].extra_links": "[{class_ref}] from v2's list of link names"},
        absent={"tasks[].executor": "v2 does not report a task's executor",
                "tasks[].sub_dag": _SUBDAG},
        retyped={"tasks[].retry_exponential_backoff": "a number (the backoff multiplier) where 2.x had a boolean"},
        adapter="task_v1_fields")),
    "get_task": Route("get_task", "GET /dags/{dag_id}/tasks/{task_id}", answer=Answer(
        derived={"class_ref": "module_path and class_name from v2's class_ref, an object whose fields the v2 "
                               "description leaves open",
                 "extra_links": "[{class_ref}] from v2's list of link names"},
        absent={"executor": "v2 does not report a task's executor", "sub_dag": _SUBDAG},
        retyped={"retry_exponential_backoff": "a number (the backoff multiplier) where 2.x had a boolean"},
        adapter="task_v1_fields")),
    "get_dag_source": Route(
        "get_dag_source", "GET /dagSources/{dag_id}",
        params={"file_token": "dag_id"}, param_values={"file_token": ("dag_id_for_file_token",)},
        lookups=("get_dags",), answer=Answer(),
        note="v2 serves the source of one DAG (of its latest version unless version_number says otherwise)",
    ),
    "reparse_dag_file": Route("reparse_dag_file", "PUT /parseDagFile/{file_token}",
                              note="the file token must come from a v2 answer: its payload changed"),
    "post_clear_task_instances": Route(
        "post_clear_task_instances", "POST /dags/{dag_id}/clearTaskInstances",
        body=Body(dropped={"include_subdags": _SUBDAG, "include_parentdag": _SUBDAG},
                  fills={"reset_dag_runs": "false when the call does not give it: 2.11.2's server defaulted it to "
                         "false (its description names no default), v2's body defaults to true"}),
        answer=Answer(renames={"task_instances[].logical_date": "task_instances[].execution_date"}),
    ),
    "post_set_task_instances_state": Route(
        "patch_task_instance", "PATCH " + _TI,
        from_body={"dag_run_id": "dag_run_id", "task_id": "task_id"}, lookups=("get_dag_runs",),
        body=Body(
            dropped={
                "dry_run": "chooses the route",
                "task_id": "moves into the path",
                "dag_run_id": "moves into the path",
                "execution_date": "names the run instead of dag_run_id: the run with that logical date is looked up",
            },
            adapter="set_state_to_patch",
        ),
        answer=Answer(renames={"task_instances[].logical_date": "task_instances[].execution_date"}),
        dry_run_route="patch_task_instance_dry_run", dry_run_at="PATCH " + _TI + "/dry_run",
        note="the real (not dry) v2 answer lists the named task's instances only; the upstream, downstream, "
        "past and future ones it also changed appear in the dry run's answer",
    ),
    # --- DAGRun
    "get_dag_runs": Route(
        "get_dag_runs", "GET /dags/{dag_id}/dagRuns",
        params={**_RUN_FILTERS, "fields": None}, dropped_why={"fields": _FIELDS_GONE},
        param_values={"order_by": _ORDER_LOGICAL}, answer=_run_answer("dag_runs[]"),
    ),
    "post_dag_run": Route(
        "trigger_dag_run", "POST /dags/{dag_id}/dagRuns",
        body=Body(renames={"execution_date": "logical_date"},
                  fills={"logical_date": "null when the call names no logical date"},
                  adapter="logical_date_or_null"),
        answer=_run_answer(),
        note="a run triggered without a logical date has none in Airflow 3 (2.x used the current time): "
        "its logical_date and execution_date are None",
    ),
    "get_dag_runs_batch": Route(
        "get_list_dag_runs_batch", "POST /dags/{dag_id}/dagRuns/list", fixed={"dag_id": "~"},
        body=Body(renames={"execution_date_gte": "logical_date_gte", "execution_date_lte": "logical_date_lte"},
                  values={"order_by": ("logical_date_sort_key",)}),
        answer=_run_answer("dag_runs[]"),
    ),
    "get_dag_run": Route("get_dag_run", "GET /dags/{dag_id}/dagRuns/{dag_run_id}",
                         params={"fields": None}, dropped_why={"fields": _FIELDS_GONE}, answer=_run_answer()),
    "update_dag_run_state": Route(
        "patch_dag_run", "PATCH /dags/{dag_id}/dagRuns/{dag_run_id}", fixed={"update_mask": ["state"]},
        body=Body(adapter="state_to_patch"), answer=_run_answer(),
    ),
    "delete_dag_run": Route("delete_dag_run", "DELETE /dags/{dag_id}/dagRuns/{dag_run_id}"),
    "clear_dag_run": Route(
        "clear_dag_run", "POST /dags/{dag_id}/dagRuns/{dag_run_id}/clear", body=Body(),
        answer=Answer(
            renames={"logical_date": "execution_date",
                     "task_instances[].logical_date": "task_instances[].execution_date"},
            derived={"external_trigger": _EXTERNAL},
            absent={"task_instances[].sla_miss": _SLA},
            retyped={"run_type": _RUN_TYPES},
            adapter="dag_run_v1_fields",
        ),
    ),
    "set_dag_run_note": Route(
        "patch_dag_run", "PATCH /dags/{dag_id}/dagRuns/{dag_run_id}", fixed={"update_mask": ["note"]},
        body=Body(adapter="note_to_patch"), answer=_run_answer(),
    ),
    "get_upstream_dataset_events": Route(
        "get_upstream_asset_events", "GET /dags/{dag_id}/dagRuns/{dag_run_id}/upstreamAssetEvents",
        answer=Answer(
            renames={"asset_events": "dataset_events", "asset_events[].asset_id": "dataset_events[].dataset_id",
                     "asset_events[].uri": "dataset_events[].dataset_uri"},
            adapter="assets_as_datasets"),
    ),
    # --- DagStats, DagWarning
    "get_dag_stats": Route("get_dag_stats", "GET /dagStats", param_values={"dag_ids": ("comma_split",)},
                           answer=Answer(), note="dag_ids is optional in v2: without it, every DAG"),
    "get_dag_warnings": Route("list_dag_warnings", "GET /dagWarnings", param_values={"order_by": _ORDER},
                              answer=Answer()),
    # --- Dataset -> Asset
    "get_datasets": Route(
        "get_assets", "GET /assets", param_values={"order_by": _ORDER, "dag_ids": ("comma_split",)},
        answer=Answer(renames={"assets": "datasets", "assets[].scheduled_dags": "datasets[].consuming_dags"},
                      adapter="assets_as_datasets"),
    ),
    "get_dataset": Route(
        "get_asset", "GET /assets/{asset_id}", params={"uri": "asset_id"},
        param_values={"uri": ("asset_id_for_uri",)}, lookups=("get_assets",),
        answer=Answer(renames={"scheduled_dags": "consuming_dags"}, adapter="assets_as_datasets"),
    ),
    "get_dataset_events": Route(
        "get_asset_events", "GET /assets/events", params={"dataset_id": "asset_id"},
        param_values={"order_by": _ORDER},
        answer=Answer(
            renames={"asset_events": "dataset_events", "asset_events[].asset_id": "dataset_events[].dataset_id",
                     "asset_events[].uri": "dataset_events[].dataset_uri"},
            adapter="assets_as_datasets"),
    ),
    "create_dataset_event": Route(
        "create_asset_event", "POST /assets/events", lookups=("get_assets",),
        body=Body(renames={"dataset_uri": "asset_id"}, values={"dataset_uri": ("asset_id_for_uri",)},
                  adapter="dataset_uri_to_asset_id"),
        answer=Answer(renames={"asset_id": "dataset_id", "uri": "dataset_uri"}, adapter="assets_as_datasets"),
    ),
    "get_dag_dataset_queued_event": Route(
        "get_dag_asset_queued_event", "GET /dags/{dag_id}/assets/{asset_id}/queuedEvents",
        params={"uri": "asset_id"}, param_values={"uri": ("asset_id_for_uri",)}, lookups=("get_assets",),
        answer=Answer(derived={"uri": "the URI the call asked for"}, adapter="queued_events_with_uri"),
    ),
    "delete_dag_dataset_queued_event": Route(
        "delete_dag_asset_queued_event", "DELETE /dags/{dag_id}/assets/{asset_id}/queuedEvents",
        params={"uri": "asset_id"}, param_values={"uri": ("asset_id_for_uri",)}, lookups=("get_assets",),
    ),
    "get_dag_dataset_queued_events": Route(
        "get_dag_asset_queued_events", "GET /dags/{dag_id}/assets/queuedEvents", lookups=("get_asset",),
        answer=Answer(renames={"queued_events": "datasets"},
                      derived={"datasets[].uri": "the URI of the event's asset_id"},
                      adapter="queued_events_with_uri"),
    ),
    "delete_dag_dataset_queued_events": Route(
        "delete_dag_asset_queued_events", "DELETE /dags/{dag_id}/assets/queuedEvents"),
    "get_dataset_queued_events": Route(
        "get_asset_queued_events", "GET /assets/{asset_id}/queuedEvents",
        params={"uri": "asset_id"}, param_values={"uri": ("asset_id_for_uri",)}, lookups=("get_assets",),
        answer=Answer(renames={"queued_events": "datasets"}, derived={"datasets[].uri": "the URI the call asked for"},
                      adapter="queued_events_with_uri"),
    ),
    "delete_dataset_queued_events": Route(
        "delete_asset_queued_events", "DELETE /assets/{asset_id}/queuedEvents",
        params={"uri": "asset_id"}, param_values={"uri": ("asset_id_for_uri",)}, lookups=("get_assets",),
    ),
    # --- EventLog
    "get_event_logs": Route(
        "get_event_logs", "GET /eventLogs",
        param_values={"order_by": _ORDER_LOGICAL, "included_events": ("comma_split",),
                      "excluded_events": ("comma_split",)},
        answer=Answer(renames={"event_logs[].logical_date": "event_logs[].execution_date"}),
    ),
    "get_event_log": Route("get_event_log", "GET /eventLogs/{event_log_id}",
                           answer=Answer(renames={"logical_date": "execution_date"})),
    # --- ImportError
    "get_import_errors": Route("get_import_errors", "GET /importErrors", param_values={"order_by": _ORDER},
                               answer=Answer()),
    "get_import_error": Route("get_import_error", "GET /importErrors/{import_error_id}", answer=Answer()),
    # --- Monitoring
    "get_health": Route("get_health", "GET /monitor/health", answer=Answer()),
    "get_version": Route("get_version", "GET /version", answer=Answer()),
    # --- Plugin, Pool, Provider
    "get_plugins": Route("get_plugins", "GET /plugins", answer=Answer(absent={
        "plugins[].hooks": "v2's plugin description has no hooks list",
        "plugins[].executors": "v2's plugin description has no executors list",
        "plugins[].ti_deps": "v2's plugin description has no ti_deps list",
    })),
    "get_pools": Route("get_pools", "GET /pools", param_values={"order_by": _ORDER}, answer=Answer()),
    "post_pool": Route("post_pool", "POST /pools", body=Body(fills={"name": _NEEDED, "slots": _NEEDED}),
                       answer=Answer(status=201)),
    "get_pool": Route("get_pool", "GET /pools/{pool_name}", answer=Answer()),
    "patch_pool": Route("patch_pool", "PATCH /pools/{pool_name}",
                        param_values={"update_mask": ("exploded", "body_renames")},
                        body=Body(renames={"name": "pool"}), answer=Answer()),
    "delete_pool": Route("delete_pool", "DELETE /pools/{pool_name}"),
    "get_providers": Route("get_providers", "GET /providers", answer=Answer(adapter="every_page")),
    # --- TaskInstance
    "get_task_instances": Route("get_task_instances", "GET " + _TI.rsplit("/", 1)[0], params=dict(_RUN_FILTERS),
                                answer=_ti_answer("task_instances[]")),
    "get_task_instance": Route("get_task_instance", "GET " + _TI, answer=_ti_answer()),
    "patch_task_instance": Route(
        "patch_task_instance", "PATCH " + _TI, fixed={"map_index": -1},
        body=Body(dropped={"dry_run": "chooses the route"}, adapter="dry_run_route"),
        answer=_ti_reference_answer(),
        dry_run_route="patch_task_instance_dry_run", dry_run_at="PATCH " + _TI + "/dry_run",
    ),
    "get_mapped_task_instance": Route("get_mapped_task_instance", "GET " + _TI + "/{map_index}",
                                      answer=_ti_answer()),
    "patch_mapped_task_instance": Route(
        "patch_task_instance_by_map_index", "PATCH " + _TI + "/{map_index}",
        body=Body(dropped={"dry_run": "chooses the route"}, adapter="dry_run_route"),
        answer=_ti_reference_answer(),
        dry_run_route="patch_task_instance_dry_run_by_map_index", dry_run_at="PATCH " + _TI + "/{map_index}/dry_run",
    ),
    "get_mapped_task_instances": Route(
        "get_mapped_task_instances", "GET " + _TI + "/listMapped", params=dict(_RUN_FILTERS),
        param_values={"order_by": _ORDER_LOGICAL}, answer=_ti_answer("task_instances[]"),
    ),
    "get_task_instances_batch": Route(
        "get_task_instances_batch", "POST /dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances/list",
        fixed={"dag_id": "~", "dag_run_id": "~"},
        body=Body(renames={"execution_date_gte": "logical_date_gte", "execution_date_lte": "logical_date_lte"},
                  values={"state": ("none_as_null",)}),
        answer=_ti_answer("task_instances[]"),
    ),
    "get_task_instance_try_details": Route("get_task_instance_try_details", "GET " + _TI + "/tries/{task_try_number}",
                                           answer=Answer()),
    "get_mapped_task_instance_try_details": Route(
        "get_mapped_task_instance_try_details", "GET " + _TI + "/{map_index}/tries/{task_try_number}",
        answer=Answer()),
    "get_task_instance_tries": Route(
        "get_task_instance_tries", "GET " + _TI + "/tries",
        params={"limit": None, "offset": None, "order_by": None},
        dropped_why={p: "v2 answers every try at once; the client applies it to the list" for p in
                     ("limit", "offset", "order_by")},
        answer=Answer(renames={"task_instances": "task_instances_history"}, adapter="page_locally"),
    ),
    "get_mapped_task_instance_tries": Route(
        "get_mapped_task_instance_tries", "GET " + _TI + "/{map_index}/tries",
        params={"limit": None, "offset": None, "order_by": None},
        dropped_why={p: "v2 answers every try at once; the client applies it to the list" for p in
                     ("limit", "offset", "order_by")},
        answer=Answer(renames={"task_instances": "task_instances_history"}, adapter="page_locally"),
    ),
    "get_extra_links": Route("get_extra_links", "GET " + _TI + "/links", answer=Answer(
        derived={"extra_links[]": "one link per entry of v2's {name: url} mapping: name is the key, href the "
                 "value; class_ref is left unset, v2 does not name the link's class"},
        retyped={"extra_links": "an object {name: url} where 2.x had a list"},
        adapter="extra_links_from_mapping")),
    "get_log": Route(
        "get_log", "GET " + _TI + "/logs/{try_number}", params={"task_try_number": "try_number"},
        answer=Answer(retyped={"content": "a list of structured records (or of lines) where 2.x had text"},
                      adapter="structured_log_to_text"),
        note="v2 answers JSON or NDJSON, never text/plain; the text form is rebuilt from the records",
    ),
    "set_task_instance_note": Route(
        "patch_task_instance", "PATCH " + _TI, fixed={"map_index": -1, "update_mask": ["note"]},
        body=Body(adapter="note_to_patch"), answer=_ti_patched_answer(),
    ),
    "set_mapped_task_instance_note": Route(
        "patch_task_instance_by_map_index", "PATCH " + _TI + "/{map_index}", fixed={"update_mask": ["note"]},
        body=Body(adapter="note_to_patch"), answer=_ti_patched_answer(),
    ),
    "get_task_instance_dependencies": Route("get_task_instance_dependencies", "GET " + _TI + "/dependencies",
                                            answer=Answer()),
    "get_mapped_task_instance_dependencies": Route(
        "get_task_instance_dependencies_by_map_index", "GET " + _TI + "/{map_index}/dependencies", answer=Answer()),
    # --- Variable
    "get_variables": Route("get_variables", "GET /variables", param_values={"order_by": _ORDER}, answer=Answer()),
    "post_variables": Route("post_variable", "POST /variables", body=Body(fills=_VARIABLE_NEEDS),
                            answer=Answer(status=201)),
    "get_variable": Route("get_variable", "GET /variables/{variable_key}", answer=Answer()),
    "patch_variable": Route(
        "patch_variable", "PATCH /variables/{variable_key}", param_values={"update_mask": _MASK},
        body=Body(fills={"key": "the path's variable_key when the body lacks it",
                         "value": _NEEDED + ", even with an update_mask"}),
        answer=Answer()),
    "delete_variable": Route("delete_variable", "DELETE /variables/{variable_key}"),
    # --- XCom
    "get_xcom_entries": Route("get_xcom_entries", "GET " + _TI + "/xcomEntries",
                              answer=Answer(renames={"xcom_entries[].logical_date": "xcom_entries[].execution_date"})),
    "get_xcom_entry": Route("get_xcom_entry", "GET " + _TI + "/xcomEntries/{xcom_key}", defaults={"stringify": True},
                            answer=Answer(renames={"logical_date": "execution_date"})),
    # --- Users, roles and permissions: the FAB auth manager's API, not the core v2 one
    "get_roles": Route("get_roles", "GET /roles", base=FAB, answer=Answer()),
    "post_role": Route("create_role", "POST /roles", base=FAB, body=Body(fills={"name": _NEEDED}), answer=Answer()),
    "get_role": Route("get_role", "GET /roles/{name}", base=FAB, params={"role_name": "name"}, answer=Answer()),
    "patch_role": Route("patch_role", "PATCH /roles/{name}", base=FAB, params={"role_name": "name"},
                        param_values={"update_mask": ("comma_joined",)},
                        body=Body(fills={"name": "the path's role_name when the body lacks it"}), answer=Answer()),
    "delete_role": Route("delete_role", "DELETE /roles/{name}", base=FAB, params={"role_name": "name"},
                         answer=Answer(status=200)),
    "get_permissions": Route("get_permissions", "GET /permissions", base=FAB, answer=Answer(
        renames={"actions[].action.name": "actions[].name"}, adapter="distinct_actions")),
    "get_users": Route("get_users", "GET /users", base=FAB,
                       answer=Answer(renames={"users[].fail_login_count": "users[].failed_login_count"})),
    "post_user": Route("create_user", "POST /users", base=FAB,
                       body=Body(fills=dict.fromkeys(("username", "email", "first_name", "last_name", "password"),
                                                     _NEEDED)),
                       answer=Answer(renames={"fail_login_count": "failed_login_count"})),
    "get_user": Route("get_user", "GET /users/{username}", base=FAB,
                      answer=Answer(renames={"fail_login_count": "failed_login_count"})),
    "patch_user": Route("update_user", "PATCH /users/{username}", base=FAB,
                        param_values={"update_mask": ("comma_joined",)}, body=Body(),
                        answer=Answer(renames={"fail_login_count": "failed_login_count"})),
    "delete_user": Route("delete_user", "DELETE /users/{username}", base=FAB),
})

# ---------------------------------------------------------------------------------------------------
# v2 operations no v1 operation maps to

V2_ONLY: tuple[V2Only, ...] = (
    # Asset: a new class; DatasetApi keeps the 2.x names of the operations it shares with it
    V2Only("get_asset_aliases", "GET /assets/aliases", "Asset", "AssetApi"),
    V2Only("get_asset_alias", "GET /assets/aliases/{asset_alias_id}", "Asset", "AssetApi"),
    V2Only("materialize_asset", "POST /assets/{asset_id}/materialize", "Asset", "AssetApi"),
    V2Only("list_asset_state_store", "GET /assets/{asset_id}/state-store", "Asset State Store", "AssetStateStoreApi"),
    V2Only("clear_asset_state_store", "DELETE /assets/{asset_id}/state-store", "Asset State Store",
           "AssetStateStoreApi"),
    V2Only("get_asset_state_store", "GET /assets/{asset_id}/state-store/{key}", "Asset State Store",
           "AssetStateStoreApi"),
    V2Only("set_asset_state_store", "PUT /assets/{asset_id}/state-store/{key}", "Asset State Store",
           "AssetStateStoreApi"),
    V2Only("delete_asset_state_store", "DELETE /assets/{asset_id}/state-store/{key}", "Asset State Store",
           "AssetStateStoreApi"),
    V2Only("list_backfills", "GET /backfills", "Backfill", "BackfillApi"),
    V2Only("create_backfill", "POST /backfills", "Backfill", "BackfillApi"),
    V2Only("get_backfill", "GET /backfills/{backfill_id}", "Backfill", "BackfillApi"),
    V2Only("pause_backfill", "PUT /backfills/{backfill_id}/pause", "Backfill", "BackfillApi"),
    V2Only("unpause_backfill", "PUT /backfills/{backfill_id}/unpause", "Backfill", "BackfillApi"),
    V2Only("cancel_backfill", "PUT /backfills/{backfill_id}/cancel", "Backfill", "BackfillApi"),
    V2Only("create_backfill_dry_run", "POST /backfills/dry_run", "Backfill", "BackfillApi"),
    V2Only("get_connection_test", "GET /connections/enqueue-test", "Connection", "ConnectionApi"),
    V2Only("enqueue_connection_test", "POST /connections/enqueue-test", "Connection", "ConnectionApi"),
    V2Only("bulk_connections", "PATCH /connections", "Connection", "ConnectionApi"),
    V2Only("create_default_connections", "POST /connections/defaults", "Connection", "ConnectionApi"),
    V2Only("favorite_dag", "POST /dags/{dag_id}/favorite", "DAG", "DAGApi"),
    V2Only("unfavorite_dag", "POST /dags/{dag_id}/unfavorite", "DAG", "DAGApi"),
    V2Only("get_dag_tags", "GET /dagTags", "DAG", "DAGApi"),
    V2Only("bulk_dag_runs", "PATCH /dags/{dag_id}/dagRuns", "DagRun", "DAGRunApi"),
    V2Only("wait_dag_run_until_finished", "GET /dags/{dag_id}/dagRuns/{dag_run_id}/wait", "DagRun", "DAGRunApi"),
    V2Only("clear_dag_runs", "POST /dags/{dag_id}/clearDagRuns", "DagRun", "DAGRunApi"),
    V2Only("clear_dag_run_partitions", "POST /dags/{dag_id}/clearPartitions", "DagRun", "DAGRunApi"),
    V2Only("get_dag_version", "GET /dags/{dag_id}/dagVersions/{version_number}", "DagVersion", "DagVersionApi"),
    V2Only("get_dag_versions", "GET /dags/{dag_id}/dagVersions", "DagVersion", "DagVersionApi"),
    V2Only("get_jobs", "GET /jobs", "Job", "JobApi"),
    V2Only("login", "GET /auth/login", "Login", "LoginApi"),
    V2Only("logout", "GET /auth/logout", "Login", "LoginApi"),
    V2Only("import_errors", "GET /plugins/importErrors", "Plugin", "PluginApi"),
    V2Only("bulk_pools", "PATCH /pools", "Pool", "PoolApi"),
    V2Only("delete_task_instance", "DELETE " + _TI, "Task Instance", "TaskInstanceApi"),
    V2Only("bulk_task_instances", "PATCH /dags/{dag_id}/dagRuns/{dag_run_id}/taskInstances", "Task Instance",
           "TaskInstanceApi"),
    V2Only("patch_task_group_instances", "PATCH /dags/{dag_id}/dagRuns/{dag_run_id}/taskGroupInstances/{group_id}",
           "Task Instance", "TaskInstanceApi"),
    V2Only("patch_task_group_instances_dry_run",
           "PATCH /dags/{dag_id}/dagRuns/{dag_run_id}/taskGroupInstances/{group_id}/dry_run", "Task Instance",
           "TaskInstanceApi"),
    V2Only("get_external_log_url", "GET " + _TI + "/externalLogUrl/{try_number}", "Task Instance", "TaskInstanceApi"),
    V2Only("get_hitl_detail", "GET " + _TI + "/{map_index}/hitlDetails", "Task Instance", "TaskInstanceApi"),
    V2Only("update_hitl_detail", "PATCH " + _TI + "/{map_index}/hitlDetails", "Task Instance", "TaskInstanceApi"),
    V2Only("get_hitl_detail_try_detail", "GET " + _TI + "/{map_index}/hitlDetails/tries/{try_number}",
           "Task Instance", "TaskInstanceApi"),
    V2Only("get_hitl_details", "GET /dags/{dag_id}/dagRuns/{dag_run_id}/hitlDetails", "Task Instance",
           "TaskInstanceApi"),
    V2Only("list_task_state_store", "GET " + _TI + "/state-store", "Task State Store", "TaskStateStoreApi"),
    V2Only("clear_task_state_store", "DELETE " + _TI + "/state-store", "Task State Store", "TaskStateStoreApi"),
    V2Only("get_task_state_store", "GET " + _TI + "/state-store/{key}", "Task State Store", "TaskStateStoreApi"),
    V2Only("set_task_state_store", "PUT " + _TI + "/state-store/{key}", "Task State Store", "TaskStateStoreApi"),
    V2Only("patch_task_state_store", "PATCH " + _TI + "/state-store/{key}", "Task State Store", "TaskStateStoreApi"),
    V2Only("delete_task_state_store", "DELETE " + _TI + "/state-store/{key}", "Task State Store", "TaskStateStoreApi"),
    V2Only("bulk_variables", "PATCH /variables", "Variable", "VariableApi"),
    V2Only("create_xcom_entry", "POST " + _TI + "/xcomEntries", "XCom", "XComApi"),
    V2Only("update_xcom_entry", "PATCH " + _TI + "/xcomEntries/{xcom_key}", "XCom", "XComApi"),
    V2Only("delete_xcom_entry", "DELETE " + _TI + "/xcomEntries/{xcom_key}", "XCom", "XComApi"),
)

# FAB auth manager operations no v1 operation maps to: the auth flows, which the client's
# authentication uses rather than exposing as API methods.
FAB_ONLY: Mapping[str, str] = _frozen({
    "create_token": "POST {root}/auth/token: a JWT for a user name and password (what Bearer auth uses)",
    "create_token_cli": "POST {root}/auth/token/cli: a token with the CLI's lifetime",
    "logout": "GET {root}/auth/logout: the browser's logout, a redirect",
})

# v1 enums whose values differ in v2, wherever they appear (the client keeps values it does not know).
ENUM_CHANGES: Mapping[str, str] = _frozen({
    "TaskState": "v2 adds \"awaiting_input\" (a task waiting for a human's answer) and has no \"none\": "
    "a task instance without a state has state null; as a filter in a query, \"none\" still works",
})

# v2 operationIds that equal a v1 operationId but behave differently for a 2.x caller.
SAME_NAME_OTHER_MEANING: Mapping[str, str] = _frozen({
    "get_dag_source": "takes a DAG id where 2.x took a file token, and serves one DAG version's source",
    "patch_task_instance": "without map_index it changes every map index of the task (2.x: the unmapped "
    "instance); it also sets notes; a dry run is a separate route, not a body flag; it answers a collection",
    "get_log": "answers structured records (JSON or NDJSON), never text; the try is the path's try_number",
    "get_task_instance_tries": "answers every try at once: no limit, offset or order_by",
    "get_mapped_task_instance_tries": "answers every try at once: no limit, offset or order_by",
    "get_permissions": "FAB's operation lists (action, resource) pairs; 2.x's listed the action names",
})

# Differences that hold for every operation rather than one.
GENERAL: Mapping[str, str] = _frozen({
    "root": "the API lives under /api/v2; users, roles and permissions under /auth/fab/v1 (only with the FAB "
    "auth manager)",
    "auth": "a JWT from POST {root}/auth/token sent as Bearer; Basic credentials are refused",
    "errors": "an error answers {\"detail\": ...} (a string or an object) instead of 2.x's "
    "{type, title, status, detail, instance}",
    "validation": "invalid parameters or bodies answer 422 with {\"detail\": [{loc, msg, type}, ...]} "
    "where 2.x answered 400",
    "page size": f"lists answer {V2_LIMIT_DEFAULT} items unless limit says otherwise (2.x: {V1_LIMIT_DEFAULT}), "
    f"so a 2.x method sends limit={V1_LIMIT_DEFAULT} when the call names none; a larger limit is cut to the "
    f"server's maximum_page_limit ({V2_LIMIT_CAP} by default) without an error",
    "cursor": "get_dag_runs and get_task_instances also page by cursor: next_cursor and previous_cursor in the "
    "answer, cursor in the next call",
    "dates": "execution_date is logical_date everywhere, in filters, bodies, answers and sort keys",
    "lists": "a list parameter is sent repeated (?state=a&state=b); update_mask too, which 2.x took comma-joined",
})

# v2 parameters the v1 method lacks, per v1 operation served in v2: keyword-only parameters to add.
V2_EXTRA_PARAMS: Mapping[str, tuple[str, ...]] = _frozen({
    "get_connections": ("connection_id_pattern", "connection_id_prefix_pattern"),
    "get_dag_runs": (
        "partition_date_gte", "partition_date_lte", "cursor", "run_after_gte", "run_after_gt", "run_after_lte",
        "run_after_lt", "logical_date_gt", "logical_date_lt", "start_date_gt", "start_date_lt", "end_date_gt",
        "end_date_lt", "duration_gte", "duration_gt", "duration_lte", "duration_lt", "updated_at_gt",
        "updated_at_lt", "conf_contains", "run_type", "dag_version", "bundle_version", "run_id_pattern",
        "run_id_prefix_pattern", "triggering_user_name_pattern", "triggering_user_name_prefix_pattern",
        "dag_id_pattern", "dag_id_prefix_pattern", "partition_key_pattern", "partition_key_prefix_pattern",
        "consuming_asset_pattern",
    ),
    "get_dag_source": ("version_number",),
    "get_dags": (
        "tags_match_mode", "owners", "dag_id_prefix_pattern", "dag_display_name_pattern",
        "dag_display_name_prefix_pattern", "has_import_errors", "last_dag_run_state", "bundle_name",
        "bundle_version", "has_asset_schedule", "asset_dependency", "dag_run_start_date_gte",
        "dag_run_start_date_gt", "dag_run_start_date_lte", "dag_run_start_date_lt", "dag_run_end_date_gte",
        "dag_run_end_date_gt", "dag_run_end_date_lte", "dag_run_end_date_lt", "dag_run_state", "is_favorite",
        "timetable_type",
    ),
    "get_dataset_events": (
        "name_pattern", "name_prefix_pattern", "timestamp_gte", "timestamp_gt", "timestamp_lte", "timestamp_lt",
    ),
    "get_datasets": ("name_pattern", "name_prefix_pattern", "uri_prefix_pattern", "only_active"),
    "get_event_logs": (
        "dag_id_pattern", "task_id_pattern", "run_id_pattern", "owner_pattern", "event_pattern",
        "dag_id_prefix_pattern", "task_id_prefix_pattern", "run_id_prefix_pattern", "owner_prefix_pattern",
        "event_prefix_pattern",
    ),
    "get_extra_links": ("try_number",),
    "get_import_errors": ("filename_pattern", "filename_prefix_pattern", "filename", "bundle_name"),
    "get_mapped_task_instances": (
        "run_after_gte", "run_after_gt", "run_after_lte", "run_after_lt", "logical_date_gt", "logical_date_lt",
        "start_date_gt", "start_date_lt", "end_date_gt", "end_date_lt", "updated_at_gt", "updated_at_lt",
        "duration_gt", "duration_lt", "pool_name_pattern", "pool_name_prefix_pattern", "queue_name_pattern",
        "queue_name_prefix_pattern", "version_number", "try_number", "operator", "operator_name_pattern",
        "operator_name_prefix_pattern", "map_index", "rendered_map_index_pattern",
        "rendered_map_index_prefix_pattern",
    ),
    "get_permissions": ("order_by",),
    "get_pools": ("pool_name_pattern", "pool_name_prefix_pattern"),
    "get_providers": ("limit", "offset"),
    "get_task_instance_dependencies": ("map_index",),
    "get_task_instance_tries": ("map_index",),
    "get_task_instance_try_details": ("map_index",),
    "get_task_instances": (
        "cursor", "task_id", "run_after_gte", "run_after_gt", "run_after_lte", "run_after_lt", "logical_date_gt",
        "logical_date_lt", "start_date_gt", "start_date_lt", "end_date_gt", "end_date_lt", "updated_at_gt",
        "updated_at_lt", "duration_gt", "duration_lt", "task_display_name_pattern",
        "task_display_name_prefix_pattern", "task_group_id", "dag_id_pattern", "dag_id_prefix_pattern",
        "run_id_pattern", "run_id_prefix_pattern", "pool_name_pattern", "pool_name_prefix_pattern",
        "queue_name_pattern", "queue_name_prefix_pattern", "version_number", "try_number", "operator",
        "operator_name_pattern", "operator_name_prefix_pattern", "map_index", "rendered_map_index_pattern",
        "rendered_map_index_prefix_pattern", "order_by",
    ),
    "get_variables": ("variable_key_pattern", "variable_key_prefix_pattern"),
    "get_xcom_entries": (
        "xcom_key_pattern", "xcom_key_prefix_pattern", "dag_display_name_pattern", "dag_display_name_prefix_pattern",
        "run_id_pattern", "run_id_prefix_pattern", "task_id_pattern", "task_id_prefix_pattern", "map_index_filter",
        "logical_date_gte", "logical_date_gt", "logical_date_lte", "logical_date_lt", "run_after_gte",
        "run_after_gt", "run_after_lte", "run_after_lt", "order_by",
    ),
    "patch_dags": ("tags_match_mode", "owners", "dag_id_prefix_pattern", "paused"),
    "patch_mapped_task_instance": ("update_mask",),
    "patch_task_instance": ("update_mask",),
    "post_set_task_instances_state": ("map_index", "update_mask"),
})


def summary() -> str:
    """One line of counts: how much of v1 Airflow 3 serves, and how much of v2 is new."""
    served = {r.v2 for r in ROUTES.values() if r.v2 and r.base == V2} | {
        r.dry_run_route for r in ROUTES.values() if r.dry_run_route
    }
    missing = [name for name, r in ROUTES.items() if r.v2 is None]
    fab = sum(r.base == FAB for r in ROUTES.values())
    return (
        f"{len(ROUTES)} v1 operations: {len(ROUTES) - len(missing)} served in Airflow 3 ({fab} by the FAB auth "
        f"manager's API), {len(missing)} without an equivalent; {len(served)} v2 operations serve them, "
        f"{len(V2_ONLY)} are v2-only"
    )


if __name__ == "__main__":
    print(summary())
