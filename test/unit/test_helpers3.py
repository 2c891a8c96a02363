"""Pagination, logs and waiting on Airflow 3, against a loopback server that answers as Airflow 3.3 does."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

import airflow_client.client as client
from airflow_client.client.api import dag_api, dag_run_api, task_instance_api
from airflow_client.client.exceptions import WaitTimeout
from airflow_client.client.logs import follow_log, read_log
from airflow_client.client.model.dag_run import DAGRun
from airflow_client.client.model.task_instance import TaskInstance
from airflow_client.client.pagination import paginate
from airflow_client.client.waiting import trigger_and_wait, wait_for_task_instance

from .conftest import Answer, LoopbackServer, Seen
from .test_airflow3_runtime import Airflow3Server, configured


def ti(n: int) -> dict[str, Any]:
    return {"task_id": f"t{n:04d}", "dag_id": "d", "dag_run_id": "r", "map_index": -1, "state": "success",
            "logical_date": None, "run_after": "2026-01-01T00:00:00Z"}


class Listing:
    """Task instances sorted by task_id, served as Airflow 3.3 does: pages capped at `cap`, by offset or by a
    keyset cursor (`cursor=` starts, `next_cursor` continues; the cursor names the last item's key)."""

    def __init__(self, airflow3: Airflow3Server, items: list[dict[str, Any]], cap: int = 100,
                 total: bool = True) -> None:
        self.items = items
        self.cap = cap
        self.total = total
        self.before_page: list[Any] = []  # called with the query of each listing request, before answering
        self.fallback = airflow3.answer
        airflow3.server.handler = self.answer

    @staticmethod
    def encode(key: str) -> str:
        return "kv_" + base64.urlsafe_b64encode(key.encode()).decode()

    def answer(self, seen: Seen) -> Answer:
        if not seen.path.endswith("/taskInstances") or seen.path.startswith("/api/v1"):
            return self.fallback(seen)
        query = seen.query
        for hook in self.before_page:
            hook(query)
        limit = min(int(query.get("limit", ["50"])[0]), self.cap)
        self.items.sort(key=lambda item: item["task_id"])
        next_cursor = None
        if "cursor" in query:
            cursor = query["cursor"][0]
            after = base64.urlsafe_b64decode(cursor[3:]).decode() if cursor else ""
            rest = [i for i in self.items if i["task_id"] > after]
            page = rest[:limit]
            if len(rest) > limit:
                next_cursor = self.encode(page[-1]["task_id"])
        else:
            offset = int(query.get("offset", ["0"])[0])
            page = self.items[offset: offset + limit]
        return Answer(body={"task_instances": page, "total_entries": len(self.items) if self.total else None,
                            "total_entries_limit": 50000, "next_cursor": next_cursor, "previous_cursor": None})


@pytest.fixture
def airflow3(server: LoopbackServer) -> Airflow3Server:
    return Airflow3Server(server)


@pytest.fixture
def api_client3(airflow3: Airflow3Server):
    with client.ApiClient(configured(airflow3.root, username="admin", password="s3cret")) as api_client:
        yield api_client


def listing_of(api_client: client.ApiClient) -> Any:
    """get_task_instances of the 2.x interface, which takes Airflow 3.3's `cursor` too (on Airflow 3 only)."""
    return task_instance_api.TaskInstanceApi(api_client).get_task_instances


def listing_requests(server: LoopbackServer) -> list[dict[str, list[str]]]:
    return [s.query for s in server.seen if s.path.endswith("/taskInstances")]


# -- pagination -----------------------------------------------------------------------------------------------


def test_paginate_on_airflow_3_follows_the_cursor_and_sees_each_item_once_while_items_are_added(
    airflow3, api_client3
):
    listing = Listing(airflow3, [ti(n) for n in range(1, 251)])

    def add_one_before_the_current_position(query: dict[str, list[str]]) -> None:
        if query.get("cursor", [""])[0]:
            listing.items.append(ti(0))  # sorts first: an offset listing would repeat an item

    listing.before_page.append(add_one_before_the_current_position)
    got = list(paginate(listing_of(api_client3), "~", "~", state=["success"], page_size=500))
    assert [t.task_id for t in got] == [f"t{n:04d}" for n in range(1, 251)]
    assert all(isinstance(t, TaskInstance) for t in got)
    queries = listing_requests(airflow3.server)
    assert [q["limit"] for q in queries] == [["100"]] * 3  # Airflow 3's cap, whatever page_size asks
    assert queries[0]["cursor"] == [""]
    assert queries[1]["cursor"] == [Listing.encode("t0100")] and queries[2]["cursor"] == [Listing.encode("t0200")]
    assert all("offset" not in q and q["state"] == ["success"] for q in queries)


def test_paginate_on_airflow_3_pages_by_offset_when_the_call_gives_one(airflow3, api_client3):
    listing = Listing(airflow3, [ti(n) for n in range(30)])
    got = list(paginate(listing_of(api_client3), "~", "~", offset=5, page_size=10))
    assert [t.task_id for t in got] == [f"t{n:04d}" for n in range(5, 30)]
    queries = listing_requests(airflow3.server)
    assert [q["offset"] for q in queries] == [["5"], ["15"], ["25"]]
    assert all("cursor" not in q for q in queries)
    assert listing.items  # served


def test_paginate_on_airflow_3_starts_at_a_given_cursor_and_stops_at_max_items(airflow3, api_client3):
    Listing(airflow3, [ti(n) for n in range(40)])
    got = list(paginate(listing_of(api_client3), "~", "~", cursor=Listing.encode("t0009"),
                        page_size=7, max_items=10))
    assert [t.task_id for t in got] == [f"t{n:04d}" for n in range(10, 20)]
    assert [q["limit"] for q in listing_requests(airflow3.server)] == [["7"], ["3"]]


def test_paginate_on_airflow_3_without_a_total_stops_at_the_first_short_page(airflow3, api_client3):
    Listing(airflow3, [ti(n) for n in range(230)], total=False)
    api = task_instance_api.TaskInstanceApi(api_client3)
    got = list(paginate(api.get_task_instances, "~", "~", offset=0, page_size=1000))
    assert len(got) == 230 and len({t.task_id for t in got}) == 230
    queries = listing_requests(airflow3.server)
    assert [(q["limit"], q["offset"]) for q in queries] == [(["100"], ["0"]), (["100"], ["100"]), (["100"], ["200"])]


def test_the_cursors_of_an_airflow_3_page_stay_readable_on_the_2x_model(airflow3, api_client3):
    Listing(airflow3, [ti(n) for n in range(5)])
    page = listing_of(api_client3)("~", "~", limit=2, cursor="")
    assert page.next_cursor == Listing.encode("t0001")
    assert page["previous_cursor"] is None and page.get("total_entries_limit") == 50000
    assert page.to_dict()["next_cursor"] == Listing.encode("t0001")


def test_paginate_on_airflow_2_still_pages_by_offset_and_refuses_a_cursor(server, api_client):
    server.default = Answer(body={"task_instances": [], "total_entries": 0})
    assert list(paginate(listing_of(api_client), "~", "~", page_size=500)) == []
    assert server.last.query == {"limit": ["500"], "offset": ["0"]}
    with pytest.raises(client.ApiValueError, match="cursor only Airflow 3 takes"):
        list(paginate(listing_of(api_client), "~", "~", cursor="x"))


# -- logs ---------------------------------------------------------------------------------------------------------


def log_token(log_pos: int) -> str:
    """A continuation token shaped like Airflow 3's: a readable payload, then a signature."""
    payload = base64.urlsafe_b64encode(json.dumps({"end_of_log": False, "log_pos": log_pos}).encode()).decode()
    return payload.rstrip("=") + ".c2ln"


def record(n: int) -> dict[str, Any]:
    return {"timestamp": f"2026-01-01T00:00:{n:02d}Z", "event": f"tick {n}", "level": "info", "logger": "task.stdout"}


class GrowingLog:
    """A running try's log on Airflow 3.3: records after the token's position, a token while running,
    none once the try has finished (after `finish_after` reads)."""

    def __init__(self, airflow3: Airflow3Server, parts: list[int], finish_after: int) -> None:
        self.records = [{"event": "::group::Log message source details"}, {"event": "::endgroup::"}]
        self.parts = parts  # how many task lines each read finds written
        self.finish_after = finish_after
        self.reads = 0
        self.fallback = airflow3.answer
        airflow3.server.handler = self.answer

    def answer(self, seen: Seen) -> Answer:
        if "/logs/" not in seen.path:
            return self.fallback(seen)
        if seen.headers.get("Accept") != "application/json":
            return Answer(status=406, body={"detail": "Only application/json or application/x-ndjson is supported"})
        written = sum(self.parts[: self.reads + 1])
        self.reads += 1
        everything = self.records + [record(n) for n in range(written)]
        token = seen.query.get("token", [""])[0]
        start = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "==")).get("log_pos") if token else 0
        finished = self.reads >= self.finish_after
        return Answer(body={"content": everything[start:],
                            "continuation_token": None if finished else log_token(len(everything))})


