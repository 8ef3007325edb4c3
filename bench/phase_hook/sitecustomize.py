"""Loaded by `bench.phases` into every Python process of a run (through PYTHONPATH): it
times the run's phases, as CPU time of the calling thread and as wall time, and writes
each process's figures to BOILERSTRIP_PHASES/<pid>.json (at exit, and after each batch
in a worker process, which exits without running atexit hooks).

The functions are wrapped as their modules are imported, so a process that never
imports them (the forkserver's helpers, the resource tracker) is not touched.
"""

from __future__ import annotations

import atexit
import functools
import importlib.abc
import importlib.util
import json
import os
import resource
import sys
import threading
import time

OUT = os.environ.get("BOILERSTRIP_PHASES", "")
# module, attribute (Class.method), phase; a phase inside another of the same process is
# counted in both (clean is part of the batch), never twice in itself
TARGETS = [
    ("boilerstrip.flows.runners", "clean_work", "batch"),
    ("boilerstrip.flows.work", "clean", "batch: clean()"),
    ("boilerstrip.flows.work", "render", "batch: diff log"),
    ("boilerstrip.flows.work", "editlog.dumps", "batch: edit log"),
    ("boilerstrip.flows.files", "AtomicWriter.write", "batch: write outputs"),
    ("boilerstrip.flows.files", "AtomicWriter.close", "batch: sync outputs"),
    ("boilerstrip.flows.inputs", "InputRoot.read", "batch: read input"),
    ("boilerstrip.flows.plan", "Plan.record", "journal a batch"),
    ("boilerstrip.flows.report.build", "write_report", "report"),
    ("boilerstrip.flows.report.build", "_render_chunk", "report: document views"),
]
MODULES = {module for module, _, _ in TARGETS}
STARTED = time.time()
cpu: dict[str, float] = {}
wall: dict[str, float] = {}
calls: dict[str, int] = {}
active = threading.local()


def timed(fn, phase: str):
    @functools.wraps(fn)  # keeps the qualified name: a pool pickles the function by it
    def wrapper(*args, **kwargs):
        stack = getattr(active, "stack", None)
        if stack is None:
            stack = active.stack = []
        outer = phase not in stack
        stack.append(phase)
        c, w = time.thread_time(), time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            stack.pop()
            if outer:
                cpu[phase] = cpu.get(phase, 0.0) + time.thread_time() - c
                wall[phase] = wall.get(phase, 0.0) + time.perf_counter() - w
                calls[phase] = calls.get(phase, 0) + 1
                if phase in ("batch", "report: document views") and not stack:
                    dump()  # a worker process exits without running atexit hooks

    return wrapper


def install(module) -> None:
    for name, attribute, phase in TARGETS:
        if name != module.__name__:
            continue
        *path, last = attribute.split(".")
        owner = module
        for part in path:
            owner = getattr(owner, part)
        setattr(owner, last, timed(getattr(owner, last), phase))


class Hook(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name not in MODULES:
            return None
        sys.meta_path.remove(self)
        try:
            spec = importlib.util.find_spec(name)
        finally:
            sys.meta_path.insert(0, self)
        if spec is None or spec.loader is None:
            return spec
        load = spec.loader.exec_module

        def exec_module(module):
            load(module)
            install(module)

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def dump() -> None:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    figures = {
        "pid": os.getpid(),
        "argv": sys.argv[:2],
        "user": usage.ru_utime,
        "sys": usage.ru_stime,
        "started": STARTED,
        "ended": time.time(),
        "cpu": cpu,
        "wall": wall,
        "calls": calls,
    }
    with open(os.path.join(OUT, f"{os.getpid()}.json"), "w", encoding="utf-8") as handle:
        json.dump(figures, handle)


if OUT:
    sys.meta_path.insert(0, Hook())
    atexit.register(dump)
