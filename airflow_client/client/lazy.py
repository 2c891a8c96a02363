"""Module attributes imported on first use, so `import airflow_client.client` stays cheap.

The `apis` and `models` indexes, and every API module for the models its methods name
(`from airflow_client.client.api.connection_api import Connection`), bind their names this way.
"""

from __future__ import annotations

import importlib
from typing import Any, Callable


def lazy_exports(
    namespace: dict[str, Any], package: str, modules: dict[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """`__getattr__` and `__dir__` for the module whose `globals()` is `namespace`.

    `modules` maps each lazy name to the module of `package` that defines it. A name is stored in
    `namespace` once imported, so later reads are plain attribute reads.
    """

    def __getattr__(name: str) -> Any:
        module = modules.get(name)
        if module is None:
            raise AttributeError(f"module {namespace['__name__']!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(modules))

    return __getattr__, __dir__
