"""scikit-learn's own estimator checks for the transformers a model holds (numeric columns in, features out).

``EquipmentClassifier`` itself takes a frame with named text and numeric columns and predicts several targets,
which the generic checks (numeric arrays in, one target out) do not describe; its behaviour is tested in
``test_default_model.py`` and ``test_model_quality.py``.
"""

from __future__ import annotations

from sklearn.utils.estimator_checks import parametrize_with_checks

from nexusml.features.transformers import NumericBins, RangeClipper


@parametrize_with_checks([NumericBins(), RangeClipper()])
def test_scikit_learn_estimator_checks(estimator, check):
    check(estimator)
