"""The one declaration of every training argument.

Each argument is declared once, as an :class:`ArgSpec` (flags with the spellings
older scripts used, kind, default, choices, help, group, validator), and
everything else is derived from :data:`ARGUMENTS`: :class:`TrainingArguments`
(in ``arguments``, whose defaults are the spec's), the argparse program and the equivalent
command line (``parser``), the order
of defaults, saved settings, ``--config`` and flags (``precedence``, used by
the CLI and the wizard), ``--config`` files (``run_config``), the README's
flag table (``docs``) and the wizard's fields (``tui/``).  The validators live
in ``validators``; the bundled sample inventory is found by ``nexusml.data``.
Only the standard library is imported, so ``nexusml-train --help`` is instant.
"""

from __future__ import annotations

from nexusml.options import validators as v
from nexusml.options.spec import GROUP_TITLES, ArgSpec, Kind  # noqa: F401
from nexusml.options.validators import DATA_SUFFIXES, ArgumentError, validate_data_path, validate_sheet  # noqa: F401

PROG = "nexusml-train"

MODEL_TYPES = ("linear", "linear_svc", "logreg", "sgd", "random_forest")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
SAMPLING_STRATEGIES = ("direct",)
RUN_SWITCHES = ("headless", "config", "use_orchestrator", "predict")
"""How this invocation runs, not what it trains: left out of saved run configs and equivalent commands."""


