#!/usr/bin/env bash
# Starts a throwaway single-node Ceph cluster (one mon, one bluestore OSD, one RADOS Gateway) on
# 127.0.0.1 with no systemd, for the S3 driver's test suite. Test-only: `auth none`, fixed keys.
#
#   scripts/ceph-rgw/start.sh          # then STOWAGE_CEPH_ENDPOINT=http://127.0.0.1:7480
#   scripts/ceph-rgw/stop.sh
#
# Needs: apt-get install -y --no-install-recommends radosgw ceph-mon ceph-osd uuid-runtime curl
#
# Environment (all optional):
#   CEPH_RGW_DIR         data, config, logs and PID files        (default /tmp/stowage-ceph-rgw)
#   CEPH_RGW_PORT        S3 endpoint port on 127.0.0.1           (default 7480)
#   CEPH_MON_PORT        monitor (msgr2) port on 127.0.0.1       (default 3300)
#   CEPH_RGW_ACCESS_KEY  S3 access key of the test user          (default S3RVER)
#   CEPH_RGW_SECRET_KEY  S3 secret key of the test user          (default S3RVER)
#   CEPH_OSD_BLOCK_SIZE  size of the sparse bluestore block file (default 8 GiB)
#
# Idempotent: when the gateway already answers with this data dir, it exits 0 at once. Otherwise it
# wipes the data dir and builds a fresh cluster (a test cluster never carries data between runs).
set -euo pipefail

D=${CEPH_RGW_DIR:-/tmp/stowage-ceph-rgw}
PORT=${CEPH_RGW_PORT:-7480}
MON_PORT=${CEPH_MON_PORT:-3300}
ACCESS_KEY=${CEPH_RGW_ACCESS_KEY:-S3RVER}
SECRET_KEY=${CEPH_RGW_SECRET_KEY:-S3RVER}
BLOCK_SIZE=${CEPH_OSD_BLOCK_SIZE:-8589934592}
ENDPOINT="http://127.0.0.1:$PORT"
C=(-c "$D/ceph.conf")
started=$(date +%s%3N)

log() { printf '[ceph-rgw] %s\n' "$*"; }

