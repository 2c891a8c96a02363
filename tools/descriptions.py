"""Our own one-line descriptions of API classes, operations and models, used by tools/generate.py."""

API_DESCRIPTIONS = {
    "TaskInstance": "read, filter and change task instances, their tries, notes, logs and links.",
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
}

OPERATION_DESCRIPTIONS = {
    "get_task_instances": "List the task instances of one DAG run; pass `~` for both ids to list across all DAGs and runs.",
    "get_task_instances_batch": "List task instances across DAGs and runs, with the filters in a request body.",
    "get_task_instance": "Read one task instance of a DAG run.",
    "get_mapped_task_instance": "Read one expanded copy of a mapped task, by its map index.",
    "get_mapped_task_instances": "List the expanded copies of a mapped task in one DAG run.",
    "patch_task_instance": "Set the state of one task instance (or, with `dry_run`, only report what would change).",
    "patch_mapped_task_instance": "Set the state of one expanded copy of a mapped task.",
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
}
