"""Coding a new file with a saved model: predictions for review, the review state, export, training rows.

No UI here: the wizard's Predict and Review screens and ``nexusml-predict`` call these functions, by
this package's names.  Each job has its own module:

* ``predictions``: :func:`code_frame` codes a frame in chunks: per row and target the predicted class,
  its confidence and the top classes; per row whether its text is unfamiliar to the model.
* ``review_state``: :class:`ReviewState`, what a person accepted or corrected, saved next to the input
  and reopened only for the same model and the same file.
* ``groups``: :func:`review_groups` numbers the rows the model reads the same (one decision each), and
  :func:`group_marks` reads a review by group.
* ``output``: :func:`export_coded` (the coded file, CSV or ``.xlsx``), :func:`prediction_table` (what
  ``nexusml-predict`` writes), :func:`training_rows` and :func:`add_training_rows` (the reviewed rows as
  training data).
* ``partitions``: a folder or glob of files coded one output per file, here or on a Dask cluster, resumable.
"""

from nexusml.coding.groups import group_marks, group_sizes, review_groups
from nexusml.coding.output import (
    GROUP_COLUMN,
    STATUSES,
    add_training_rows,
    coded_table,
    export_coded,
    final_codes,
    group_numbers,
    marks_by_row,
    new_training_path,
    prediction_table,
    review_thresholds,
    row_statuses,
    training_columns,
    training_rows,
)
from nexusml.coding.predictions import (
    CHUNK_ROWS,
    TOP_K,
    UNFAMILIAR_CHAR_SHARE,
    CodedRows,
    code_frame,
    iter_chunks,
    join_chunks,
    model_thresholds,
    unfamiliar_rows,
)
from nexusml.coding.review_state import (
    SIDECAR_VERSION,
    CodingError,
    ReviewMismatch,
    ReviewNotSaved,
    ReviewState,
    sidecar_path,
)
from nexusml.store.tables import write_table

__all__ = [
    "CHUNK_ROWS",
    "GROUP_COLUMN",
    "SIDECAR_VERSION",
    "STATUSES",
    "TOP_K",
    "UNFAMILIAR_CHAR_SHARE",
    "CodedRows",
    "CodingError",
    "ReviewMismatch",
    "ReviewNotSaved",
    "ReviewState",
    "add_training_rows",
    "code_frame",
    "coded_table",
    "export_coded",
    "final_codes",
    "group_marks",
    "group_numbers",
    "group_sizes",
    "iter_chunks",
    "join_chunks",
    "marks_by_row",
    "model_thresholds",
    "new_training_path",
    "prediction_table",
    "review_groups",
    "review_thresholds",
    "row_statuses",
    "sidecar_path",
    "training_columns",
    "training_rows",
    "unfamiliar_rows",
    "write_table",
]
