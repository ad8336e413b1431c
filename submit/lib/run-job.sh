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
# -XX:ActiveProcessorCount=N. On YARN (master "yarn", from the command line or the properties file)
# the JVMs that run in containers (the executors; the driver too in cluster mode) get paths relative
# to the container's working directory instead: the JavaCPP cache ./javacpp, and log4j2.properties,
# which spark.yarn.dist.files puts there (merged with the user's --files). The job's exit code is
# the script's.

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

# laes_java_options host|container: the JVM options for a JVM on this machine (the checkout's
# conf/log4j2.properties and JavaCPP cache target/javacpp) or in a YARN container (both relative to
# the container's working directory, which YARN deletes with the container).
laes_java_options() {
  if [ "$1" = container ]; then
    echo "-Dlog4j2.configurationFile=log4j2.properties -Dorg.bytedeco.javacpp.cachedir=./javacpp"
  else
    echo "$(laes_jvm_quote "-Dlog4j2.configurationFile=file:$LAES_ROOT/conf/log4j2.properties")" \
         "$(laes_jvm_quote "-Dorg.bytedeco.javacpp.cachedir=$LAES_ROOT/target/javacpp")"
  fi
}

# laes_property FILE KEY: the value of KEY in a Spark properties file ("key value", "key=value" or
# "key: value"; the last one wins, as in java.util.Properties), empty when absent.
laes_property() {
  [ -f "$1" ] || return 0
  awk -v key="$2" '
    /^[ \t]*[#!]/ { next }
    {
      line = $0; sub(/^[ \t]+/, "", line)
      if (index(line, key) != 1) next
      rest = substr(line, length(key) + 1)
      if (rest !~ /^([ \t]|=|:|$)/) next
      sub(/^[ \t]*[=:]?[ \t]*/, "", rest); sub(/[ \t\r]+$/, "", rest)
      value = rest
    }
    END { printf "%s", value }' "$1"
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

  # A first pass finds the master and deploy mode spark-submit will use (the command line's, else
  # the properties file's): on YARN the container JVMs get container-relative paths.
  local props="$LAES_ROOT/conf/spark-defaults.conf" has_props=0 master= mode= i opt key next
  for ((i = 0; i < ${#spark_opts[@]}; i++)); do
    opt=${spark_opts[$i]} next=${spark_opts[$((i + 1))]:-}
    case "$opt" in
      --properties-file) has_props=1; props=$next ;;
      --properties-file=*) has_props=1; props=${opt#*=} ;;
      --master) master=$next ;;
      --master=*) master=${opt#*=} ;;
      --deploy-mode) mode=$next ;;
      --deploy-mode=*) mode=${opt#*=} ;;
      --conf|-c) opt=$next ;&
      *)
        case "$opt" in
          spark.master=*|--conf=spark.master=*) master=${opt#*spark.master=} ;;
          spark.submit.deployMode=*|--conf=spark.submit.deployMode=*) mode=${opt#*spark.submit.deployMode=} ;;
        esac ;;
    esac
  done
  [ -n "$master" ] || master="$(laes_property "$props" spark.master)"
  [ -n "$mode" ] || mode="$(laes_property "$props" spark.submit.deployMode)"
  local driver_jvm=host executor_jvm=host dist_files=
  if [ "$master" = yarn ]; then
    executor_jvm=container
    [ "$mode" = cluster ] && driver_jvm=container
    dist_files="spark.yarn.dist.files=$LAES_ROOT/conf/log4j2.properties"
  fi

  # Our JVM options go first; a user's own spark.{driver,executor}.defaultJavaOptions (and on YARN
  # spark.yarn.dist.files) is merged.
  local cores=
  local driver_default="spark.driver.defaultJavaOptions=$(laes_java_options "$driver_jvm")"
  local executor_default="spark.executor.defaultJavaOptions=$(laes_java_options "$executor_jvm")"
  local user=()
  for ((i = 0; i < ${#spark_opts[@]}; i++)); do
    opt=${spark_opts[$i]}
    case "$opt" in
      --executor-cores) cores=${spark_opts[$((i + 1))]:-}; user+=("$opt") ;;
      --executor-cores=*) cores=${opt#*=}; user+=("$opt") ;;
      --conf=spark.executor.cores=*) cores=${opt#--conf=*=}; user+=("$opt") ;;
      --conf|-c)
        key=${spark_opts[$((i + 1))]:-}
        case "$key" in
          spark.driver.defaultJavaOptions=*) driver_default="$driver_default ${key#*=}"; i=$((i + 1)) ;;
          spark.executor.defaultJavaOptions=*) executor_default="$executor_default ${key#*=}"; i=$((i + 1)) ;;
          spark.yarn.dist.files=*) dist_files="${dist_files:-spark.yarn.dist.files=}${dist_files:+,}${key#*=}"; i=$((i + 1)) ;;
          spark.executor.cores=*) cores=${key#*=}; user+=("$opt") ;;
          *) user+=("$opt") ;;
        esac ;;
      --conf=spark.driver.defaultJavaOptions=*) driver_default="$driver_default ${opt#--conf=*=}" ;;
      --conf=spark.executor.defaultJavaOptions=*) executor_default="$executor_default ${opt#--conf=*=}" ;;
      --conf=spark.yarn.dist.files=*) dist_files="${dist_files:-spark.yarn.dist.files=}${dist_files:+,}${opt#--conf=*=}" ;;
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
  [ -z "$dist_files" ] || cmd+=(--conf "$dist_files")
  cmd+=("${user[@]}" --class "$main_class" "$LAES_JOBS_JAR" "${job_args[@]}")
  [ -n "${LAES_PRINT_COMMAND:-}" ] && laes_log "$(printf '%q ' "${cmd[@]}")"
  exec "${cmd[@]}"
}
