"""Our own one-line descriptions of API classes, operations and models, used by tools/generate.py."""

API_DESCRIPTIONS = {
    "TaskInstance": "read, filter and change task instances, their tries, notes, logs and links.",
    "Config": "read the server's configuration, whole, by section or one option at a time, where the server allows it.",
    "Connection": "list, create, read, change, delete and test the connections that hooks use to reach other systems.",
    "DAG": "list DAGs, pause and unpause them, read their details, tasks and source, delete their records, and clear or set the state of their task instances.",
    "DAGRun": "list, trigger, read, change and delete DAG runs, and read the dataset events behind a run.",
    "DagStats": "count the runs of chosen DAGs in each run state.",
    "DagWarning": "list the warnings Airflow recorded about parsed DAGs.",
    "Dataset": "list datasets and their events, record a dataset update, and read or remove the updates queued for DAGs.",
    "EventLog": "read the audit log of what users and Airflow did to DAGs, runs, tasks and other objects.",
    "ImportError": "read the errors raised while importing DAG files.",
    "Monitoring": "check the health of Airflow's components and read its version, without credentials.",
    "Permission": "list the permission actions that roles grant on resources (FAB auth manager only, deprecated).",
    "Plugin": "list the plugins the webserver loaded and what each one adds.",
    "Pool": "list, create, read, resize and delete pools, which limit how many task instances run at once.",
    "Provider": "list the provider packages installed on the webserver.",
    "Role": "list, create, read, change and delete roles and their permissions (FAB auth manager only, deprecated).",
    "User": "list, create, read, change and delete user accounts (FAB auth manager only, deprecated).",
    "Variable": "list, create, read, change and delete Airflow variables.",
    "XCom": "read the XCom entries that task instances pushed, and their values.",
}

