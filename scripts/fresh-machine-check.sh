#!/usr/bin/env bash
# What a new machine sees: clones the committed HEAD into a temporary folder, runs `npm ci`, checks that
# `npm start` serves with no configuration, then runs `npm test` against a PostgreSQL cluster made for the
# occasion (initdb: only its default roles, so the test setup must create what it needs) and a fresh Redis,
# both on spare loopback ports. Everything it starts or creates is removed on exit.
# Usage (from the repository): scripts/fresh-machine-check.sh   Needs: git, node/npm, curl, redis-server and
# PostgreSQL's server binaries (PG_BIN, else the newest /usr/lib/postgresql/*/bin or whatever is on PATH).
set -uo pipefail

say() { printf '[fresh] %s\n' "$*"; }
fail() { printf '[fresh] FAIL: %s\n' "$*" >&2; exit 1; }

repo=$(git rev-parse --show-toplevel) || fail "run it inside the repository"
head=$(git -C "$repo" rev-parse --short HEAD)
work=$(mktemp -d "${TMPDIR:-/tmp}/fresh-machine.XXXXXX")
chmod 755 "$work"
app_pid=""; pg_data=""; pg_bin=""; redis_port=""; as_pg=()

cleanup() {
  [ -n "$app_pid" ] && kill -TERM -- "-$app_pid" 2>/dev/null
  [ -n "$redis_port" ] && redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1
  [ -n "$pg_data" ] && "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_data" -m immediate stop >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

spare_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
tail_of() { tail -n "${2:-25}" "$1" | sed 's/^/  | /'; }

for tool in git node npm curl redis-server redis-cli; do command -v "$tool" >/dev/null || fail "$tool is not installed"; done
pg_bin=${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}
[ -x "$pg_bin/initdb" ] || pg_bin=$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")
[ -x "$pg_bin/initdb" ] || fail "PostgreSQL's initdb was not found (set PG_BIN)"
# initdb refuses to run as root: root runs the cluster as the postgres account.
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || fail "running as root needs a postgres account for the cluster"
  as_pg=(runuser -u postgres --)
fi

say "1/5 clone HEAD ($head) into $work/app"
git clone -q "$repo" "$work/app" || fail "git clone"
cd "$work/app" || fail "cd"

say "2/5 npm ci"
npm ci --no-audit --no-fund >"$work/ci.log" 2>&1 || { tail_of "$work/ci.log"; fail "npm ci"; }

app_port=$(spare_port)
say "3/5 npm start with nothing configured (PORT=$app_port)"
( exec setsid env -u DB_URL -u API_KEY_PRIMARY -u LOG_FORMAT PORT="$app_port" npm start >"$work/start.out" 2>"$work/start.err" ) &
app_pid=$!
served=""
for _ in $(seq 1 900); do
  if curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$app_port/health/live" 2>/dev/null; then served=yes; break; fi
  kill -0 "$app_pid" 2>/dev/null || break
  sleep 0.2
done
[ -n "$served" ] || { tail_of "$work/start.out"; tail_of "$work/start.err"; fail "npm start did not serve /health/live within 180 s"; }
say "   /health/live answered; the banner on stderr:"
grep -v '^npm \|^> \|^$' "$work/start.err" | sed 's/^/  | /'
kill -TERM -- "-$app_pid" 2>/dev/null
for _ in $(seq 1 100); do kill -0 "$app_pid" 2>/dev/null || break; sleep 0.1; done
app_pid=""

say "4/5 a new PostgreSQL cluster and Redis"
pg_port=$(spare_port)
redis_port=$(spare_port)
mkdir -p "$work/pg"
[ ${#as_pg[@]} -eq 0 ] || chown postgres "$work/pg"
"${as_pg[@]}" "$pg_bin/initdb" -D "$work/pg/data" -U postgres -A trust >"$work/pg/initdb.log" 2>&1 \
  || { tail_of "$work/pg/initdb.log"; fail "initdb"; }
pg_data="$work/pg/data"
"${as_pg[@]}" "$pg_bin/pg_ctl" -D "$pg_data" -l "$work/pg/server.log" -w -t 60 \
  -o "-p $pg_port -k $work/pg -c listen_addresses=127.0.0.1" start >/dev/null \
  || { tail_of "$work/pg/server.log"; fail "PostgreSQL did not start"; }
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work" --daemonize yes >/dev/null \
  || { redis_port=""; fail "redis-server did not start"; }
roles=$(psql -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -XAtc "SELECT string_agg(rolname, ',') FROM pg_roles WHERE rolname NOT LIKE 'pg\_%'" 2>/dev/null)
say "   PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on $pg_port (roles: ${roles:-?}), Redis on $redis_port"

say "5/5 npm test (lint, type-check, build, jest with coverage)"
export TEST_ADMIN_DB_URL="postgres://postgres@127.0.0.1:$pg_port/postgres"
export TEST_DB_URL="postgres://mcp:mcp@127.0.0.1:$pg_port/mcp_test"
export TEST_REDIS_URL="redis://127.0.0.1:$redis_port"
started=$(date +%s)
timeout 3600 npm test >"$work/test.log" 2>&1
rc=$?
took=$(( $(date +%s) - started ))
[ $rc -eq 124 ] && { tail_of "$work/test.log" 40; fail "npm test did not exit within 60 min (open handles?)"; }
grep -q 'did not exit one second after' "$work/test.log" && say "   WARNING: jest reported that it did not exit one second after the run"
[ $rc -eq 0 ] || { tail_of "$work/test.log" 60; fail "npm test exited with $rc after ${took} s"; }
tail_of "$work/test.log" 12
say "OK: a fresh clone of $head installs, serves, and passes npm test (exited by itself after ${took} s)"
