#!/usr/bin/env python3
"""The reference for `minsheng classify`: scikit-learn's character n-gram TF-IDF with a linear SVM.

    classify_reference.py --train FILE --cv K      (row i, from 0 in file order, is in fold i mod K)
    classify_reference.py --train FILE --test FILE

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
from sklearn.svm import LinearSVC  # noqa: E402


def read(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = [r for r in csv.DictReader(f) if (r.get("label") or "").strip()]
    return [r["title"] + "。" + r["body"] for r in rows], [r["label"].strip() for r in rows]


def model():
    return TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True), LinearSVC()


PASSES = 5


def fit_predict(train_x, train_y, test_x):
    vectorizer, svm = model()
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
    args = parser.parse_args()
    x, y = read(args.train)
    if args.cv:
        predicted = [None] * len(x)
        seconds, rates = [], []
        for fold in range(args.cv):
            train = [i for i in range(len(x)) if i % args.cv != fold]
            test = [i for i in range(len(x)) if i % args.cv == fold]
            p, s, r = fit_predict([x[i] for i in train], [y[i] for i in train], [x[i] for i in test])
            for i, label in zip(test, p):
                predicted[i] = label
            seconds.append(s)
            rates.append(r)
        truth = y
    else:
        tx, ty = read(args.test)
        predicted, s, r = fit_predict(x, y, tx)
        seconds, rates, truth = [s], [r], ty
    print(classification_report(truth, predicted, digits=4))
    print("training seconds per fold: " + " ".join(f"{s:.3f}" for s in seconds), file=sys.stderr)
    print(f"predictions per second: {sum(rates) / len(rates):.0f}", file=sys.stderr)
    print(f"accuracy={accuracy_score(truth, predicted):.4f} macro_f1={f1_score(truth, predicted, average='macro'):.4f}")


if __name__ == "__main__":
    main()
