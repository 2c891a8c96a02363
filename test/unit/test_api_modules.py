"""API modules bind the models their methods name, as scripts import them, without importing them up front."""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
from types import ModuleType

import pytest

from airflow_client.client import apis, models


def api_modules() -> list[ModuleType]:
    return [importlib.import_module(f"airflow_client.client.api.{m}") for m in sorted(set(apis._MODULES.values()))]


def declared_models(module: ModuleType) -> set[str]:
    """The model names in the annotations and answer types of every endpoint the module declares."""
    names: set[str] = set()
    for cls in vars(module).values():
        if not (isinstance(cls, type) and cls.__module__ == module.__name__):
            continue
        for method in vars(cls).values():
            op = getattr(method, "operation", None)
            if op is None:
                continue
            for text in [*op.annotations.values(), op.returns or ""]:
                names |= {w for w in re.findall(r"\b[A-Z]\w*", text) if w not in ("None", "Any", "Literal")}
    return names


def test_every_model_an_endpoint_names_can_be_imported_from_its_api_module():
    checked = 0
    for module in api_modules():
        for name in declared_models(module):
            namespace: dict[str, object] = {}
            exec(f"from {module.__name__} import {name}", namespace)
            assert namespace[name] is getattr(models, name), f"{module.__name__}.{name}"
            checked += 1
    assert checked > 50  # the signatures of 89 operations name about 60 models


def test_scripts_import_models_from_the_api_modules_as_before():
    from airflow_client.client.api.connection_api import Connection
    from airflow_client.client.api.dag_run_api import DAGRun
    from airflow_client.client.api.task_instance_api import TaskInstanceCollection
    from airflow_client.client.model.connection import Connection as ConnectionModel
    from airflow_client.client.model.dag_run import DAGRun as DAGRunModel
    from airflow_client.client.model.task_instance_collection import TaskInstanceCollection as Collection

    assert (Connection, DAGRun, TaskInstanceCollection) == (ConnectionModel, DAGRunModel, Collection)
    assert Connection(connection_id="c", conn_type="http").conn_type == "http"


def test_the_error_model_and_the_parts_of_composed_answers_are_bound_too():
    from airflow_client.client.api import dag_run_api, provider_api, x_com_api
    from airflow_client.client.model.error import Error

    assert x_com_api.Error is Error
    assert provider_api.CollectionInfo is models.CollectionInfo
    assert dag_run_api.TaskInstanceCollection is models.TaskInstanceCollection


def test_star_import_binds_the_class_and_its_models():
    namespace: dict[str, object] = {}
    exec("from airflow_client.client.api.pool_api import *", namespace)
    assert {"PoolApi", "Pool", "PoolCollection", "Error"} <= set(namespace)
    assert namespace["Pool"] is models.Pool


def test_dir_lists_the_module_names_and_the_lazy_models():
    from airflow_client.client.api import variable_api

    listed = dir(variable_api)
    assert {"VariableApi", "endpoint", "Api", "__name__"} <= set(listed)
    assert {"Variable", "VariableCollection", "Error"} <= set(listed)
    assert listed == sorted(listed)


def test_an_unknown_name_is_an_attribute_error_naming_the_module():
    from airflow_client.client.api import pool_api

    with pytest.raises(AttributeError, match=r"module 'airflow_client.client.api.pool_api' has no attribute 'Poll'"):
        _ = pool_api.Poll  # type: ignore[attr-defined]
    with pytest.raises(ImportError):
        exec("from airflow_client.client.api.pool_api import TaskInstance", {})


def test_importing_an_api_module_imports_no_model_until_one_is_read():
    code = (
        "import sys\n"
        "import airflow_client.client.api.task_instance_api as api\n"
        "loaded = lambda: sorted(m for m in sys.modules if m.startswith('airflow_client.client.model.'))\n"
        "print(loaded())\n"
        "api.TaskInstanceCollection\n"
        "print(loaded())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    before, after = out.stdout.splitlines()
    assert before == "[]"
    assert "'airflow_client.client.model.task_instance_collection'" in after
    assert "'airflow_client.client.model.x_com'" not in after
