#!/usr/bin/env bash
# The Spark runtime's jars as one archive for spark.yarn.archive, so that a YARN submission does not
# upload the whole runtime (167 jars, about 250 MB) to its staging directory every time.
#
#   submit/yarn-archive.sh [URI]
#
# Writes target/spark-yarn-archive.zip (the jars of the Spark home in use, at the archive's root,
# stored uncompressed: YARN unpacks it once per node and caches it while it is world-readable) and
# prints its path. With a URI (e.g. hdfs:///apps/laes/spark-3.5.9.zip), also copies it there through
# Hadoop's own FsShell (HADOOP_CONF_DIR names the cluster), overwriting, and prints the URI. Then
# submit with --conf spark.yarn.archive=URI.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/spark-home.sh"

case "${1:-}" in
  -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  -*) LAES_DIE_CODE=2 laes_die "unknown option $1 (usage: submit/yarn-archive.sh [URI])" ;;
esac
[ $# -le 1 ] || LAES_DIE_CODE=2 laes_die "too many arguments (usage: submit/yarn-archive.sh [URI])"
laes_require_java17
spark_home="$(laes_spark_home)"
archive="$LAES_ROOT/target/spark-yarn-archive.zip"
jar="$(dirname "$(laes_java)")/jar"
[ -x "$jar" ] || laes_die "no jar tool beside $(laes_java) (a JDK is needed, not a JRE)"

if [ ! -f "$archive" ] || [ -n "$(find "$spark_home/jars" -newer "$archive" -print -quit)" ]; then
  rm -f "$archive.tmp"
  "$jar" --create --file "$archive.tmp" --no-compress --no-manifest -C "$spark_home/jars" .
  mv "$archive.tmp" "$archive"
fi
echo "$archive"

if [ $# = 1 ]; then
  [ -n "${HADOOP_CONF_DIR:-}${YARN_CONF_DIR:-}" ] || laes_die "HADOOP_CONF_DIR is not set: it names the cluster to copy $1 to"
  dir="$(dirname "$1")"
  "$spark_home/bin/spark-class" org.apache.hadoop.fs.FsShell -mkdir -p "$dir"
  "$spark_home/bin/spark-class" org.apache.hadoop.fs.FsShell -put -f "$archive" "$1"
  echo "$1"
fi
