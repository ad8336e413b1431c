#!/usr/bin/env bash
# The fine-tuning throughput benchmark (prints numbers; asserts nothing):
#
#   submit/bench-finetune.sh [--model lmn|lstm] [--examples N] [--batch B] [--frequency F] [--repeat R] [--no-cluster]
#
# One epoch of parameter-averaged training on real MNIST (sMNIST, T = 784, hidden 128) after four
# warm-up averaging rounds (until the executors' JIT compilers have settled; each worker steps 20
# minibatches), the same data and model on four masters, one spark-submit each:
#   local[1]; local[2]; the standalone cluster of submit/cluster.sh with one, then two single-core
#   executors (started here if none runs, and stopped again).
# Prints examples/s, seconds, averaging rounds, the single-machine step time and the averaging
# overhead per round for each, then the speed-ups from one to two workers (target >= 1.7x):
# local[2] and the cluster over local[1], and the two-executor over the one-executor cluster,
# beside the ceiling this machine allows: twice the lone minibatch step time over the step time
# of two threads stepping at once. --repeat R runs the whole sequence R times, interleaved (the
# machine's load drifts), and prints each pass and the median speed-ups, then where each run's
# rounds spent their time (job wall, slowest task, the two tasks' spread, task time outside the
# run, the driver's time between rounds; from Spark's task metrics). Results are appended to
# out/bench-finetune/results.tsv.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
. "$root/submit/lib/common.sh"
model=lmn examples=5120 batch=64 frequency=5 cluster=1 repeat=1
while [ $# -gt 0 ]; do
  case "$1" in
    --model) model=$2; shift 2 ;;
    --examples) examples=$2; shift 2 ;;
    --batch) batch=$2; shift 2 ;;
    --frequency) frequency=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    --no-cluster) cluster=0; shift ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "error: unknown option '$1' (see submit/bench-finetune.sh --help)" >&2; exit 2 ;;
  esac
done
mnist="$(laes_mnist_dir)"
out="$root/out/bench-finetune"
mkdir -p "$out"
results="$out/results-$(date +%Y%m%d-%H%M%S).tsv"
timings="${results%.tsv}-rounds.txt"
bench() { # label spark-options...
  local label=$1; shift
  (. "$root/submit/lib/run-job.sh"; laes_run_job ai.laes.jobs.bench.FinetuneBenchmark "$@" --driver-memory 3g -- \
    "$mnist" "$results" "$label" "$model" "$examples" "$batch" "$frequency") > "$out/$label.log" 2>&1 \
    || { echo "error: the $label run failed (log: $out/$label.log)" >&2; exit 1; }
  sed -n 's/^round timing //p' "$out/$label.log" >> "$timings"
}
case "$repeat" in ''|*[!0-9]*|0) echo "error: --repeat '$repeat': expected a positive integer" >&2; exit 2 ;; esac
laes_log "model $model, $examples examples, batch $batch, averaging every $frequency minibatches, $repeat pass(es); logs in $out"
if [ "$cluster" = 1 ]; then
  started=0
  if ! "$root/submit/cluster.sh" status >/dev/null 2>&1; then
    "$root/submit/cluster.sh" start --cores 2 --memory 8g >/dev/null
    started=1
  fi
  trap '[ "$started" = 1 ] && "$root/submit/cluster.sh" stop >/dev/null' EXIT
fi
cluster_opts=(--master spark://127.0.0.1:7077 --executor-cores 1 --executor-memory 3g)
for pass in $(seq 1 "$repeat"); do
  bench local1 --master 'local[1]'
  bench local2 --master 'local[2]'
  if [ "$cluster" = 1 ]; then
    bench cluster1 "${cluster_opts[@]}" --total-executor-cores 1 --conf spark.default.parallelism=1
    bench cluster "${cluster_opts[@]}" --total-executor-cores 2
  fi
done
cat "$results" >> "$out/results.tsv"
echo
printf 'label\tmaster\tworkers\texamples\tseconds\texamples/s\trounds\tstep_s\toverhead_s_per_round\tstep_s_two_threads\thardware_ceiling\n'
cat "$results"
# Lines come in passes of local1, local2[, cluster1, cluster]; ratios within each pass, then medians.
awk -F'\t' '
  function median(a, n,   i, j, t) { for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
                                    return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2 }
  $1 == "local1" { pass++; base = $6 }
  $1 == "cluster1" { base1 = $6 }
  $1 == "local2" { l2[pass] = $6 / base; ceil[pass] = $11 }
  $1 == "cluster" { c[pass] = $6 / base; if (base1 > 0) c1[pass] = $6 / base1 }
  END {
    for (p = 1; p <= pass; p++) {
      printf "pass %d: local2 / local1 %.2fx", p, l2[p]
      if (p in c) printf ", cluster / local1 %.2fx, cluster / cluster1 %.2fx", c[p], c1[p]
      printf " (two threads stepping at once here allow %.2fx)\n", ceil[p]
    }
    n = 0; for (p = 1; p <= pass; p++) { a[++n] = l2[p] } ml2 = median(a, n)
    printf "median speed-up over %d pass(es), target >= 1.7x: local2 / local1 %.2fx", pass, ml2
    if (1 in c) { n = 0; for (p = 1; p <= pass; p++) b[++n] = c[p]; mc = median(b, n)
                  n = 0; for (p = 1; p <= pass; p++) d[++n] = c1[p]; mc1 = median(d, n)
                  printf ", cluster / local1 %.2fx, cluster / cluster1 %.2fx", mc, mc1 }
    printf "\n"
  }' "$results"
echo
echo "where each measured round's time goes (Spark task metrics: a task's run is its time on the executor, inside it DL4J's fit per"
echo "minibatch and, outside fit, getting the broadcast and building the worker network, DataSets and result; outside the run: launch,"
echo "deserialisation and sending the result back):"
cat "$timings"
