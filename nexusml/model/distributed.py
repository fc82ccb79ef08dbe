"""Where the search, the fits and the coding of partitions run: this machine or a Dask cluster.

``dask_client(address)`` yields a connected client (``local`` starts a LocalCluster of worker
processes here), after checking within seconds that the scheduler answers, has workers and that
they can import nexusml.  ``cluster_backend(args)`` yields ``(backend, where, workers)`` for a
training run: ``backend`` is None for local joblib; on Dask it is a :class:`DaskBackend`, whose
call ``backend(scatter=[...])`` activates joblib's Dask backend with those objects broadcast to
every worker once, and whose ``cancel_pending()`` cancels the tasks that were submitted but have
not finished.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import socket
import time
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any

from nexusml.errors import NexusMLError
from nexusml.options.arguments import TrainingArguments

log = logging.getLogger("nexusml.run")

CONNECT_TIMEOUT_S = 5
DEFAULT_SCHEDULER_PORT = 8786
MISSING_EXTRA = '--dask-scheduler needs the Dask extra (dask, distributed); install it with: pip install -e ".[dask]"'
# joblib's Dask backend names the futures it submits "batch_of_<func>_<n>_calls-<uuid>".
_JOBLIB_KEY_PREFIXES = ("batch_of_", "mixed_batch_of_")


class DaskUnavailable(NexusMLError):
    """The [dask] extra is not installed or the scheduler cannot be reached."""


def _import_dask() -> tuple[Any, Any]:
    try:
        import dask  # noqa: F401
        from distributed import Client, LocalCluster
    except ImportError:
        raise DaskUnavailable(MISSING_EXTRA) from None
    return Client, LocalCluster


def tcp_endpoint(address: str) -> tuple[str, int] | None:
    """``(host, port)`` of a ``tcp://`` or ``HOST:PORT`` address; None for other protocols."""
    text = address.strip().rstrip("/")
    if "://" in text:
        protocol, _, text = text.partition("://")
        if protocol != "tcp":
            return None
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port = rest.lstrip(":")
    else:
        host, sep, port = text.rpartition(":")
        if not sep:
            host, port = text, ""
    if not host:
        return None
    return host, int(port) if port.isdigit() else DEFAULT_SCHEDULER_PORT


def check_scheduler(address: str, timeout: float = CONNECT_TIMEOUT_S) -> None:
    """Fail fast, with :class:`DaskUnavailable`, when the extra is missing or a TCP scheduler is unreachable.

    Cheap enough to run before any data is loaded; ``local`` only checks the extra.
    """
    _import_dask()
    if address == "local":
        return
    endpoint = tcp_endpoint(address)
    if endpoint is None:
        return
    try:
        with socket.create_connection(endpoint, timeout=timeout):
            pass
    except socket.gaierror:
        raise DaskUnavailable(f"cannot reach the Dask scheduler at {address}: unknown host {endpoint[0]!r}") from None
    except TimeoutError:
        raise DaskUnavailable(
            f"cannot reach the Dask scheduler at {address}: no answer within {timeout:g}s; "
            "check the address, the firewall and that the scheduler is running"
        ) from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise DaskUnavailable(
            f"cannot reach the Dask scheduler at {address}: {reason}; "
            "check the address and that the scheduler is running"
        ) from None


async def _handshake(address: str, timeout: float) -> None:
    from distributed.comm import connect

    comm = await asyncio.wait_for(connect(address, timeout=timeout), timeout)
    await comm.close()


def probe_scheduler(address: str, timeout: float = CONNECT_TIMEOUT_S) -> None:
    """Open one Dask connection to ``address`` within ``timeout`` seconds, or raise DaskUnavailable.

    ``distributed.Client`` can wait forever on a peer that accepts the TCP
    connection but never answers the Dask handshake (a proxy, a wrong port);
    this bounded probe runs first so that case fails within the timeout too.
    """
    pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="dask-probe")
    future = pool.submit(asyncio.run, _handshake(address, timeout))
    try:
        future.result(timeout=timeout + 1)
    except (TimeoutError, concurrent.futures.TimeoutError):
        raise DaskUnavailable(
            f"cannot reach the Dask scheduler at {address}: no Dask handshake within {timeout:g}s; "
            "check that the address is a Dask scheduler and that it is running"
        ) from None
    except (OSError, ValueError) as exc:
        raise DaskUnavailable(
            f"cannot reach the Dask scheduler at {address} ({type(exc).__name__}: {exc}); "
            "check the address and that the scheduler is running"
        ) from None
    except Exception as exc:
        raise DaskUnavailable(
            f"{address} did not answer as a Dask scheduler ({type(exc).__name__}); check the address and port"
        ) from None
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


