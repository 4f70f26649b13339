"""Dependencies point inward: every import in the production packages, function-level ones included."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# What each package must never import (first dotted component).
FORBIDDEN = {
    "newsroom": {"adapters", "services", "flows", "infra", "prefect", "boto3", "httpx", "sqlalchemy"},
    "glossary": {"adapters", "services", "flows", "infra", "prefect"},
    "adapters": {"services", "flows", "prefect"},
    "services": {"flows", "infra", "prefect"},
    "infra": {"flows"},
}
# Known exceptions, kept visible (none: the localization pipeline, which drives the glossary's masking,
# lives in services/).
ALLOWED: set[tuple[str, str]] = set()


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_package_imports_outward(package: str) -> None:
    offences = []
    for path in sorted((ROOT / package).rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if package == "infra" and rel.startswith("infra/prefect"):
            continue  # deployments and the local Prefect processes are Prefect's own corner of infra
        for name in _imports(path) & FORBIDDEN[package]:
            if (rel, name) not in ALLOWED:
                offences.append(f"{rel} imports {name}")
    assert offences == []


def test_the_layering_check_sees_function_level_imports(tmp_path: Path) -> None:
    sample = tmp_path / "m.py"
    sample.write_text("def f():\n    from flows.bootstrap import get_container\n    import prefect.blocks\n")
    assert _imports(sample) == {"flows", "prefect"}
