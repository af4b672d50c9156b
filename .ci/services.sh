#!/usr/bin/env bash
# Redis and PostgreSQL for the dedupe store tests, on loopback, in a temporary
# directory. Two ways to use it:
#
#   source .ci/services.sh; services_start; trap services_stop EXIT   (.ci/run)
#   bash .ci/services.sh go test -race ./runtime/dedupe/...           (locally)
#
# services_start installs the Debian packages redis-server and postgresql when
# a binary is missing (apt-get update first; needs root), starts both servers
# on free 127.0.0.1 ports, and exports
#   PAYSCOREGEN_TEST_REDIS=127.0.0.1:PORT
#   PAYSCOREGEN_TEST_POSTGRES=postgres://postgres@127.0.0.1:PORT/postgres?sslmode=disable
#   PAYSCOREGEN_REQUIRE_SERVICES=1   (a missing server now fails the tests)
# PostgreSQL refuses to run as root: as root, initdb and pg_ctl run as the
# postgres user (redis-server as the redis user) on a data directory they own.

_services_dir=""
_services_redis_port=""
_services_pg_bin=""

_services_log() { echo "services: $*" >&2; }

_services_pg_bindir() {
	local d
	if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
		dirname "$(readlink -f "$(command -v pg_ctl)")"
		return 0
	fi
	d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	[ -n "$d" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/initdb" ] && echo "$d"
}

_services_install() {
	local need=0
	command -v redis-server >/dev/null 2>&1 || need=1
	[ -n "$(_services_pg_bindir)" ] || need=1
	[ "$need" = 0 ] && return 0
	if [ "$(id -u)" != 0 ]; then
		_services_log "redis-server or postgres is missing and this is not root: install the Debian packages redis-server and postgresql"
		return 1
	fi
	_services_log "installing redis-server and postgresql"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	apt-get install -y -qq redis-server postgresql >&2
}

# _services_free_port prints a TCP port nothing listens on at 127.0.0.1.
_services_free_port() {
	local port i
	for i in $(seq 1 200); do
		port=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "$port"
			return 0
		fi
	done
	return 1
}

# _services_as USER CMD...: run CMD as USER when root and USER exists.
_services_as() {
	local user=$1
	shift
	if [ "$(id -u)" = 0 ] && id "$user" >/dev/null 2>&1; then
		runuser -u "$user" -- "$@"
	else
		"$@"
	fi
}

services_start() {
	_services_install || return 1
	_services_pg_bin=$(_services_pg_bindir)
	_services_dir=$(mktemp -d "${TMPDIR:-/tmp}/payscoregen-services.XXXXXX") || return 1
	chmod 755 "$_services_dir"
	mkdir -p "$_services_dir/redis" "$_services_dir/pg"

	# Redis: no persistence, loopback only.
	_services_redis_port=$(_services_free_port) || return 1
	if [ "$(id -u)" = 0 ] && id redis >/dev/null 2>&1; then chown redis "$_services_dir/redis"; fi
	_services_as redis redis-server --bind 127.0.0.1 --port "$_services_redis_port" --protected-mode yes \
		--dir "$_services_dir/redis" --save '' --appendonly no --daemonize yes \
		--pidfile "$_services_dir/redis/redis.pid" --logfile "$_services_dir/redis/redis.log" || return 1

	# PostgreSQL: a throwaway cluster, trust auth on loopback, socket in the temp dir.
	local pg_port
	pg_port=$(_services_free_port) || return 1
	if [ "$(id -u)" = 0 ]; then chown postgres "$_services_dir/pg"; fi
	_services_as postgres "$_services_pg_bin/initdb" -D "$_services_dir/pg/data" -U postgres -A trust \
		--no-sync -E UTF8 --locale=C >"$_services_dir/pg/initdb.log" 2>&1 || {
		cat "$_services_dir/pg/initdb.log" >&2
		return 1
	}
	_services_as postgres "$_services_pg_bin/pg_ctl" -D "$_services_dir/pg/data" -l "$_services_dir/pg/postgres.log" -w -t 60 \
		-o "-c listen_addresses=127.0.0.1 -p $pg_port -k $_services_dir/pg -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
		start >&2 || {
		cat "$_services_dir/pg/postgres.log" >&2
		return 1
	}

	local i
	for i in $(seq 1 100); do
		redis-cli -h 127.0.0.1 -p "$_services_redis_port" ping 2>/dev/null | grep -q PONG && break
		sleep 0.1
	done
	redis-cli -h 127.0.0.1 -p "$_services_redis_port" ping | grep -q PONG || {
		_services_log "redis-server did not answer"
		cat "$_services_dir/redis/redis.log" >&2
		return 1
	}
	export PAYSCOREGEN_TEST_REDIS="127.0.0.1:$_services_redis_port"
	export PAYSCOREGEN_TEST_POSTGRES="postgres://postgres@127.0.0.1:$pg_port/postgres?sslmode=disable"
	export PAYSCOREGEN_REQUIRE_SERVICES=1
	_services_log "redis $(redis-server --version | awk '{print $3}') at $PAYSCOREGEN_TEST_REDIS, $("$_services_pg_bin/postgres" --version) at 127.0.0.1:$pg_port (data in $_services_dir)"
}

services_stop() {
	[ -n "$_services_dir" ] || return 0
	if [ -n "$_services_redis_port" ]; then
		redis-cli -h 127.0.0.1 -p "$_services_redis_port" shutdown nosave >/dev/null 2>&1 || true
	fi
	if [ -d "$_services_dir/pg/data" ]; then
		_services_as postgres "$_services_pg_bin/pg_ctl" -D "$_services_dir/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	rm -rf "$_services_dir"
	_services_dir=""
}

# Run as a script: start, run the command with the variables set, stop.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -euo pipefail
	if [ $# -eq 0 ]; then
		echo "usage: bash .ci/services.sh COMMAND [ARGS...]   (e.g. go test -race ./runtime/dedupe/...)" >&2
		exit 2
	fi
	trap services_stop EXIT
	services_start
	"$@"
fi
