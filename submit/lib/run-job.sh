# Launches one job of the shaded jar through spark-submit (sourced by submit/<job>.sh).
#
#   submit/<job>.sh [SPARK-SUBMIT OPTIONS --] JOB OPTIONS
#
# With a "--", everything before the first "--" goes to spark-submit and everything after it to
# the job; without one, all arguments are job options. The master and resources come from the
# user's options or conf/spark-defaults.conf (passed as --properties-file unless the user gives
# one). The driver and executors get the project's log4j2 configuration and JavaCPP cache through
# spark.{driver,executor}.defaultJavaOptions, which Spark prepends to any extraJavaOptions or
# --driver-java-options of the user's, so both apply; executors of --executor-cores N also get
# -XX:ActiveProcessorCount=N. The job's exit code is the script's.

# shellcheck source=spark-home.sh
. "$(dirname "${BASH_SOURCE[0]}")/spark-home.sh"

LAES_JOBS_JAR="$LAES_ROOT/jobs/target/laes-jobs.jar"

# Quotes one JVM option for Spark's option-string splitting (double quotes, \ and " escaped),
# only when it needs it.
laes_jvm_quote() {
  case "$1" in
    *[[:space:]\"\'\\]*) local s=${1//\\/\\\\}; s=${s//\"/\\\"}; printf '"%s"' "$s" ;;
    *) printf '%s' "$1" ;;
  esac
}

laes_java_options() {
  echo "$(laes_jvm_quote "-Dlog4j2.configurationFile=file:$LAES_ROOT/conf/log4j2.properties")" \
       "$(laes_jvm_quote "-Dorg.bytedeco.javacpp.cachedir=$LAES_ROOT/target/javacpp")"
}

# Builds the shaded jar when it is missing.
laes_ensure_jobs_jar() {
  [ -f "$LAES_JOBS_JAR" ] && return 0
  laes_require_mvn "jobs/target/laes-jobs.jar"
  laes_log "building jobs/target/laes-jobs.jar (mvn -B -q -DskipTests package in $LAES_ROOT)"
  (cd "$LAES_ROOT" && laes_mvn "$LAES_ROOT/target/jobs-build.log" -DskipTests package) \
    || laes_die "building the jobs jar failed (mvn -B -DskipTests package; log: target/jobs-build.log)"
  [ -f "$LAES_JOBS_JAR" ] || laes_die "the build did not produce $LAES_JOBS_JAR"
}

# True when the jobs jar contains the given main class.
laes_jar_has_class() {
  local entry="${1//.//}.class"
  if command -v unzip >/dev/null 2>&1; then
    unzip -Z1 "$LAES_JOBS_JAR" "$entry" >/dev/null 2>&1
  else
    "$(dirname "$(laes_java)")/jar" tf "$LAES_JOBS_JAR" | grep -qxF "$entry"
  fi
}

# laes_run_job MAIN_CLASS [SPARK-SUBMIT OPTIONS --] JOB OPTIONS
laes_run_job() {
  local main_class=$1; shift
  local spark_opts=() job_args=() sep=0 a
  for a in "$@"; do
    if [ "$sep" = 0 ] && [ "$a" = "--" ]; then sep=1; continue; fi
    if [ "$sep" = 1 ]; then job_args+=("$a"); else spark_opts+=("$a"); fi
  done
  if [ "$sep" = 0 ]; then job_args=("${spark_opts[@]}"); spark_opts=(); fi
  for a in "${job_args[@]}"; do
    case "$a" in
      -h|--help) echo "usage: submit/$(basename "$0") [SPARK-SUBMIT OPTIONS --] JOB OPTIONS; the job's options:" >&2 ;;
    esac
  done

  laes_require_java17
  local spark_home
  spark_home="$(laes_spark_home)" || exit 1
  laes_ensure_jobs_jar
  laes_jar_has_class "$main_class" || laes_die "$LAES_JOBS_JAR has no class $main_class (rebuild: mvn -B -DskipTests package)"

  # Our JVM options go first; a user's own spark.{driver,executor}.defaultJavaOptions is merged.
  local ours has_props=0 i opt key cores=
  ours="$(laes_java_options)"
  local driver_default="spark.driver.defaultJavaOptions=$ours"
  local executor_default="spark.executor.defaultJavaOptions=$ours"
  local user=()
  for ((i = 0; i < ${#spark_opts[@]}; i++)); do
    opt=${spark_opts[$i]}
    case "$opt" in
      --properties-file|--properties-file=*) has_props=1; user+=("$opt") ;;
      --executor-cores) cores=${spark_opts[$((i + 1))]:-}; user+=("$opt") ;;
      --executor-cores=*) cores=${opt#*=}; user+=("$opt") ;;
      --conf=spark.executor.cores=*) cores=${opt#--conf=*=}; user+=("$opt") ;;
      --conf|-c)
        key=${spark_opts[$((i + 1))]:-}
        case "$key" in
          spark.driver.defaultJavaOptions=*) driver_default="$driver_default ${key#*=}"; i=$((i + 1)) ;;
          spark.executor.defaultJavaOptions=*) executor_default="$executor_default ${key#*=}"; i=$((i + 1)) ;;
          spark.executor.cores=*) cores=${key#*=}; user+=("$opt") ;;
          *) user+=("$opt") ;;
        esac ;;
      --conf=spark.driver.defaultJavaOptions=*) driver_default="$driver_default ${opt#--conf=*=}" ;;
      --conf=spark.executor.defaultJavaOptions=*) executor_default="$executor_default ${opt#--conf=*=}" ;;
      *) user+=("$opt") ;;
    esac
  done

  # Executors of N cores see N processors (-XX:ActiveProcessorCount), as a container with a CPU limit
  # would: otherwise a standalone executor sizes its GC, JIT and RPC threads for the whole machine.
  case "$cores" in
    ''|*[!0-9]*|0) ;;
    *) executor_default="$executor_default -XX:ActiveProcessorCount=$cores" ;;
  esac

  local cmd=("$spark_home/bin/spark-submit")
  [ "$has_props" = 1 ] || cmd+=(--properties-file "$LAES_ROOT/conf/spark-defaults.conf")
  cmd+=(--conf "$driver_default" --conf "$executor_default")
  cmd+=("${user[@]}" --class "$main_class" "$LAES_JOBS_JAR" "${job_args[@]}")
  [ -n "${LAES_PRINT_COMMAND:-}" ] && laes_log "$(printf '%q ' "${cmd[@]}")"
  exec "${cmd[@]}"
}
