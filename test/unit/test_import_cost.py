"""What `import airflow_client.client` loads: the package, not the HTTP stack it uses once a client exists.

Counted in a fresh interpreter, by module name, never by time (the benchmark reports the time).
"""

from __future__ import annotations

import json
import subprocess
import sys

from .conftest import Answer

# Imported when the first ApiClient is made or the first timestamp is parsed, never by the import itself.
LATER = ("urllib3", "http.client", "ssl", "socket", "email", "certifi", "dateutil", "logging", "multiprocessing",
         "urllib.request", "importlib.metadata", "tempfile", "pprint", "ast")


def modules_after(code: str) -> set[str]:
    script = f"import sys\n{code}\nimport json\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True).stdout
    return set(json.loads(out))


def loaded(modules: set[str], name: str) -> bool:
    return name in modules or any(m.startswith(name + ".") for m in modules)


def test_importing_the_package_loads_no_http_stack_logging_or_date_parser():
    modules = modules_after("import airflow_client.client")
    assert "airflow_client.client.api_client" in modules
    assert [name for name in LATER if loaded(modules, name)] == []


def test_an_api_module_and_a_model_import_without_the_http_stack_too():
    modules = modules_after(
        "import airflow_client.client\n"
        "from airflow_client.client.api import task_instance_api\n"
        "from airflow_client.client.model.task_instance import TaskInstance\n"
        "TaskInstance(task_id='t')"
    )
    assert [name for name in LATER if loaded(modules, name)] == []


def test_the_first_client_brings_the_transport_and_a_call_works_without_importing_it_by_hand(server):
    code = (
        "import airflow_client.client as c\n"
        "from airflow_client.client.api import monitoring_api\n"
        f"cfg = c.Configuration(host='{server.host}')\n"
        "cfg.retries = 0\n"
        "with c.ApiClient(cfg) as api_client:\n"
        "    version = monitoring_api.MonitoringApi(api_client).get_version()\n"
        "    assert version.version == '2.11.2', version\n"
    )
    server.default = Answer(body={"version": "2.11.2", "git_version": None})
    modules = modules_after(code)
    assert loaded(modules, "urllib3") and loaded(modules, "logging")
    assert server.last.path == "/api/v1/version"