class DaskBackend:
    """joblib's Dask backend bound to one client."""

    def __init__(self, client: Any):
        self.client = client

    def __call__(self, scatter: Sequence[Any] = ()) -> AbstractContextManager:
        import joblib

        return joblib.parallel_config(
            backend="dask",
            client=self.client,
            scatter=list(scatter) or None,
            wait_for_workers_timeout=CONNECT_TIMEOUT_S,
        )

    def pending_keys(self) -> list[str]:
        """Keys of submitted search tasks that have neither finished nor been cancelled."""
        return [
            key
            for key, state in list(self.client.futures.items())
            if str(key).startswith(_JOBLIB_KEY_PREFIXES) and getattr(state, "status", "pending") == "pending"
        ]

    def cancel_pending(self) -> int:
        """Cancel the search tasks this client still holds; returns how many."""
        from distributed import Future

        keys = self.pending_keys()
        if keys:
            futures: list[Any] = [Future(key, self.client) for key in keys]
            self.client.cancel(futures, force=True)
        return len(keys)


def _connect(address: str, Client: Any, LocalCluster: Any) -> tuple[Any, Any]:
    if not log.isEnabledFor(logging.DEBUG):
        # distributed logs every worker, client and cancelled key at INFO (a LocalCluster's scheduler runs in
        # this process): those lines would bury the run's own; --log-level DEBUG shows them.
        logging.getLogger("distributed").setLevel(logging.WARNING)
    if address == "local":
        from joblib import cpu_count

        cluster = LocalCluster(
            n_workers=cpu_count(),
            threads_per_worker=1,
            processes=True,
            # any free port: the scheduler serves HTTP even without a dashboard, and with its default port two
            # local runs at once print "Port 8787 is already in use"
            dashboard_address=":0",
            silence_logs=logging.ERROR,
        )
        try:
            return Client(cluster, timeout=CONNECT_TIMEOUT_S, set_as_default=False), cluster
        except BaseException:
            cluster.close()
            raise
    check_scheduler(address)
    probe_scheduler(address, CONNECT_TIMEOUT_S)
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise DaskUnavailable(
            f"cannot reach the Dask scheduler at {address} ({type(exc).__name__}: {exc}); "
            "check the address and that the scheduler is running"
        ) from None
    return client, None


def _check_workers(client: Any, address: str) -> int:
    workers = len(client.scheduler_info().get("workers", {}))
    if workers == 0:
        try:
            client.wait_for_workers(1, timeout=CONNECT_TIMEOUT_S)
        except (TimeoutError, OSError):
            raise DaskUnavailable(
                f"the Dask scheduler at {address} has no workers; start some with: dask worker {address}"
            ) from None
        workers = len(client.scheduler_info().get("workers", {}))
    # A lambda travels by value, so the probe itself does not need nexusml on the worker.
    probe = lambda: __import__("importlib.util").util.find_spec("nexusml") is not None
    missing = [w for w, ok in client.run(probe).items() if not ok]
    if missing:
        raise DaskUnavailable(
            f"{len(missing)} Dask worker(s) cannot import nexusml (e.g. {missing[0]}); "
            "install NexusML in the workers' environment"
        )
    return workers


@contextlib.contextmanager
def dask_client(address: str, purpose: str = "Search") -> Iterator[tuple[Any, str, int]]:
    """Yields ``(client, where, workers)`` for the scheduler at ``address`` (``local``: a LocalCluster here).

    Raises :class:`DaskUnavailable` (one line) when the extra is missing, the scheduler cannot be reached,
    it has no workers, or they cannot import nexusml.  The client (and a LocalCluster) is closed on exit.
    """
    Client, LocalCluster = _import_dask()
    started = time.perf_counter()
    client, cluster = _connect(address, Client, LocalCluster)
    try:
        scheduler = client.scheduler.address
        workers = _check_workers(client, scheduler)
        kind = "LocalCluster" if cluster is not None else "scheduler"
        log.info(
            "%s runs on Dask %s %s with %d worker(s) (connected in %.1fs)",
            purpose,
            kind,
            scheduler,
            workers,
            time.perf_counter() - started,
        )
        yield client, f"dask {scheduler}", workers
    finally:
        with contextlib.suppress(Exception):
            client.close()
        if cluster is not None:
            with contextlib.suppress(Exception):
                cluster.close()


@contextlib.contextmanager
def cluster_backend(
    args: TrainingArguments,
) -> Iterator[tuple[DaskBackend | None, str, int]]:
    """Yields ``(backend, where, workers)`` for a run's search and fits; ``backend`` is None for local joblib."""
    if not args.dask_scheduler:
        from joblib import cpu_count

        workers = cpu_count() if args.n_jobs == -1 else args.n_jobs
        yield None, "local joblib", workers
        return
    with dask_client(args.dask_scheduler, "Training") as (client, where, workers):
        yield DaskBackend(client), where, workers