API_INTRODUCTIONS = {
    "TaskInstance": """
A task instance is one task of one DAG run; a mapped task has one per map index, and each try of a
task instance is kept in its history. The ids in paths are sent percent-encoded, so run ids such as
`manual__2024-01-01T00:00:00+00:00` work as they are; `~` for both the DAG id and the run id of
`get_task_instances` lists across all DAGs and runs.

```python
import airflow_client.client
from airflow_client.client.api import task_instance_api

configuration = airflow_client.client.Configuration(
    host="http://localhost:8080/api/v1", username="admin", password="admin"
)
with airflow_client.client.ApiClient(configuration) as api_client:
    api = task_instance_api.TaskInstanceApi(api_client)
    failed = api.get_task_instances("~", "~", state=["failed"], limit=100)
    for ti in failed.task_instances:
        print(ti.dag_id, ti.dag_run_id, ti.task_id, ti.try_number, ti.end_date)
```

Filters on dates take aware `datetime` objects or ISO 8601 strings (a naive `datetime` is read as
UTC); `state`, `pool`, `queue` and `executor` take lists and match any of their values.
""",
    "Config": """
The server only shows its configuration when `[webserver] expose_config` allows it: `True` shows
every value, `non-sensitive-only` shows secrets such as passwords as `< hidden >`, and the default
`False` makes both calls answer 403. `get_value` hides secret options in every case. Answers are
`Config` objects made of sections and options; with `_headers={"Accept": "text/plain"}` the same
content comes back as INI text in a `str`.

```python
import airflow_client.client
from airflow_client.client.api import config_api

configuration = airflow_client.client.Configuration(
    host="http://localhost:8080/api/v1", username="admin", password="admin"
)
with airflow_client.client.ApiClient(configuration) as api_client:
    api = config_api.ConfigApi(api_client)
    core = api.get_config(section="core")
    for option in core.sections[0].options:
        print(option.key, "=", option.value)
    print(api.get_value("core", "parallelism", _headers={"Accept": "text/plain"}))
```
""",
    "Connection": """
A connection holds what a hook needs to reach another system: a type, host, port, login, password,
schema and a JSON `extra` string. Only connections stored in the metadata database are visible here,
not those from environment variables or a secrets backend. The password can be written but is never
sent back, keys of `extra` that look secret come back as `***`, and the listing leaves out both.
`test_connection` checks the given fields with the hook of their type without saving anything, and
only works when the server sets `[core] test_connection = Enabled`.

```python
import airflow_client.client
from airflow_client.client.api import connection_api
from airflow_client.client.model.connection import Connection

configuration = airflow_client.client.Configuration(
    host="http://localhost:8080/api/v1", username="admin", password="admin"
)
with airflow_client.client.ApiClient(configuration) as api_client:
    api = connection_api.ConnectionApi(api_client)
    api.post_connection(
        Connection(
            connection_id="warehouse", conn_type="postgres", host="db.internal", port=5432,
            login="etl", password="change-me", schema="analytics",
        )
    )
    api.patch_connection("warehouse", Connection(connection_id="warehouse", port=6432), update_mask=["port"])
    conn = api.get_connection("warehouse")
    print(conn.conn_type, conn.host, conn.port)
```
""",
    "DAG": """
DAGs come from parsing the files in the DAGs folder, so they cannot be created here: a DAG can be
paused or unpaused, read, or have its records deleted from the metadata database. `get_dag` reads the
stored record, `get_dag_details` adds what the parsed DAG object holds, and `get_tasks` and `get_task`
describe its tasks. A DAG's `file_token` is what `get_dag_source` and `reparse_dag_file` take.
`post_clear_task_instances` and `post_set_task_instances_state` act on task instances of the DAG and
only report what they would do unless `dry_run` is set to false.

```python
import airflow_client.client
from airflow_client.client.api import dag_api
from airflow_client.client.model.dag import DAG

configuration = airflow_client.client.Configuration(
    host="http://localhost:8080/api/v1", username="admin", password="admin"
)
with airflow_client.client.ApiClient(configuration) as api_client:
    api = dag_api.DAGApi(api_client)
    for dag in api.get_dags(tags=["etl"], paused=False, limit=50).dags:
        print(dag.dag_id, dag.timetable_description, dag.next_dagrun)
    api.patch_dag("my_dag", DAG(is_paused=True), update_mask=["is_paused"])
    token = api.get_dag("my_dag").file_token
    print(api.get_dag_source(token, _headers={"Accept": "text/plain"}))
```
""",
    "DAGRun": """
A DAG run is one execution of a DAG for a logical date, started by the scheduler, by a dataset
update or by hand with `post_dag_run`. A run triggered here starts `queued` and stays so while its DAG
is paused; without a `dag_run_id` it gets one like `manual__<logical date>`. Run ids are
percent-encoded in paths by the client, and `~` as the DAG id of `get_dag_runs` lists the runs of
every DAG the caller may read.

```python
import time

import airflow_client.client
from airflow_client.client.api import dag_run_api
from airflow_client.client.model.dag_run import DAGRun
from airflow_client.client.waiting import trigger_and_wait

configuration = airflow_client.client.Configuration(
    host="http://localhost:8080/api/v1", username="admin", password="admin"
)
with airflow_client.client.ApiClient(configuration) as api_client:
    api = dag_run_api.DAGRunApi(api_client)
    # Trigger a run and poll it until it succeeds or fails (airflow_client.client.waiting).
    run = trigger_and_wait(api, "my_dag", DAGRun(conf={"day": "2024-01-01"}, note="rerun by hand"), timeout=3600)
    print(run.dag_run_id, run.state, run.end_date)
```
""",
    "DagStats": """
The counts are of DAG runs in the metadata database, one per run state (`queued`, `running`,
`success`, `failed`), zeros included. `dag_ids` is one comma-separated string, not a list, and DAGs
the caller may not read are left out of the answer without an error.

```python
import airflow_client.client
from airflow_client.client.api import dag_stats_api

configuration = airflow_client.client.Configuration(
    host="http://localhost:8080/api/v1", username="admin", password="admin"
)
with airflow_client.client.ApiClient(configuration) as api_client:
    api = dag_stats_api.DagStatsApi(api_client)
    for dag in api.get_dag_stats("my_dag,other_dag").dags or []:
        print(dag.dag_id, {item.state: item.count for item in dag.stats or []})
```
""",
    "DagWarning": """
The DAG processor records a warning when a parsed DAG refers to something that does not exist and
replaces the warnings each time it parses the DAGs again. In Airflow 2.11 there is one kind,
`non-existent pool`: a task assigned to a pool that has not been created.

```python
import airflow_client.client
from airflow_client.client.api import dag_warning_api

configuration = airflow_client.client.Configuration(
    host="http://localhost:8080/api/v1", username="admin", password="admin"
)
with airflow_client.client.ApiClient(configuration) as api_client:
    api = dag_warning_api.DagWarningApi(api_client)
    for warning in api.get_dag_warnings(warning_type="non-existent pool").dag_warnings:
        print(warning.dag_id, warning.timestamp, warning.message)
```
""",
    "Dataset": """
A dataset is named by a URI; a task that lists it in its `outlets` records an event on it each time it
succeeds, and DAGs scheduled on it run after it is updated. A DAG scheduled on several datasets keeps
one queued event per updated dataset until all of them have been updated; the queued-event calls
read or drop those entries by DAG, by dataset or both, and answer 404 when there are none. URIs are
given as they are (the client percent-encodes them in the path). Airflow 2.11 sends the lists of
queued events under `queued_events`, not under the `datasets` field the spec declares.

```python
import airflow_client.client
from airflow_client.client.api import dataset_api
from airflow_client.client.model.create_dataset_event import CreateDatasetEvent

configuration = airflow_client.client.Configuration(
    host="http://localhost:8080/api/v1", username="admin", password="admin"
)
with airflow_client.client.ApiClient(configuration) as api_client:
    api = dataset_api.DatasetApi(api_client)
    event = api.create_dataset_event(CreateDatasetEvent(dataset_uri="s3://bucket/orders", extra={"rows": 1200}))
    print(event.dataset_uri, event.timestamp)
    for dataset in api.get_datasets(uri_pattern="s3://bucket").datasets:
        print(dataset.uri, [ref.dag_id for ref in dataset.consuming_dags])
```
""",
    "EventLog": """
The event log is Airflow's audit trail. Each entry names an `event` (a user action such as `trigger`
or `api.connection.edit`, or a task instance state change), the time, the `owner` who caused it, the
DAG, run and task it concerns, and details in `extra`. Filter by any of these and page through with
`limit` and `offset`.

```python
from datetime import datetime, timedelta, timezone

import airflow_client.client
from airflow_client.client.api import event_log_api

configuration = airflow_client.client.Configuration(
    host="http://localhost:8080/api/v1", username="admin", password="admin"
)
with airflow_client.client.ApiClient(configuration) as api_client:
    api = event_log_api.EventLogApi(api_client)
    since = (datetime.now(timezone.utc) - timedelta(days=1)).isoformat()
    page = api.get_event_logs(dag_id="my_dag", after=since, order_by="-when", limit=20)
    for entry in page.event_logs:
        print(entry.when, entry.owner, entry.event, entry.extra)
```
""",
    "ImportError": """
When a DAG file fails to import, the DAG processor records the file name, the time and the stack
trace, and removes the record once the file imports again. Files none of whose DAGs the caller may
read are left out, and the stack trace is redacted unless the caller may read every DAG of the file.

```python
import airflow_client.client
from airflow_client.client.api import import_error_api

configuration = airflow_client.client.Configuration(
    host="http://localhost:8080/api/v1", username="admin", password="admin"
)
with airflow_client.client.ApiClient(configuration) as api_client:
    api = import_error_api.ImportErrorApi(api_client)
    for error in api.get_import_errors(order_by="-timestamp").import_errors:
        print(error.filename, error.timestamp)
        print(error.stack_trace)
```
""",
    "Monitoring": """
Both calls answer without credentials, so they suit load balancer probes and monitoring systems. A
component is healthy when its latest heartbeat is recent enough; the triggerer has no status if none
has ever run, and the DAG processor only has one when it runs as a standalone process.

```python
import airflow_client.client
from airflow_client.client.api import monitoring_api

configuration = airflow_client.client.Configuration(
    host="http://localhost:8080/api/v1", username="admin", password="admin"
)
with airflow_client.client.ApiClient(configuration) as api_client:
    api = monitoring_api.MonitoringApi(api_client)
    health = api.get_health()
    print("database:", health.metadatabase.status)
    print("scheduler:", health.scheduler.status, health.scheduler.latest_scheduler_heartbeat)
    print("version:", api.get_version().version)
```
""",
    "Permission": """
An action such as `can_read`, `can_edit`, `can_create`, `can_delete` or `menu_access` is one half of a
permission; a role grants it on a resource such as `DAGs` or `Connections`. Like the role and user
calls, this one belongs to the FAB auth manager: it answers 400 under any other auth manager, and
Airflow 2.11 deprecates it in favour of the same path under `/auth/fab/v1`.

```python
import airflow_client.client
from airflow_client.client.api import permission_api

configuration = airflow_client.client.Configuration(
    host="http://localhost:8080/api/v1", username="admin", password="admin"
)
with airflow_client.client.ApiClient(configuration) as api_client:
    api = permission_api.PermissionApi(api_client)
    print([action.name for action in api.get_permissions().actions])
```
""",
    "Plugin": """
A plugin is a module in the plugins folder, or a package registered through an entry point, that adds
hooks, macros, web views, menu items, operator links, listeners, timetables or other pieces to
Airflow. The answer lists the plugins the webserver process has loaded and where each came from.

```python
import airflow_client.client
from airflow_client.client.api import plugin_api

configuration = airflow_client.client.Configuration(
    host="http://localhost:8080/api/v1", username="admin", password="admin"
)
with airflow_client.client.ApiClient(configuration) as api_client:
    api = plugin_api.PluginApi(api_client)
    for plugin in api.get_plugins().plugins:
        print(plugin.name, plugin.source, plugin.macros, plugin.timetables)
```
""",
    "Pool": """
A pool limits how many task instances run at once across all DAGs: each task takes `pool_slots` slots
(one by default) of its pool, and tasks that name no pool use `default_pool`. The counts of running,
queued, scheduled, deferred and open slots are worked out at each read; deferred tasks only hold slots
when the pool sets `include_deferred`. `default_pool` can be resized but not renamed or deleted.

```python
import airflow_client.client
from airflow_client.client.api import pool_api
from airflow_client.client.model.pool import Pool

configuration = airflow_client.client.Configuration(
    host="http://localhost:8080/api/v1", username="admin", password="admin"
)
with airflow_client.client.ApiClient(configuration) as api_client:
    api = pool_api.PoolApi(api_client)
    api.post_pool(Pool(name="warehouse", slots=4, description="queries against the warehouse"))
    api.patch_pool("warehouse", Pool(name="warehouse", slots=8), update_mask=["slots"])
    pool = api.get_pool("warehouse")
    print(pool.slots, pool.running_slots, pool.queued_slots, pool.open_slots)
```
""",
    "Provider": """
Providers are the separately installed `apache-airflow-providers-*` packages that bring operators,
hooks, connection types and more. The list shows what is installed in the webserver's environment,
which is not necessarily what the scheduler and workers have.

```python
import airflow_client.client
from airflow_client.client.api import provider_api

configuration = airflow_client.client.Configuration(
    host="http://localhost:8080/api/v1", username="admin", password="admin"
)
with airflow_client.client.ApiClient(configuration) as api_client:
    api = provider_api.ProviderApi(api_client)
    for provider in api.get_providers()["providers"]:
        print(provider["package_name"], provider["version"])
```
""",
    "Role": """
A role is a named set of permissions, each an action on a resource (for example `can_read` on `DAGs`),
and users get their rights through their roles. These calls belong to the FAB auth manager: they
answer 400 under any other auth manager, and Airflow 2.11 deprecates them in favour of the same paths
under `/auth/fab/v1`. Every action and resource named must already exist; `patch_role` adds the
permissions it is given without taking any away, and `post_role` answers with an empty role, so read
the role back with `get_role`.

```python
import airflow_client.client
from airflow_client.client.api import role_api

configuration = airflow_client.client.Configuration(
    host="http://localhost:8080/api/v1", username="admin", password="admin"
)
with airflow_client.client.ApiClient(configuration) as api_client:
    api = role_api.RoleApi(api_client)
    read_dags = {"action": {"name": "can_read"}, "resource": {"name": "DAGs"}}
    api.post_role({"name": "dag_reader", "actions": [read_dags]})
    for permission in api.get_role("dag_reader").actions:
        print(permission.action.name, permission.resource.name)
```
""",
    "User": """
User accounts belong to the FAB auth manager, the default in Airflow 2: these calls answer 400 under
any other auth manager, and Airflow 2.11 deprecates them in favour of the same paths under
`/auth/fab/v1`. Passwords can be written but are never returned, roles are given by name and must
exist, and a change must carry the first and last name, username and email even with `update_mask`.
Airflow 2.11 returns the failed login count as `fail_login_count`, not as the `failed_login_count`
the spec declares.

```python
import airflow_client.client
from airflow_client.client.api import user_api
from airflow_client.client.model.user import User

configuration = airflow_client.client.Configuration(
    host="http://localhost:8080/api/v1", username="admin", password="admin"
)
with airflow_client.client.ApiClient(configuration) as api_client:
    api = user_api.UserApi(api_client)
    names = {"username": "jdoe", "first_name": "Jane", "last_name": "Doe", "email": "jdoe@example.com"}
    api.post_user(User(**names, password="change-me", roles=[{"name": "Viewer"}]))
    api.patch_user("jdoe", User(**names, roles=[{"name": "Op"}]), update_mask=["roles"])
    print(api.get_user("jdoe").roles)
```
""",
    "Variable": """
Variables are key/value strings that DAGs read at run time, for example with `Variable.get`; only
those stored in the metadata database are visible here, not those from environment variables or a
secrets backend. Values are returned as stored, even for keys that look secret. `post_variables`
overwrites a key that already exists, and `patch_variable` needs the body's `key` to match the path;
in Airflow 2.11 its `update_mask` calls the value `val` and refuses `value`.

```python
import airflow_client.client
from airflow_client.client.api import variable_api
from airflow_client.client.model.variable import Variable

configuration = airflow_client.client.Configuration(
    host="http://localhost:8080/api/v1", username="admin", password="admin"
)
with airflow_client.client.ApiClient(configuration) as api_client:
    api = variable_api.VariableApi(api_client)
    api.post_variables(Variable(key="report_to", value="ops@example.com", description="daily report"))
    api.patch_variable("report_to", Variable(key="report_to", value="ops@example.com,data@example.com"))
    print(api.get_variable("report_to").value)
```
""",
    "XCom": """
XComs are small values that tasks push for other tasks to pull, such as an operator's return value
under the key `return_value`. The listing gives keys and times only; `get_xcom_entry` returns the
value, as a string unless `stringify=False` is passed. Entries of a mapped task carry its `map_index`
(`-1` for an unmapped task), and `~` as the DAG, run or task id of `get_xcom_entries` lists across
all of them.

```python
import airflow_client.client
from airflow_client.client.api import x_com_api

configuration = airflow_client.client.Configuration(
    host="http://localhost:8080/api/v1", username="admin", password="admin"
)
with airflow_client.client.ApiClient(configuration) as api_client:
    api = x_com_api.XComApi(api_client)
    run_id = "manual__2024-01-01T00:00:00+00:00"
    for entry in api.get_xcom_entries("my_dag", run_id, "~").xcom_entries:
        print(entry.task_id, entry.map_index, entry.key)
    print(api.get_xcom_entry("my_dag", run_id, "extract", "return_value", stringify=False).value)
```
""",
}

