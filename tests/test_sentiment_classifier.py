"""The trainable classifier: same probabilities as scikit-learn, safe serialisation, labels by the rule."""

from __future__ import annotations

import io
import pickle

import numpy as np
import pytest

from sentiment import TextClassifier, cross_validate, fit_classifier, label_of
from sentiment.classifier import _model, _vectorizer

TEXTS = [
    "love it", "great phone", "works perfectly", "so happy with this", "best purchase",
    "hate it", "broken on arrival", "terrible support", "worst purchase", "so disappointed",
    "it is a phone", "arrived on tuesday", "comes in black", "has a battery", "made of plastic",
] * 4
LABELS3 = (["positive"] * 5 + ["negative"] * 5 + ["neutral"] * 5) * 4


def test_probabilities_equal_scikit_learn():
    model = fit_classifier(TEXTS, LABELS3)
    vec = _vectorizer(1)
    sk = _model(0).fit(vec.fit_transform(TEXTS), LABELS3)
    probe = ["love this phone", "terrible", "it has a battery", "zzz", ""]
    assert np.allclose(model.probabilities(probe), sk.predict_proba(vec.transform(probe)), atol=1e-12)
    two = [(t, y) for t, y in zip(TEXTS, LABELS3, strict=True) if y != "neutral"]
    texts2, labels2 = [t for t, _ in two], [y for _, y in two]
    binary = fit_classifier(texts2, labels2)
    sk2 = _model(0).fit(vec.fit_transform(texts2), labels2)
    assert binary.classes == ("negative", "positive")
    assert np.allclose(binary.probabilities(probe), sk2.predict_proba(vec.transform(probe)), atol=1e-12)


def test_compound_label_is_the_most_probable_class():
    model = fit_classifier(TEXTS, LABELS3)
    probe = TEXTS + ["love", "hate", "plastic phone", "meh, so-so lamp", "arrived broken but works"]
    compound = model.compound(probe)
    assert (label_of(compound) == model.predict(probe)).all()
    assert np.all(np.abs(compound) <= 1)


def test_round_trip_through_bytes_is_exact_and_not_a_pickle():
    model = fit_classifier(TEXTS, LABELS3, info={"lang": "en"})
    blob = model.to_bytes()
    back = TextClassifier.from_bytes(blob)
    probe = ["love this phone", "terrible", "it has a battery"]
    assert np.array_equal(back.probabilities(probe), model.probabilities(probe))
    assert back.classes == model.classes and back.info == {"lang": "en"}
    with np.load(io.BytesIO(blob), allow_pickle=False) as z:  # loads with pickles refused
        assert set(z.files) == {"header", "terms", "idf", "coef", "intercept"}


@pytest.mark.parametrize("blob", [b"", b"not a model", pickle.dumps({"a": 1})])
def test_from_bytes_refuses_anything_else(blob):
    with pytest.raises(ValueError):
        TextClassifier.from_bytes(blob)


def test_needs_two_labels():
    with pytest.raises(ValueError, match="two different labels"):
        fit_classifier(["a", "b"], ["positive", "positive"])


def test_cross_validation_reports_folds():
    cv = cross_validate(TEXTS, LABELS3, folds=4)
    assert cv["folds"] == 4 and len(cv["accuracy_folds"]) == 4
    assert 0 <= cv["macro_f1"] <= 1 and 0 <= cv["accuracy"] <= 1
    assert cross_validate(TEXTS[:12], LABELS3[:12], folds=10)["folds"] == 2  # never more folds than examples
