"""Task logs as text: read a whole try, or follow a running one as it grows.

    from airflow_client.client.logs import read_log, follow_log

    print(read_log(ti_api, "my_dag", run_id, "my_task", 1))
    for text in follow_log(ti_api, "my_dag", run_id, "my_task", 1, timeout=600):
        print(text, end="")

Airflow 2's JSON answer holds the log as the text form of a Python list of (host, text) pairs;
Airflow 3's holds structured records, which `get_log` already turns into lines of text (see
`translations.log_records_text`). These helpers give the text itself on both.

Following a running try: each answer carries a continuation token that asks for the newer lines
only. Airflow 2 marks the end in the token (`end_of_log`); Airflow 3 answers a null token once
the try has finished.
"""

from __future__ import annotations

import ast
import base64
import json
import time
import zlib
from typing import TYPE_CHECKING, Any, Iterator

from airflow_client.client.exceptions import WaitTimeout

if TYPE_CHECKING:
    from airflow_client.client.api.task_instance_api import TaskInstanceApi


def log_text(content: str) -> str:
    """The text inside Airflow's `[('host', 'text'), ...]` log content; other content unchanged."""
    if not content.startswith("["):
        return content
    try:
        parts = ast.literal_eval(content)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return content
    if not isinstance(parts, list) or not all(isinstance(p, (tuple, list)) and len(p) == 2 for p in parts):
        return content
    return "".join(str(text) for _, text in parts)


def token_metadata(token: str | None) -> dict[str, Any]:
    """What a continuation token says (`log_pos`, `end_of_log`); {} when it cannot be read.

    The token is signed by the server but not encrypted: its payload is readable base64 JSON.
    """
    if not token:
        return {}
    compressed = token.startswith(".")
    payload = token.lstrip(".").split(".", 1)[0]
    try:
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        data = json.loads(zlib.decompress(raw) if compressed else raw)
    except (ValueError, zlib.error):
        return {}
    return data if isinstance(data, dict) else {}


def read_log(
    api: TaskInstanceApi,
    dag_id: str,
    dag_run_id: str,
    task_id: str,
    try_number: int,
    *,
    map_index: int | None = None,
) -> str:
    """The whole log of one try of a task instance (of one map index, for a mapped task), as text."""
    text = api.get_log(
        dag_id, dag_run_id, task_id, try_number, full_content=True, map_index=map_index,
        _headers={"Accept": "text/plain"},
    )
    return text if isinstance(text, str) else log_text(text.get("content") or "")


def follow_log(
    api: TaskInstanceApi,
    dag_id: str,
    dag_run_id: str,
    task_id: str,
    try_number: int,
    *,
    map_index: int | None = None,
    timeout: float = 600.0,
    poll_interval: float = 2.0,
) -> Iterator[str]:
    """Yield the log of a try as it grows, until the server says it ended.

    Each piece is new text only. Raises `WaitTimeout` when `timeout` seconds pass first.
    """
    deadline = time.monotonic() + timeout
    airflow3 = api.api_client.server.generation == 3
    token: str | None = None
    while True:
        chunk = api.get_log(dag_id, dag_run_id, task_id, try_number, map_index=map_index, token=token)
        if isinstance(chunk, str):  # a server that ignored the JSON Accept header
            text, new_token = chunk, None
        else:
            content = chunk.get("content") or ""
            # Airflow 3's records reach here as text already; only Airflow 2 wraps it in (host, text) pairs.
            text = content if airflow3 else log_text(content)
            new_token = chunk.get("continuation_token")
        if text:
            yield text
        if airflow3 and new_token is None and not isinstance(chunk, str):
            return  # Airflow 3 gives no token once the try has finished: this was its last part
        token = new_token or token
        if token_metadata(token).get("end_of_log"):
            return
        if time.monotonic() + poll_interval > deadline:
            raise WaitTimeout(f"the log of {dag_id}/{dag_run_id}/{task_id} try {try_number} did not end "
                              f"within {timeout} s", last=token)
        time.sleep(poll_interval)
