#!/usr/bin/env bash
# The grid job's throughput benchmark (prints numbers; asserts nothing):
#
#   submit/bench-grid.sh [--limit N=2000] [--epochs E=1] [--task pmnist|smnist] [--repeat R=1] [--no-cluster]
#
# The same 8-configuration grid (learning rate {1e-4, 1e-3} x orthogonality penalty {1e-4, 1e-2} x
# detach probability {0, 0.5}, LMN, LAES initialisation) on real MNIST, --limit images of each split,
# E epochs, one spark-submit of submit/grid.sh per master:
#   local[1]; local[2]; the standalone cluster of submit/cluster.sh with two single-core executors
#   (started here if none runs, and stopped again).
# Each run's training stage ("grid: train 8 configurations" in its run.json: the configurations and
# their validations, without JVM start, reading the shards and computing the LAES start) gives the
# configurations per hour; the job's whole wall time is printed beside it. Each pass starts with the
# ceiling this machine allows two single-core workers (ai.laes.jobs.bench.StepCeiling on local[2]: the
# LMN minibatch step alone and in two threads at once, 2 * alone / together). Ends with the speed-ups
# from one to two executor cores (target >= 1.9x) beside that ceiling, per pass and their medians over
# --repeat R interleaved passes. The prepared dataset is data/prepared (made by submit/prepare.sh when
# missing).
# Results are appended to out/bench-grid/results.tsv.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
. "$root/submit/lib/common.sh"
limit=2000 epochs=1 task=pmnist cluster=1 repeat=1
while [ $# -gt 0 ]; do
  case "$1" in
    --limit) limit=$2; shift 2 ;;
    --epochs) epochs=$2; shift 2 ;;
    --task) task=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    --no-cluster) cluster=0; shift ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "error: unknown option '$1' (see submit/bench-grid.sh --help)" >&2; exit 2 ;;
  esac
done
for n in "$limit" "$epochs" "$repeat"; do
  case "$n" in ''|*[!0-9]*|0) echo "error: --limit / --epochs / --repeat '$n': expected a positive integer" >&2; exit 2 ;; esac
done
out="$root/out/bench-grid"
mkdir -p "$out"
prepared="$root/data/prepared"
if [ ! -f "$prepared/_SUCCESS" ]; then
  "$root/submit/prepare.sh" -- --mnist "$(laes_mnist_dir)" --out "$prepared"
fi
grid="$out/grid-8.conf"
cat > "$grid" <<'CONF'
learning-rate = [1e-4, 1e-3]
orthogonality-penalty = [1e-4, 1e-2]
detach-probability = [0, 0.5]
CONF
results="$out/results-$(date +%Y%m%d-%H%M%S).tsv"

# run LABEL CORES SPARK-OPTIONS...: one grid, its row appended to $results
run() {
  local label=$1 cores=$2; shift 2
  local dir="$out/$label" t0=$SECONDS
  "$root/submit/grid.sh" "$@" --driver-memory 3g -- --data "$prepared" --out "$dir" --grid "$grid" --task "$task" \
      --epochs "$epochs" --limit "$limit" --overwrite > "$out/$label.log" 2>&1 \
    || { echo "error: the $label run failed (log: $out/$label.log)" >&2; exit 1; }
  local wall=$((SECONDS - t0))
  local train
  train=$(tr -d '\n ' < "$dir/run.json" | sed -n 's/.*"grid:train8configurations":\([0-9.eE+-]*\).*/\1/p')
  [ -n "$train" ] || { echo "error: $dir/run.json has no 'grid: train 8 configurations' stage" >&2; exit 1; }
  awk -v l="$label" -v c="$cores" -v t="$train" -v w="$wall" -v n="$limit" -v e="$epochs" \
      'BEGIN { printf "%s\t%d\t%d\t%d\t%.1f\t%d\t%.1f\n", l, c, n, e, t, w, 8 * 3600 / t }' >> "$results"
}

laes_log "8 configurations, LMN, $task, --limit $limit, $epochs epoch(s), $repeat pass(es); logs in $out"
if [ "$cluster" = 1 ]; then
  started=0
  if ! "$root/submit/cluster.sh" status >/dev/null 2>&1; then
    "$root/submit/cluster.sh" start --cores 2 --memory 8g >/dev/null
    started=1
  fi
  trap '[ "$started" = 1 ] && "$root/submit/cluster.sh" stop >/dev/null' EXIT
fi
for pass in $(seq 1 "$repeat"); do
  (. "$root/submit/lib/run-job.sh"; laes_run_job ai.laes.jobs.bench.StepCeiling --master 'local[2]' --driver-memory 3g -- \
    "$(laes_mnist_dir)") > "$out/ceiling.log" 2>&1 || { echo "error: the ceiling run failed (log: $out/ceiling.log)" >&2; exit 1; }
  grep '^ceiling' "$out/ceiling.log" | awk -F'\t' '{ printf "ceiling\t2\t0\t0\t%s\t%s\t%s\n", $2, $3, $4 }' >> "$results"
  run local1 1 --master 'local[1]'
  run local2 2 --master 'local[2]'
  if [ "$cluster" = 1 ]; then
    run cluster 2 --master spark://127.0.0.1:7077 --executor-cores 1 --total-executor-cores 2 --executor-memory 3g
  fi
done
cat "$results" >> "$out/results.tsv"
echo
printf 'label\tcores\tlimit\tepochs\ttrain_s\twall_s\tconfigurations/hour\n'
grep -v '^ceiling' "$results"
echo
printf 'ceiling (LMN step, batch 64): alone_s\ttogether_s\t2 x alone / together\n'
grep '^ceiling' "$results" | cut -f5-7
awk -F'\t' '
  function median(a, n,   i, j, t) { for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
                                    return n % 2 ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2 }
  $1 == "ceiling" { ceil[pass + 1] = $7 }
  $1 == "local1" { pass++; base = $7 }
  $1 == "local2" { l2[pass] = $7 / base }
  $1 == "cluster" { c[pass] = $7 / base }
  END {
    for (p = 1; p <= pass; p++) {
      printf "pass %d: configurations/hour local2 / local1 %.2fx", p, l2[p]
      if (p in c) printf ", cluster (2 executors) / local1 %.2fx", c[p]
      printf " (two threads stepping at once here allow %.2fx)\n", ceil[p]
    }
    n = 0; for (p = 1; p <= pass; p++) a[++n] = l2[p]
    printf "median speed-up over %d pass(es), target >= 1.9x: local2 / local1 %.2fx", pass, median(a, n)
    if (1 in c) { n = 0; for (p = 1; p <= pass; p++) b[++n] = c[p]; printf ", cluster / local1 %.2fx", median(b, n) }
    n = 0; for (p = 1; p <= pass; p++) d[++n] = ceil[p]
    printf "; the ceiling %.2fx\n", median(d, n)
  }' "$results"
echo "CPU: $(laes_cpu_name)"