def test_follow_log_on_airflow_3_yields_only_new_lines_and_ends_when_the_token_is_gone(airflow3, api_client3):
    log = GrowingLog(airflow3, parts=[2, 0, 3, 1], finish_after=4)
    api = task_instance_api.TaskInstanceApi(api_client3)
    pieces = list(follow_log(api, "d", "r", "t", 1, timeout=10, poll_interval=0.01))
    assert pieces == [
        "::group::Log message source details\n::endgroup::\n"
        "[2026-01-01T00:00:00Z] INFO task.stdout: tick 0\n[2026-01-01T00:00:01Z] INFO task.stdout: tick 1\n",
        "".join(f"[2026-01-01T00:00:0{n}Z] INFO task.stdout: tick {n}\n" for n in (2, 3, 4)),
        "[2026-01-01T00:00:05Z] INFO task.stdout: tick 5\n",
    ]
    tokens = [s.query.get("token") for s in airflow3.server.seen if "/logs/" in s.path]
    assert tokens == [None, [log_token(4)], [log_token(4)], [log_token(7)]]
    assert log.reads == 4


def test_follow_log_on_airflow_3_times_out_while_the_try_runs(airflow3, api_client3):
    GrowingLog(airflow3, parts=[1, 1, 1, 1, 1, 1, 1, 1], finish_after=1000)
    api = task_instance_api.TaskInstanceApi(api_client3)
    pieces = []
    with pytest.raises(WaitTimeout) as caught:
        for piece in follow_log(api, "d", "r", "t", 1, timeout=0.3, poll_interval=0.05):
            pieces.append(piece)
    assert "did not end within 0.3 s" in str(caught.value)
    assert "tick 0" in pieces[0] and all(p.count("tick") == 1 for p in pieces[1:])


