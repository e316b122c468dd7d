#!/usr/bin/env bash
# Classifier benchmark: Minsheng's classifier against a tuned scikit-learn reference, on the same folds,
# in one run, neither side tuned on what it is scored on.
#
#   Benchmarks/classify-bench.sh [--out FILE]
#
# Reads the real messages by path (never copied into the repository): $MINSHENG_EVAL_DATA, by default
# ../shared/data/tipdm2020c beside the repository, file train.csv (columns id,title,body,time,label).
# 1. Accuracy: nested cross-validation for both. Outer folds: row i (in file order) in fold i mod 5.
#    On each outer training part, each side picks its settings by 5-fold cross-validation on that part
#    alone (Minsheng: n-gram length, naive-Bayes smoothing and C, `NestedCrossValidation.defaultGrid`;
#    the reference: C from 0.1, 0.3, 1, 3), then is scored on the outer fold. Reported: macro-F1 over
#    all outer predictions, and the mean and spread of the five outer folds' macro-F1.
# 2. Speed, one core each (taskset -c 0), in 5 alternating rounds, each side with the settings its
#    outer folds chose most often: training on all messages, then predicting all of them (five passes,
#    the median pass counts).
# 3. Memory: peak resident set of `minsheng classify predict` with the model loaded, next to that of
#    `minsheng --help` (the process without a model).
# Installs scikit-learn from PyPI when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
export SWIFT_BACKTRACE=enable=no
OUT=""
[ "${1:-}" = "--out" ] && OUT="$2"
DATA="${MINSHENG_EVAL_DATA:-../shared/data/tipdm2020c}"
TRAIN="$DATA/train.csv"
[ -r "$TRAIN" ] || { echo "cannot read $TRAIN (set MINSHENG_EVAL_DATA)" >&2; exit 2; }
python3 -c "import sklearn" 2>/dev/null || python3 -m pip install -q scikit-learn
swift build -c release --product minsheng >/dev/null 2>&1
BIN=.build/release/minsheng
REF="python3 Benchmarks/reference/classify_reference.py"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
ONE_CORE=""
command -v taskset >/dev/null && ONE_CORE="taskset -c 0"

$ONE_CORE $BIN classify evaluate --train "$TRAIN" --nested 5 >"$WORK/m-cv.txt" 2>"$WORK/m-cv.err"
$ONE_CORE $REF --train "$TRAIN" --nested 5 >"$WORK/r-cv.txt" 2>"$WORK/r-cv.err"
# The settings chosen most often (the first of them on a tie), for the speed rounds and the model.
most_chosen() {
  sed -n 's/^chosen per outer fold: //p' "$1" | tr ';' '\n' | sed 's/^ *//' | awk '{n[$0]++; if (!($0 in first)) first[$0]=NR}
    END {for (k in n) print n[k], -first[k], k}' | sort -k1,1nr -k2,2nr | head -1 | cut -d' ' -f3-
}
M_SETTINGS=$(most_chosen "$WORK/m-cv.err")
R_SETTINGS=$(most_chosen "$WORK/r-cv.err")
# Speed in alternating rounds, so that the shared machine's slow moments fall on both sides alike;
# the report gives the medians of the per-round ratios.
ROUNDS=5
for round in $(seq 1 $ROUNDS); do
  $ONE_CORE $BIN classify evaluate --train "$TRAIN" --test "$TRAIN" $M_SETTINGS >"$WORK/m-speed.txt" 2>"$WORK/m-speed-$round.err"
  $ONE_CORE $REF --train "$TRAIN" --test "$TRAIN" $R_SETTINGS >"$WORK/r-speed.txt" 2>"$WORK/r-speed-$round.err"
done
$BIN classify train --csv "$TRAIN" --out "$WORK/model.msclass" $M_SETTINGS >/dev/null
MODEL_BYTES=$(stat -c %s "$WORK/model.msclass")
RSS_MODEL=$(/usr/bin/time -f %M $BIN classify predict --model "$WORK/model.msclass" --title "小区夜间施工噪音扰民" "工地每晚十一点后仍在施工，噪音很大。" 2>&1 >/dev/null | tail -1)
RSS_BASE=$(/usr/bin/time -f %M $BIN --help 2>&1 >/dev/null | tail -1)

python3 - "$WORK" "$MODEL_BYTES" "$RSS_MODEL" "$RSS_BASE" "$(hostname)" "$(nproc)" "$ROUNDS" "$M_SETTINGS" "$R_SETTINGS" >"$WORK/report.md" <<'PY'
import datetime, re, statistics, sys
work, model_bytes, rss_model, rss_base, host, cores, rounds, m_settings, r_settings = sys.argv[1:10]
rounds = int(rounds)
def last(path):
    line = open(path).read().strip().splitlines()[-1]
    m = re.match(r"accuracy=([0-9.]+) macro_f1=([0-9.]+)", line)
    return float(m.group(1)), float(m.group(2))
def timing(path):
    text = open(path).read()
    train = re.search(r"training seconds(?: per fold)?: ([0-9. ]+)", text).group(1).split()
    rate = re.search(r"predictions per second: ([0-9.]+)", text)
    return [float(t) for t in train], (float(rate.group(1)) if rate else None)
