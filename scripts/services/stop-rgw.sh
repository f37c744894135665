#!/usr/bin/env bash
# Stops exactly the daemons start-rgw.sh started, by their pid files, and waits for them to exit.
C=${C:-/tmp/dflow-services/ceph}
pids=()
for f in "$C"/run/client.rgw.gw.pid "$C"/run/osd.*.pid "$C"/run/mon.a.pid; do
  [ -f "$f" ] || continue
  pid=$(cat "$f")
  kill "$pid" 2>/dev/null && pids+=("$pid")
done
for _ in $(seq 1 50); do
  left=0
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && left=1; done
  [ "$left" = 0 ] && break
  sleep 0.2
done
for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null; done
rm -f "$C"/run/*.pid
echo "stopped"
