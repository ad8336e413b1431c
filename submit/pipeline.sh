#!/usr/bin/env bash
# The whole pipeline on real MNIST, one command:
#
#   submit/pipeline.sh [SPARK-SUBMIT OPTIONS --] [--config FILE.conf]
#
#   1. MNIST: $LAES_MNIST_DIR, data/mnist, ../shared/data/mnist beside the checkout, else
#      fetched into data/mnist; checksums verified   submit/get-mnist.sh --find
#   2. prepare  -> data/prepared                   ai.laes.jobs.PrepareJob
#   3. pretrain -> out/pretrain                    ai.laes.jobs.PretrainJob
#   4. finetune -> out/finetune                    ai.laes.jobs.FinetuneJob
#
# Paths are relative to the checkout root. A stage whose output already holds _SUCCESS is skipped
# (delete the directory to redo it); a stage whose main class is not in the jar yet is skipped.
# SPARK-SUBMIT OPTIONS (e.g. --master spark://127.0.0.1:7077 --executor-cores 1
# --total-executor-cores 2 --executor-memory 3g) and --config (default: conf/default.conf) go to
# every job.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/run-job.sh"

usage() { sed -n '2,18s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2; exit "${1:-2}"; }

spark_opts=() rest=() sep=0
for a in "$@"; do
  if [ "$sep" = 0 ] && [ "$a" = "--" ]; then sep=1; continue; fi
  if [ "$sep" = 1 ]; then rest+=("$a"); else spark_opts+=("$a"); fi
done
if [ "$sep" = 0 ]; then rest=("${spark_opts[@]}"); spark_opts=(); fi

config=(--config "$LAES_ROOT/conf/default.conf")
[ -f "$LAES_ROOT/conf/default.conf" ] || config=()
set -- "${rest[@]}"
while [ $# -gt 0 ]; do
  case "$1" in
    --config) [ -n "${2:-}" ] || usage; [ -f "$2" ] || { echo "error: --config $2: no such file" >&2; exit 2; }
              config=(--config "$2"); shift 2 ;;
    --config=*) config=(--config "${1#--config=}"); shift ;;
    -h|--help) usage 0 ;;
    *) echo "error: unknown option '$1' (pipeline options: --config FILE; spark-submit options go before --)" >&2; exit 2 ;;
  esac
done

PREPARED="$LAES_ROOT/data/prepared"
PRETRAIN="$LAES_ROOT/out/pretrain"
FINETUNE="$LAES_ROOT/out/finetune"

started=$SECONDS
laes_require_java17
laes_ensure_jobs_jar

MNIST="$(laes_mnist_dir)"

# stage NAME MAIN_CLASS OUT JOB_ARGS...
stage() {
  local name=$1 class=$2 out=$3 t0=$SECONDS; shift 3
  if [ -f "$out/_SUCCESS" ]; then
    laes_log "$name: $out already complete (_SUCCESS), skipped"
    return 0
  fi
  if ! laes_jar_has_class "$class"; then
    laes_log "$name: $class is not in the jar yet, skipped"
    return 0
  fi
  laes_log "$name -> $out"
  local rc=0
  "$LAES_ROOT/submit/$name.sh" "${spark_opts[@]}" -- "$@" "${config[@]}" || rc=$?
  [ "$rc" = 0 ] || { echo "error: stage $name failed with exit code $rc" >&2; exit "$rc"; }
  laes_log "$name: done in $((SECONDS - t0)) s"
}

stage prepare  ai.laes.jobs.PrepareJob  "$PREPARED" --mnist "$MNIST" --out "$PREPARED"
stage pretrain ai.laes.jobs.PretrainJob "$PRETRAIN" --data "$PREPARED" --out "$PRETRAIN"
stage finetune ai.laes.jobs.FinetuneJob "$FINETUNE" --data "$PREPARED" --init "$PRETRAIN" --out "$FINETUNE"
laes_log "pipeline finished in $((SECONDS - started)) s"