# On any failure: say which step failed, where the logs are, and stop what was started so no
# daemon is left running (the caller's stop.sh would do the same; this keeps a failed CI step tidy).
fail() {
  log "FAILED: $*"
  log "logs: $D/log/ (mon.a.log, osd.0.log, client.rgw.a.log, *.out)"
  for f in "$D"/log/*.out; do [ -s "$f" ] && { log "--- tail of $f"; tail -n 15 "$f"; }; done
  "$(dirname "$0")/stop.sh" >/dev/null 2>&1 || true
  exit 1
}
trap 'fail "line $LINENO: $BASH_COMMAND"' ERR

for bin in ceph-mon ceph-osd radosgw radosgw-admin ceph ceph-authtool monmaptool uuidgen curl; do
  command -v "$bin" >/dev/null || { trap - ERR; log "missing $bin; install: apt-get install -y --no-install-recommends radosgw ceph-mon ceph-osd uuid-runtime curl"; exit 1; }
done

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Already running from this data dir: nothing to do.
if alive "$D/run/rgw.a.fgpid" && alive "$D/run/osd.0.fgpid" && alive "$D/run/mon.a.fgpid" \
  && curl -s -o /dev/null --max-time 2 "$ENDPOINT/"; then
  log "already running at $ENDPOINT (data in $D)"
  exit 0
fi

# A stale, half-started cluster of ours: stop it. Then the ports must be free: a monitor of
# another cluster on MON_PORT would answer this one's commands and take its OSD.
"$(dirname "$0")/stop.sh" >/dev/null 2>&1 || true
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for p in "$PORT" "$MON_PORT"; do
  if listening "$p"; then
    trap - ERR
    log "127.0.0.1:$p is already in use (not by a cluster in $D); stop that server or set CEPH_RGW_PORT / CEPH_MON_PORT"
    exit 1
  fi
done

rm -rf "$D"
mkdir -p "$D"/{mon.a,osd.0,run,log,rgw.a}
FSID=$(uuidgen)

cat > "$D/ceph.conf" <<CONF
[global]
fsid = $FSID
mon_host = v2:127.0.0.1:$MON_PORT
public_addr = 127.0.0.1
# test cluster on loopback: no cephx
auth_cluster_required = none
auth_service_required = none
auth_client_required = none
ms_bind_ipv4 = true
ms_bind_ipv6 = false
run_dir = $D/run
admin_socket = $D/run/\$name.asok
log_file = $D/log/\$name.log
pid_file = $D/run/\$name.pid
keyring = $D/keyring
# one OSD: pools of size 1, few placement groups, no health warnings about either
osd_pool_default_size = 1
osd_pool_default_min_size = 1
osd_pool_default_pg_num = 8
osd_pool_default_pgp_num = 8
osd_pool_default_pg_autoscale_mode = off
osd_crush_chooseleaf_type = 0
mon_allow_pool_size_one = true
mon_warn_on_pool_no_redundancy = false
# CI disks are often nearly full; do not stop writes at the default thresholds
mon_data_avail_warn = 1
mon_data_avail_crit = 1
[mon]
mon_data = $D/\$name
[osd]
osd_data = $D/\$name
osd_objectstore = bluestore
# the block file must sit outside osd_data, or mkfs trips over it
bluestore_block_path = $D/\$name.block
bluestore_block_size = $BLOCK_SIZE
bluestore_block_create = true
bluestore_fsck_on_mkfs = false
osd_memory_target = 1073741824
[client.rgw.a]
# without this rgw loops on mon authentication with -13 even under auth none
ms_mon_client_mode = crc
# tcp_nodelay: without it small GETs stall ~40 ms (Nagle meets delayed ACK)
rgw_frontends = beast endpoint=127.0.0.1:$PORT tcp_nodelay=1
rgw_data = $D/rgw.a
rgw_dns_name = 127.0.0.1
# reclaim deleted objects after a minute, not RGW's two hours: a bench or test run writes and
# deletes gigabytes, and a full OSD makes every request hang
rgw_gc_obj_min_wait = 60
rgw_gc_processor_period = 60
CONF

# wait_for <what> <tries> <sleep> <command...>: retry until the command succeeds
wait_for() {
  local what=$1 tries=$2 pause=$3; shift 3
  for _ in $(seq "$tries"); do "$@" >/dev/null 2>&1 && return 0; sleep "$pause"; done
  fail "$what did not come up"
}

ceph-authtool --create-keyring "$D/keyring" --gen-key -n mon. --cap mon 'allow *' >/dev/null
ceph-authtool "$D/keyring" --gen-key -n client.admin --cap mon 'allow *' --cap osd 'allow *' --cap mgr 'allow *' >/dev/null
ceph-authtool "$D/keyring" --gen-key -n client.rgw.a --cap mon 'allow rw' --cap osd 'allow rwx' >/dev/null
monmaptool --create --addv a "[v2:127.0.0.1:$MON_PORT]" --fsid "$FSID" "$D/monmap" >/dev/null
ceph-mon "${C[@]}" --mkfs -i a --monmap "$D/monmap" --keyring "$D/keyring" > "$D/log/mon-mkfs.out" 2>&1

# -f keeps each daemon in the foreground of its own session, so $! is its PID and stop.sh can
# signal exactly that process; setsid detaches it from this shell's process group.
setsid ceph-mon "${C[@]}" -f -i a > "$D/log/mon.out" 2>&1 < /dev/null & echo $! > "$D/run/mon.a.fgpid"
wait_for "ceph-mon" 100 0.2 ceph "${C[@]}" --connect-timeout 2 mon stat
log "mon up"

OSD_UUID=$(uuidgen)
ID=$(ceph "${C[@]}" osd new "$OSD_UUID")
ceph-osd "${C[@]}" -i "$ID" --mkfs --osd-uuid "$OSD_UUID" > "$D/log/osd-mkfs.out" 2>&1
setsid ceph-osd "${C[@]}" -f -i "$ID" > "$D/log/osd.out" 2>&1 < /dev/null & echo $! > "$D/run/osd.0.fgpid"
osd_up() { ceph "${C[@]}" osd stat 2>/dev/null | grep -q '1 up'; }
wait_for "ceph-osd" 150 0.2 osd_up
log "osd up (bluestore, block file $D/osd.$ID.block)"

setsid radosgw "${C[@]}" -f -n client.rgw.a > "$D/log/rgw.out" 2>&1 < /dev/null & echo $! > "$D/run/rgw.a.fgpid"
wait_for "radosgw at $ENDPOINT" 600 0.2 curl -s -o /dev/null --max-time 2 "$ENDPOINT/"
log "rgw up at $ENDPOINT"

if ! radosgw-admin "${C[@]}" user info --uid=stowage-test >/dev/null 2>&1; then
  radosgw-admin "${C[@]}" user create --uid=stowage-test --display-name=stowage-test \
    --access-key="$ACCESS_KEY" --secret-key="$SECRET_KEY" > "$D/log/user-create.out" 2>&1
fi
trap - ERR
ms=$(( $(date +%s%3N) - started ))
log "ready in $((ms / 1000)).$(( (ms % 1000) / 100 )) s: endpoint $ENDPOINT, access key $ACCESS_KEY (test-only), data $D"
