#!/usr/bin/env bash
# Lost-executor fault injection on the local standalone cluster (two single-core executors).
#
#   submit/fault-executor.sh [--keep]
#
# 1. pretrain on the cluster, uninterrupted, then again while one executor JVM is killed (SIGKILL)
#    3 s into the Gram pass (its tasks running): the job must finish and the LAES files (laes/*.npy) must be
#    byte-identical;
# 2. fine-tune (LAES init from run 1, 2,560 training images, 1 epoch, 4 averaging rounds) on the
#    cluster, uninterrupted, then again while one executor JVM is killed 3 s into the second
#    averaging round: the job must finish and its validation accuracy must be within 0.02 of the
#    uninterrupted run's.
# Prints what was killed, the executor losses and task retries Spark logged, and PASS/FAIL per
# scenario; exit code 0 only if all pass. Uses data/prepared (made from MNIST if missing);
# outputs and driver logs in out/fault-executor/ (removed at the end unless --keep). A cluster
# already running is used as it is; otherwise one is started and stopped again.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
. "$root/submit/lib/common.sh"
keep=0
[ "${1:-}" = "--keep" ] && keep=1
[ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ] && { sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0; }
work="$root/out/fault-executor"
rm -rf "$work"
mkdir -p "$work"
cluster=(--master spark://127.0.0.1:7077 --executor-cores 1 --total-executor-cores 2 --executor-memory 3g --driver-memory 3g)

prepared="$root/data/prepared"
if [ ! -f "$prepared/_SUCCESS" ]; then
  mnist="$(laes_mnist_dir)"
  "$root/submit/prepare.sh" -- --mnist "$mnist" --out "$prepared"
fi
started=0
if ! "$root/submit/cluster.sh" status >/dev/null 2>&1; then
  "$root/submit/cluster.sh" start --cores 2 --memory 8g >/dev/null
  started=1
fi
cleanup() {
  [ "$started" = 1 ] && "$root/submit/cluster.sh" stop >/dev/null || true
  [ "$keep" = 1 ] || rm -rf "$work"
}
trap cleanup EXIT

# run NAME JOB TRIGGER DELAY JOB OPTIONS: runs submit/JOB.sh on the cluster; with a TRIGGER (a regex of
# the driver log), kills one executor JVM DELAY seconds after the log matches it. Returns the job's exit code.
run() {
  local name=$1 job=$2 trigger=$3 delay=$4 log="$work/$1.log" pid victim t0=$SECONDS
  shift 4
  "$root/submit/$job.sh" "${cluster[@]}" -- "$@" > "$log" 2>&1 &
  pid=$!
  if [ -n "$trigger" ]; then
    until grep -qE "$trigger" "$log" 2>/dev/null; do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    sleep "$delay"
    victim="$("$root/submit/cluster.sh" executors | head -n 1)"
    if [ -n "$victim" ] && kill -0 "$pid" 2>/dev/null; then
      kill -9 "$victim"
      echo "  killed executor JVM pid $victim $delay s after the driver log showed /$trigger/"
    else
      echo "  could not kill an executor (none found, or the job had ended)"
    fi
  fi
  local code=0
  wait "$pid" || code=$?
  echo "  $name: exit $code after $((SECONDS - t0)) s, $(grep -cE 'Lost executor|ExecutorLostFailure' "$log" || true) executor-loss line(s), $(grep -cE 'Lost task' "$log" || true) lost task(s) retried (log: $log)"
  return "$code"
}

verdicts=()
echo "== pretrain: clean run, then one executor killed during the Gram pass"
run pretrain-clean pretrain "" 0 --data "$prepared" --out "$work/pretrain-clean" --task pmnist
run pretrain-killed pretrain "LAES: Gram: started" 3 --data "$prepared" --out "$work/pretrain-killed" --task pmnist || true
same=1
for f in "$work"/pretrain-clean/laes/*.npy; do
  cmp -s "$f" "$work/pretrain-killed/laes/$(basename "$f")" || { same=0; echo "  differs: laes/$(basename "$f")"; }
done
if [ -f "$work/pretrain-killed/_SUCCESS" ] && [ "$same" = 1 ]; then
  verdicts+=("PASS pretrain: finished after the executor loss; laes/*.npy byte-identical to the clean run")
else
  verdicts+=("FAIL pretrain: _SUCCESS $( [ -f "$work/pretrain-killed/_SUCCESS" ] && echo present || echo missing), identical=$same")
fi

echo "== fine-tune: clean run, then one executor killed 3 s into the second averaging round"
ft=(--data "$prepared" --init "$work/pretrain-clean" --task pmnist --limit 2560 --epochs 1 --learning-rate 1e-4)
run finetune-clean finetune "" 0 "${ft[@]}" --out "$work/finetune-clean"
run finetune-killed finetune "round 1/[0-9]+:" 3 "${ft[@]}" --out "$work/finetune-killed" || true
acc() { sed -n 's/.*"val_accuracy" *: *\([0-9.eE-]*\).*/\1/p' "$1/metrics.jsonl" | tail -n 1; }
if [ -f "$work/finetune-killed/_SUCCESS" ]; then
  a="$(acc "$work/finetune-clean")" b="$(acc "$work/finetune-killed")"
  if awk -v a="$a" -v b="$b" 'BEGIN { d = a - b; exit !(d <= 0.02 && d >= -0.02) }'; then
    verdicts+=("PASS fine-tune: finished after the executor loss; validation accuracy $b vs $a uninterrupted")
  else
    verdicts+=("FAIL fine-tune: validation accuracy $b vs $a uninterrupted (beyond 0.02)")
  fi
else
  verdicts+=("FAIL fine-tune: no _SUCCESS after the executor loss")
fi
echo
printf '%s\n' "${verdicts[@]}"
! printf '%s\n' "${verdicts[@]}" | grep -q '^FAIL'
