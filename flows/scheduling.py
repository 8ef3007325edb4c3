"""Long-running scheduled processes that stop on one `kill -TERM PID`.

Prefect's own `serve` and `prefect worker start` both mishandle SIGTERM when run as
people run them in the background:

- `serve`: the runner's SIGTERM handler calls `Runner.stop`, which inside the event
  loop only makes a coroutine that nobody awaits ("RuntimeWarning: coroutine
  'Runner.astop' was never awaited"), then exits without stopping the runner.
- `prefect worker start`: the first SIGTERM is turned into a SIGINT sent to the
  worker itself. A job started in the background by a non-interactive shell
  (`prefect worker start ... &` in a script, nohup, many service managers) inherits
  SIGINT *ignored*, and the SIGINT then does nothing: the worker keeps running until
  a second signal SIGKILLs it (leaving its flow-run processes behind).

`serve` here stops the runner gracefully from the loop; `worker` restores SIGINT's
default before handing over to Prefect's worker, so its TERM-to-INT path works.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from typing import Any

from prefect.runner import Runner


class _Runner(Runner):
    """Prefect's runner, with a SIGTERM that stops it the way Ctrl-C does."""

    def handle_sigterm(self, *args: Any, **kwargs: Any) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # not started yet: nothing to stop gracefully
            raise KeyboardInterrupt from None
        self._logger.info("SIGTERM received, stopping ...")
        # from the signal handler: wake the loop (it may be waiting in select) and stop there
        loop.call_soon_threadsafe(self._stop_in_loop, loop)

    def _stop_in_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        if self.started:
            self._stopping_task = loop.create_task(self.astop())


def serve(flow, *, name: str, cron: str | None, interval: int | None, parameters: dict) -> str:
    """Serve `flow` as deployment `name` on a schedule until SIGTERM or Ctrl-C; the
    schedule is paused when serving stops (as Prefect's `serve` does). Returns the
    deployment's full name."""
    runner = _Runner(name=name, pause_on_shutdown=True)
    runner.add_flow(flow, name=name, cron=cron, interval=interval, parameters=parameters)
    full = f"{flow.name}/{name}"
    when = f"cron {cron!r}" if cron else f"every {interval} s"
    print(
        f"Deployment {full} ({when}) is being served and polling for scheduled runs.\n"
        f"Run it now: prefect deployment run {full}\n"
        f"Stop: Ctrl-C, or kill -TERM {os.getpid()}",
        flush=True,
    )
    try:
        asyncio.run(runner.start())
    except KeyboardInterrupt:
        pass
    print(f"stopped serving {full} (its schedule is paused until served again)", flush=True)
    return full


def exec_worker(pool: str, extra: list[str]) -> None:
    """Replace this process by `prefect worker start --pool POOL` (same PID, so the PID a
    user records stops the worker), with SIGINT back at its default first."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    argv = [sys.executable, "-m", "prefect", "worker", "start", "--pool", pool, *extra]
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, argv)
