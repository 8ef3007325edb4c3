"""Time limits that third-party code cannot swallow.

A limit is a SIGALRM timer whose handler raises `_Expired`, a BaseException: libraries
that catch `Exception` and carry on (trafilatura's `load_html` parses the page again
when the first parse raised) let it pass. At the limit's own boundary it becomes the
library error the caller asked for (`ExtractionTimeout`, `CleaningTimeout`), an
ordinary Exception. Limits nest: an inner limit that would end after the outer one
leaves the outer in charge; otherwise it takes the timer and gives the outer its
remaining time back when it ends. Some libraries catch everything (langdetect's
profile loader has a bare `except:`), so an expired timer fires again every
`REPEAT` seconds until the block has ended.

Signals interrupt Python code and the `re` engine, not a C library in the middle of a
call (libxml2 parsing): the handler runs when the call returns. What a C parser might
spend minutes on is refused before parsing (`input.html.shape_problem`).
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

REPEAT = 0.1
"""Seconds between the timer's signals once the limit has passed."""


class _Expired(BaseException):
    """Raised by the timer; a BaseException so that `except Exception` cannot catch it."""


def usable() -> bool:
    """SIGALRM timers work in the main thread only (the command line, worker processes
    and `serve` clean there); elsewhere (Dask worker threads) there is no limit."""
    return threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")


@contextmanager
def time_limit(seconds: float | None, error: Callable[[], Exception]) -> Iterator[None]:
    """Raise `error()` in this thread when the block takes longer than `seconds`."""
    if not seconds or not usable():
        yield
        return
    outer_left, outer_repeat = signal.getitimer(signal.ITIMER_REAL)
    if outer_left and outer_left <= seconds:
        yield  # the enclosing limit ends first: it stays in charge
        return
    done = False

    def expire(_signum: int, _frame: FrameType | None) -> None:
        if not done:  # the block may have ended while the signal was on its way
            raise _Expired

    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds, REPEAT)
    try:
        yield
    except _Expired:
        done = True
        raise error() from None
    finally:
        done = True
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer_left:  # the enclosing limit's timer, less the time spent here
            left = max(outer_left - (time.monotonic() - started), 1e-3)
            signal.setitimer(signal.ITIMER_REAL, left, outer_repeat)
