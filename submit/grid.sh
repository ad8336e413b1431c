#!/usr/bin/env bash
# GridJob: submit/grid.sh [SPARK-SUBMIT OPTIONS --] JOB OPTIONS   (run with --help for the job's options)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib/run-job.sh"
laes_run_job ai.laes.jobs.GridJob "$@"
