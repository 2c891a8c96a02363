"""The examples in examples/ and in the docs pass `mypy --strict` against the client's own hints.

A Python block in README.md or docs/*.md counts as an example when it imports `airflow_client`;
blocks without that import are fragments of a page and are not checked on their own.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BLOCK = re.compile(r"```python\n(.*?)```", re.S)


def doc_examples() -> dict[str, str]:
    found = {}
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for number, code in enumerate(BLOCK.findall(page.read_text(encoding="utf-8")), 1):
            if "import airflow_client" in code or "from airflow_client" in code:
                found[f"{page.stem}_{number}"] = code
    return found


def test_examples_and_doc_snippets_pass_mypy_strict(tmp_path, capsys):
    files = sorted(str(p) for p in (ROOT / "examples").glob("*.py"))
    from_examples = len(files)
    for name, code in doc_examples().items():
        target = tmp_path / f"doc_{re.sub(r'[^0-9a-zA-Z_]', '_', name)}.py"
        target.write_text(code, encoding="utf-8")
        files.append(str(target))
    assert len(files) > 20, "the docs lost their examples"
    env = {"MYPYPATH": f"{ROOT}:{ROOT / 'examples'}", "PATH": "/usr/bin:/bin"}
    # Imports are followed silently: errors inside the client show up in its own check below.
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent", "--no-incremental", *files],
        capture_output=True, text=True, env=env, cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    with capsys.disabled():
        from_docs = len(files) - from_examples
        print(f"\ntyping: mypy --strict passed on {from_examples} example files and {from_docs} doc examples")


def test_the_client_itself_passes_mypy_strict():
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", "-p", "airflow_client"],
        capture_output=True, text=True, env={"MYPYPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
