"""Checks for predict-api: the FastAPI service, called through its in-process TestClient.

The checks call the learner's endpoint functions directly once (so that untouched starter code is
reported as "not attempted"), then send real HTTP requests to `app` with FastAPI's TestClient inside
the learner's kernel (no port is opened), and compare the answers with a reference model trained
here, in the grader's process, exactly as the notebook's training cell does.
"""

from functools import cache
from pathlib import Path

import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from grader import LearnerError, points

FEATURES = ["plan", "tenure_months", "monthly_spend", "support_tickets", "days_since_login"]
NEW_AND_UNHAPPY = {"plan": "basic", "tenure_months": 2, "monthly_spend": 11.5,
                   "support_tickets": 4, "days_since_login": 20}
LOYAL = {"plan": "team", "tenure_months": 60, "monthly_spend": 95.0,
         "support_tickets": 0, "days_since_login": 1}

CLIENT_SETUP = '''
import warnings as _course_warnings
_course_warnings.filterwarnings("ignore", message="Using `httpx`")
from fastapi.testclient import TestClient as _CourseTestClient
_course_client = _CourseTestClient(app, raise_server_exceptions=False)

def _course_request(method, path, payload=None):
    response = _course_client.request(method, path, json=payload)
    try:
        body = response.json()
    except ValueError:
        body = response.text
    if response.status_code == 500:  # ask again, letting the error through, to say what it was
        try:
            _CourseTestClient(app).request(method, path, json=payload)
        except Exception as error:
            body = f"{type(error).__name__}: {error}"
    return {"status": response.status_code, "body": body}
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


def expected_probability(customer):
    return float(reference_model().predict_proba(pd.DataFrame([customer])[FEATURES])[0, 1])


def written(nb, name, *args):
    """Call the endpoint function directly: untouched starter code is "not attempted"."""
    function = nb.function(name)
    try:
        function(*args)
    except LearnerError:
        pass  # a real error shows up again, with a clearer message, in the HTTP request below


def service(nb, endpoint="predict"):
    """A function that sends one request to the learner's app through the TestClient."""
    if endpoint == "health":
        written(nb, "health")
    else:
        nb.run(f"_course_customer = Customer(**{NEW_AND_UNHAPPY!r})")
        written(nb, "predict", nb.value("_course_customer"))
    if not nb.defined("_course_client"):
        nb.run(CLIENT_SETUP)

    def send(method, path, payload=None):
        return nb.eval(f"_course_request({method!r}, {path!r}, {payload!r})")

    return send


def predict_ok(send, customer):
    answer = send("POST", "/predict", customer)
    if answer["status"] == 500:
        advice = (" FastAPI cannot turn numpy's numbers and bools into JSON: wrap the probability in "
                  "float() before comparing it." if "numpy" in str(answer["body"]) else "")
        pytest.fail(f"POST /predict with a valid customer answered 500 (Internal Server Error): the "
                    f"service raised {str(answer['body'])[:300]}.{advice}")
    assert answer["status"] == 200, (
        f"POST /predict with a valid customer should answer 200; it answered {answer['status']}: "
        f"{str(answer['body'])[:200]}"
    )
    body = answer["body"]
    assert isinstance(body, dict) and set(body) == {"churn_probability", "will_churn"}, (
        f"POST /predict should return {{'churn_probability': ..., 'will_churn': ...}}; it returned {body!r:.150}"
    )
    return body


@points(1, hint="@app.get(\"/health\") above def health(): return {\"status\": \"ok\"}")
def test_health_says_ok(nb):
    """GET /health answers 200 with {"status": "ok"}"""
    send = service(nb, "health")
    answer = send("GET", "/health")
    assert answer["status"] == 200, f"GET /health should answer 200; it answered {answer['status']}"
    assert answer["body"] == {"status": "ok"}, 'GET /health should return {"status": "ok"}'


@points(2, hint="Make a one-row DataFrame from customer.model_dump(), then model.predict_proba(row)[0, 1].")
def test_predict_returns_the_models_probability(nb):
    """POST /predict returns the model's probability of churn for the customer sent"""
    send = service(nb)
    for customer in (NEW_AND_UNHAPPY, LOYAL):
        body = predict_ok(send, customer)
        probability = body["churn_probability"]
        assert isinstance(probability, float), (
            f"churn_probability should be a number such as 0.42; it is {probability!r}"
        )
        assert probability == pytest.approx(expected_probability(customer), abs=1e-9), (
            f"for the customer {customer} the model's probability of churn is "
            f"{expected_probability(customer):.4f} (the second column of predict_proba); "
            f"your service returned {probability:.4f}"
        )


@points(1, hint="will_churn is probability >= THRESHOLD, as a plain bool: wrap the probability in float() first.")
def test_will_churn_follows_the_threshold(nb):
    """will_churn is true exactly when the probability is at least THRESHOLD (0.5)"""
    send = service(nb)
    for customer in (NEW_AND_UNHAPPY, LOYAL):
        body = predict_ok(send, customer)
        expected = expected_probability(customer) >= 0.5
        assert body["will_churn"] is expected, (
            f"for a churn probability of {expected_probability(customer):.2f}, will_churn should be "
            f"{expected} (the probability {'is' if expected else 'is not'} at least 0.5); "
            f"your service said {body['will_churn']!r}"
        )


@points(1, hint="Give every field of Customer a type and no default, so that FastAPI requires it.")
def test_refuses_a_missing_field(nb):
    """a request without one of the five fields is refused with 422"""
    send = service(nb)
    for missing in ("plan", "tenure_months", "days_since_login"):
        partial = {key: value for key, value in NEW_AND_UNHAPPY.items() if key != missing}
        answer = send("POST", "/predict", partial)
        assert answer["status"] == 422, (
            f"a request without {missing!r} should be refused with 422 (Field required); "
            f"your service answered {answer['status']}"
        )


@points(1, hint="Field(ge=0) refuses numbers below 0; a type such as int refuses text.")
def test_refuses_impossible_numbers(nb):
    """a negative number, or text where a number belongs, is refused with 422"""
    send = service(nb)
    cases = [({"tenure_months": -3}, "a negative tenure_months"),
             ({"support_tickets": -1}, "a negative support_tickets"),
             ({"monthly_spend": -10.0}, "a negative monthly_spend"),
             ({"days_since_login": -2}, "a negative days_since_login"),
             ({"tenure_months": "ten"}, 'tenure_months given as the text "ten"')]
    for change, why in cases:
        answer = send("POST", "/predict", {**NEW_AND_UNHAPPY, **change})
        assert answer["status"] == 422, (
            f"a request with {why} should be refused with 422; your service answered "
            f"{answer['status']}"
        )


@points(1, hint='plan: Literal["basic", "pro", "team"] accepts those three words and nothing else.')
def test_refuses_an_unknown_plan(nb):
    """a plan other than basic, pro or team is refused with 422"""
    send = service(nb)
    for plan in ("gold", "Basic", ""):
        answer = send("POST", "/predict", {**NEW_AND_UNHAPPY, "plan": plan})
        assert answer["status"] == 422, (
            f"plan {plan!r} is not one of basic, pro, team, so the request should be refused with "
            f"422; your service answered {answer['status']}"
        )
