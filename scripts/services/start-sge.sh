#!/usr/bin/env bash
# Single-node (Son of) Grid Engine 8.1.9 (Debian bookworm): qmaster + execd on this host, root
# jobs allowed, 1 s scheduling, queue all.q with $(nproc) slots. Idempotent; no systemd.
# NOTE: gridengine-client conflicts with slurm-wlm-torque (both ship qsub/qstat/qdel): installing
# it REMOVES slurm-wlm-torque (Slurm itself keeps working). scripts/ci/hpc-services.sh swaps them.
set -euo pipefail
export SGE_ROOT=/var/lib/gridengine SGE_CELL=default
CFG=$(cd "$(dirname "$0")" && pwd)/sge
WORK=${BASE:-/tmp/dflow-services}/sge
H=$(hostname)
log() { echo "[start-sge] $*" >&2; }
mkdir -p "$WORK"

installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }
# (dpkg -s also succeeds for packages removed with their config left: slurm-wlm-torque does that)
if ! installed gridengine-master || ! installed gridengine-exec || ! installed gridengine-client; then
  log "installing gridengine (removes slurm-wlm-torque if present)"
  [ -n "$(ls -A /var/lib/apt/lists 2>/dev/null | grep -v lock)" ] || apt-get update -qq
  # the package's postinst creates the cell only when these are preseeded
  debconf-set-selections <<SEL
gridengine-common shared/gridenginemaster string $H
gridengine-common shared/gridenginecell string default
gridengine-common shared/gridengineconfig boolean true
SEL
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    gridengine-master gridengine-exec gridengine-client >/dev/null
fi

for pf in /var/spool/gridengine/execd/*/execd.pid /var/spool/gridengine/qmaster/qmaster.pid; do
  [ -f "$pf" ] || continue
  pid=$(cat "$pf"); kill "$pid" 2>/dev/null || true
  for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
done

# 127.0.0.1 reverse-resolves to "localhost", not $H: without the alias every client is refused
# ("client IP resolved to host name localhost. This is not identical to clients host name").
echo "$H localhost" > "$SGE_ROOT/$SGE_CELL/common/host_aliases"
/usr/sbin/sge_qmaster
for i in $(seq 1 60); do qconf -sh >/dev/null 2>&1 && break; sleep 0.5; done
qconf -ah "$H" >/dev/null 2>&1 || true
qconf -as "$H" >/dev/null 2>&1 || true

# global config: root jobs (min_uid/min_gid 0); the file's name must be the config's ("global")
qconf -sconf global > "$WORK/global"
sed -i -E 's/^(min_uid\s+).*/\10/; s/^(min_gid\s+).*/\10/' "$WORK/global"
qconf -Mconf "$WORK/global" >/dev/null
# scheduler: 1 s instead of 15 s
qconf -Msconf "$CFG/sched.conf" >/dev/null

# execd caches min_uid: start it after the global config change
/usr/sbin/sge_execd
for i in $(seq 1 60); do qhost -h "$H" 2>/dev/null | grep -q lx-amd64 && break; sleep 0.5; done

sed -e "s/@HOST@/$H/" -e "s/@SLOTS@/$(nproc)/" "$CFG/all.q" > "$WORK/all.q"
if qconf -sql 2>/dev/null | grep -qx all.q; then qconf -Mq "$WORK/all.q" >/dev/null; else qconf -Aq "$WORK/all.q" >/dev/null; fi

# smoke test (always name jobs: -N)
cd "$WORK"
id=$(qsub -terse -b y -cwd -j y -o smoke.out -N smoke 'echo sge-ok')
for i in $(seq 1 60); do qstat -j "$id" >/dev/null 2>&1 || break; sleep 0.5; done
grep -q sge-ok smoke.out || { log "smoke job failed"; qstat -f; exit 1; }
log "grid engine up: $(qstat -f | grep -c all.q) queue instance(s)"
echo "export SGE_ROOT=$SGE_ROOT SGE_CELL=$SGE_CELL"
