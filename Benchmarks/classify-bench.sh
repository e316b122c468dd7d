#!/usr/bin/env bash
# Classifier benchmark: Minsheng's classifier against the scikit-learn reference, on the same folds,
# in one run.
#
#   Benchmarks/classify-bench.sh [--out FILE]
#
# Reads the real messages by path (never copied into the repository): $MINSHENG_EVAL_DATA, by default
# ../shared/data/tipdm2020c beside the repository, file train.csv (columns id,title,body,time,label).
# 1. Accuracy: 5-fold cross-validation, row i (in file order) in fold i mod 5, for both.
# 2. Speed, one core each (taskset -c 0), in 5 alternating rounds: training on all messages, then
#    predicting all of them (five passes, the median pass counts).
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

$ONE_CORE $BIN classify evaluate --train "$TRAIN" --cv 5 >"$WORK/m-cv.txt" 2>"$WORK/m-cv.err"
$ONE_CORE $REF --train "$TRAIN" --cv 5 >"$WORK/r-cv.txt" 2>"$WORK/r-cv.err"
# Speed in alternating rounds, so that the shared machine's slow moments fall on both sides alike;
# the report gives the medians of the per-round ratios.
ROUNDS=5
for round in $(seq 1 $ROUNDS); do
  $ONE_CORE $BIN classify evaluate --train "$TRAIN" --test "$TRAIN" >"$WORK/m-speed.txt" 2>"$WORK/m-speed-$round.err"
  $ONE_CORE $REF --train "$TRAIN" --test "$TRAIN" >"$WORK/r-speed.txt" 2>"$WORK/r-speed-$round.err"
done
$BIN classify train --csv "$TRAIN" --out "$WORK/model.msclass" >/dev/null
MODEL_BYTES=$(stat -c %s "$WORK/model.msclass")
RSS_MODEL=$(/usr/bin/time -f %M $BIN classify predict --model "$WORK/model.msclass" --title "小区夜间施工噪音扰民" "工地每晚十一点后仍在施工，噪音很大。" 2>&1 >/dev/null | tail -1)
RSS_BASE=$(/usr/bin/time -f %M $BIN --help 2>&1 >/dev/null | tail -1)

python3 - "$WORK" "$MODEL_BYTES" "$RSS_MODEL" "$RSS_BASE" "$(hostname)" "$(nproc)" "$ROUNDS" >"$WORK/report.md" <<'PY'
import datetime, re, statistics, sys
work, model_bytes, rss_model, rss_base, host, cores, rounds = sys.argv[1:8]
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
m_acc, m_f1 = last(f"{work}/m-cv.txt")
r_acc, r_f1 = last(f"{work}/r-cv.txt")
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
print("- reference: `Benchmarks/reference/classify_reference.py` — scikit-learn `TfidfVectorizer(analyzer='char', ngram_range=(1,3), sublinear_tf=True)` + `LinearSVC()`\n")
print("## Accuracy: 5-fold cross-validation, the same folds (row i in fold i mod 5)\n")
print("| | accuracy | macro-F1 |")
print("| --- | ---: | ---: |")
print(f"| Minsheng | {m_acc:.4f} | {m_f1:.4f} |")
print(f"| reference | {r_acc:.4f} | {r_f1:.4f} |")
print(f"| difference | {m_acc - r_acc:+.4f} | {m_f1 - r_f1:+.4f} |\n")
print("Goal: macro-F1 ≥ 0.90, and at least the reference's.\n")
print(f"## Speed and memory, one core ({rounds} alternating rounds; medians, ratio = median of the per-round ratios)\n")
print("| | Minsheng | reference | ratio |")
print("| --- | ---: | ---: | ---: |")
print(f"| training on all 2,579 messages (s) | {m_train:.3f} | {r_train:.3f} | {train_ratio:.1f}× faster |")
print(f"| training per CV fold (s, mean) | {sum(m_folds) / len(m_folds):.3f} | {sum(r_folds) / len(r_folds):.3f} | |")
print(f"| predictions per second (each side: median of 5 passes over the 2,579 messages) | {m_rate:.0f} | {r_rate:.0f} | {rate_ratio:.1f}× |")
print("\nPer round, predictions per second (Minsheng / reference): " + "; ".join(f"{m[1]:.0f} / {r[1]:.0f}" for m, r in zip(m_speed, r_speed)))
print(f"\nGoals: training ≤ 1 s; prediction ≥ 10× the reference's messages per second.\n")
print(f"Model file: {int(model_bytes) / 1e6:.1f} MB. Peak resident memory of `minsheng classify predict` with the model loaded: {int(rss_model) / 1024:.1f} MB, against {int(rss_base) / 1024:.1f} MB for `minsheng --help`.")
PY
cat "$WORK/report.md"
echo
echo "Minsheng per class (cross-validation):"
cat "$WORK/m-cv.txt"
[ -n "$OUT" ] && cp "$WORK/report.md" "$OUT"
exit 0
