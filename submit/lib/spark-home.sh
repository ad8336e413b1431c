#!/usr/bin/env bash
# The Spark home the submit/ scripts use: $SPARK_HOME when set, else the project's runtime in
# <root>/target/spark-home, assembled from Maven Central by submit/runtime/pom.xml on first use.
# Sourced: defines laes_spark_home. Executed: assembles if needed and prints the path.

# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

LAES_RUNTIME_DIR="$LAES_ROOT/submit/runtime"
LAES_RUNTIME_HOME="$LAES_ROOT/target/spark-home"
LAES_RUNTIME_MARKER="$LAES_RUNTIME_HOME/.laes-assembled"

# Fingerprint of the runtime's definition: a changed pom or script triggers a re-assembly.
laes_runtime_stamp() {
  (cd "$LAES_RUNTIME_DIR" && cat pom.xml RELEASE bin/spark-class bin/spark-submit | sha256sum | cut -d' ' -f1)
}

laes_runtime_complete() {
  [ -f "$LAES_RUNTIME_MARKER" ] && [ "$(cat "$LAES_RUNTIME_MARKER")" = "$(laes_runtime_stamp)" ]
}

# Assembles <root>/target/spark-home unless the marker says it is complete. Idempotent; serialised
# with flock when available so concurrent first runs do not race.
laes_assemble_runtime() {
  laes_runtime_complete && return 0
  mkdir -p "$LAES_ROOT/target"
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$LAES_ROOT/target/spark-home.lock"
    flock 9
    if laes_runtime_complete; then exec 9>&-; return 0; fi
  fi
  laes_require_mvn "the Spark runtime"
  laes_log "assembling the Spark 3.5.9 runtime from Maven Central into $LAES_RUNTIME_HOME (one time)"
  rm -rf "$LAES_RUNTIME_HOME"
  local start=$SECONDS
  laes_mvn "$LAES_ROOT/target/spark-home.log" -f "$LAES_RUNTIME_DIR/pom.xml" package \
    || laes_die "assembling the Spark runtime failed (mvn -B -f submit/runtime/pom.xml package; log: target/spark-home.log)"
  chmod +x "$LAES_RUNTIME_HOME/bin/spark-class" "$LAES_RUNTIME_HOME/bin/spark-submit"
  [ -f "$LAES_RUNTIME_HOME/jars/spark-core_2.12-3.5.9.jar" ] \
    || laes_die "assembling the Spark runtime left no spark-core jar in $LAES_RUNTIME_HOME/jars"
  laes_runtime_stamp > "$LAES_RUNTIME_MARKER"
  laes_log "Spark runtime ready: $(ls "$LAES_RUNTIME_HOME/jars" | wc -l) jars, $(du -sh "$LAES_RUNTIME_HOME" | cut -f1), $((SECONDS - start)) s"
  if command -v flock >/dev/null 2>&1; then exec 9>&-; fi
}

# Prints the Spark home to use.
laes_spark_home() {
  if [ -n "${SPARK_HOME:-}" ]; then
    [ -x "$SPARK_HOME/bin/spark-submit" ] || laes_die "SPARK_HOME=$SPARK_HOME has no bin/spark-submit"
    echo "$SPARK_HOME"
  else
    laes_assemble_runtime
    echo "$LAES_RUNTIME_HOME"
  fi
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  set -euo pipefail
  laes_spark_home
fi