ARGUMENTS: tuple[ArgSpec, ...] = (
    ArgSpec(
        "data_path",
        ("--data-path",),
        Kind.PATH,
        None,
        "Training data: CSV, Excel (.xlsx) or Parquet file (default: the bundled sample inventory)",
        "data",
        v.validate_data_path,
        "Data file",
        metavar="FILE",
        placeholder="path/to/inventory.csv",
    ),
    ArgSpec(
        "sheet",
        ("--sheet",),
        Kind.TEXT,
        None,
        "Excel sheet name or 0-based index (default: the first sheet)",
        "data",
        v.validate_sheet,
        "Excel sheet",
        metavar="NAME",
        placeholder="first sheet",
    ),
    ArgSpec(
        "feature_config",
        ("--feature-config", "--feature-config-path"),
        Kind.PATH,
        None,
        "Feature config YAML (text columns, numeric columns, targets; default: the bundled config)",
        "features",
        v.validate_feature_config,
        "Feature config",
        metavar="FILE",
        placeholder="bundled default",
    ),
    ArgSpec(
        "reference_config",
        ("--reference-config", "--reference-config-path"),
        Kind.PATH,
        None,
        "Reference config YAML (code lists and service-life table; default: the bundled references)",
        "features",
        v.validate_reference_config,
        "Reference config",
        metavar="FILE",
        placeholder="bundled default",
    ),
    ArgSpec(
        "targets",
        ("--targets", "--target"),
        Kind.COLUMNS,
        None,
        "Column to predict; repeat the flag or separate names with commas (default: the feature config's targets)",
        "features",
        v.validate_columns,
        "Targets",
        metavar="COLUMN",
    ),
    ArgSpec(
        "text_columns",
        ("--text-columns",),
        Kind.COLUMNS,
        None,
        "Columns whose text the model reads, comma-separated (default: the feature config's text)",
        "features",
        v.validate_columns,
        "Text columns",
        metavar="A,B,...",
    ),
    ArgSpec(
        "numeric_columns",
        ("--numeric-columns",),
        Kind.COLUMNS,
        None,
        "Numeric columns the model reads, comma-separated (default: the feature config's numbers)",
        "features",
        v.validate_columns,
        "Numeric columns",
        metavar="X,Y,...",
    ),
    ArgSpec(
        "group_column",
        ("--group-column",),
        Kind.TEXT,
        None,
        "Column naming each row's item (an asset tag, a GUID, a product id): an item's rows stay together on "
        "one side of the held-out split and of every cross-validation fold (default: rows whose text the model "
        "reads is the same are one item)",
        "features",
        v.validate_group_column,
        "Item column",
        metavar="COLUMN",
        placeholder="rows with the same text",
    ),
    ArgSpec(
        "test_size",
        ("--test-size",),
        Kind.FLOAT,
        0.3,
        "Fraction of rows held out for evaluation, between 0 and 1",
        "training",
        v.validate_test_size,
        "Test size",
        metavar="FRACTION",
    ),
    ArgSpec(
        "auto_precision",
        ("--auto-precision",),
        Kind.FLOAT,
        0.95,
        "Precision the automatically coded rows must reach: the report gives, per target, the lowest "
        "confidence at which held-out predictions reach it and the share of rows above it",
        "training",
        v.validate_auto_precision,
        "Auto-coding precision",
        metavar="PRECISION",
    ),
    ArgSpec(
        "max_classes",
        ("--max-classes",),
        Kind.INT,
        2000,
        "Refuse a target with more classes than this (such a column is usually an ID or free text)",
        "training",
        v.validate_max_classes,
        "Max classes per target",
        metavar="N",
    ),
    ArgSpec(
        "random_state",
        ("--random-state",),
        Kind.INT,
        42,
        "Random seed for the split and the model",
        "training",
        v.validate_random_state,
        "Random state",
        metavar="SEED",
    ),
    ArgSpec(
        "sampling_strategy",
        ("--sampling-strategy",),
        Kind.CHOICE,
        "direct",
        "How rows are sampled for training ('direct': every training row once, no resampling). Class "
        "weights come with --model-type: the default lifts each class rarer than the median class "
        "(median count / its count) up to 200,000 training rows, random_forest uses 'balanced_subsample', "
        "--optimize may choose 'balanced', the others use none",
        "training",
        v.choice_validator(SAMPLING_STRATEGIES),
        "Sampling strategy",
        choices=SAMPLING_STRATEGIES,
    ),
    ArgSpec(
        "model_type",
        ("--model-type",),
        Kind.CHOICE,
        "linear",
        "Model: 'linear' (tuned word+char TF-IDF linear model, the default), 'linear_svc', 'logreg', "
        "'sgd', or 'random_forest' (the classic NexusML model)",
        "training",
        v.choice_validator(MODEL_TYPES),
        "Model type",
        choices=MODEL_TYPES,
    ),
    ArgSpec(
        "text_encoder",
        ("--text-encoder",),
        Kind.TEXT,
        None,
        "A pretrained sentence encoder whose embeddings of the text join the TF-IDF features (best with few "
        "labelled rows and many classes): a sentence-transformers model folder, or a name in your Hugging Face "
        "cache such as all-MiniLM-L6-v2; weights are never downloaded. 'none' (the default) keeps the TF-IDF "
        "model. Needs the [semantic] extra",
        "training",
        v.validate_text_encoder,
        "Text encoder",
        metavar="NAME_OR_PATH",
        placeholder="none (TF-IDF only)",
    ),
    ArgSpec(
        "optimize",
        ("--optimize", "--optimize-hyperparameters"),
        Kind.BOOL,
        False,
        "Run a cross-validated hyperparameter search before training",
        "training",
        v.validate_bool,
        "Hyperparameter search",
    ),
    ArgSpec(
        "cv_folds",
        ("--cv-folds",),
        Kind.INT,
        3,
        "Cross-validation folds for --optimize (fewer are used on tiny data)",
        "training",
        v.validate_cv_folds,
        "CV folds",
        metavar="N",
    ),
    ArgSpec(
        "n_jobs",
        ("--n-jobs",),
        Kind.INT,
        -1,
        "Parallel jobs for fitting and search (-1: all cores)",
        "training",
        v.validate_n_jobs,
        "Parallel jobs",
        metavar="N",
    ),
    ArgSpec(
        "dask_scheduler",
        ("--dask-scheduler",),
        Kind.TEXT,
        None,
        "Fit the targets' classifiers (and run the --optimize search) on a Dask cluster: tcp://HOST:PORT, "
        "or 'local' for a cluster on this machine (needs the [dask] extra)",
        "training",
        v.validate_dask_scheduler,
        "Dask scheduler",
        metavar="ADDRESS",
        placeholder="none (local joblib)",
    ),
    ArgSpec(
        "suspects",
        ("--suspects",),
        Kind.BOOL,
        None,
        "List the training rows whose label looks wrong (the model fitted without them gives another class) in "
        "MODEL_suspects.csv, most suspect first (default: on up to 100,000 rows, --no-suspects turns it off; "
        "it costs about one more fit)",
        "training",
        v.validate_bool,
        "Suspect labels",
        wizard=False,
    ),
    ArgSpec(
        "output_dir",
        ("--output-dir",),
        Kind.PATH,
        "outputs/models",
        "Directory for the saved model, metadata, logs and charts",
        "output",
        v.validate_output_dir,
        "Output directory",
        metavar="DIR",
    ),
    ArgSpec(
        "model_name",
        ("--model-name",),
        Kind.TEXT,
        "equipment_classifier",
        "Base file name of the saved model (no path separators)",
        "output",
        v.validate_model_name,
        "Model name",
        metavar="NAME",
    ),
    ArgSpec(
        "visualize",
        ("--visualize",),
        Kind.BOOL,
        False,
        "Write charts (text and HTML: scores; per target classes, confusions, coverage) in OUTPUT_DIR/visualizations",
        "output",
        v.validate_bool,
        "Write charts",
    ),
    ArgSpec(
        "log_level",
        ("--log-level",),
        Kind.CHOICE,
        "INFO",
        "Logging level; DEBUG also prints tracebacks",
        "output",
        v.choice_validator(LOG_LEVELS, upper=True),
        "Log level",
        choices=LOG_LEVELS,
    ),
    ArgSpec(
        "legacy",
        ("--legacy",),
        Kind.BOOL,
        False,
        "Feature flag: run the legacy (pre-orchestrator) training path; results are identical",
        "run",
        v.validate_bool,
        "Legacy training path",
        wizard=False,
        negatable=False,
    ),
    ArgSpec(
        "use_orchestrator",
        ("--use-orchestrator",),
        Kind.BOOL,
        True,
        "Run the orchestrator path (the default; the opposite of --legacy)",
        "run",
        v.validate_bool,
        "Use orchestrator",
        wizard=False,
        negatable=False,
    ),
    ArgSpec(
        "headless",
        ("--headless",),
        Kind.BOOL,
        False,
        "Run without the wizard, as a plain command-line program (implied when not in a terminal)",
        "run",
        v.validate_bool,
        "Headless",
        wizard=False,
        negatable=False,
    ),
    ArgSpec(
        "config",
        ("--config",),
        Kind.PATH,
        None,
        "YAML file of argument values (for example saved by the wizard); flags given on the command line override it",
        "run",
        v.validate_config_file,
        "Run config",
        metavar="FILE",
        wizard=False,
    ),
    ArgSpec(
        "predict",
        ("--predict",),
        Kind.PATH,
        None,
        "Open the wizard on its Predict screen with this saved model (--data-path then names the file to code)",
        "run",
        v.validate_model_file,
        "Model to predict with",
        metavar="MODEL",
        wizard=False,
    ),
)

SPECS: dict[str, ArgSpec] = {spec.dest: spec for spec in ARGUMENTS}


def specs_for_group(group: str) -> list[ArgSpec]:
    return [spec for spec in ARGUMENTS if spec.group == group]
