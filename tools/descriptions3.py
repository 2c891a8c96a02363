"""Our own one-line descriptions of what Airflow 3's REST API v2 adds: API classes, operations, models.

Used by tools/generate.py beside tools/descriptions.py (which covers Airflow 2's interface).
"""

API_DESCRIPTIONS3 = {
    "Asset": "list and read assets, their aliases and events, record an asset event, materialize an asset, and read or remove queued asset events (Airflow 3).",
    "Backfill": "list, create, read, pause, resume and cancel backfills of a DAG over a range of dates, and try one out as a dry run (Airflow 3).",
    "DagVersion": "list and read the versions Airflow recorded of a DAG (Airflow 3).",
    "Job": "list the scheduler, triggerer and other jobs Airflow recorded (Airflow 3).",
    "Login": "send a browser to the login or logout page of the configured auth manager (Airflow 3).",
    "TaskStateStore": "read, write and remove the key-value state kept for one task instance (Airflow 3).",
    "AssetStateStore": "read, write and remove the key-value state kept for one asset (Airflow 3).",
}

OPERATION_DESCRIPTIONS3: dict[str, str] = {}

MODEL_DESCRIPTIONS3: dict[str, str] = {}
