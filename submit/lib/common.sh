# Shared helpers for the submit/ scripts (sourced, never executed).
# Sets LAES_ROOT (the checkout root, found from this file's path) and the loopback/OpenMP
# environment every Spark process of the project runs with.

LAES_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
export LAES_ROOT

# Every listener on loopback; one OpenMP thread per ND4J process (see stack notes).
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"

laes_log() { echo "[laes] $*" >&2; }
laes_die() { echo "error: $*" >&2; exit "${LAES_DIE_CODE:-1}"; }

# The java that Spark's launcher will use: $JAVA_HOME/bin/java, else java on PATH.
laes_java() {
  if [ -n "${JAVA_HOME:-}" ]; then
    echo "${JAVA_HOME}/bin/java"
  else
    command -v java 2>/dev/null || true
  fi
}

# Refuse anything but Java 17 (Hadoop 3.3.4 fails on Java 25 with "getSubject is not supported").
laes_require_java17() {
  local java version major
  java="$(laes_java)"
  [ -n "$java" ] && [ -x "$java" ] || laes_die "Java 17 is required: no java found (set JAVA_HOME to a Java 17 JDK)"
  version="$("$java" -version 2>&1 | sed -n 's/.*version "\([^"]*\)".*/\1/p' | head -n 1)"
  major="${version%%.*}"
  [ "$major" = "1" ] && major="$(echo "$version" | cut -d. -f2)"
  [ "$major" = "17" ] || laes_die "Java 17 is required, but $java is Java ${version:-unknown} (set JAVA_HOME to a Java 17 JDK)"
}

laes_require_mvn() {
  command -v mvn >/dev/null 2>&1 || laes_die "Maven (mvn) is required to build $1 but is not on PATH"
}

# laes_mvn LOG ARGS...: a quiet batch Maven run, its output kept in LOG and shown only on failure.
laes_mvn() {
  local log=$1; shift
  mkdir -p "$(dirname "$log")"
  if mvn -B -q "$@" > "$log" 2>&1; then
    return 0
  fi
  grep -v '^\s*$' "$log" | tail -n 25 | sed 's/^/  | /' >&2
  return 1
}

# laes_mnist_dir: prints the verified MNIST directory, found or fetched by `submit/get-mnist.sh
# --find` ($LAES_MNIST_DIR, data/mnist, ../shared/data/mnist, else fetched into data/mnist), the
# same resolution the tests use.
laes_mnist_dir() {
  "$LAES_ROOT/submit/get-mnist.sh" --find
}

# The CPU the benchmarks ran on: model name, family / model, vector extensions ("AMD EPYC, family 25
# model 1, AVX2, 2 cores"), from /proc/cpuinfo.
laes_cpu_name() {
  awk -F': *' -v cores="$(getconf _NPROCESSORS_ONLN)" '
    $1 ~ /^model name/ && name == "" { name = $2 }
    $1 ~ /^cpu family/ && family == "" { family = $2 }
    $1 ~ /^model[ \t]*$/ && model == "" { model = $2 }
    $1 ~ /^flags/ && simd == "" { simd = ($2 ~ /avx512f/) ? "AVX-512" : ($2 ~ /avx2/) ? "AVX2" : "no AVX2" }
    END { printf "%s, family %s model %s, %s, %s cores\n", name, family, model, simd, cores }' /proc/cpuinfo
}
