#!/usr/bin/env bash
# Stops what start-slurm.sh started (pid files only).
BASE=${BASE:-/tmp/dflow-services}
for pf in "$BASE/slurm/run/slurmd.pid" "$BASE/slurm/run/slurmctld.pid" "$BASE/slurm/run/slurmdbd.pid" "$BASE/mariadb/run/mariadb.pid" "$BASE/munge/munged.pid"; do
  [ -f "$pf" ] && kill "$(cat "$pf")" 2>/dev/null && rm -f "$pf"
done
true
