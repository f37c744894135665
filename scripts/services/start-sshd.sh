#!/usr/bin/env bash
# Key-only sshd on 127.0.0.1:$SSH_PORT (default 2222) for the executor tests; all state under
# $BASE/ssh. Creates a host key, a client key, authorized_keys and a known_hosts that trusts the
# host key, then prints the env vars the tests read (also written to $BASE/ssh/ssh.env).
# Idempotent; installs openssh-server when missing. Run as root.
set -euo pipefail
BASE=${BASE:-/tmp/dflow-services}
D=$BASE/ssh
PORT=${SSH_PORT:-2222}
log() { echo "[start-sshd] $*" >&2; }

if ! [ -x /usr/sbin/sshd ] || ! command -v ssh-keygen >/dev/null; then
  log "installing openssh-server"
  [ -n "$(ls -A /var/lib/apt/lists 2>/dev/null | grep -v lock)" ] || apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openssh-server openssh-client >/dev/null
fi

if [ -f "$D/sshd.pid" ]; then
  pid=$(cat "$D/sshd.pid"); kill "$pid" 2>/dev/null || true
  for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
fi
mkdir -p "$D" /run/sshd        # /run/sshd: privilege-separation dir, sshd refuses to start without it
chmod 700 "$D"
[ -f "$D/host_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -f "$D/host_ed25519"
[ -f "$D/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -f "$D/id_ed25519" -C dflow-test-client
cp "$D/id_ed25519.pub" "$D/authorized_keys"; chmod 600 "$D/authorized_keys"
echo "[127.0.0.1]:$PORT $(cut -d' ' -f1,2 "$D/host_ed25519.pub")" > "$D/known_hosts"

cat > "$D/sshd_config" <<CONF
ListenAddress 127.0.0.1
Port $PORT
HostKey $D/host_ed25519
PidFile $D/sshd.pid
AuthorizedKeysFile $D/authorized_keys
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
# sshd rejects an AuthorizedKeysFile under world-writable /tmp otherwise, sticky bit or not
StrictModes no
# many steps share one connection (one session per command) and many connect at once
MaxSessions 128
MaxStartups 64:30:128
Subsystem sftp internal-sftp
SetEnv SLURM_CONF=$BASE/slurm/etc/slurm.conf SGE_ROOT=/var/lib/gridengine SGE_CELL=default
LogLevel INFO
CONF
/usr/sbin/sshd -t -f "$D/sshd_config"
/usr/sbin/sshd -f "$D/sshd_config" -E "$D/sshd.log"

cat > "$D/ssh_config" <<CONF
Host hpc
  HostName 127.0.0.1
  Port $PORT
  User root
  IdentityFile $D/id_ed25519
  IdentitiesOnly yes
  UserKnownHostsFile $D/known_hosts
  BatchMode yes
CONF
for i in $(seq 1 30); do ssh -F "$D/ssh_config" hpc true 2>/dev/null && break; sleep 0.2; done
ssh -F "$D/ssh_config" hpc true
cat > "$D/ssh.env" <<ENV
export DFLOW_TEST_SSH_HOST=127.0.0.1
export DFLOW_TEST_SSH_PORT=$PORT
export DFLOW_TEST_SSH_USER=root
export DFLOW_TEST_SSH_KEY=$D/id_ed25519
export DFLOW_TEST_SSH_KNOWN_HOSTS=$D/known_hosts
ENV
log "sshd up on 127.0.0.1:$PORT"
cat "$D/ssh.env"
