"""Using the NexusML training entry point from Python.

Run from a checkout with the package installed:

    python examples/training_pipeline_example.py

Everything is written under a temporary directory, which is removed at the end.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd

from nexusml import load_model
from nexusml.options.arguments import arguments_from_values
from nexusml.options.parser import parse_args
from nexusml.options.training_args import ArgumentError
from nexusml.pipeline import (
    CancelToken,
    StageFinished,
    StageProgress,
    StageStarted,
    TrainingError,
    run_training,
)


def show(title: str) -> None:
    print(f"\n=== {title} ===")


def default_run(work: Path):
    """1. The bundled sample inventory with every default (the same as `nexusml-train --headless`)."""
    show("Default run on the bundled data")
    # parse_args takes a command line; arguments_from_values takes a dict. Both validate every value.
    args = parse_args(["--output-dir", str(work / "default"), "--log-level", "WARNING"])
    result = run_training(args)
    for target, scores in result.metrics.items():
        print(f"{target:22s} accuracy {scores['accuracy']:.3f}  macro-F1 {scores['f1_macro']:.3f}")
    print("saved:", result.model_path)
    return result


def custom_file(work: Path):
    """2. A file with other columns: a feature config names the text columns and the targets."""
    show("Custom feature config for a file with other columns")
    rows = []
    kinds = [
        ("AHU-{}", "Daikin", "air handler {} cfm VFD", "HVAC", "Mechanical"),
        ("EF-{}", "Greenheck", "roof exhaust fan {} cfm", "HVAC", "Mechanical"),
        ("WH-{}", "AO Smith", "gas water heater {} gal", "Plumbing", "Mechanical"),
        ("LP-{}", "Square D", "lighting panel {}A 277/480V", "Power", "Electrical"),
        ("FACP-{}", "Notifier", "fire alarm control panel {} zones", "Life Safety", "Electrical"),
    ]
    for i in range(150):
        label, make, note, system, trade = kinds[i % len(kinds)]
        rows.append(
            {
                "Asset Label": label.format(i),
                "Make": make,
                "Notes": note.format(50 * (i % 9 + 1)),
                "System": system,
                "Trade Group": trade,
            }
        )
    data = work / "assets.csv"
    pd.DataFrame(rows).to_csv(data, index=False)
    config = work / "assets_features.yml"
    config.write_text(
        "text_combinations:\n"
        "  - name: combined_text\n"
        "    columns: [Asset Label, Make, Notes]\n"
        "targets: [System, Trade Group]\n",
        encoding="utf-8",
    )
    args = arguments_from_values(
        {"data_path": data, "feature_config": config, "output_dir": work / "assets", "log_level": "WARNING"}
    )
    result = run_training(args)
    print("targets:", ", ".join(result.targets), "| metrics:", result.metrics)
    return result


def sample_file(work: Path) -> Path:
    """The first 800 rows of the bundled inventory, to keep the slower demos quick."""
    path = work / "sample.csv"
    pd.read_csv(parse_args([]).resolved_data_path).head(800).to_csv(path, index=False)
    return path


def search_and_charts(work: Path):
    """3 + 4. A cross-validated hyperparameter search, and plotext charts (text and HTML)."""
    show("Hyperparameter search and visualizations")
    args = arguments_from_values(
        {
            "data_path": sample_file(work),
            "output_dir": work / "search",
            "optimize": True,
            "visualize": True,
            "log_level": "WARNING",
        }
    )
    result = run_training(args)
    for target, params in result.search["best_params"].items():
        print(f"best for {target}: {params} (CV macro-F1 {result.search['cv_f1_macro'][target]:.3f})")
    print("charts:", ", ".join(sorted(p.name for p in result.charts if p.suffix == ".txt")))
    return result


def legacy_agrees(work: Path, orchestrated) -> None:
    """5. The feature flag: the legacy path gives the same split, metrics and predictions."""
    show("Legacy path (feature flag) and the check that both paths agree")
    legacy = run_training(
        arguments_from_values({"output_dir": work / "legacy", "legacy": True, "log_level": "WARNING"})
    )
    assert legacy.path == "legacy" and orchestrated.path == "orchestrator"
    assert legacy.split_fingerprint == orchestrated.split_fingerprint
    assert legacy.metrics == orchestrated.metrics
    sample = pd.read_csv(parse_args([]).resolved_data_path).head(200)
    same = load_model(legacy.model_path).predict(sample).equals(load_model(orchestrated.model_path).predict(sample))
    assert same
    print("same split, same metrics, same predictions: yes")


def listen_to_events(work: Path) -> None:
    """6. Stage events: any callable is a sink. A CancelToken stops a run between or inside stages."""
    show("Listening to stage events")

    def on_event(event) -> None:
        if isinstance(event, StageStarted):
            print(f"[{event.index}/{event.total}] {event.title}")
        elif isinstance(event, StageProgress):
            print(f"      {event.fraction:4.0%} {event.message}")
        elif isinstance(event, StageFinished):
            print(f"      done in {event.seconds:.2f}s: {event.summary[:70]}")

    args = arguments_from_values(
        {"data_path": sample_file(work), "output_dir": work / "events", "log_level": "WARNING"}
    )
    run_training(args, on_event, CancelToken())


def handle_errors(work: Path) -> None:
    """7. Errors: bad values raise ArgumentError before anything runs; failed runs raise TrainingError."""
    show("Handling errors")
    try:
        arguments_from_values({"data_path": work / "no-such-file.csv"})
    except ArgumentError as exc:
        print("bad argument ->", exc)
    bad_config = work / "broken.yml"
    bad_config.write_text("text_combinations: [\n", encoding="utf-8")
    try:
        arguments_from_values({"feature_config": bad_config})
    except ArgumentError as exc:
        print("bad config   ->", exc)
    empty = work / "empty.csv"
    empty.write_text("description,category_name\n", encoding="utf-8")
    try:
        run_training(arguments_from_values({"data_path": empty, "output_dir": work / "failed", "log_level": "ERROR"}))
    except TrainingError as exc:
        print(f"failed run   -> stage '{exc.stage}': {exc.message}")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="nexusml-example-") as folder:
        work = Path(folder)
        orchestrated = default_run(work)
        custom_file(work)
        search_and_charts(work)
        legacy_agrees(work, orchestrated)
        listen_to_events(work)
        handle_errors(work)
        model = load_model(orchestrated.model_path)
        show("Prediction with the saved model")
        print(
            model.predict(pd.DataFrame({"description": ["500 ton centrifugal chiller", "inline pump 5 hp"]}))
            .filter(like="predicted_")
            .to_string(index=False)
        )


if __name__ == "__main__":
    main()