def outer(path):
    text = open(path).read()
    scores = [float(s) for s in re.search(r"macro-F1 per outer fold: ([0-9. ]+)", text).group(1).split()]
    chosen = re.search(r"chosen per outer fold: (.*)", text).group(1)
    return scores, chosen
m_acc, m_f1 = last(f"{work}/m-cv.txt")
r_acc, r_f1 = last(f"{work}/r-cv.txt")
m_outer, m_chosen = outer(f"{work}/m-cv.err")
r_outer, r_chosen = outer(f"{work}/r-cv.err")
m_folds, _ = timing(f"{work}/m-cv.err")
r_folds, _ = timing(f"{work}/r-cv.err")
m_speed = [timing(f"{work}/m-speed-{i}.err") for i in range(1, rounds + 1)]
r_speed = [timing(f"{work}/r-speed-{i}.err") for i in range(1, rounds + 1)]
m_train = statistics.median(t[0] for t, _ in m_speed)
r_train = statistics.median(t[0] for t, _ in r_speed)
m_rate = statistics.median(r for _, r in m_speed)
r_rate = statistics.median(r for _, r in r_speed)
train_ratio = statistics.median(r[0][0] / m[0][0] for m, r in zip(m_speed, r_speed))
rate_ratio = statistics.median(m[1] / r[1] for m, r in zip(m_speed, r_speed))
print("# Classifier benchmark\n")
print(f"- date: {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')}")
print(f"- machine: {host}, {cores} cores; release build; every measurement on one core (taskset -c 0)")
print("- command: `Benchmarks/classify-bench.sh`; data: tipdm2020c `train.csv` (2,579 messages, 7 categories), read by path")
print("- reference: `Benchmarks/reference/classify_reference.py` — scikit-learn `TfidfVectorizer(analyzer='char', ngram_range=(1,3), min_df=2, sublinear_tf=True)` + `LinearSVC(class_weight='balanced')`, C chosen by 5-fold cross-validation from 0.1, 0.3, 1, 3\n")
print("## Accuracy: nested cross-validation, the same folds for both\n")
print("Outer folds: row i in fold i mod 5. On each outer training part each side chooses its settings by 5-fold")
print("cross-validation on that part alone (position j in inner fold j mod 5), trains on the whole part with them and")
print("is scored on the outer fold. Minsheng searches n-gram length (2, 3), naive-Bayes smoothing (none, 1, 2) and C")
print("(0.1, 0.3, 1, 3); the reference searches C (0.1, 0.3, 1, 3).\n")
def spread(scores):
    return f"{statistics.mean(scores):.4f} ± {statistics.stdev(scores):.4f} ({min(scores):.4f}–{max(scores):.4f})"
print("| | accuracy | macro-F1 (all outer predictions) | macro-F1 per outer fold: mean ± sd (range) |")
print("| --- | ---: | ---: | ---: |")
print(f"| Minsheng | {m_acc:.4f} | {m_f1:.4f} | {spread(m_outer)} |")
print(f"| reference | {r_acc:.4f} | {r_f1:.4f} | {spread(r_outer)} |")
print(f"| difference | {m_acc - r_acc:+.4f} | {m_f1 - r_f1:+.4f} | {statistics.mean(m_outer) - statistics.mean(r_outer):+.4f} |\n")
wins = sum(1 for m, r in zip(m_outer, r_outer) if m > r)
print(f"Per outer fold (Minsheng / reference): " + "; ".join(f"{m:.4f} / {r:.4f}" for m, r in zip(m_outer, r_outer)) + f" — Minsheng higher on {wins} of {len(m_outer)}.\n")
print(f"Chosen per outer fold — Minsheng: {m_chosen}; reference: {r_chosen}.\n")
print("Goal: macro-F1 ≥ 0.90, and at least the reference's.\n")
print(f"## Speed and memory, one core ({rounds} alternating rounds; medians, ratio = median of the per-round ratios)\n")
print(f"Each side with the settings its outer folds chose most often: Minsheng `{m_settings}`, reference `{r_settings}`.\n")
print("| | Minsheng | reference | ratio |")
print("| --- | ---: | ---: | ---: |")
print(f"| training on all 2,579 messages (s) | {m_train:.3f} | {r_train:.3f} | {train_ratio:.1f}× faster |")
print(f"| training per outer fold with the chosen settings (s, mean; the search not counted) | {sum(m_folds) / len(m_folds):.3f} | {sum(r_folds) / len(r_folds):.3f} | |")
print(f"| predictions per second (each side: median of 5 passes over the 2,579 messages) | {m_rate:.0f} | {r_rate:.0f} | {rate_ratio:.1f}× |")
print("\nPer round, predictions per second (Minsheng / reference): " + "; ".join(f"{m[1]:.0f} / {r[1]:.0f}" for m, r in zip(m_speed, r_speed)))
print(f"\nGoals: training ≤ 1 s; prediction ≥ 10× the reference's messages per second.\n")
print(f"Model file: {int(model_bytes) / 1e6:.1f} MB. Peak resident memory of `minsheng classify predict` with the model loaded: {int(rss_model) / 1024:.1f} MB, against {int(rss_base) / 1024:.1f} MB for `minsheng --help`.")
PY
cat "$WORK/report.md"
echo
echo "Minsheng per class (nested cross-validation, outer predictions):"
cat "$WORK/m-cv.txt"
[ -n "$OUT" ] && cp "$WORK/report.md" "$OUT"
exit 0
