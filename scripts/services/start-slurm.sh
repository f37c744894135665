#!/usr/bin/env bash
# Single-node Slurm (munge + slurmctld + slurmd) on this host, for the executor tests.
# Debian bookworm (slurm-wlm 22.05), root, no systemd, no cgroups. Idempotent: installs the
# packages when missing, stops the daemons it started before (pid files only), restarts them.
#   ACCT=1  also MariaDB + slurmdbd, so that `sacct` works (+~15 s)
#   TORQUE=1 (default) also slurm-wlm-torque: qsub/qstat/qdel wrappers over Slurm, used to test
#            the PBS path. It conflicts with Grid Engine's client: start-sge.sh removes it.
set -euo pipefail
BASE=${BASE:-/tmp/dflow-services}
S=$BASE/slurm
M=$BASE/munge
DB=$BASE/mariadb
log() { echo "[start-slurm] $*" >&2; }

installed() { [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]; }
pkgs=()
command -v slurmctld >/dev/null || pkgs+=(slurm-wlm slurmctld slurmd slurm-client)
command -v munged >/dev/null || pkgs+=(munge)
if [ "${TORQUE:-1}" = 1 ] && ! installed slurm-wlm-torque; then
  # apt removes Grid Engine (its client ships the same qsub/qstat/qdel): start-sge.sh swaps back
  installed gridengine-client && log "replacing gridengine-client by slurm-wlm-torque (they conflict)"
  pkgs+=(slurm-wlm-torque)
fi
if [ "${ACCT:-0}" = 1 ]; then
  command -v slurmdbd >/dev/null || pkgs+=(slurmdbd)
  command -v mariadbd >/dev/null || pkgs+=(mariadb-server)
