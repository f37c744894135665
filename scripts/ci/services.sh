#!/usr/bin/env bash
# CI: install (if needed) and start the services the tests use, then print `export …` lines.
# Usage from .ci/run:   eval "$(scripts/ci/services.sh)"
# Progress and timings go to stderr; stdout carries only the exports. Root on Debian; apt is used
# only when the packages are missing. DFLOW_TEST_S3=1 makes the S3 suites fail instead of skip.
set -euo pipefail
cd "$(dirname "$0")/../.."
t0=$(date +%s)
if ! command -v curl >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends curl ca-certificates >&2
fi
env_lines=$(scripts/services/start-rgw.sh)
echo "[ci/services] radosgw ready in $(( $(date +%s) - t0 )) s" >&2
echo "$env_lines"
echo "export DFLOW_TEST_S3=1"
