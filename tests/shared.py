"""Where the shared seed plans, gold extractions and scorers sit (beside the repo)."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from types import ModuleType

SHARED_DIR = Path(
    os.environ.get("NHACVIEC_SHARED_DIR", Path(__file__).resolve().parents[2] / "shared")
)
SEEDS = sorted((SHARED_DIR / "seeds").glob("*.txt"))
GOLD_DIR = SHARED_DIR / "gold"


def load_tool(name: str) -> ModuleType:
    """Import one of the shared scoring scripts as a module."""
    path = SHARED_DIR / "tools" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None, f"missing {path}"
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
