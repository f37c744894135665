#!/usr/bin/env bash
# Every test, with the real components they need, on a fresh Debian machine (root): installs and
# starts radosgw (S3), sshd and Slurm (+ its Torque wrappers for the PBS path), runs the whole
# suite, then swaps in Grid Engine and runs the executor tests again for SGE. `npm test` alone
# runs the same suite and skips (with a message) what needs a service that is not running.
set -euo pipefail
cd "$(dirname "$0")/../.."
t0=$(date +%s)
step() { echo "== $* ($(( $(date +%s) - t0 )) s)" >&2; }

step "services: S3 (radosgw)"
eval "$(scripts/ci/services.sh)"
step "services: sshd + Slurm + Torque wrappers"
eval "$(scripts/ci/hpc-services.sh slurm)"
export DFLOW_TEST_HPC=1

step "type-check and the whole test suite (HPC phase: slurm)"
npm test

step "services: swap in Grid Engine"
eval "$(scripts/ci/hpc-services.sh sge)"
step "executor tests (HPC phase: sge)"
npx vitest run test/executors

step "all done"
