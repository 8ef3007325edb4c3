"""A command run with its time, CPU and peak memory measured, for the benchmarks."""

from __future__ import annotations

import resource
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class Sampler(threading.Thread):
    """Peak RSS of a process and all its descendants, and the CPU time each descendant had
    used when last seen (a forkserver's workers are never reaped by the process we wait
    for, so `RUSAGE_CHILDREN` misses them)."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        import psutil

        self.root = psutil.Process(pid)
        self.peak = 0
        self.cpu: dict[int, float] = {}  # pid (the process and its descendants) -> its own user + system seconds
        self.stop = threading.Event()

    def run(self) -> None:
        import psutil

        while not self.stop.is_set():
            try:
                procs = [self.root, *self.root.children(recursive=True)]
                total = 0
                for proc in procs:
                    try:
                        total += proc.memory_info().rss
                        times = proc.cpu_times()
                        self.cpu[proc.pid] = times.user + times.system
                    except psutil.Error:
                        pass
                self.peak = max(self.peak, total)
            except psutil.Error:
                pass
            self.stop.wait(0.25)


@dataclass
class Sampled:
    """A command's run: wall and CPU seconds (its process tree), peak RSS, what it wrote."""

    seconds: float
    cpu: float
    peak: int
    returncode: int
    stdout: bytes
    stderr: bytes


def sampled(command: list[str], env: dict, *, stdout: bool = False) -> Sampled:
    """Run `command` from the repository root; its peak RSS sampled four times a second."""
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    out = subprocess.PIPE if stdout else subprocess.DEVNULL
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.PIPE)
    sampler = Sampler(process.pid)
    sampler.start()
    printed, err = process.communicate()
    seconds = time.perf_counter() - started
    sampler.stop.set()
    sampler.join()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (children.ru_utime - children_before.ru_utime) + (children.ru_stime - children_before.ru_stime)
    # what the command and the processes it reaped used, or what every process of the tree
    # had used when last seen (a short-lived one's last quarter second may be missed):
    # whichever saw more
    cpu = max(cpu, sum(sampler.cpu.values()))
    return Sampled(seconds, cpu, sampler.peak, process.returncode, printed or b"", err)
