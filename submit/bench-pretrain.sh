#!/usr/bin/env bash
# The LAES pretraining benchmark (prints numbers; asserts nothing):
#
#   submit/bench-pretrain.sh [SPARK-SUBMIT OPTIONS --]
#
# 1. Gram-route pretraining on the first 1x, 2x and 4x 50,000 training sequences of a dataset
#    prepared with --replicate 4 (data/prepared-x4, made on first use from MNIST): seconds per
#    stage, the ratio of each total to 1x (the cost should grow linearly), the driver's peak heap.
# 2. The Gram of 50,000 x 784 rows by MLlib RowMatrix vs the blocked DSYRK path, the eigensolver,
#    and the literal computeSVD route vs the Gram route on 200 sequences of 784 steps (p = 16).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
. "$root/submit/lib/common.sh"
spark_opts=()
if [[ " $* " == *" -- "* ]]; then
  while [ "$1" != "--" ]; do spark_opts+=("$1"); shift; done
  shift
fi
x4="$root/data/prepared-x4"
out="$root/out/bench-pretrain"
if [ ! -f "$x4/_SUCCESS" ]; then
  mnist="$(laes_mnist_dir)"
  "$root/submit/prepare.sh" "${spark_opts[@]}" -- --mnist "$mnist" --out "$x4" --replicate 4 --overwrite
fi
mkdir -p "$out"
(. "$root/submit/lib/run-job.sh"; laes_run_job ai.laes.jobs.bench.PretrainBenchmark "${spark_opts[@]}" -- "$x4" "$out" smnist 128 1,2,4)
(. "$root/submit/lib/run-job.sh"; laes_run_job ai.laes.laes.bench.LaesBenchmark "${spark_opts[@]}" -- 50000 200 784 16)
