"""Checks for clickable-prototype: the learner's Streamlit app, driven with Streamlit's AppTest.

The app (`app.py`, written by the notebook's `%%writefile` cell) runs in the learner's kernel, the
sandboxed place where learner code runs, under AppTest: no browser, no server, no port. The checks
fill in its boxes by their keys with customers the notebook never shows, press its button and read
back what the page shows, as plain data. The expected churn risk comes from a reference model
trained here, in the grader's process, on the same customers.csv. The pinned requirements are
compared with the versions installed in the kernel (importlib.metadata).
"""

import re
from functools import cache
from pathlib import Path

import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from grader import NotAttempted, points

FEATURES = ["plan", "tenure_months", "monthly_spend", "support_tickets", "days_since_login"]
BOXES = FEATURES[1:]
# customers the notebook never uses, with risks far apart and far from a rounding edge (81.4%, 17.7%)
UNHAPPY = {"plan": "basic", "tenure_months": "14", "monthly_spend": "35",
           "support_tickets": "2", "days_since_login": "9"}
LOYAL = {"plan": "pro", "tenure_months": " 30 ", "monthly_spend": "64.9",
         "support_tickets": "1", "days_since_login": "4"}
PLACEHOLDER = re.compile(r"#\s*YOUR CODE HERE\s*\n\s*\.\.\.\s*$", re.MULTILINE)

# Runs once in the learner's kernel: a quiet Streamlit and one function that drives the app.
APP_SETUP = '''
def _course_drive_app(values, click=True):
    import os as _os
    import sys as _sys
    from streamlit import config as _config
    import streamlit.logger as _st_logger
    from streamlit.testing.v1 import AppTest as _AppTest
    _config.get_option("logger.level")
    _config.set_option("logger.enableRich", False)
    _st_logger.set_log_level("CRITICAL")
    if _os.getcwd() not in _sys.path:
        _sys.path.insert(0, _os.getcwd())
    global _course_app
    at = globals().get("_course_app")
    if at is None or at.exception:  # one simulated page for every check, made anew after a crash
        at = _course_app = _AppTest.from_file(_os.path.abspath("app.py"), default_timeout=30)
        at.run()
    missing = []
    at_start = bool(at.exception)
    if not at_start:
        for key, value in values.items():
            try:
                widget = at.selectbox(key=key) if key == "plan" else at.text_input(key=key)
            except KeyError:
                missing.append(key)
                continue
            if key == "plan":
                widget.select(value)
            else:
                widget.input(value)
        if click and len(at.button):
            at.button[0].click()
        at.run()
    shown = []
    for kind in ("success", "info", "warning", "markdown", "text", "caption", "subheader", "header"):
        shown += [str(element.value) for element in getattr(at, kind)]
    shown += [f"{element.label}: {element.value}" for element in at.metric]
    return {"at_start": at_start, "missing": missing, "buttons": len(at.button), "shown": shown,
            "errors": [str(element.value) for element in at.error],
            "exceptions": [f"{element.message} ({(element.stack_trace or [''])[-1].strip()})"
                           for element in at.exception]}
'''


@cache
def reference_model():
    customers = pd.read_csv(Path(__file__).parent / "customers.csv")
    model = Pipeline([
        ("prepare", ColumnTransformer([
            ("plan", OneHotEncoder(handle_unknown="ignore"), ["plan"]),
            ("numbers", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), FEATURES[1:]),
        ])),
        ("classify", LogisticRegression(max_iter=1000)),
    ])
    return model.fit(customers[FEATURES], customers["churned"])


def expected_risk(customer):
    """The whole percentage the app should show, such as "73%"."""
    row = {key: (value if key == "plan" else float(value)) for key, value in customer.items()}
    probability = float(reference_model().predict_proba(pd.DataFrame([row])[FEATURES])[0, 1])
    return f"{probability:.0%}"


def app_source(nb):
    """The learner's app.py; "not attempted" while both of its placeholders are untouched."""
    path = Path(nb.workdir) / "app.py"
    if not path.is_file():
        if nb.source.count("%%writefile app.py"):
            raise AssertionError("the notebook did not write app.py: run the cell that starts with "
                                 "%%writefile app.py (it should show 'Writing app.py')")
        raise NotAttempted("there is no app.py: keep the cell that starts with %%writefile app.py")
    source = path.read_text(encoding="utf-8", errors="replace")
    if len(PLACEHOLDER.findall(source)) >= 2:
        raise NotAttempted("app.py still has its two `# YOUR CODE HERE` placeholders")
    try:
        compile(source, "app.py", "exec")  # only compiled here, never run: AppTest runs it in the kernel
    except SyntaxError as error:
        raise AssertionError(
            f"app.py cannot run: Python found a mistake at its line {error.lineno}: {error.msg}. "
            "Streamlit would show an empty page. Look at that line in the %%writefile app.py cell "
            "(the line after %%writefile is line 1)"
        ) from None
    return source


def drive(nb, values, click=True):
    """Fill in the app's boxes with `values`, press its button, and return what the page shows."""
    app_source(nb)
    if not nb.defined("_course_drive_app"):
        nb.run(APP_SETUP)
    page = nb.eval(f"_course_drive_app({values!r}, {click!r})")
    assert not (page["exceptions"] and page["at_start"]), (
        "app.py stopped with an error as soon as it started, before any box was filled in: "
        f"{page['exceptions'][0][:300]}. Run the %%writefile app.py cell again, then the notebook's "
        "last cell, to see the same error"
    )
    assert not page["exceptions"], (
        "the app crashed with an exception instead of showing a message: "
        f"{page['exceptions'][0][:300]}. A person using the app would see a red traceback; "
        "catch the ValueError and show it with st.error(...)"
    )
    assert not page["missing"], (
        f"the app has no box with key={page['missing'][0]!r}: keep the widgets and their key= "
        "names as the notebook gave them, because the checks fill in the boxes by those keys"
    )
    assert page["buttons"], 'the app has no button: keep `if st.button("Predict"):`'
    return page