def test_read_log_on_airflow_3_is_the_text_get_log_gives(airflow3, api_client3):
    GrowingLog(airflow3, parts=[3], finish_after=1)
    api = task_instance_api.TaskInstanceApi(api_client3)
    text = read_log(api, "d", "r", "t", 1, map_index=2)
    seen = airflow3.server.seen[-1]
    assert seen.query == {"full_content": ["true"], "map_index": ["2"]}
    assert text == "::group::Log message source details\n::endgroup::\n" + "".join(
        f"[2026-01-01T00:00:0{n}Z] INFO task.stdout: tick {n}\n" for n in range(3))


# -- waiting ------------------------------------------------------------------------------------------------------


def dag_run3(state: str, **fields: Any) -> dict[str, Any]:
    """A DAG run as Airflow 3.3 answers it, for a run triggered without a logical date."""
    return {"dag_run_id": "manual__2026-01-01T00:00:00+00:00", "dag_id": "d", "logical_date": None,
            "run_after": "2026-01-01T00:00:00Z", "queued_at": "2026-01-01T00:00:00Z", "start_date": None,
            "end_date": None, "run_type": "manual", "state": state, "triggered_by": "rest_api", "conf": {},
            "note": None, "dag_versions": [], **fields}


def test_trigger_and_wait_on_airflow_3_sends_a_null_logical_date_and_polls_the_v2_run(airflow3, api_client3):
    states = iter(["queued", "running", "failed"])
    fallback = airflow3.answer

    def answer(seen: Seen) -> Answer:
        if seen.path == "/api/v2/dags/d/dagRuns" and seen.method == "POST":
            return Answer(body=dag_run3("queued", conf=seen.json().get("conf", {})))
        if seen.path.startswith("/api/v2/dags/d/dagRuns/"):
            state = next(states)
            return Answer(body=dag_run3(state, end_date="2026-01-01T00:00:09Z" if state == "failed" else None))
        return fallback(seen)

    airflow3.server.handler = answer
    run = trigger_and_wait(dag_run_api.DAGRunApi(api_client3), "d", {"conf": {"day": 1}}, timeout=10,
                           poll_interval=0.01)
    assert isinstance(run, DAGRun) and run.state == "failed" and run.logical_date is None
    trigger = next(s for s in airflow3.server.seen if s.method == "POST" and s.path.endswith("/dagRuns"))
    assert trigger.json() == {"conf": {"day": 1}, "logical_date": None}
    polls = [s.path for s in airflow3.server.seen if s.method == "GET" and "/dagRuns/" in s.path]
    assert polls == ["/api/v2/dags/d/dagRuns/manual__2026-01-01T00%3A00%3A00%2B00%3A00"] * 3


