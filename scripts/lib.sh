# shellcheck shell=bash
# What test.sh and the scripts in scripts/ share: root and postgres-user commands, Debian packages, free
# ports, a throwaway PostgreSQL, BoxOffice server processes, and PID checks. Sourced, never run:
#
#   source "$(dirname "$0")/lib.sh"          (or scripts/lib.sh from the repository root)
#
# Every wait here is bounded and, when it runs out, names the log to read. Functions return non-zero on
# failure rather than relying on the caller's `set -e`, which bash turns off inside `if`, `&&` and `||`.

BOXOFFICE_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SERVER_DLL=$BOXOFFICE_ROOT/src/BoxOffice.Server/bin/Release/net10.0/BoxOffice.Server.dll
# Long enough for a Release server to run its migrations on 2 cores that other builds share.
HEALTH_TIMEOUT_SECONDS=60

# as_root COMMAND...: runs COMMAND as root, through sudo unless we are root already.
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# as_pg COMMAND...: runs COMMAND as the user that owns a throwaway PostgreSQL. initdb and postgres refuse
# to run as root, so a root run hands the cluster to the postgres user; anyone else runs it as themselves.
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

# install_debian_packages PACKAGE...: apt-get install as root, quietly. Reached only on a fresh machine.
install_debian_packages() {
  as_root apt-get update -qq &&
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# ensure_chromium: Debian chromium for the browser tests, installed if missing.
ensure_chromium() {
  command -v chromium >/dev/null 2>&1 && return 0
  echo "==> installing Debian chromium for the browser tests"
  install_debian_packages chromium
}

# ensure_nginx: Debian nginx for scripts/cluster.sh, installed if missing.
ensure_nginx() {
  command -v nginx >/dev/null 2>&1 && return 0
  echo "==> installing Debian nginx"
  install_debian_packages nginx
}

# ensure_postgres: sets PG_BIN to the bin folder of the newest PostgreSQL under /usr/lib/postgresql,
# installing Debian postgresql if there is none. Debian's package also creates its own `main` cluster on
# port 5432 (and starts it where services run); the scripts never use it, they initdb their own.
ensure_postgres() {
  PG_BIN=$(newest_postgres_bin)
  [ -x "$PG_BIN/initdb" ] && return 0
  echo "==> installing Debian postgresql"
  install_debian_packages postgresql || return 1
  PG_BIN=$(newest_postgres_bin)
  [ -x "$PG_BIN/initdb" ] || { echo "error: no initdb under /usr/lib/postgresql/*/bin after installing postgresql" >&2; return 1; }
}

newest_postgres_bin() { printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1; }

# port_is_free PORT: true when nothing on 127.0.0.1 accepts a connection on PORT.
port_is_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# free_port [FIRST]: prints the first free port from FIRST on (default: a random port in 20000-39999, so
# runs that start together rarely race for the same one). Searches 100 ports.
free_port() {
  local first=${1:-$((20000 + RANDOM % 20000))} port
  for ((port = first; port < first + 100; port++)); do
    port_is_free "$port" && { echo "$port"; return 0; }
  done
  echo "error: no free port on 127.0.0.1 from $first to $((first + 99))" >&2
  return 1
}

# random_token: 32 hex characters from /dev/urandom, for admin tokens and webhook secrets.
random_token() { head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

# process_runs PID EXPECT: true while PID is alive and its command line contains EXPECT. A PID kept in a
# file may be stale (after a reboot) or reused by a stranger, so it counts only while it still runs the
# program we started. A zombie has an empty command line, so a dead child counts as stopped.
process_runs() {
  local pid=$1 expect=$2 cmdline
  [ -n "$pid" ] && cmdline=$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") && [[ $cmdline == *"$expect"* ]]
}

# stop_process PID EXPECT: SIGTERM, up to 10 s to exit, then SIGKILL; only while process_runs PID EXPECT.
stop_process() {
  local pid=$1 expect=$2
  process_runs "$pid" "$expect" || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for _ in $(seq 100); do
    process_runs "$pid" "$expect" || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}

# wait_until SECONDS POLL WHAT LOG COMMAND...: runs COMMAND every POLL seconds until it succeeds. After
# SECONDS it gives up with an error that WHAT did not happen and names LOG, the file to read.
wait_until() {
  local seconds=$1 poll=$2 what=$3 log=$4
  shift 4
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "error: $what within $seconds s; read $log" >&2
      return 1
    fi
    sleep "$poll"
  done
}

# answers_health URL: one GET URL/health that must succeed within 2 s, so a hung server cannot hang a wait.
answers_health() { curl -sf --max-time 2 "$1/health" >/dev/null; }

# start_postgres DIR [SETTING=VALUE...]: initdb and start a throwaway PostgreSQL in DIR/data (DIR must
# exist), logging to DIR/postgres.log, on a free port of 127.0.0.1 with trust authentication for user
# postgres and the given server settings. Sets PG_PORT. Calls ensure_postgres first.
start_postgres() {
  local dir=$1 settings="" setting
  shift
  for setting in "$@"; do settings+=" -c $setting"; done
  ensure_postgres || return 1
  PG_PORT=$(free_port) || return 1
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir" || return 1; fi
  as_pg "$PG_BIN/initdb" -D "$dir/data" --auth=trust -U postgres --no-sync >"$dir/initdb.log" 2>&1 ||
    { echo "error: initdb failed; read $dir/initdb.log" >&2; return 1; }
  as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t "$HEALTH_TIMEOUT_SECONDS" \
    -o "-p $PG_PORT -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300$settings" start >/dev/null ||
    { echo "error: PostgreSQL did not start within $HEALTH_TIMEOUT_SECONDS s; read $dir/postgres.log" >&2; return 1; }
}

# stop_postgres DIR: stops the PostgreSQL that start_postgres started in DIR, if it runs, with the
# binaries of the version that created it. Immediate mode: the data is thrown away, so nothing needs
# flushing.
stop_postgres() {
  local dir=$1
  [ -f "$dir/data/postmaster.pid" ] || return 0
  as_pg "/usr/lib/postgresql/$(cat "$dir/data/PG_VERSION")/bin/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null
}

# start_server DIR PORT LOG [NAME=VALUE...] [-- ARG...]: starts the Release BoxOffice server (build it
# first) in the background on http://127.0.0.1:PORT, in working folder DIR (relative data paths land
# there), with the environment settings NAME=VALUE and the extra arguments ARG, appending its output to
# LOG. Sets SERVER_PID. Refuses a taken port, where a health check would find someone else's server.
start_server() {
  local dir=$1 port=$2 log=$3
  shift 3
  local settings=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do settings+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  port_is_free "$port" || { echo "error: port $port on 127.0.0.1 is taken" >&2; return 1; }
  (cd "$dir" && exec env "${settings[@]}" dotnet "$SERVER_DLL" --urls "http://127.0.0.1:$port" "$@") >>"$log" 2>&1 &
  SERVER_PID=$!
}

# wait_for_health URL PID LOG [POLL]: waits until the server process PID answers URL/health, polling every
# POLL seconds (default 0.1). Fails at once if the process exits, and after HEALTH_TIMEOUT_SECONDS.
wait_for_health() {
  local url=$1 pid=$2 log=$3 poll=${4:-0.1}
  wait_until "$HEALTH_TIMEOUT_SECONDS" "$poll" "the server (pid $pid) did not answer $url/health" "$log" \
    answers_health_or_exited "$url" "$pid" || return 1
  process_runs "$pid" "$SERVER_DLL" ||
    { echo "error: the server (pid $pid) exited before answering $url/health; read $log" >&2; return 1; }
}

answers_health_or_exited() { answers_health "$1" || ! process_runs "$2" "$SERVER_DLL"; }