def installed_version(nb, name):
    """The version of package `name` installed where the learner's code runs."""
    if not nb.defined("_course_metadata"):
        nb.run("import importlib.metadata as _course_metadata")
    return nb.eval(f"_course_metadata.version({name!r})")


def describe(customer):
    return ", ".join(f"{key}={value!r}" for key, value in customer.items())


@points(2, hint='With all four numbers read, show st.success(f"Churn risk: {probability:.0%}"), '
                "where probability = churn_probability(customer).")
def test_shows_the_churn_risk(nb):
    """for a valid customer the app shows "Churn risk: NN%" from the model, and no error"""
    for customer in (UNHAPPY, LOYAL):
        page = drive(nb, customer)
        risk = f"Churn risk: {expected_risk(customer)}"
        assert not page["errors"], (
            f"for a valid customer ({describe(customer)}) the app showed the error "
            f"{page['errors'][0]!r}; valid numbers (spaces around them are fine) should give a risk"
        )
        assert any(risk in text for text in page["shown"]), (
            f"for the customer {describe(customer)} the app should show {risk!r} (the model's "
            f"probability as a whole percentage); it showed {page['shown'][-3:] or 'nothing'} "
            "after the button was pressed"
        )


@points(1, hint="In read_number, check text.strip() == \"\" first and raise ValueError(f'Please fill in "
                "\"{label}\".'); under the button, catch it with except ValueError and st.error(...).")
def test_an_empty_box_shows_an_error(nb):
    """an empty box gives a friendly st.error that names it, and no risk"""
    for box, label_words in (("tenure_months", "month"), ("days_since_login", "login"),
                             ("monthly_spend", "spend")):
        customer = {**LOYAL, box: "" if box != "monthly_spend" else "   "}
        page = drive(nb, customer)
        assert page["errors"], (
            f"with the box {box!r} left empty, the app should show an error with st.error(...); "
            f"it showed {page['shown'][-2:] or 'nothing'}"
        )
        assert not any("Churn risk" in text for text in page["shown"]), (
            f"with the box {box!r} left empty, the app should not show a churn risk"
        )
        assert label_words in page["errors"][0].lower(), (
            f"with the box {box!r} left empty, the error {page['errors'][0]!r} should name the box "
            "(its label), so the person knows which one to fill in"
        )


@points(1, hint="float(text) raises ValueError for text such as \"ten\": catch it and raise your own "
                "message; then refuse number < 0 with another ValueError.")
def test_text_or_a_negative_number_shows_an_error(nb):
    """a word or a negative number in a box gives an st.error, not a crash and not a risk"""
    for box, typed in (("support_tickets", "two"), ("tenure_months", "-4"),
                       ("days_since_login", "3 days"), ("monthly_spend", "-0.5")):
        page = drive(nb, {**UNHAPPY, box: typed})
        assert page["errors"], (
            f"with {typed!r} typed in the box {box!r}, the app should show an error with "
            f"st.error(...); it showed {page['shown'][-2:] or 'nothing'}"
        )
        assert not any("Churn risk" in text for text in page["shown"]), (
            f"with {typed!r} typed in the box {box!r}, the app should not show a churn risk"
        )


@points(1, hint='Use importlib.metadata.version(name) and put "==" between the name and the version: '
                '[f"{name}=={version(name)}" for name in packages].')
def test_pins_exact_versions(nb):
    """pinned_requirements gives "name==version" lines with the versions installed, in order"""
    pinned_requirements = nb.function("pinned_requirements")
    for packages in (["numpy", "pydantic", "httpx"], ["scipy"]):
        installed = [installed_version(nb, name) for name in packages]
        expected = [f"{name}=={number}" for name, number in zip(packages, installed, strict=True)]
        got = pinned_requirements(packages)
        assert isinstance(got, list), (
            f"pinned_requirements({packages!r}) should return a list of lines; it returned {got!r:.120}"
        )
        loose = [line for line in got if isinstance(line, str) and ">=" in line]
        assert not loose, (
            f"{loose[0]!r} lets pip install any later version; a pinned line uses == so that next "
            "month's install gets exactly the version you tested"
        )
        assert got == expected, (
            f"pinned_requirements({packages!r}) should return {expected!r}: each name, then ==, then "
            "the installed version, with no spaces"
        )


@points(1, hint='Write the lines with Path("requirements.txt").write_text("\\n".join(requirements) + "\\n").')
def test_writes_requirements_txt(nb):
    """requirements.txt pins streamlit, pandas and scikit-learn to the installed versions"""
    path = Path(nb.workdir) / "requirements.txt"
    if not path.is_file():
        if nb.defined("requirements"):
            nb.value("requirements")  # still `...`: "not attempted"
        raise AssertionError("the notebook did not write requirements.txt in its folder")
    lines = [line.strip() for line in path.read_text(encoding="utf-8", errors="replace").splitlines()
             if line.strip() and not line.strip().startswith("#")]
    for name in ("streamlit", "pandas", "scikit-learn"):
        installed = installed_version(nb, name)
        assert f"{name}=={installed}" in lines, (
            f"requirements.txt should have the line {name}=={installed}; its lines are {lines}"
        )
