"""The client's test DAGs, written once for both Airflow generations.

Each DAG file in ``test/dags`` (Airflow 2) and ``test/dags3`` (Airflow 3) is a few lines: it imports
its generation's ``dag``/``task`` decorators (and ``Dataset``/``Asset``, ``DAG``, ``EmptyOperator``)
and hands them to one of the functions below, so the two generations get the same DAG ids, tasks and
behaviour by construction.  Airflow parses the DAG files, never this module (it is listed in each
folder's ``.airflowignore``; ``test/dags3`` holds a link to this file), and records each DAG against
the file that called the function here.  The ``af3_*`` files of ``test/dags3`` are the exception: they use
what only Airflow 3 has and define their DAGs themselves.

No Airflow import here, and no docstrings on the decorated functions: Airflow would turn those into
the ``doc_md`` of the DAG or task, which the tests read.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any, Callable

import pendulum

START = pendulum.datetime(2024, 1, 1, tz="UTC")
MISSING_POOL = "client_test_missing_pool"
ORDERS = "s3://client-test/orders"
# Task instances in one run of ti_many: more than one page of Airflow 3 (100 at most).
MANY = 120
Decorator = Callable[..., Any]


def _run_dag(dag: Decorator, dag_id: str, body: Callable[[], None], *, tags: tuple[str, ...] = (),
             **settings: Any) -> None:
    """Declare the DAG ``dag_id`` whose tasks ``body`` creates: manual runs only unless told otherwise."""
    settings.setdefault("schedule", None)
    settings.setdefault("start_date", START)
    dag(dag_id=dag_id, catchup=False, tags=["client-test", *tags], **settings)(body)()


def ti_plain(dag: Decorator, task: Decorator) -> None:
    def body() -> None:
        @task
        def say_hello() -> dict:
            # Tests look for this exact line in the task log.
            print("hello from ti_plain")
            return {"greeting": "hello"}

        @task
        def after_hello(value: dict) -> None:
            print(f"got {value}")

        after_hello(say_hello())

    _run_dag(dag, "ti_plain", body)


def ti_mapped(dag: Decorator, task: Decorator) -> None:
    def body() -> None:
        @task
        def square(n: int) -> int:
            print(f"square of {n}")
            return n * n

        square.expand(n=[1, 2, 3])

    _run_dag(dag, "ti_mapped", body)


def ti_retry(dag: Decorator, task: Decorator) -> None:
    def body() -> None:
        @task(retries=1, retry_delay=timedelta(seconds=1))
        def flaky(**context: Any) -> str:
            try_number = context["ti"].try_number
            if try_number < 2:
                raise RuntimeError(f"failing on purpose, try {try_number}")
            print(f"succeeded on try {try_number}")
            return "ok"

        flaky()

    _run_dag(dag, "ti_retry", body)


def ti_slow_log(dag: Decorator, task: Decorator) -> None:
    def body() -> None:
        @task
        def tick() -> None:
            for i in range(8):
                print(f"tick {i}", flush=True)
                time.sleep(1)
            print("ticking done", flush=True)

        tick()

    _run_dag(dag, "ti_slow_log", body)


def _first_then_second(task: Decorator) -> Any:
    """Tasks ``first >> second``; returns ``first`` for more downstream tasks."""

    @task
    def first() -> None:
        print("first")

    @task
    def second() -> None:
        print("second")

    start = first()
    start >> second()
    return start


def run_parked(dag: Decorator, task: Decorator) -> None:
    def body() -> None:
        _first_then_second(task)

    # Paused at creation, so the states of its runs change only by API calls.
    _run_dag(dag, "run_parked", body, is_paused_upon_creation=True)


def ti_blocked(dag: Decorator, task: Decorator) -> None:
    def body() -> None:
        @task
        def fan(x: int) -> None:
            print(f"fan {x}")

        # A literal list is expanded when the run is created, so the queued run has map indexes 0 and 1.
        _first_then_second(task) >> fan.expand(x=[1, 2])

    _run_dag(dag, "ti_blocked", body, is_paused_upon_creation=True)


def ti_many(dag: Decorator, task: Decorator) -> None:
    def body() -> None:
        @task
        def piece(n: int) -> None:
            print(f"piece {n}")

        # Expanded when a run is created: one queued run holds MANY task instances that never run.
        piece.expand(n=list(range(MANY)))

    _run_dag(dag, "ti_many", body, is_paused_upon_creation=True)


def ti_fails(dag: Decorator, task: Decorator) -> None:
    def body() -> None:
        @task(retries=0)
        def give_up() -> None:
            raise RuntimeError("failing on purpose")

        give_up()

    _run_dag(dag, "ti_fails", body)


def toggle(dag_class: Any, empty_operator: Any, dag_id: str) -> None:
    # The classic style on purpose: a DAG object and an operator, no decorators.
    with dag_class(dag_id=dag_id, schedule=None, start_date=START, catchup=False, tags=["client-test", "toggle"]):
        empty_operator(task_id="noop")


def dataset_producer(dag: Decorator, task: Decorator, asset: Any) -> None:
    def body() -> None:
        @task(outlets=[asset(ORDERS)])
        def produce(**context: Any) -> dict:
            context["ti"].xcom_push(key="summary", value="3 rows")
            return {"rows": 3, "ok": True}

        @task
        def label(n: int) -> str:
            return f"label-{n}"

        produce() >> label.expand(n=[1, 2])

    _run_dag(dag, "dataset_producer", body, tags=("datasets",))


def dataset_consumer(dag: Decorator, task: Decorator, asset: Any) -> None:
    def body() -> None:
        @task
        def consume() -> None:
            print("orders updated")

        consume()

    _run_dag(dag, "dataset_consumer", body, tags=("datasets",), schedule=[asset(ORDERS)])


def dataset_pair(dag: Decorator, task: Decorator, asset: Any) -> None:
    def body() -> None:
        @task
        def join() -> None:
            print("both sides updated")

        join()

    schedule = [asset("s3://client-test/left"), asset("s3://client-test/right")]
    _run_dag(dag, "dataset_pair", body, tags=("datasets",), schedule=schedule)


def dag_profile(dag: Decorator, task: Decorator) -> None:
    def body() -> None:
        @task(
            pool=MISSING_POOL,
            retries=2,
            retry_delay=timedelta(seconds=45),
            execution_timeout=timedelta(minutes=10),
            doc_md="Reads the input.",
        )
        def extract() -> int:
            return 1

        @task(trigger_rule="all_done")
        def load(value: int) -> None:
            print(value)

        load(extract())

    _run_dag(
        dag,
        "dag_profile",
        body,
        tags=("profile",),
        start_date=pendulum.datetime(2024, 1, 1, tz="Europe/Paris"),
        end_date=pendulum.datetime(2030, 6, 30, tz="Europe/Paris"),
        is_paused_upon_creation=True,
        description="Read-only DAG for the client tests",
        doc_md="# Profile\nSettings only.",
        dagrun_timeout=timedelta(hours=1, minutes=30, seconds=15),
        max_active_runs=3,
        max_active_tasks=7,
        params={"limit": 5},
        default_args={"owner": "client-tests"},
    )