def test_wait_for_task_instance_on_airflow_3_reads_the_v2_task_instance(airflow3, api_client3):
    states = iter(["scheduled", "deferred", "up_for_retry", "upstream_failed"])
    fallback = airflow3.answer

    def answer(seen: Seen) -> Answer:
        if seen.path == "/api/v2/dags/d/dagRuns/r/taskInstances/t/3":
            return Answer(body={**ti(3), "task_id": "t", "map_index": 3, "state": next(states)})
        return fallback(seen)

    airflow3.server.handler = answer
    api = task_instance_api.TaskInstanceApi(api_client3)
    done = wait_for_task_instance(api, "d", "r", "t", map_index=3, timeout=10, poll_interval=0.01)
    assert done.state == "upstream_failed" and done.map_index == 3


def test_paginate_on_airflow_3_follows_the_cursor_of_dag_runs_through_their_2x_answer_step(airflow3, api_client3):
    runs = [dag_run3("success", dag_run_id=f"run_{n:03d}") for n in range(7)]
    fallback = airflow3.answer

    def answer(seen: Seen) -> Answer:
        if seen.path != "/api/v2/dags/d/dagRuns":
            return fallback(seen)
        limit, cursor = int(seen.query["limit"][0]), seen.query["cursor"][0]
        start = int(cursor[4:]) if cursor else 0
        page = runs[start: start + limit]
        following = f"pos_{start + limit}" if start + limit < len(runs) else None
        return Answer(body={"dag_runs": page, "total_entries": len(runs), "next_cursor": following,
                            "previous_cursor": None})

    airflow3.server.handler = answer
    api = dag_run_api.DAGRunApi(api_client3)
    got = list(paginate(api.get_dag_runs, "d", page_size=3))
    assert [r.dag_run_id for r in got] == [f"run_{n:03d}" for n in range(7)]
    assert all(isinstance(r, DAGRun) for r in got)
    cursors = [s.query["cursor"] for s in airflow3.server.seen if s.path == "/api/v2/dags/d/dagRuns"]
    assert cursors == [[""], ["pos_3"], ["pos_6"]]


def test_paginate_on_airflow_3_pages_a_listing_of_plain_values(airflow3, api_client3):
    tags = [f"tag{n:02d}" for n in range(12)]
    fallback = airflow3.answer

    def answer(seen: Seen) -> Answer:
        if seen.path != "/api/v2/dagTags":
            return fallback(seen)
        limit, offset = int(seen.query["limit"][0]), int(seen.query["offset"][0])
        return Answer(body={"tags": tags[offset: offset + limit], "total_entries": len(tags)})

    airflow3.server.handler = answer
    got = list(paginate(dag_api.DAGApi(api_client3).get_dag_tags, page_size=5))
    assert got == tags
    assert [s.query["offset"] for s in airflow3.server.seen if s.path == "/api/v2/dagTags"] == [["0"], ["5"], ["10"]]
