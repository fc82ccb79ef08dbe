"""Hyperparameter search on Dask: LocalCluster with processes, equality with the
local search, cancellation, a missing extra and an unreachable scheduler."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("distributed")

from nexusml.config import load_feature_config
from nexusml.errors import Cancelled
from nexusml.features.engineering import engineer_features
from nexusml.model.builder import new_model
from nexusml.model.distributed import (
    MISSING_EXTRA,
    DaskUnavailable,
    check_scheduler,
    cluster_backend,
)
from nexusml.model.search import search_hyperparameters
from nexusml.options.arguments import TrainingArguments

REPO = Path(__file__).resolve().parents[1]
GRID = {"C": [0.03, 0.3, 3.0]}
TARGETS = ["mcaa_system_category", "uniformat_code"]


def _inventory(rows: int):
    from scripts.synthetic import generate_inventory

    return generate_inventory(rows, seed=7)


@pytest.fixture(scope="module")
def data():
    config = load_feature_config()
    features = engineer_features(_inventory(400), config)
    model = new_model(TrainingArguments(model_type="linear", random_state=42), config)
    return model, features.X, features.Y[TARGETS]


@pytest.fixture(scope="module")
def dask_search():
    """One local cluster for the tests below (it costs two worker processes' start). A search that follows
    another on the same client and scatters the same arrays gets the same keys, which the scheduler may still
    be releasing: each test searches its own rows (see ``test_cancel_stops_submitting_and_cancels_pending``)."""
    with cluster_backend(TrainingArguments(dask_scheduler="local")) as found:
        yield found


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _comparable(result) -> dict:
    return {k: v for k, v in result.to_dict().items() if k not in ("where", "workers", "seconds")}


@pytest.mark.slow
def test_local_cluster_uses_worker_processes_and_searches_as_the_local_search(data, dask_search):
    backend, where, workers = dask_search
    assert where.startswith("dask tcp://")
    pids = backend.client.run(os.getpid)
    assert workers == len(pids) >= 1
    assert os.getpid() not in pids.values()
    assert len(set(pids.values())) == len(pids)
    assert all(info["nthreads"] == 1 for info in backend.client.scheduler_info()["workers"].values())

    model, X, Y = data
    events: list[tuple[int, int, str]] = []
    local = search_hyperparameters(model, X, Y, cv_folds=3, n_jobs=1, grid=GRID)
    remote = search_hyperparameters(
        model,
        X,
        Y,
        cv_folds=3,
        n_jobs=-1,
        grid=GRID,
        backend=backend,
        on_candidate=lambda done, total, target: events.append((done, total, target)),
    )
    assert remote.best_params, "at least one target must be searched"
    assert _comparable(remote) == _comparable(local)
    assert remote.best_scores == local.best_scores
    assert [done for done, _, _ in events] == list(range(1, remote.candidates + 1))
    assert {total for _, total, _ in events} == {remote.candidates}
    assert remote.to_dict()["seconds"] > 0
    # The shared arrays were broadcast: every worker holds them, no search task is left behind.
    held = backend.client.run(lambda dask_worker: len(dask_worker.data))
    assert all(count >= 1 for count in held.values())
    assert backend.pending_keys() == []


@pytest.mark.slow
def test_cancel_stops_submitting_and_cancels_pending(data, dask_search):
    model, X, Y = data
    X, Y = X.head(300), Y.head(300)  # other arrays, so other keys, than the search of the test above
    backend, _, _ = dask_search
    submitted: list[int] = []
    original = backend.client.submit

    def counting_submit(*args, **kwargs):
        submitted.append(len(kwargs.get("tasks") or ()))
        return original(*args, **kwargs)

    backend.client.submit = counting_submit
    finished: list[int] = []
    try:
        with pytest.raises(Cancelled):
            search_hyperparameters(
                model,
                X,
                Y,
                cv_folds=3,
                n_jobs=-1,
                grid={"C": [0.01 * (i + 1) for i in range(10)]},
                backend=backend,
                on_candidate=lambda done, total, target: finished.append(done),
                should_stop=lambda: len(finished) >= 1,
            )
    finally:
        backend.client.submit = original
    assert finished == [1]
    assert 0 < sum(submitted) < 60, "submission must stop well before all 60 fits"

    def active(dask_scheduler):
        return [
            str(key)
            for key, task in dask_scheduler.tasks.items()
            if str(key).startswith("batch_of_") and task.state in ("queued", "waiting", "no-worker", "processing")
        ]

    deadline = time.monotonic() + 60  # only against waiting forever
    while (backend.pending_keys() or backend.client.run_on_scheduler(active)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert backend.pending_keys() == []
    assert backend.client.run_on_scheduler(active) == []


def test_missing_extra_names_the_install_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(DaskUnavailable) as caught, cluster_backend(TrainingArguments(dask_scheduler="local")):
        pass
    message = str(caught.value)
    assert 'pip install -e ".[dask]"' in message
    assert "\n" not in message
    with pytest.raises(DaskUnavailable, match=r"\.\[dask\]"):
        check_scheduler("tcp://127.0.0.1:1")
    assert message == MISSING_EXTRA


def test_missing_extra_exit_code(monkeypatch, tmp_path, capsys):
    from nexusml.train_model_pipeline_v2 import main

    csv = tmp_path / "inventory.csv"
    _inventory(120).to_csv(csv, index=False)
    monkeypatch.setitem(sys.modules, "distributed", None)
    code = main(
        [
            "--headless",
            "--data-path",
            str(csv),
            "--optimize",
            "--dask-scheduler",
            "local",
            "--output-dir",
            str(tmp_path / "out"),
        ]
    )
    assert code == 1
    assert 'pip install -e ".[dask]"' in capsys.readouterr().err
    assert not list((tmp_path / "out").glob("*.skops"))


def test_refused_connection_fails_at_once():
    # At once: the refusal is the answer, the connect timeout (here far longer than any busy machine's delay)
    # is not waited for.
    started = time.monotonic()
    with pytest.raises(DaskUnavailable, match=r"cannot reach the Dask scheduler at .*: Connection refused"):
        check_scheduler(f"tcp://127.0.0.1:{_free_port()}", timeout=120)
    assert time.monotonic() - started < 60


def test_silent_scheduler_fails_after_the_timeout(monkeypatch):
    import nexusml.model.distributed as distributed

    monkeypatch.setattr(distributed, "CONNECT_TIMEOUT_S", 1)
    with socket.socket() as listener:  # accepts TCP connections but never speaks Dask
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        address = f"tcp://127.0.0.1:{listener.getsockname()[1]}"
        started = time.monotonic()
        with (
            pytest.raises(DaskUnavailable, match=r"cannot reach the Dask scheduler at .*: no Dask handshake within 1s"),
            cluster_backend(TrainingArguments(dask_scheduler=address)),
        ):
            pass
        elapsed = time.monotonic() - started
        # It waited for the configured timeout (a busy machine only makes that longer), and gave up then
        # rather than waiting for ever: the bound is the timeout plus what a busy machine may add.
        assert 0.9 <= elapsed < 1 + 30, f"{elapsed:.1f}s"


@pytest.mark.slow
def test_unreachable_scheduler_exits_1_within_seconds(tmp_path):
    csv = tmp_path / "inventory.csv"
    _inventory(120).to_csv(csv, index=False)
    address = f"tcp://127.0.0.1:{_free_port()}"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "nexusml",
            "--headless",
            "--data-path",
            str(csv),
            "--optimize",
            "--dask-scheduler",
            address,
            "--output-dir",
            str(tmp_path / "out"),
            "--log-level",
            "INFO",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert proc.returncode == 1, proc.stderr[-2000:]
    errors = [line for line in proc.stderr.splitlines() if "error:" in line]
    assert len(errors) == 1 and f"cannot reach the Dask scheduler at {address}: Connection refused" in errors[0]
    assert not list((tmp_path / "out").glob("*.skops"))
    # Within seconds: the scheduler is checked first, before any data is loaded (no stage after the check
    # started), and a refused connection is the answer, the connect timeout is not waited for.
    started = [line.split("] ", 1)[1] for line in proc.stderr.splitlines() if re.search(r"\[\d+/\d+\] ", line)]
    assert started == ["Check Dask cluster ..."], proc.stderr[-2000:]
    assert "stage 'check_cluster' failed" in errors[0]


@pytest.mark.slow
def test_fits_on_the_cluster_give_the_local_model(data, dask_search):
    import numpy as np
    from sklearn.base import clone

    model, X, Y = data
    X, Y = X.head(350), Y.head(350)
    Y = Y.assign(same_as_first=Y[TARGETS[0]] + "!")  # groups the rows as the first target: shares its classifier
    backend, _, _ = dask_search
    submitted: list[int] = []
    original = backend.client.submit

    def counting_submit(*args, **kwargs):
        submitted.append(len(kwargs.get("tasks") or ()) or 1)
        return original(*args, **kwargs)

    backend.client.submit = counting_submit
    fitted_where: list[str] = []
    try:
        remote = clone(model).fit(X, Y, backend=backend, on_target=lambda i, n, t: fitted_where.append(t))
    finally:
        backend.client.submit = original
    local = clone(model).fit(X, Y)
    assert sum(submitted) >= 1, "the fits went to the cluster"
    assert fitted_where == list(Y.columns)
    assert remote.shared_with_ == local.shared_with_ == {"same_as_first": TARGETS[0]}
    for target in TARGETS:
        assert np.array_equal(remote.estimators_[target].coef_, local.estimators_[target].coef_)
    new_rows = X.tail(120)
    assert remote.predict(new_rows).equals(local.predict(new_rows))


@pytest.mark.slow
def test_a_training_run_fits_on_the_cluster_it_is_given(tmp_path, dask_search):
    from nexusml.pipeline.runner import run_training
    from nexusml.store.load import load_model

    backend, _, _ = dask_search
    csv = tmp_path / "inventory.csv"
    _inventory(300).to_csv(csv, index=False)
    results = {}
    for where in ("local", "cluster"):
        args = TrainingArguments(
            data_path=csv,
            output_dir=tmp_path / where,
            dask_scheduler=backend.client.scheduler.address if where == "cluster" else None,
            suspects=False,
        )
        results[where] = run_training(args)
    assert "check_cluster" in results["cluster"].stage_seconds
    assert results["cluster"].metrics == results["local"].metrics
    frame = _inventory(300).tail(100)
    predictions = [load_model(r.model_path).predict(frame) for r in (results["local"], results["cluster"])]
    assert predictions[0].equals(predictions[1])


@pytest.mark.slow
def test_partitions_coded_on_the_cluster_are_the_ones_coded_here(tmp_path, dask_search):
    from nexusml.commands.predict import main as predict_main
    from nexusml.train_model_pipeline_v2 import main as train_main
    from tests.conftest import call_main
    from tests.test_partitions import write_partitions

    backend, _, _ = dask_search
    csv = tmp_path / "inventory.csv"
    _inventory(300).to_csv(csv, index=False)
    assert (
        train_main(["--headless", "--data-path", str(csv), "--output-dir", str(tmp_path / "m"), "--log-level", "ERROR"])
        == 0
    )
    model = tmp_path / "m" / "equipment_classifier_latest.skops"
    inputs = write_partitions(tmp_path / "exports")
    common = ["--model", str(model), "--input", str(inputs), "--min-confidence", "auto", "--top-k", "2"]
    here = call_main(predict_main, *common, "--output", str(tmp_path / "here"))
    address = backend.client.scheduler.address
    there = call_main(predict_main, *common, "--output", str(tmp_path / "there"), "--dask-scheduler", address)
    assert here.returncode == there.returncode == 0, there.stderr
    assert f"on dask {address}" in there.stdout and "4 coded, 0 skipped, 0 failed: 160 rows" in there.stdout
    for name in ("part-0.csv", "part-1.parquet", "part-2.csv", "part-3.parquet"):
        assert (tmp_path / "here" / name).read_bytes() == (tmp_path / "there" / name).read_bytes(), name
    again = call_main(predict_main, *common, "--output", str(tmp_path / "there"), "--dask-scheduler", address)
    assert "0 coded, 4 skipped" in again.stdout