OPERATION_DESCRIPTIONS = {
    "get_task_instances": "List the task instances of one DAG run; pass `~` for both ids to list across all DAGs and runs.",
    "get_task_instances_batch": "List task instances across DAGs and runs, with the filters in a request body.",
    "get_task_instance": "Read one task instance of a DAG run.",
    "get_mapped_task_instance": "Read one expanded copy of a mapped task, by its map index.",
    "get_mapped_task_instances": "List the expanded copies of a mapped task in one DAG run.",
    "patch_task_instance": "Set the state of one task instance; the server only reports what would change unless the body says `dry_run=False`, and answers a real change with an empty reference.",
    "patch_mapped_task_instance": "Set the state of one expanded copy of a mapped task; as with `patch_task_instance`, nothing changes unless `dry_run=False`.",
    "set_task_instance_note": "Write the note shown on a task instance; returns the updated task instance.",
    "set_mapped_task_instance_note": "Write the note shown on one expanded copy of a mapped task.",
    "get_task_instance_dependencies": "List the dependencies that keep a task instance from running now.",
    "get_mapped_task_instance_dependencies": "List the dependencies that keep one expanded copy of a mapped task from running.",
    "get_task_instance_tries": "List every try of a task instance, the current one included.",
    "get_mapped_task_instance_tries": "List every try of one expanded copy of a mapped task.",
    "get_task_instance_try_details": "Read one try of a task instance, by try number.",
    "get_mapped_task_instance_try_details": "Read one try of one expanded copy of a mapped task.",
    "get_extra_links": "List the extra links (for example to an external system) an operator offers for a task instance.",
    "get_log": (
        "Read the log of one try of a task instance. JSON by default (`content` and a "
        "`continuation_token` to read on from); `_headers={'Accept': 'text/plain'}` returns the text."
    ),
    # Config
    "get_config": "Read the configuration, every section or only the one named by `section`; the server answers 403 unless `[webserver] expose_config` is `True` or `non-sensitive-only` (which hides secret values), and `_headers={'Accept': 'text/plain'}` returns INI text instead of a `Config`.",
    "get_value": "Read one configuration option, as a `Config` with a single section and option; needs `[webserver] expose_config` like `get_config`, and always shows secret options as `< hidden >`.",
    # Connection
    "get_connections": "List the connections stored in the metadata database, a page at a time, without passwords or `extra` (`order_by` takes `connection_id`, `conn_type`, `description`, `host`, `port` or `id`, with a leading `-` to reverse).",
    "post_connection": "Create a connection; `connection_id` and `conn_type` are required, and an id already in use is answered with 409.",
    "get_connection": "Read one connection; the password is never returned, and keys of `extra` that look secret come back as `***`.",
    "patch_connection": "Change a connection; with `update_mask` only the named fields are taken from the body, otherwise every field sent is written, and the connection id cannot be changed.",
    "delete_connection": "Delete a connection from the metadata database.",
    "test_connection": "Try the given connection fields with the hook of their `conn_type`, without saving anything, and return whether it worked with the hook's message; the server answers 403 unless `[core] test_connection` is `Enabled`.",
    # DAG
    "get_dags": "List the DAGs the caller may read, a page at a time; `dag_id_pattern` matches part of the id regardless of case, `tags` keeps DAGs with any of the tags, `only_active` (true unless set) leaves out DAGs whose file is gone, and `fields` limits the fields returned.",
    "patch_dags": "Pause or unpause, through `is_paused`, every DAG whose id contains `dag_id_pattern` (`~` for all), optionally only those with one of `tags`; only the first `limit` matches (100 by default) are changed, and `is_paused` is the only field that can be.",
    "get_dag": "Read one DAG as stored in the metadata database (pause state, schedule, next run, tags, limits); `fields` limits the fields returned.",
    "patch_dag": "Pause or unpause one DAG by sending `is_paused`, the only field that can be changed; `update_mask`, if given, must be `['is_paused']`.",
    "delete_dag": "Delete every record of a DAG from the metadata database (runs, task instances and the rest); the DAG comes back at the next parse if its file is still there, and the server answers 409 while any of its task instances is running.",
    "post_clear_task_instances": "Clear task instances of a DAG so the scheduler runs them again, chosen by a `dag_run_id` or a date range plus `task_ids`, relatives and state filters; `dry_run` and `only_failed` are true unless set, so by default it only lists the failed task instances that would be cleared.",
    "post_set_task_instances_state": "Set the state of one task in one run (given by either `dag_run_id` or `execution_date`) and, if asked, of its upstream, downstream, past or future relatives; all four `include_*` flags must be sent, and `dry_run` is true unless set, which only lists the task instances that would change.",
    "reparse_dag_file": "Ask the DAG processor to parse the file behind a DAG's `file_token` ahead of its turn; the 201 answer has no body and only means the request was queued.",
    "get_dag_details": "Read one DAG with what its parsed object adds to the stored record (time zone, catchup, params, start and end dates, run timeout, documentation); `fields` limits the fields returned.",
    "get_tasks": "List the tasks of a DAG with their operator settings; `order_by` names a task attribute (default `task_id`), with a leading `-` to reverse.",
    "get_task": "Read one task of a DAG: its operator class, owner, retries, pool, trigger rule, downstream task ids and other settings.",
    "get_dag_source": "Read the source code of a DAG file, by the `file_token` of one of its DAGs; JSON by default (`content`), and `_headers={'Accept': 'text/plain'}` returns the text.",
    # DAGRun
    "get_dag_runs": "List the runs of one DAG, or of every DAG the caller may read with `~` as the id, filtered by logical date (`execution_date_*`), start, end and update times and `state`; `fields` limits the fields returned.",
    "post_dag_run": "Trigger a DAG: create a manual run in the `queued` state, with optional `dag_run_id`, `logical_date`, `conf`, `note` and data interval; a run id or logical date already in use is answered with 409, and a DAG whose file has import errors with 400.",
    "get_dag_runs_batch": "List DAG runs across DAGs, with the filters in a request body (`dag_ids`, `states`, date ranges, `order_by`, `page_offset`, `page_limit`).",
    "get_dag_run": "Read one DAG run; `fields` limits the fields returned.",
    "update_dag_run_state": "Set the state of a DAG run: `success` marks its task instances successful, `failed` fails the running ones and skips those not yet finished, and `queued` only changes the run's own state.",
    "delete_dag_run": "Delete a DAG run and its task instances.",
    "clear_dag_run": "Clear every task instance of a DAG run so it runs again, returning the updated run as a `dict`; `dry_run` is true unless set, and then nothing changes and the answer lists the task instances that would be cleared.",
    "get_upstream_dataset_events": "List the dataset events that triggered a DAG run; the list is empty for runs that datasets did not trigger.",
    "set_dag_run_note": "Write the note shown on a DAG run; returns the updated run.",
    # DagStats
    "get_dag_stats": "Count the runs of each DAG in `dag_ids` (one comma-separated string) in each run state, leaving out DAGs the caller may not read.",
    # DagWarning
    "get_dag_warnings": "List DAG warnings, optionally only those of one `dag_id` or one `warning_type` (`non-existent pool` is the only type in Airflow 2.11).",
    # Dataset
    "get_dag_dataset_queued_event": "Read the queued update of one dataset for one DAG that is waiting for its other datasets; `before` only considers updates queued before that time, and none found is a 404.",
    "delete_dag_dataset_queued_event": "Drop the queued update of one dataset for one DAG, so it no longer counts toward the DAG's next run; `before` only drops it if it was queued before that time, and none found is a 404.",
    "get_dag_dataset_queued_events": "List the dataset updates queued for one DAG that is waiting for its other datasets; `before` only keeps those queued before that time, and an empty list is answered with 404.",
    "delete_dag_dataset_queued_events": "Drop every queued dataset update of one DAG, or with `before` only those queued before that time; none found is a 404.",
    "get_dataset_queued_events": "List the DAGs the caller may read in which an update of one dataset is queued; `before` only keeps those queued before that time, and an empty list is answered with 404.",
    "delete_dataset_queued_events": "Drop the queued updates of one dataset from every DAG the caller may read, or with `before` only those queued before that time; none found is a 404.",
    "get_datasets": "List datasets with the DAGs scheduled on them and the tasks that update them; `uri_pattern` matches part of the URI regardless of case, `dag_ids` (comma-separated) keeps datasets those DAGs use, and `total_entries` counts all datasets whatever the filters.",
    "get_dataset": "Read one dataset by its URI, with the DAGs scheduled on it and the tasks that update it.",
    "get_dataset_events": "List dataset events, oldest first unless `order_by` says otherwise, filtered by `dataset_id` and by the DAG, task, run and map index of the task that produced them.",
    "create_dataset_event": "Record an update of an existing dataset, as a producing task would, which can trigger the DAGs scheduled on it; `extra` is stored with `from_rest_api: true` added, and an unknown URI is answered with 404.",
    # EventLog
    "get_event_logs": "List audit log entries, filtered by DAG, task, run, map index, try number, `event`, `owner` and time (`after`, `before`); `included_events` and `excluded_events` take comma-separated event names.",
    "get_event_log": "Read one audit log entry by its id.",
    # ImportError
    "get_import_errors": "List the DAG files that failed to import, leaving out files none of whose DAGs the caller may read and redacting the stack trace unless the caller may read all of them.",
    "get_import_error": "Read one import error by its id; the stack trace is redacted unless the caller may read every DAG of the file.",
    # Monitoring
    "get_health": "Report the status of the metadata database, scheduler, triggerer and standalone DAG processor, with their latest heartbeats; needs no credentials.",
    "get_version": "Read the Airflow version of the server and the git revision it was built from, if known; needs no credentials.",
    # Permission
    "get_permissions": "List the permission actions (such as `can_read` or `can_edit`) that roles grant on resources; answered with 400 unless the FAB auth manager is in use.",
    # Plugin
    "get_plugins": "List the plugins the webserver loaded and what each adds: hooks, executors, macros, views, menu items, operator links, listeners, timetables and dependency rules.",
    # Pool
    "get_pools": "List pools with their slot counts and how many slots are running, queued, scheduled, deferred and open (`order_by` takes `name`, `slots` or `id`).",
    "post_pool": "Create a pool; `name` and `slots` are required, and a name already in use is answered with 409.",
    "get_pool": "Read one pool and how its slots are in use.",
    "patch_pool": "Change a pool; with `update_mask` only the named fields change, otherwise both `name` and `slots` must be sent, and `default_pool` only accepts changes to `slots` and `include_deferred`.",
    "delete_pool": "Delete a pool; `default_pool` cannot be deleted.",
    # Provider
    "get_providers": "List the provider packages installed in the webserver's environment, with their versions, as a `dict`.",
    # Role
    "get_roles": "List roles with the permissions each grants (`order_by` takes `name` or `role_id`); answered with 400 unless the FAB auth manager is in use.",
    "post_role": "Create a role that grants the given actions on the given resources, all of which must already exist; a name already in use is answered with 409, and the answer is an empty role.",
    "get_role": "Read one role and the permissions it grants.",
    "patch_role": "Rename a role or add permissions to it (`update_mask` takes `name` and `actions`); permissions left out of the body are kept, not removed.",
    "delete_role": "Delete a role.",
    # User
    "get_users": "List user accounts with their roles and login activity, without passwords.",
    "post_user": "Create a user account; the username and email must be unused, every role named must exist, and a user given no roles gets the auth manager's default registration role.",
    "get_user": "Read one user account by username, without its password.",
    "patch_user": "Change a user account; the body must carry the first and last name, username and email, `update_mask` limits which fields change, `roles` replaces the user's roles and `password` sets a new one.",
    "delete_user": "Delete a user account.",
    # Variable
    "get_variables": "List the variables stored in the metadata database, a page at a time (`order_by` takes `key`, `value` or `id`); Airflow 2.11 also sends each `value`, which the spec leaves out.",
    "post_variables": "Create a variable from `key`, `value` and an optional `description`; a key that already exists is overwritten, not refused.",
    "get_variable": "Read one variable, value included.",
    "patch_variable": "Change a variable; the body needs `key`, equal to the key in the path, and `value`, and with `update_mask` only the named fields change (Airflow 2.11 calls the value `val` there and refuses `value`).",
    "delete_variable": "Delete a variable from the metadata database.",
    # XCom
    "get_xcom_entries": "List the XCom entries of a task instance without their values; `~` as the DAG, run or task id lists across all of them, and `map_index` and `xcom_key` narrow the list.",
    "get_xcom_entry": "Read one XCom entry with its value, as a string unless `stringify=False` (with `[core] enable_xcom_pickling` it is always a string); `deserialize=True` has a custom XCom backend load the full value and needs `[api] enable_xcom_deserialize_support`, and `map_index` defaults to `-1`, an unmapped task.",
}

