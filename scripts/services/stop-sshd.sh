#!/usr/bin/env bash
# Stops the sshd started by start-sshd.sh (pid file only).
PF=${BASE:-/tmp/dflow-services}/ssh/sshd.pid
[ -f "$PF" ] && kill "$(cat "$PF")" 2>/dev/null && rm -f "$PF"
true
