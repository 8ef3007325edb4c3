"""Golden cases as data: discovery, serialisation and comparison."""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from boilerstrip.cleaners import Cleaned, Config, load_config
from boilerstrip.cleaners.output import editlog

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
GROUPS = ("seeds", "cases", "traps")
META_KEYS = ("format", "encoding", "bom", "language", "language_source", "needs_review", "review_reason", "extraction")


@dataclass
class Case:
    group: str
    name: str
    dir: Path
    input: Path
    description: str = ""
    must_keep: list[str] = field(default_factory=list)
    must_drop: list[str] = field(default_factory=list)
    config: Config | None = None

    @property
    def id(self) -> str:
        return f"{self.group}/{self.name}"


def discover() -> list[Case]:
    cases = []
    for group in GROUPS:
        for case_dir in sorted((FIXTURES / group).glob("*/")):
            spec_path = case_dir / "case.toml"
            spec = tomllib.loads(spec_path.read_text(encoding="utf-8")) if spec_path.exists() else {}
            if "input" in spec:
                input_path = ROOT / spec["input"]
            else:
                found = sorted(case_dir.glob("input.*"))
                assert len(found) == 1, f"{case_dir}: needs exactly one input.* file or case.toml input ="
                input_path = found[0]
            config_path = case_dir / "config.toml"
            cases.append(
                Case(
                    group=group,
                    name=case_dir.name,
                    dir=case_dir,
                    input=input_path,
                    description=spec.get("description", ""),
                    must_keep=spec.get("must_keep", []),
                    must_drop=spec.get("must_drop", []),
                    config=load_config(config_path) if config_path.exists() else None,
                )
            )
    return cases


def meta_json(result: Cleaned) -> str:
    data = result.meta.to_dict()
    meta = {k: data[k] for k in META_KEYS}
    if meta["extraction"]:  # the extractor's version is not the case's business
        meta["extraction"] = {k: v for k, v in meta["extraction"].items() if k != "extractor_version"}
    return json.dumps(meta, ensure_ascii=False, indent=2) + "\n"


def outputs(result: Cleaned) -> dict[str, bytes]:
    return {
        "expected.txt": result.text.encode("utf-8"),
        "expected-edits.jsonl": editlog.dumps(result.edits).encode("utf-8"),  # the edits only, no byte fixes
        "expected-meta.json": meta_json(result).encode("utf-8"),
    }
