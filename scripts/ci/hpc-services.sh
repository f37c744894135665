#!/usr/bin/env bash
# Starts the real components of the executor tests on a fresh Debian machine (root, no systemd)
# and prints the env the tests read. Two phases, because Grid Engine's client and Slurm's Torque
# wrappers (the PBS path) both ship qsub/qstat/qdel:
#   scripts/ci/hpc-services.sh slurm   # sshd + Slurm + slurm-wlm-torque   (~15 s fresh, ~4 s warm)
#   scripts/ci/hpc-services.sh sge     # sshd + Slurm + Grid Engine         (~25 s fresh, ~8 s warm)
# then, for each phase:
#   DFLOW_TEST_HPC=1 DFLOW_TEST_HPC_PHASE=<phase> npx vitest run test/executors
set -euo pipefail
PHASE=${1:-slurm}
HERE=$(cd "$(dirname "$0")/../services" && pwd)
t0=$(date +%s)
[ -n "$(ls -A /var/lib/apt/lists 2>/dev/null | grep -v lock)" ] || apt-get update -qq
bash "$HERE/start-sshd.sh" >/dev/null
case "$PHASE" in
  slurm) TORQUE=1 bash "$HERE/start-slurm.sh" >/dev/null ;;
  sge)   TORQUE=0 bash "$HERE/start-slurm.sh" >/dev/null; bash "$HERE/start-sge.sh" >/dev/null ;;
  *) echo "usage: $0 slurm|sge" >&2; exit 2 ;;
esac
echo "[hpc-services] phase $PHASE ready in $(( $(date +%s) - t0 )) s" >&2
cat "${BASE:-/tmp/dflow-services}/ssh/ssh.env"
echo "export DFLOW_TEST_HPC_PHASE=$PHASE"
