#!/usr/bin/env bash
# S3 for the storage tests: single-node Ceph (mon + memstore OSD) + radosgw on 127.0.0.1:$RGW_PORT.
# Idempotent: when our radosgw already answers, only re-prints the env. All state lives under $C
# (memstore keeps object data in RAM, sized by RGW_MEMSTORE_BYTES). Installs the Debian packages
# when missing (root, apt). Prints the `export …` lines the tests read, and writes them to $C/s3.env.
set -euo pipefail
C=${C:-/tmp/dflow-services/ceph}
PORT=${RGW_PORT:-7480}
AK=${AK:-dflow-test}
SK=${SK:-dflow-test-secret}
BUCKET=${BUCKET:-dflow-test}
MEMSTORE_BYTES=${RGW_MEMSTORE_BYTES:-6442450944}
URL="http://127.0.0.1:$PORT"
log() { echo "[start-rgw] $*" >&2; }

print_env() {
  cat > "$C/s3.env" <<ENV
export DFLOW_S3_ENDPOINT=$URL
export DFLOW_S3_BUCKET=$BUCKET
export DFLOW_S3_ACCESS_KEY=$AK
export DFLOW_S3_SECRET_KEY=$SK
export DFLOW_S3_REGION=us-east-1
export DFLOW_S3_PATH_STYLE=1
export DFLOW_S3_SECURE=0
ENV
  cat "$C/s3.env"
}

ensure_user_and_bucket() {
  local CC=(-c "$C/ceph.conf") code=000
  radosgw-admin "${CC[@]}" user info --uid=dflow-test >/dev/null 2>&1 ||
    radosgw-admin "${CC[@]}" user create --uid=dflow-test --display-name=dflow-test \
      --access-key="$AK" --secret="$SK" >/dev/null
  # The bucket, with a SigV4-signed PUT (curl >= 7.75; rgw wants x-amz-content-sha256 signed too);
  # a retry covers the user not being visible yet.
  for _ in $(seq 1 20); do
    code=$(curl -s -o /dev/null -w '%{http_code}' -X PUT --aws-sigv4 "aws:amz:us-east-1:s3" \
      -H "x-amz-content-sha256: UNSIGNED-PAYLOAD" --user "$AK:$SK" "$URL/$BUCKET") || true
    case "$code" in 200|409) return 0 ;; esac
    sleep 0.5
  done
  log "could not create bucket $BUCKET (HTTP $code)"
  return 1
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
answers() { [ "$(curl -s -o /dev/null -w '%{http_code}' "$URL/" || true)" = 200 ]; }

if alive "$C/run/client.rgw.gw.pid" && answers; then
  log "radosgw already running at $URL"
  ensure_user_and_bucket
  print_env
  exit 0
fi

if ! command -v radosgw >/dev/null || ! command -v ceph-mon >/dev/null || ! command -v ceph-osd >/dev/null; then
  log "installing ceph-mon ceph-osd radosgw (apt)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends ceph-mon ceph-osd radosgw ceph-common curl >&2
fi

# A half-started previous instance: stop it by its pid files before wiping its state.
if [ -d "$C/run" ]; then "$(dirname "$0")/stop-rgw.sh" >&2 || true; fi
rm -rf "$C"; mkdir -p "$C"/{run,log,mon,osd,rgw}
FSID=$(cat /proc/sys/kernel/random/uuid)
cat > "$C/ceph.conf" <<CONF
[global]
fsid = $FSID
mon initial members = a
mon host = 127.0.0.1:6789
public addr = 127.0.0.1
auth cluster required = none
auth service required = none
auth client required = none
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon allow pool size one = true
mon warn on pool no redundancy = false
mon max pg per osd = 1000
# State lives under /tmp: do not stop the mon when that filesystem is merely busy.
mon data avail warn = 2
mon data avail crit = 1
osd crush chooseleaf type = 0
run dir = $C/run
admin socket = $C/run/\$name.asok
log file = $C/log/\$name.log
pid file = $C/run/\$name.pid
keyring = $C/keyring
[mon]
mon data = $C/mon/\$cluster-\$id
[osd]
osd data = $C/osd/\$cluster-\$id
osd objectstore = memstore
memstore device bytes = $MEMSTORE_BYTES
osd max object name len = 256
osd max object namespace len = 64
[client.rgw.gw]
rgw frontends = beast endpoint=127.0.0.1:$PORT
rgw data = $C/rgw
# memstore keeps data in RAM: reclaim deleted objects within seconds, not rgw's default 2 hours.
rgw gc obj min wait = 0
rgw gc processor period = 5
rgw gc processor max time = 5
CONF
CC=(-c "$C/ceph.conf")
log "starting mon, memstore osd and radosgw under $C"
ceph-authtool --create-keyring "$C/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
ceph-authtool "$C/keyring" --gen-key -n client.admin --cap mon 'allow *' --cap osd 'allow *' >/dev/null
monmaptool --create --add a 127.0.0.1:6789 --fsid "$FSID" "$C/monmap" >/dev/null
ceph-mon "${CC[@]}" --mkfs -i a --monmap "$C/monmap" --keyring "$C/keyring"
ceph-mon "${CC[@]}" -i a
U=$(cat /proc/sys/kernel/random/uuid)
ID=$(timeout 60 ceph "${CC[@]}" osd new "$U")
mkdir -p "$C/osd/ceph-$ID"
ceph-osd "${CC[@]}" -i "$ID" --mkfs --osd-uuid "$U" 2>/dev/null
# Ceph Pacific's OSD can race its first mon command at start-up ("wrong fsid") and exit: retry.
osd_up() { timeout 10 ceph "${CC[@]}" osd stat 2>/dev/null | grep -q "1 up"; }
for attempt in 1 2 3 4 5; do
  ceph-osd "${CC[@]}" -i "$ID" || true
  for _ in $(seq 1 40); do
    osd_up && break 2
    alive "$C/run/osd.$ID.pid" || break
    sleep 0.5
  done
  log "OSD did not come up (attempt $attempt), retrying"
  [ -f "$C/run/osd.$ID.pid" ] && kill "$(cat "$C/run/osd.$ID.pid")" 2>/dev/null || true
  sleep 1
done
osd_up || { log "OSD did not come up; see $C/log/osd.$ID.log"; exit 1; }
radosgw "${CC[@]}" -n client.rgw.gw
for _ in $(seq 1 90); do answers && break; sleep 1; done
answers || { log "radosgw did not answer on $URL; see $C/log"; exit 1; }

ensure_user_and_bucket
log "radosgw ready at $URL, bucket $BUCKET"
print_env