fi
if [ ${#pkgs[@]} -gt 0 ]; then
  log "installing ${pkgs[*]}"
  [ -n "$(ls -A /var/lib/apt/lists 2>/dev/null | grep -v lock)" ] || apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
fi

for pf in "$S/run/slurmd.pid" "$S/run/slurmctld.pid" "$S/run/slurmdbd.pid" "$DB/run/mariadb.pid"; do
  [ -f "$pf" ] && kill "$(cat "$pf")" 2>/dev/null || true
done
[ -f "$M/munged.pid" ] && kill "$(cat "$M/munged.pid")" 2>/dev/null || true
for i in $(seq 1 50); do
  alive=0
  for pf in "$S/run/slurmd.pid" "$S/run/slurmctld.pid" "$M/munged.pid"; do
    [ -f "$pf" ] && kill -0 "$(cat "$pf")" 2>/dev/null && alive=1
  done
  [ $alive = 0 ] && break; sleep 0.1
done
rm -f "$S/run/"*.pid "$M/munged.pid"

mkdir -p "$S"/{etc,state,spool,log,run} "$M" /etc/slurm
chmod 755 "$BASE" "$S"
# munged refuses a key or socket dir that is not owned by munge, or is group/world-writable.
chown munge:munge "$M"; chmod 755 "$M"
[ -f "$M/munge.key" ] || mungekey --create --keyfile="$M/munge.key" --force
chown munge:munge "$M/munge.key"; chmod 400 "$M/munge.key"
runuser -u munge -- munged --socket="$M/munge.socket" --key-file="$M/munge.key" \
  --pid-file="$M/munged.pid" --log-file="$M/munged.log" --seed-file="$M/munged.seed"
# sacct looks for the default socket path whatever AuthInfo says
mkdir -p /run/munge && ln -sfn "$M/munge.socket" /run/munge/munge.socket.2

if [ "${ACCT:-0}" = 1 ]; then
  ACCT_CONF="AccountingStorageType=accounting_storage/slurmdbd
AccountingStorageHost=localhost
AccountingStoragePort=6819
AccountingStoragePass=$M/munge.socket
JobAcctGatherType=jobacct_gather/linux"
else
  ACCT_CONF="AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none"
fi
CPUS=$(nproc)
MEM_MB=$(( $(awk '/MemTotal/{print $2}' /proc/meminfo) / 1024 - 512 ))
cat > "$S/etc/slurm.conf" <<CONF
ClusterName=local
SlurmctldHost=localhost(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=6817
SlurmdPort=6818
AuthType=auth/munge
AuthInfo=socket=$M/munge.socket
CredType=cred/munge
StateSaveLocation=$S/state
SlurmdSpoolDir=$S/spool
SlurmctldPidFile=$S/run/slurmctld.pid
SlurmdPidFile=$S/run/slurmd.pid
SlurmctldLogFile=$S/log/slurmctld.log
SlurmdLogFile=$S/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
$ACCT_CONF
JobCompType=jobcomp/filetxt
JobCompLoc=$S/log/jobcomp.txt
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
# default batch_sched_delay=3 makes every trivial job take ~3 s
SchedulerParameters=batch_sched_delay=0
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
# finished jobs stay visible to squeue for 10 min: the executor reads their final state there
MinJobAge=600
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEM_MB State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
# plain `sbatch` over ssh (no SLURM_CONF) finds the config here
ln -sfn "$S/etc/slurm.conf" /etc/slurm/slurm.conf
export SLURM_CONF=$S/etc/slurm.conf

if [ "${ACCT:-0}" = 1 ]; then
  mkdir -p "$DB"/{data,run}; chown -R mysql:mysql "$DB"
  [ -d "$DB/data/mysql" ] || mariadb-install-db --user=mysql --datadir="$DB/data" --skip-test-db >/dev/null
  mariadbd --user=mysql --datadir="$DB/data" --socket="$DB/run/mysqld.sock" --port=3307 \
    --bind-address=127.0.0.1 --pid-file="$DB/run/mariadb.pid" --log-error="$DB/mariadb.err" \
    --innodb-buffer-pool-size=64M >/dev/null 2>&1 &
  for i in $(seq 1 60); do mariadb -S "$DB/run/mysqld.sock" -e 'select 1' >/dev/null 2>&1 && break; sleep 0.5; done
  mariadb -S "$DB/run/mysqld.sock" <<'SQL'
CREATE USER IF NOT EXISTS 'slurm'@'127.0.0.1' IDENTIFIED BY 'slurmpw';
GRANT ALL ON slurm_acct_db.* TO 'slurm'@'127.0.0.1';
FLUSH PRIVILEGES;
SQL
  cat > "$S/etc/slurmdbd.conf" <<CONF
AuthType=auth/munge
AuthInfo=socket=$M/munge.socket
DbdHost=localhost
DbdAddr=127.0.0.1
DbdPort=6819
SlurmUser=root
StorageType=accounting_storage/mysql
StorageHost=127.0.0.1
StoragePort=3307
StorageUser=slurm
StoragePass=slurmpw
StorageLoc=slurm_acct_db
PidFile=$S/run/slurmdbd.pid
LogFile=$S/log/slurmdbd.log
CONF
  # slurmdbd insists on mode 600, owned by SlurmUser, next to slurm.conf
  chmod 600 "$S/etc/slurmdbd.conf"; ln -sfn "$S/etc/slurmdbd.conf" /etc/slurm/slurmdbd.conf
  slurmdbd
  for i in $(seq 1 60); do (exec 3<>/dev/tcp/127.0.0.1/6819) 2>/dev/null && break; sleep 0.5; done
  sacctmgr -i -n show cluster format=cluster | grep -qw local || sacctmgr -i add cluster local >/dev/null
fi

slurmctld -c          # -c: clear old job state
slurmd -N localhost
for i in $(seq 1 60); do
  [ "$(sinfo -h -n localhost -o %t 2>/dev/null || true)" = idle ] && break
  sleep 0.5
done
[ "$(sinfo -h -n localhost -o %t)" = idle ] || { log "node not idle"; sinfo; exit 1; }
log "slurm up: $(sinfo -h -o '%P %t %c cpus')"
echo "export SLURM_CONF=$S/etc/slurm.conf"
