"""Where the hyperparameter search runs: local joblib workers or a Dask cluster."""

from __future__ import annotations

import contextlib
import logging
from typing import Any, Callable, ContextManager, Iterator

from nexusml.core.cli.training_args import TrainingArguments

log = logging.getLogger("nexusml.run")

CONNECT_TIMEOUT_S = 5


class DaskUnavailable(Exception):
    """The [dask] extra is not installed or the scheduler cannot be reached."""


@contextlib.contextmanager
def search_backend(
    args: TrainingArguments,
) -> Iterator[tuple[Callable[[], ContextManager] | None, str, int]]:
    """Yields ``(backend, where, workers)``: ``backend()`` activates joblib's Dask backend, or is None."""
    if not args.dask_scheduler:
        from joblib import cpu_count

        workers = cpu_count() if args.n_jobs == -1 else args.n_jobs
        yield None, "local joblib", workers
        return
    try:
        import joblib
        from distributed import Client, LocalCluster
    except ImportError:
        raise DaskUnavailable(
            "--dask-scheduler needs the Dask extra; install it with: pip install -e \".[dask]\""
        ) from None

    cluster: Any = None
    try:
        if args.dask_scheduler == "local":
            cluster = LocalCluster(processes=True, threads_per_worker=1, dashboard_address=None)
            client = Client(cluster, timeout=CONNECT_TIMEOUT_S)
        else:
            client = Client(args.dask_scheduler, timeout=CONNECT_TIMEOUT_S)
    except (OSError, TimeoutError) as exc:
        if cluster is not None:
            cluster.close()
        raise DaskUnavailable(
            f"cannot reach the Dask scheduler at {args.dask_scheduler} ({type(exc).__name__}); "
            "check the address and that the scheduler is running"
        ) from None
    try:
        workers = len(client.scheduler_info().get("workers", {}))
        address = client.scheduler.address
        log.info("Search runs on Dask scheduler %s with %d worker(s)", address, workers)
        yield (lambda: joblib.parallel_config(backend="dask")), f"dask {address}", workers
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
