"""Run settings: the ``[run]`` table of the same TOML file whose ``[cleaners]`` table
configures the library. Validated at start; the effective settings are written
next to the outputs so a run can be reproduced and audited.

    [run]
    batch_size = 500          # files per Prefect task: big enough that Prefect's per-task cost is small
    format = "auto"           # auto | text | html
    write_diff = true         # write a .diff log and an .edits.jsonl beside each .txt
    max_input_mb = 200        # refuse larger files (and .gz expanding beyond it)
    report = true             # write OUT/report.html (and OUT/report/) at the end of each run
    workers = 0               # processes that clean: 0 = one per core, 1 = the flow process; Dask: its workers
    dask = ""                 # "" (off), "local" (a LocalCluster of `workers`), or a scheduler "tcp://host:8786"
    repeated_lines = false    # first gather per-site line statistics for remove_repeated_lines
    site_depth = 1            # leading folders of a file's path that name its site (0: one site)
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from boilerstrip.cleaners import Config, ConfigError
from boilerstrip.cleaners.config import from_mapping, read_toml

FORMATS = ("auto", "text", "html")
INTEGER_MAXIMA = {"batch_size": 1_000_000, "max_input_mb": 1_048_576, "workers": 1024, "site_depth": 100}
"""Sane ceilings: larger values are mistakes (a 1 TB file limit is already no limit), and
far larger ones overflow where they are used (`max_input_mb = 99999999999999`)."""


@dataclass(frozen=True)
class RunSettings:
    batch_size: int = 500
    format: str = "auto"
    write_diff: bool = True
    max_input_mb: int = 200
    report: bool = True
    workers: int = 0
    dask: str = ""
    repeated_lines: bool = False
    site_depth: int = 1

    @property
    def max_input_bytes(self) -> int:
        return self.max_input_mb * 1024 * 1024


@dataclass(frozen=True)
class Settings:
    run: RunSettings
    cleaners: Config
    source: str | None = None

    def with_run(self, **changes) -> Settings:
        changes = {k: v for k, v in changes.items() if v is not None}
        run = replace(self.run, **changes)
        _validate_run(asdict(run), "command line")
        return replace(self, run=run)

    def to_toml(self) -> str:
        """The effective settings as a TOML file that `load_settings` reads back."""
        lines = ["# Effective boilerstrip settings for this run (defaults filled in).", "", "[run]"]
        lines += [f"{key} = {_toml_value(value)}" for key, value in asdict(self.run).items()]
        lines += ["", "[cleaners]"]
        lines += [f"{key} = {_toml_value(value)}" for key, value in self.cleaners.to_dict().items()]
        return "\n".join(lines) + "\n"


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False)  # JSON strings, numbers and lists are valid TOML


def _validate_run(table: object, where: str) -> RunSettings:
    if not isinstance(table, dict):
        raise ConfigError(f"{where} [run]: must be a table ([run] with keys under it), not {table!r}")
    known = set(RunSettings.__dataclass_fields__)
    unknown = set(table) - known
    if unknown:
        raise ConfigError(f"{where} [run]: unknown keys {sorted(unknown)}; known: {sorted(known)}")
    for key, top in INTEGER_MAXIMA.items():
        low = 0 if key in ("workers", "site_depth") else 1
        value = table.get(key, low)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= top:
            kind = "a positive integer" if low else "an integer >= 0"
            raise ConfigError(f"{where} [run]: {key} must be {kind} (at most {top}), not {value!r}")
    if table.get("format", "auto") not in FORMATS:
        raise ConfigError(f"{where} [run]: format must be one of {', '.join(FORMATS)}, not {table['format']!r}")
    for key in ("write_diff", "report", "repeated_lines"):
        if not isinstance(table.get(key, True), bool):
            raise ConfigError(f"{where} [run]: {key} must be true or false")
    dask = table.get("dask", "")
    if not isinstance(dask, str) or not (dask in ("", "local") or "://" in dask):
        raise ConfigError(f'{where} [run]: dask must be "", "local" or a scheduler address like "tcp://host:8786"')
    return RunSettings(**table)


def load_settings(path: str | Path | None) -> Settings:
    if path is None:
        return Settings(RunSettings(), Config())
    path = Path(path)
    data = read_toml(path)
    unknown = set(data) - {"run", "cleaners"}
    if unknown:
        raise ConfigError(f"{path}: unknown tables {sorted(unknown)}; known: [run], [cleaners]")
    run = _validate_run(data.get("run", {}), str(path))
    cleaners = from_mapping(data.get("cleaners", {}), base_dir=path.parent, where=f"{path} [cleaners]")
    return Settings(run, cleaners, source=str(path))
