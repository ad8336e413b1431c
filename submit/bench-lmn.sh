#!/usr/bin/env bash
# The LMN layer benchmark (prints numbers; asserts nothing):
#
#   submit/bench-lmn.sh [--reps N=5] [--passes P=3] [--openblas PATH]
#
# OMP_NUM_THREADS=1, float, batch 64, T 784, input 1, size 128 (sequential MNIST), one thread:
#   1. ai.laes.train.bench.LmnBenchmark with the OpenBLAS bundled with ND4J: ms per batch for
#      inference, forward+backward and a full Adam fit step of the LMN, DL4J's LSTM and SimpleRnn,
#      side by side with ratios, and one 64x128 by 128x128 GEMM with the floor it implies;
#      then InferenceBatchBenchmark: the LMN's inference ms per example at batch 64 .. 1024;
#   2. the LMN fit step in P interleaved passes (the machine's load drifts), one process each:
#      with the bundled OpenBLAS; with a system OpenBLAS loaded in its place (--openblas PATH, else
#      Debian's libopenblas0-pthread when installed; for comparison only: the jobs keep the bundled
#      one); and the same LMN step in PyTorch
#      (submit/bench/lmn_torch.py) when a python3 has torch.
# Each pass also prints the fit step's and inference's ratios to the GEMM floor measured in its JVM
# (9T and 3T products of 64x128x128); ends with their medians against the targets (1.4x, 1.5x), the
# CPU's name, and the median of each fit step with its ratio to the bundled-BLAS LMN. Figures are thread CPU
# time (median of N steps), which stays meaningful when other processes load the machine.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
. "$root/submit/lib/common.sh"
. "$root/submit/lib/run-job.sh"
reps=5 passes=3 openblas=""
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) reps=$2; shift 2 ;;
    --passes) passes=$2; shift 2 ;;
    --openblas) openblas=$2; shift 2 ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "error: unknown option '$1' (see submit/bench-lmn.sh --help)" >&2; exit 2 ;;
  esac
done
for n in "$reps" "$passes"; do
  case "$n" in ''|*[!0-9]*|0) echo "error: --reps / --passes '$n': expected a positive integer" >&2; exit 2 ;; esac
done
debian=/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0
[ -z "$openblas" ] && [ -f "$debian" ] && openblas=$debian

laes_require_java17
spark_home="$(laes_spark_home)" || exit 1
laes_ensure_jobs_jar
java_cmd=("$(laes_java)" "-Dlog4j2.configurationFile=file:$root/conf/log4j2.properties"
  "-Dorg.bytedeco.javacpp.cachedir=$root/target/javacpp" -cp "$LAES_JOBS_JAR:$spark_home/jars/*")
# The LMN's fit ms (first row of the CPU table) and its fit and inference ratios to the GEMM floor
# measured in the same JVM ("LMN (CPU): output / 3T floor = a, ..., fit / 9T floor = c"): "ms fit-ratio output-ratio".
fit_figures() {
  awk '$1 == "LMN" && ms == "" { ms = $4 }
       /^LMN \(CPU\)/ { gsub(",", ""); for (i = 1; i <= NF; i++) { if ($i == "output") out = $(i + 5); if ($i == "fit") fit = $(i + 5) } }
       END { print ms, fit, out }'
}

lmn_fit() { # [extra JVM options...]: the LMN's median fit ms and floor ratios of one JVM
  "${java_cmd[@]}" "$@" ai.laes.train.bench.LmnBenchmark "$reps" 2 lmn 2>/dev/null | fit_figures
}
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

echo "== 1. bundled OpenBLAS (ND4J's): LMN, LSTM, SimpleRnn"
"${java_cmd[@]}" ai.laes.train.bench.LmnBenchmark "$reps" 2 2>/dev/null

echo; echo "== 1b. LMN inference per example by batch size (the readout's and evaluations' batch is chosen from it)"
"${java_cmd[@]}" ai.laes.train.bench.InferenceBatchBenchmark "$reps" 1 2>/dev/null

system_opts=()
blas_name=""
if [ -n "$openblas" ]; then # JavaCPP loads it in place of the bundled one, by its versioned file name
  real="$(readlink -f "$openblas" 2>/dev/null || true)"
  [ -n "$real" ] && [ -f "$real" ] || { echo "error: --openblas $openblas: no such file" >&2; exit 2; }
  blas_name="$(basename "$real")"; blas_name="${blas_name#lib}"; blas_name="${blas_name%%.so*}"
  [ "$blas_name" != openblas ] || { echo "error: --openblas $openblas resolves to $real, whose name is that of the bundled OpenBLAS; give a versioned file" >&2; exit 2; }
  system_opts=("-Djava.library.path=$(dirname "$real")" "-Dorg.bytedeco.openblas.load=$blas_name")
fi
torch_python=""
for py in python3 /usr/bin/python3; do
  if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import torch' 2>/dev/null; then torch_python=$py; break; fi
done

echo; echo "== 2. the LMN fit step, $passes interleaved passes (one process each)"
bundled=() fit_ratio=() out_ratio=() system=() torch=()
for pass in $(seq 1 "$passes"); do
  read -r ms fr or < <(lmn_fit)
  bundled+=("$ms") fit_ratio+=("$fr") out_ratio+=("$or")
  line="pass $pass: bundled $ms ms (fit ${fr}x, inference ${or}x the GEMM floor)"
  if [ -n "$openblas" ]; then system+=("$(lmn_fit "${system_opts[@]}" | awk '{ print $1 }')"); line="$line, system ${system[-1]} ms"; fi
  if [ -n "$torch_python" ]; then
    torch+=("$("$torch_python" "$root/submit/bench/lmn_torch.py" "$reps" 2 | awk '{ print $4 }')")
    line="$line, PyTorch ${torch[-1]} ms"
  fi
  echo "$line"
done
[ -n "$openblas" ] || echo "(no system OpenBLAS: --openblas PATH, or apt install libopenblas0-pthread)"
[ -n "$torch_python" ] || echo "(no PyTorch: python3 has no torch, e.g. apt install python3-torch)"

echo; echo "LMN against the GEMM floor of its own JVM (cblas_sgemm of 64x128x128 times 9T for the fit step, 3T for"
echo "inference), median over the passes: fit step $(printf '%s\n' "${fit_ratio[@]}" | median)x (target <= 1.4),"\
  "inference $(printf '%s\n' "${out_ratio[@]}" | median)x (target <= 1.5); CPU: $(laes_cpu_name)"
echo; echo "LMN fit step (batch 64, T 784, size 128, one thread), median over the passes of the median CPU ms"
base="$(printf '%s\n' "${bundled[@]}" | median)"
report() { printf '  %-44s %8.1f ms  %5.2fx the bundled-BLAS LMN\n' "$1" "$2" "$(awk -v a="$2" -v b="$base" 'BEGIN { print a / b }')"; }
report "LMN, bundled OpenBLAS 0.3.19" "$base"
[ -n "$openblas" ] && report "LMN, system $blas_name" "$(printf '%s\n' "${system[@]}" | median)"
[ -n "$torch_python" ] && report "PyTorch $("$torch_python" -c 'import torch; print(torch.__version__)'), same LMN (lmn_torch.py)" "$(printf '%s\n' "${torch[@]}" | median)"
exit 0
