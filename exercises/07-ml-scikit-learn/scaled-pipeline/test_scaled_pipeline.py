"""Checks for the scaled-pipeline exercise: `model` (a fitted Pipeline) and `test_accuracy`."""

import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import train_test_split

from grader import points

TARGET_ACCURACY = 0.95
X, y = load_breast_cancer(return_X_y=True)
# The same split as the notebook's: the checks measure the model on the same unseen rows.
X_TRAIN, X_TEST, Y_TRAIN, Y_TEST = train_test_split(X, y, test_size=0.25, stratify=y, random_state=0)


def fitted_model(nb):
    """The learner's model, once we know its fit ran to the end."""
    model = nb.value("model")  # "not attempted" while `model` is still `...`
    assert nb.eval("hasattr(model, 'classes_')"), (
        "`model` is not fitted: call model.fit(X_train, y_train), and make sure that cell runs "
        "without an error"
    )
    return model


def step_names(nb) -> list[str]:
    nb.value("model")  # "not attempted" while `model` is still `...`
    kind = nb.eval("type(model).__name__")
    assert kind == "Pipeline", (
        f"`model` should be a Pipeline that holds the scaler and the classifier, not a {kind}"
    )
    return nb.eval("[type(step).__name__ for name, step in model.steps]")


@points(1, hint="A Pipeline is built from a list of (\"name\", step) pairs; lesson 3, section 4 "
                "builds one.")
def test_model_is_a_pipeline(nb):
    """`model` is a scikit-learn Pipeline"""
    step_names(nb)


@points(1, hint="Put the scaler first: each step is a pair (\"a name\", the step).")
def test_scaler_comes_before_the_classifier(nb):
    """the pipeline scales with a StandardScaler, then classifies"""
    steps = step_names(nb)
    assert "StandardScaler" in steps[:-1], (
        f"the pipeline should have a StandardScaler step before the classifier (its steps: {steps})"
    )
    assert nb.eval("hasattr(model.steps[-1][1], 'predict_proba') or "
                   "hasattr(model.steps[-1][1], 'decision_function')"), (
        f"the last step should be a classifier, such as LogisticRegression (its steps: {steps})"
    )


@points(2, hint="Call model.fit(X_train, y_train) on the raw training rows; do not scale anything "
                "yourself before or outside the pipeline.")
def test_scaler_learned_from_training_rows_only(nb):
    """the scaler learned its averages from the training rows only (no leakage)"""
    steps = step_names(nb)
    assert "StandardScaler" in steps, "the pipeline has no StandardScaler step to check"
    fitted = nb.eval("hasattr(next(s for _, s in model.steps "
                     "if type(s).__name__ == 'StandardScaler'), 'mean_')")
    assert fitted, "the pipeline is not fitted yet: call model.fit(X_train, y_train)"
    learned = np.asarray(nb.eval(
        "next(s for _, s in model.steps if type(s).__name__ == 'StandardScaler').mean_"
    ), dtype=float)
    assert learned.shape == (30,), f"the scaler should have learned 30 averages, not {learned.shape}"
    if np.allclose(learned, X.mean(axis=0)):
        problem = "it learned from all 569 rows, test rows included: fit on X_train only"
    elif np.abs(learned).max() < 1:  # raw averages go up to about 650 (the area)
        problem = ("it learned from data that was already scaled (averages near 0): give the "
                   "pipeline the raw X_train and let it do the scaling")
    else:
        problem = "it learned from rows other than the 426 raw training rows"
    assert np.allclose(learned, X_TRAIN.mean(axis=0)), (
        f"the scaler's averages should be those of the training rows; {problem}"
    )


@points(2, hint="Without scaling, LogisticRegression stops at about 0.93; with a StandardScaler "
                "before it, it reaches about 0.96.")
def test_reaches_target_accuracy_on_unseen_rows(nb):
    """reaches at least 95% accuracy on the 143 test rows"""
    accuracy = float(fitted_model(nb).score(X_TEST, Y_TEST))
    assert accuracy >= TARGET_ACCURACY, (
        f"on the 143 test rows the model should be right at least {TARGET_ACCURACY:.0%} of the "
        f"time; it is right {accuracy:.1%} of the time"
    )


@points(1, hint="test_accuracy = model.score(X_test, y_test): the test rows, not the training rows.")
def test_reports_the_accuracy_on_the_test_rows(nb):
    """`test_accuracy` is the model's accuracy on the test rows"""
    reported = nb.value("test_accuracy")
    assert isinstance(reported, (int, float)), (
        f"`test_accuracy` should be a number such as 0.958, not {type(reported).__name__}"
    )
    model = fitted_model(nb)
    actual = float(model.score(X_TEST, Y_TEST))
    on_training = float(model.score(X_TRAIN, Y_TRAIN))
    if abs(reported - on_training) < 1e-9 and abs(reported - actual) > 1e-9:
        extra = ": that is the accuracy on the training rows, which flatters the model"
    elif abs(reported - actual) < 0.001:
        extra = (f" ({reported!r} instead of {actual!r}): a number typed in or rounded; assign "
                 "the value model.score returns itself")
    else:
        extra = ""
    assert abs(reported - actual) < 1e-9, (
        f"`test_accuracy` should be model.score(X_test, y_test), which is {actual:.4f}; "
        f"it is {reported:.4f}{extra}"
    )
