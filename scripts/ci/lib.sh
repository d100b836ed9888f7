# shellcheck shell=bash
# Shared helpers for the scripts in scripts/ci/. Source it; do not run it.
#   SCRIPT_NAME must be set by the caller before sourcing (used in log lines).

: "${SCRIPT_NAME:=ci}"

log() { printf '[%s] %s\n' "$SCRIPT_NAME" "$*" >&2; }
die() { printf '[%s] ERROR: %s\n' "$SCRIPT_NAME" "$*" >&2; exit 1; }

# The Debian engine client lives in /usr/bin. /usr/local/bin/docker (a
# standalone client shipped with the machine image, without buildx) comes
# earlier on PATH, so always call the packaged client explicitly.
DOCKER_BIN=${DOCKER_BIN:-/usr/bin/docker}
docker_cmd() { "$DOCKER_BIN" "$@"; }
# The Docker 26 engine of start-engine.sh, whatever DOCKER_HOST the caller has.
d26_docker() { DOCKER_HOST=${ROCKTS_DOCKER26_HOST:-unix:///var/run/docker.sock} "$DOCKER_BIN" "$@"; }

require_root() {
  [ "$(id -u)" -eq 0 ] || die "must run as root"
}

# Print the archive URL that apt uses for suite $1 (default bookworm) on this
# machine (first match), e.g. http://deb.debian.org/debian. Reads deb822
# *.sources files and one-line *.list files. Returns 1 if none.
apt_suite_url() {
  local suite=${1:-bookworm} f url
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    url=$(awk '
      function flush() {
        if (uris != "" && suites ~ ("(^| )" suite "( |$)") && types ~ /(^| )deb( |$)/) {
          split(uris, u, " "); print u[1]; found = 1; exit
        }
        uris = ""; suites = ""; types = ""
      }
      /^[[:space:]]*$/ { flush(); next }
      /^[[:space:]]*#/ { next }
      tolower($1) == "uris:"   { $1 = ""; uris = $0;   sub(/^ +/, "", uris) }
      tolower($1) == "suites:" { $1 = ""; suites = $0; sub(/^ +/, "", suites) }
      tolower($1) == "types:"  { $1 = ""; types = $0;  sub(/^ +/, "", types) }
      END { if (!found) flush() }
    ' suite="$suite" "$f")
    if [ -n "$url" ]; then printf '%s\n' "${url%/}"; return 0; fi
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    # deb [opts] URL SUITE COMPONENTS...
    url=$(sed -E 's/\[[^]]*\]//' "$f" | awk -v suite="$suite" '$1 == "deb" && $3 == suite { print $2; exit }')
    if [ -n "$url" ]; then printf '%s\n' "${url%/}"; return 0; fi
  done
  return 1
}

# The Debian mirror for bookworm (override with ROCKTS_DEBIAN_MIRROR).
debian_mirror() {
  if [ -n "${ROCKTS_DEBIAN_MIRROR:-}" ]; then
    printf '%s\n' "${ROCKTS_DEBIAN_MIRROR%/}"; return 0
  fi
  apt_suite_url bookworm || die "could not find the bookworm Debian mirror in /etc/apt/sources.list{,.d/*}"
}

# The Debian security mirror for bookworm-security, or nothing.
debian_security_mirror() {
  if [ -n "${ROCKTS_DEBIAN_SECURITY_MIRROR+x}" ]; then
    [ -z "$ROCKTS_DEBIAN_SECURITY_MIRROR" ] || printf '%s\n' "${ROCKTS_DEBIAN_SECURITY_MIRROR%/}"; return 0
  fi
  apt_suite_url bookworm-security || true
}

# Seconds since the epoch, for step timings.
now() { date +%s; }

# Wait until CHECK succeeds while the daemon PID is alive; on exit or time-out, show the
# log tail and fail.   wait_for_daemon NAME PID LOG SECONDS CHECK [ARGS...]
wait_for_daemon() {
  local name=$1 pid=$2 logfile=$3 limit=$4 started
  shift 4
  started=$(now)
  while ! "$@" >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 40 "$logfile" >&2 || true
      die "$name exited during start-up (log above: $logfile)"
    fi
    if [ $(( $(now) - started )) -ge "$limit" ]; then
      tail -n 40 "$logfile" >&2 || true
      die "$name did not answer '$*' within ${limit}s (pid $pid still running; log above: $logfile)"
    fi
    sleep 0.5
  done
}

# /run is not a tmpfs on these machines: pid files of engines killed when an earlier
# session ended survive, and their pids may now belong to other processes, which would
# make a daemon refuse to start (or wait on a "containerd" that is not one). Remove a
# pid file whose process is not the expected program.   clear_stale_pidfile FILE COMM
clear_stale_pidfile() { # file expected-comm
  local f=$1 comm=$2 pid
  [ -f "$f" ] || return 0
  pid=$(cat "$f" 2>/dev/null || true)
  if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null || true)" = "$comm" ]; then
    return 0
  fi
  log "removing stale pid file $f (pid '${pid}' is not $comm)"
  rm -f "$f"
}

# The pid of the file's process if it is $2 started with $3 in its command line (so that
# a reused pid, or another engine's processes, are never signalled).
#   our_pid PIDFILE COMM CMDLINE-SUBSTRING
our_pid() {
  local pid
  pid=$(cat "$1" 2>/dev/null || true)
  [ -n "$pid" ] || return 1
  [ "$(cat "/proc/$pid/comm" 2>/dev/null || true)" = "$2" ] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$3" || return 1
  printf '%s\n' "$pid"
}

# Wait up to SECONDS for process PID to end; fails if it is still there.
#   wait_gone PID SECONDS
wait_gone() {
  for _ in $(seq $(( $2 * 2 ))); do
    kill -0 "$1" 2>/dev/null || return 0
    sleep 0.5
  done
  ! kill -0 "$1" 2>/dev/null
}
