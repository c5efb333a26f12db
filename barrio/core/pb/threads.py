"""The rules' numpy calls on the calling thread only.

numpy hands a float dot product of more than about 10,000 entries (and a matrix-vector
product) to OpenBLAS, which splits it over a thread per core; between calls those threads
spin, waiting for the next one. A rule makes thousands of such calls, each of a few
microseconds, so the threads save nothing and burn a second core: on Warszawa 2026
(51,202 distinct ballots) MES + Add1 + greedy took 5.9 CPU seconds with them and 3.1 without,
for the same wall-clock time. :func:`one_blas_thread` limits BLAS to one thread while a rule
runs (through ``threadpoolctl``, made for this) and restores the previous limit after.

The limit is per process: a rule running in one thread of a threaded server limits BLAS for
the others while it runs, which changes their speed, never their results.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from threadpoolctl import ThreadpoolController

_P = ParamSpec("_P")
_R = TypeVar("_R")

_controller: list[tuple[int, ThreadpoolController]] = []  # with len(sys.modules) then


def _libraries() -> ThreadpoolController:
    """The thread pools of the libraries loaded now (looking them up takes about a
    millisecond, so it is done again only after modules were imported: a BLAS library comes
    with an extension module, as scipy's does when numba first compiles)."""
    modules = len(sys.modules)
    if not _controller or _controller[0][0] != modules:
        _controller[:] = [(modules, ThreadpoolController())]
    return _controller[0][1]


def one_blas_thread(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run ``function`` with BLAS limited to one thread.

    Examples
    --------
    >>> import numpy as np
    >>> from threadpoolctl import threadpool_info
    >>> @one_blas_thread
    ... def threads() -> list[int]:
    ...     return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]
    >>> set(threads()) <= {1}
    True
    """

    @functools.wraps(function)
    def limited(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with _libraries().limit(limits=1, user_api="blas"):
            return function(*args, **kwargs)

    return limited