MODEL_DESCRIPTIONS = {
    "TaskInstance": "one task of one DAG run (one expanded copy, for a mapped task), with its state and timing.",
    "TaskInstanceCollection": "a page of task instances and the total number that match.",
    "TaskInstanceReference": "the identity of a task instance that a state change touched.",
    "TaskInstanceReferenceCollection": "the task instances that a state change touched.",
    "TaskInstanceHistory": "one past or current try of a task instance.",
    "TaskInstanceHistoryCollection": "the tries of a task instance and how many there are.",
    "TaskInstanceDependencyCollection": "the dependencies a task instance is waiting on.",
    "TaskFailedDependency": "one unmet dependency: its name and why it is not met.",
    "UpdateTaskInstance": "a request to set a task instance's state; `dry_run` only reports the effect.",
    "UpdateTaskState": "a state that a caller may set on a task instance.",
    "SetTaskInstanceNote": "the note to write on a task instance.",
    "ListTaskInstanceForm": "the filters of a batch listing of task instances.",
    "ExtraLink": "a link that an operator offers for a task instance.",
    "ExtraLinkCollection": "the extra links of a task instance.",
    "ClassReference": "the module and class name of a Python class on the server.",
    "TaskState": "the state of a task instance.",
    "SLAMiss": "a missed service-level agreement of a task instance.",
    "Trigger": "the trigger a deferred task instance is waiting on.",
    "Job": "a scheduler, triggerer or task job process known to Airflow.",
    "Error": "the error document Airflow answers with: type, title, status and detail.",
    "InlineResponse2001": "a chunk of task log and the token to continue reading from.",
    "InlineResponse200": "the source code of a DAG file.",
    # Config
    "Config": "the server's configuration, as a list of sections.",
    "ConfigSection": "one section of the configuration and its options.",
    "ConfigOption": "one configuration option: its key and its value.",
    # Connection
    "Connection": "a connection in full, as sent to create or change one; the password can be set but is never returned.",
    "ConnectionCollection": "a page of connections and the total number stored.",
    "ConnectionCollectionItem": "a connection as listed: id, type, description, host, login, schema and port.",
    "ConnectionTest": "the outcome of a connection test: whether it worked, and the hook's message.",
    # DAG
    "DAG": "a DAG as stored in the metadata database: pause state, schedule, owners, tags, limits and next run.",
    "DAGCollection": "a page of DAGs and the total number that match.",
    "DAGDetail": "a DAG together with settings of its parsed object, such as time zone, catchup, params and documentation.",
    "Tag": "a tag on a DAG.",
    "ScheduleInterval": "a DAG's schedule: a fixed interval, a relativedelta or a cron expression, told apart by `__type`.",
    "TimeDelta": "a duration in days, seconds and microseconds, as used for timeouts, retry delays and fixed schedules.",
    "RelativeDelta": "a calendar-aware step in the style of `dateutil`'s relativedelta, used as a DAG schedule.",
    "CronExpression": "a DAG schedule given as a cron expression, such as `0 6 * * *`.",
    "Timezone": "the name of a time zone, such as `UTC` or `Europe/Paris`.",
    "Task": "a task of a parsed DAG: its operator class and the settings it was given.",
    "TaskCollection": "the tasks of a DAG.",
    "TriggerRule": "the condition on upstream tasks under which a task runs, such as `all_success`.",
    "WeightRule": "how a task's priority weight is worked out from the tasks around it, such as `downstream`.",
    "Color": "a colour as an HTML hex code, such as `#ffefeb`.",
    "ClearTaskInstances": "which task instances of a DAG to clear: a run or date range, task ids, relatives and state filters; `dry_run` and `only_failed` are true unless set.",
    "UpdateTaskInstancesState": "a request to set the state of a task in one run and, optionally, of its relatives; `dry_run` is true unless set and then only reports the effect.",
    # DAGRun
    "DAGRun": "one run of a DAG: its ids, logical date, data interval, times, type, state, conf and note.",
    "DAGRunCollection": "a page of DAG runs and the total number that match.",
    "BasicDAGRun": "the id, dates and state of a DAG run that a dataset event started.",
    "DagState": "the state of a DAG run: `queued`, `running`, `success` or `failed`.",
    "UpdateDagRunState": "the state to set on a DAG run: `success`, `failed` or `queued`.",
    "ClearDagRun": "a request to clear a DAG run; `dry_run` is true unless set and then only lists what would be cleared.",
    "SetDagRunNote": "the note to write on a DAG run.",
    "ListDagRunsForm": "the filters, order and paging of a batch listing of DAG runs.",
    # DagStats
    "DagStatsCollectionSchema": "the run counts per state of the requested DAGs.",
    "DagStatsCollectionItem": "the run counts per state of one DAG.",
    "DagStatsStateCollectionItem": "the number of runs of a DAG in one state.",
    # DagWarning
    "DagWarning": "a problem found in a parsed DAG: its type, message and time.",
    "DagWarningCollection": "a page of DAG warnings and the total number that match.",
    # Dataset
    "Dataset": "a dataset known to Airflow, named by its URI, with the DAGs scheduled on it and the tasks that update it.",
    "DatasetCollection": "a page of datasets and the number of all datasets, filters aside.",
    "DagScheduleDatasetReference": "a DAG that is scheduled on a dataset.",
    "TaskOutletDatasetReference": "a task that updates a dataset, having it among its outlets.",
    "DatasetEvent": "one recorded update of a dataset: the task run that made it, its `extra` data and the DAG runs it started.",
    "DatasetEventCollection": "a page of dataset events and the total number that match.",
    "CreateDatasetEvent": "a request to record an update of a dataset, with optional `extra` data.",
    "QueuedEvent": "a dataset update held for a DAG until the DAG's other datasets are updated too.",
    "QueuedEventCollection": "dataset updates queued for DAGs, and how many; Airflow 2.11 sends the list as `queued_events`, not `datasets`.",
    # EventLog
    "EventLog": "one audit log entry: what happened, when, who caused it and to which DAG, run or task.",
    "EventLogCollection": "a page of audit log entries and the total number that match.",
    # ImportError
    "ImportError": "a DAG file that failed to import: its name, the time and the stack trace.",
    "ImportErrorCollection": "a page of import errors and the total number the caller may see.",
    # Monitoring
    "HealthInfo": "the health of the metadata database, scheduler, triggerer and DAG processor.",
    "HealthStatus": "whether a component is `healthy` or `unhealthy`.",
    "MetadatabaseStatus": "whether the webserver can query the metadata database.",
    "SchedulerStatus": "the health of the scheduler and its latest heartbeat.",
    "TriggererStatus": "the health of the triggerer and its latest heartbeat; empty if no triggerer has run.",
    "DagProcessorStatus": "the health of the standalone DAG processor and its latest heartbeat; empty when the DAG processor does not run on its own.",
    "VersionInfo": "the Airflow version of the server and its git revision.",
    # Permission, Role, User
    "Action": "the name of a permission action, such as `can_read` or `can_edit`.",
    "ActionCollection": "a page of permission actions and how many there are.",
    "Resource": "the name of something a permission applies to, such as `DAGs` or `Connections`.",
    "ActionResource": "one permission of a role: an action on a resource.",
    "Role": "a role and the permissions it grants.",
    "RoleCollection": "a page of roles and how many there are.",
    "User": "a user account as sent to create or change one, password included.",
    "UserCollectionItem": "a user account as returned: names, email, roles, active flag, login times and counts, never the password.",
    "UserCollection": "a page of user accounts and the total number.",
    # Plugin
    "PluginCollectionItem": "one loaded plugin, where it came from and the hooks, macros, views, links, listeners and timetables it adds.",
    "PluginCollection": "a page of loaded plugins and how many there are.",
    # Pool
    "Pool": "a pool: its name, size in slots and how those slots are in use.",
    "PoolCollection": "a page of pools and how many there are.",
    # Provider
    "Provider": "an installed provider package: its name, version and description.",
    "ProviderCollection": "the installed provider packages.",
    # Variable
    "Variable": "a variable: key, value and description.",
    "VariableCollectionItem": "a variable as listed: key and description (Airflow 2.11 also sends the value).",
    "VariableCollection": "a page of variables and the total number stored.",
    # XCom
    "XCom": "one XCom entry with its value.",
    "XComCollectionItem": "an XCom entry without its value: key, DAG, task, logical date, map index and time.",
    "XComCollection": "a page of XCom entries and the total number that match.",
    # Shared
    "CollectionInfo": "the total number of items a listing matches, whatever the page size.",
}
