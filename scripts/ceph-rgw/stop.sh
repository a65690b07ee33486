#!/usr/bin/env bash
# Stops the daemons scripts/ceph-rgw/start.sh started, by the PIDs it recorded (rgw, then osd,
# then mon: each depends on the next). Idempotent: a missing PID file or a dead process is fine.
# CEPH_RGW_DIR as for start.sh. CEPH_RGW_WIPE=1 also deletes the data dir (block file included).
set -uo pipefail
D=${CEPH_RGW_DIR:-/tmp/stowage-ceph-rgw}

for n in rgw.a osd.0 mon.a; do
  f=$D/run/$n.fgpid
  [ -f "$f" ] || continue
  p=$(cat "$f")
  # Only signal the PID if it is still the daemon we started (PIDs get reused).
  if kill -0 "$p" 2>/dev/null && grep -q -a -e radosgw -e ceph-osd -e ceph-mon "/proc/$p/cmdline" 2>/dev/null; then
    kill "$p" 2>/dev/null
    for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$p" 2>/dev/null; then
      echo "[ceph-rgw] $n ($p) did not exit in 10 s: SIGKILL"
      kill -9 "$p" 2>/dev/null
    fi
    echo "[ceph-rgw] stopped $n ($p)"
  fi
  rm -f "$f"
done
if [ "${CEPH_RGW_WIPE:-0}" = 1 ]; then rm -rf "$D"; echo "[ceph-rgw] removed $D"; fi
exit 0
