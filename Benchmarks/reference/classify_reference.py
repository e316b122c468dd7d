#!/usr/bin/env python3
"""The reference for `minsheng classify`: scikit-learn's character n-gram TF-IDF with a linear SVM,
set up as a careful user would (#23): character 1–3-grams with `min_df=2` and sublinear tf,
`class_weight='balanced'`, and C chosen by 5-fold cross-validation on the training part only, from
0.1, 0.3, 1 and 3.

    classify_reference.py --train FILE --nested K  (outer fold of row i is i mod K; C chosen on K inner
                                                    folds of the outer training part, position j in
                                                    inner fold j mod K, as `minsheng classify evaluate --nested`)
    classify_reference.py --train FILE --cv K [--c C]      (row i, from 0 in file order, is in fold i mod K)
    classify_reference.py --train FILE --test FILE [--c C]

Prints per-class precision/recall/F1, then the training seconds per fold and predictions per second
on one core, and as the last line `accuracy=0.xxxx macro_f1=0.xxxx`, like `minsheng classify evaluate`.
The text of a message is its title, "。" and its body, as Minsheng reads it.
"""
import argparse
import csv
import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.metrics import accuracy_score, classification_report, f1_score  # noqa: E402
from sklearn.model_selection import GridSearchCV  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.svm import LinearSVC  # noqa: E402

GRID = [0.1, 0.3, 1, 3]


def read(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = [r for r in csv.DictReader(f) if (r.get("label") or "").strip()]
    return [r["title"] + "。" + r["body"] for r in rows], [r["label"].strip() for r in rows]


def model(c=1.0):
    return (
        TfidfVectorizer(analyzer="char", ngram_range=(1, 3), min_df=2, sublinear_tf=True),
        LinearSVC(C=c, class_weight="balanced"),
    )


def folds(n, k):
    """(train, test) index lists with position i in fold i mod k."""
    return [([i for i in range(n) if i % k != f], [i for i in range(n) if i % k == f]) for f in range(k)]


def choose_c(x, y, k):
    """C by k-fold cross-validation (macro-F1) on these examples alone; ties go to the smaller C."""
    vectorizer, svm = model()
    search = GridSearchCV(
        Pipeline([("tfidf", vectorizer), ("svm", svm)]), {"svm__C": GRID}, scoring="f1_macro",
        cv=folds(len(x), k), n_jobs=1)
    search.fit(x, y)
    return search.best_params_["svm__C"], search.best_score_


PASSES = 5


def fit_predict(train_x, train_y, test_x, c=1.0):
    vectorizer, svm = model(c)
    start = time.perf_counter()
    svm.fit(vectorizer.fit_transform(train_x), train_y)
    trained = time.perf_counter()
    # Predicting is timed over PASSES passes and the median pass counts, as on Minsheng's side:
    # one pass of a few thousand messages is too short to time on a shared machine.
    rates = []
    for _ in range(PASSES):
        begun = time.perf_counter()
        predicted = list(svm.predict(vectorizer.transform(test_x)))
        rates.append(len(test_x) / (time.perf_counter() - begun))
    return predicted, trained - start, sorted(rates)[len(rates) // 2]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--train", required=True)
    parser.add_argument("--test")
    parser.add_argument("--cv", type=int)
    parser.add_argument("--nested", type=int)
    parser.add_argument("--c", type=float, default=1.0)
    args = parser.parse_args()
    x, y = read(args.train)
    if args.nested:
        k = args.nested
        predicted = [None] * len(x)
        seconds, scores, chosen = [], [], []
        for fold, (train, test) in enumerate(folds(len(x), k)):
            tx, ty = [x[i] for i in train], [y[i] for i in train]
            c, inner = choose_c(tx, ty, k)
            p, s, _ = fit_predict(tx, ty, [x[i] for i in test], c)
            for i, label in zip(test, p):
                predicted[i] = label
            score = f1_score([y[i] for i in test], p, average="macro")
            print(f"outer fold {fold + 1}: chose --c {c} (inner macro-F1 {inner:.4f}), outer macro-F1 {score:.4f}",
                  file=sys.stderr)
            seconds.append(s)
            scores.append(score)
            chosen.append(f"--c {c}")
        print("macro-F1 per outer fold: " + " ".join(f"{s:.4f}" for s in scores), file=sys.stderr)
        print("chosen per outer fold: " + "; ".join(chosen), file=sys.stderr)
        rates = None
        truth = y
    elif args.cv:
        predicted = [None] * len(x)
        seconds, rates = [], []
        for fold in range(args.cv):
            train = [i for i in range(len(x)) if i % args.cv != fold]
            test = [i for i in range(len(x)) if i % args.cv == fold]
            p, s, r = fit_predict([x[i] for i in train], [y[i] for i in train], [x[i] for i in test], args.c)
            for i, label in zip(test, p):
                predicted[i] = label
            seconds.append(s)
            rates.append(r)
        truth = y
    else:
        tx, ty = read(args.test)
        predicted, s, r = fit_predict(x, y, tx, args.c)
        seconds, rates, truth = [s], [r], ty
    print(classification_report(truth, predicted, digits=4))
    print("training seconds per fold: " + " ".join(f"{s:.3f}" for s in seconds), file=sys.stderr)
    if rates:
        print(f"predictions per second: {sum(rates) / len(rates):.0f}", file=sys.stderr)
    print(f"accuracy={accuracy_score(truth, predicted):.4f} macro_f1={f1_score(truth, predicted, average='macro'):.4f}")


if __name__ == "__main__":
    main()
