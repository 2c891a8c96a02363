"""Wait for a DAG run or a task instance to finish.

    from airflow_client.client.waiting import trigger_and_wait, wait_for_task_instance

    run = trigger_and_wait(dag_run_api, "my_dag", {"conf": {"day": "2024-01-01"}}, timeout=3600)
    print(run.state)  # "success" or "failed"

Polling stops at the first terminal state; `WaitTimeout` (a `TimeoutError`) carries the last object
seen when the timeout passes first. Errors of the calls themselves propagate unchanged. With
`progress=True` each poll shows the state seen and the time waited (see `progress.py`).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Callable

from airflow_client.client.exceptions import ApiValueError, WaitTimeout
from airflow_client.client.progress import Progress

if TYPE_CHECKING:
    from airflow_client.client.api.dag_run_api import DAGRunApi
    from airflow_client.client.api.task_instance_api import TaskInstanceApi
    from airflow_client.client.model.dag_run import DAGRun
    from airflow_client.client.model.task_instance import TaskInstance

DAG_RUN_DONE = frozenset({"success", "failed"})
TASK_INSTANCE_DONE = frozenset({"success", "failed", "skipped", "upstream_failed", "removed"})


def _poll(
    read: Callable[[], Any], done: frozenset[str], what: str, timeout: float, poll_interval: float,
    progress: bool = False,
) -> Any:
    _check_progress(progress)
    shown = Progress(what, "polls") if progress else None
    try:
        return _until_done(read, done, what, timeout, poll_interval, shown)
    finally:
        if shown is not None:
            shown.close()


def _check_progress(progress: object) -> None:
    if not isinstance(progress, bool):
        raise ApiValueError(f"progress: expected True or False, got {progress!r}")


def _until_done(
    read: Callable[[], Any], done: frozenset[str], what: str, timeout: float, poll_interval: float,
    shown: Progress | None,
) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        current = read()
        state = current.get("state")
        if shown is not None:
            shown.advance(1, "no state yet" if state is None else str(state))
        if state in done:
            return current
        if time.monotonic() + poll_interval > deadline:
            described = "without a state" if state is None else repr(str(state))
            raise WaitTimeout(f"{what} is still {described} after {timeout} s", last=current)
        time.sleep(poll_interval)


def wait_for_dag_run(
    api: DAGRunApi,
    dag_id: str,
    dag_run_id: str,
    *,
    timeout: float = 3600.0,
    poll_interval: float = 5.0,
    progress: bool = False,
) -> DAGRun:
    """Poll a DAG run until it succeeds or fails; returns the final `DAGRun`. `progress=True` shows
    each state seen and the time waited."""
    return _poll(  # type: ignore[no-any-return]
        lambda: api.get_dag_run(dag_id, dag_run_id), DAG_RUN_DONE, f"DAG run {dag_id}/{dag_run_id}",
        timeout, poll_interval, progress,
    )


def trigger_and_wait(
    api: DAGRunApi,
    dag_id: str,
    dag_run: Any = None,
    *,
    timeout: float = 3600.0,
    poll_interval: float = 5.0,
    progress: bool = False,
) -> DAGRun:
    """Trigger a run of `dag_id` (with `dag_run` as the body: a `DAGRun` or a dict, e.g. its `conf`),
    then wait for it to finish (`progress=True` shows the wait). A paused DAG's run stays queued, so this
    times out: unpause first."""
    _check_progress(progress)  # before the run is triggered
    run = api.post_dag_run(dag_id, dag_run if dag_run is not None else {})
    run_id = run.get("dag_run_id")
    if not isinstance(run_id, str):
        raise ApiValueError(f"the server created a run of {dag_id} but did not name it: {run!r}")
    return wait_for_dag_run(api, dag_id, run_id, timeout=timeout, poll_interval=poll_interval, progress=progress)


def wait_for_task_instance(
    api: TaskInstanceApi,
    dag_id: str,
    dag_run_id: str,
    task_id: str,
    *,
    map_index: int | None = None,
    timeout: float = 3600.0,
    poll_interval: float = 5.0,
    progress: bool = False,
) -> TaskInstance:
    """Poll a task instance (one map index of a mapped task) until it reaches a final state;
    `progress=True` shows each state seen and the time waited."""
    if map_index is None:
        def read() -> Any:
            return api.get_task_instance(dag_id, dag_run_id, task_id)
    else:
        def read() -> Any:
            return api.get_mapped_task_instance(dag_id, dag_run_id, task_id, map_index)
    return _poll(  # type: ignore[no-any-return]
        read, TASK_INSTANCE_DONE, f"task instance {dag_id}/{dag_run_id}/{task_id}", timeout, poll_interval,
        progress,
    )
