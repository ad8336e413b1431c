#!/usr/bin/env bash
# The fine-tuning throughput benchmark (prints numbers; asserts nothing):
#
#   submit/bench-finetune.sh [--model lmn|lstm] [--examples N] [--batch B] [--frequency F] [--no-cluster]
#
# One epoch of parameter-averaged training on real MNIST (sMNIST, T = 784, hidden 128) after a
# warm-up round, the same data and model on three masters, one spark-submit each:
#   local[1]; local[2]; the standalone cluster of submit/cluster.sh with two single-core executors
#   (started here if none runs, and stopped again).
# Prints examples/s, seconds, averaging rounds, the single-machine step time and the averaging
# overhead per round for each, then the speed-up of local[2] and of the cluster over local[1]
# (target >= 1.7x), beside the ceiling this machine allows: twice the lone minibatch step time
# over the step time of two threads stepping at once. Results are appended to out/bench-finetune/results.tsv.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
. "$root/submit/lib/common.sh"
model=lmn examples=5120 batch=64 frequency=5 cluster=1
while [ $# -gt 0 ]; do
  case "$1" in
    --model) model=$2; shift 2 ;;
    --examples) examples=$2; shift 2 ;;
    --batch) batch=$2; shift 2 ;;
    --frequency) frequency=$2; shift 2 ;;
    --no-cluster) cluster=0; shift ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "error: unknown option '$1' (see submit/bench-finetune.sh --help)" >&2; exit 2 ;;
  esac
done
mnist="$root/data/mnist"
if [ ! -f "$mnist/train-images-idx3-ubyte.gz" ]; then
  shared="$(cd "$root/.." && pwd -P)/shared/data/mnist"
  if [ -d "$shared" ]; then "$root/submit/get-mnist.sh" --from "$shared" "$mnist"; else "$root/submit/get-mnist.sh" "$mnist"; fi
fi
out="$root/out/bench-finetune"
mkdir -p "$out"
results="$out/results-$(date +%Y%m%d-%H%M%S).tsv"
bench() { # label spark-options...
  local label=$1; shift
  (. "$root/submit/lib/run-job.sh"; laes_run_job ai.laes.jobs.bench.FinetuneBenchmark "$@" --driver-memory 3g -- \
    "$mnist" "$results" "$label" "$model" "$examples" "$batch" "$frequency") > "$out/$label.log" 2>&1 \
    || { echo "error: the $label run failed (log: $out/$label.log)" >&2; exit 1; }
}
laes_log "model $model, $examples examples, batch $batch, averaging every $frequency minibatches; logs in $out"
bench local1 --master 'local[1]'
bench local2 --master 'local[2]'
if [ "$cluster" = 1 ]; then
  started=0
  if ! "$root/submit/cluster.sh" status >/dev/null 2>&1; then
    "$root/submit/cluster.sh" start --cores 2 --memory 8g >/dev/null
    started=1
  fi
  trap '[ "$started" = 1 ] && "$root/submit/cluster.sh" stop >/dev/null' EXIT
  bench cluster --master spark://127.0.0.1:7077 --executor-cores 1 --total-executor-cores 2 --executor-memory 3g
fi
cat "$results" >> "$out/results.tsv"
echo
printf 'label\tmaster\tworkers\texamples\tseconds\texamples/s\trounds\tstep_s\toverhead_s_per_round\tstep_s_two_threads\thardware_ceiling\n'
cat "$results"
awk -F'\t' '$1 == "local1" { base = $6 } $1 != "local1" && base > 0 {
  printf "speed-up %s / local1: %.2fx (target >= 1.7x; two threads stepping at once here allow %.2fx)\n", $1, $6 / base, $11 }' "$results"
