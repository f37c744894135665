#!/usr/bin/env bash
# Stops the Grid Engine daemons started by start-sge.sh (pid files only).
for pf in /var/spool/gridengine/execd/*/execd.pid /var/spool/gridengine/qmaster/qmaster.pid; do
  [ -f "$pf" ] && kill "$(cat "$pf")" 2>/dev/null
done
true
