#!/usr/bin/env bash
# A throwaway single-host Slurm cluster on localhost, for tests.
#
#   scripts/slurm-local.sh start    # munged + slurmctld + slurmd; waits for the node to be idle
#   eval "$(scripts/slurm-local.sh env)"   # export SLURM_CONF for sbatch/srun/squeue/scontrol
#   scripts/slurm-local.sh status   # each daemon's state, then sinfo and squeue
#   scripts/slurm-local.sh stop     # cancel jobs, stop the daemons it started, delete the folder
#
# Everything (munge key and socket, slurm.conf, pid files, logs, spool and state) lives in one
# folder, ${SLURM_LOCAL_DIR:-/tmp/reid-slurm-local}; /etc/slurm and /etc/munge are not read or
# written. All daemons run as root; jobs run as the submitting user (root). The configuration
# needs no cgroups, systemd or database (proctrack/linuxproc, task/none, no accounting, so
# `sacct` does not work: use `scontrol show job`, squeue, output files, or the jobcomp log).
#
# Environment:
#   SLURM_LOCAL_DIR          state folder                       [/tmp/reid-slurm-local]
#   SLURM_LOCAL_CTLD_PORT    SlurmctldPort                      [16817]
#   SLURM_LOCAL_SLURMD_PORT  SlurmdPort                         [16818]
#   SLURM_LOCAL_CPUS         CPUs of the node                   [nproc]
#   SLURM_LOCAL_MEM_MB       RealMemory of the node, in MB      [1024, or less if the host has less]
#   SLURM_LOCAL_CRED_EXPIRE  AuthInfo cred_expire, seconds (>= 5); also how long a requeued job
#                            waits before it may start again    [10]
#   SLURM_LOCAL_TIMEOUT      seconds `start` waits for the node to be idle [60]
#
# Exit status: 0 on success; `status` exits 0 when all three daemons run, 3 otherwise.
set -Eeuo pipefail

PATH="$PATH:/usr/sbin:/sbin"
PROG=$(basename "$0")

D=${SLURM_LOCAL_DIR:-/tmp/reid-slurm-local}
CTLD_PORT=${SLURM_LOCAL_CTLD_PORT:-16817}
SLURMD_PORT=${SLURM_LOCAL_SLURMD_PORT:-16818}
CRED_EXPIRE=${SLURM_LOCAL_CRED_EXPIRE:-10}
TIMEOUT=${SLURM_LOCAL_TIMEOUT:-60}

MARKER=.reid-slurm-local
CONF=$D/slurm.conf
MUNGE_DIR=$D/munge
MUNGE_SOCKET=$MUNGE_DIR/munge.socket
MUNGE_KEY=$MUNGE_DIR/munge.key
LOG_DIR=$D/log
RUN_DIR=$D/run
DAEMONS=(munged slurmctld slurmd)

die() { echo "$PROG: $*" >&2; exit 1; }
say() { echo "$PROG: $*"; }

# The Debian package that provides each binary we use.
package_of() {
	case $1 in
		munged|mungekey|munge|unmunge) echo munge ;;
		slurmctld) echo slurmctld ;;
		slurmd) echo slurmd ;;
		*) echo slurm-client ;;
	esac
}

require() {
	local b
	for b in "$@"; do
		command -v "$b" >/dev/null 2>&1 ||
			die "$b not found: install it with 'apt-get install $(package_of "$b")' (as root)"
	done
}

require_root() {
	[ "$(id -u)" = 0 ] || die "must run as root (SlurmUser, SlurmdUser and the munge key are root's)"
}

# Validate the numeric settings before they reach slurm.conf.
check_number() {
	case $2 in
		''|*[!0-9]*) die "$1 must be a whole number (got '$2')" ;;
	esac
}

pidfile() { echo "$RUN_DIR/$1.pid"; }

# What the command line of each of our daemons contains: its socket or configuration file.
cmdline_mark() {
	case $1 in
		munged) echo "--socket=$MUNGE_SOCKET" ;;
		*) echo "-f $CONF" ;;
	esac
}

# The pid of a daemon of ours that is alive, or nothing. A pid from a pid file counts only when
# the process's command line names this state folder's socket or slurm.conf, so a recycled pid
# is never mistaken for (or signalled as) one of ours.
live_pid() {
	local f pid mark
	f=$(pidfile "$1")
	mark=$(cmdline_mark "$1")
	[ -r "$f" ] || return 0
	pid=$(tr -dc 0-9 <"$f")
	[ -n "$pid" ] || return 0
	[ -r "/proc/$pid/cmdline" ] || return 0
	if tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF -- "$mark "; then
		echo "$pid"
	fi
}

# Slurm client commands, pointed at our configuration whatever the caller's environment says.
sl() { SLURM_CONF=$CONF "$@"; }

node_name() { hostname -s; }

node_state() { sl sinfo -h -N -n "$(node_name)" -o %T 2>/dev/null | head -n1 || true; }

print_env() { printf 'export SLURM_CONF=%q\n' "$CONF"; }

# The last lines of each daemon's log, less the first start's complaints about missing state
# files. slurmctld and slurmd write their log file and (with -D) the same lines to stderr; the
# stderr file matters only when they fail before opening the log file.
tail_logs() {
	local name f
	for name in munged slurmctld slurmd; do
		f=$LOG_DIR/$name.log
		[ -s "$f" ] || f=$LOG_DIR/$name.stderr
		[ -s "$f" ] || continue
		echo "----- tail of $f -----" >&2
		grep -v -e 'state file' -e 'Trying backup state save file' "$f" | tail -n 20 >&2 || true
	done
}

port_in_use() {
	timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

# Start "$@" in the background, in its own session, as a foreground daemon (so $! is the daemon
# itself), and record its pid. Its stdout and stderr go to $2.
launch() {
	local name=$1 out=$2
	shift 2
	setsid "$@" >"$out" 2>&1 </dev/null &
	echo $! >"$(pidfile "$name")"
}

# wait_for SECONDS COMMAND...: poll COMMAND every 0.25 s until it succeeds, for at most SECONDS.
wait_for() {
	local secs=$1 i
	shift
	for ((i = 0; i < secs * 4; i++)); do
		if "$@"; then return 0; fi
		sleep 0.25
	done
	return 1
}

munge_socket_ready() { [ -S "$MUNGE_SOCKET" ]; }
ctld_up() { sl scontrol ping 2>/dev/null | grep -q 'is UP'; }
node_idle() { [ "$(node_state)" = idle ]; }
queue_empty() { [ -z "$(sl squeue -h -o %A 2>/dev/null)" ]; }

# SIGTERM the daemon, then SIGKILL it after 15 s, and wait for it to be gone.
stop_daemon() {
	local name=$1 pid i
	pid=$(live_pid "$name")
	if [ -z "$pid" ]; then
		rm -f "$(pidfile "$name")"
		return 0
	fi
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < 60; i++)); do
		[ -d "/proc/$pid" ] || break
		sleep 0.25
	done
	if [ -d "/proc/$pid" ]; then
		say "$name (pid $pid) ignored SIGTERM for 15 s; sending SIGKILL"
		kill -KILL "$pid" 2>/dev/null || true
		for ((i = 0; i < 20; i++)); do
			[ -d "/proc/$pid" ] || break
			sleep 0.25
		done
	fi
	[ -d "/proc/$pid" ] && die "$name (pid $pid) would not exit"
	say "stopped $name (pid $pid)"
	rm -f "$(pidfile "$name")"
}

# Job step daemons (slurmstepd) started by our slurmd that outlived it: recognised by our
# SLURM_CONF in their environment, which they inherit from our slurmd.
stray_stepds() {
	local p
	for p in /proc/[0-9]*; do
		[ "$(cat "$p/comm" 2>/dev/null)" = slurmstepd ] || continue
		tr '\0' '\n' 2>/dev/null <"$p/environ" | grep -qxF "SLURM_CONF=$CONF" || continue
		echo "${p#/proc/}"
	done
}

# Remove the state folder, but only one this script made.
remove_dir() {
	[ -d "$D" ] || return 0
	[ -e "$D/$MARKER" ] || die "$D has no $MARKER file: not removing a folder this script did not make"
	rm -rf -- "$D"
}

write_config() {
	local node cpus mem host_mem
	node=$(node_name)
	cpus=${SLURM_LOCAL_CPUS:-$(nproc)}
	host_mem=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)
	mem=${SLURM_LOCAL_MEM_MB:-$((host_mem < 1024 ? host_mem / 2 : 1024))}
	check_number SLURM_LOCAL_CPUS "$cpus"
	check_number SLURM_LOCAL_MEM_MB "$mem"

	cat >"$CONF" <<EOF
# Written by $PROG start; removed by $PROG stop.
ClusterName=reid-local
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=root
SlurmdUser=root

AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$MUNGE_SOCKET,cred_expire=$CRED_EXPIRE

StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool/slurmd
SlurmctldPidFile=$(pidfile slurmctld)
SlurmdPidFile=$(pidfile slurmd)
SlurmctldLogFile=$LOG_DIR/slurmctld.log
SlurmdLogFile=$LOG_DIR/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
PlugStackConfig=$D/plugstack.conf

# No cgroups, systemd or database in a container.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$LOG_DIR/jobcomp.log
MpiDefault=none
MailProg=/bin/true

SchedulerType=sched/backfill
# A full scheduling pass every 2 s (defaults: main 60 s, backfill 30 s). A requeued job is held
# until cred_expire + 1 s has passed (Reason=BeginTime); nothing triggers an event-driven pass
# when that hold ends, and backfill skips a pass when no job, node or partition changed, so
# without this it waits for the next periodic main pass, up to 60 s.
SchedulerParameters=sched_interval=2,bf_interval=2
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
JobRequeue=1
KillWait=5
OverTimeLimit=0
InactiveLimit=0
MinJobAge=300
SlurmdTimeout=300
SlurmctldTimeout=120
# The node is what this file says, even when SLURM_LOCAL_CPUS or SLURM_LOCAL_MEM_MB exceed the
# machine (more job slots than cores); without this slurmd's registration sets it INVAL.
SlurmdParameters=config_overrides

NodeName=$node NodeAddr=127.0.0.1 NodeHostname=$node CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
	: >"$D/plugstack.conf"
}

cmd_start() {
	require_root
	require munged slurmctld slurmd sinfo squeue scontrol setsid timeout
	check_number SLURM_LOCAL_CTLD_PORT "$CTLD_PORT"
	check_number SLURM_LOCAL_SLURMD_PORT "$SLURMD_PORT"
	check_number SLURM_LOCAL_CRED_EXPIRE "$CRED_EXPIRE"
	check_number SLURM_LOCAL_TIMEOUT "$TIMEOUT"
	[ "$TIMEOUT" -ge 1 ] || die "SLURM_LOCAL_TIMEOUT must be at least 1"
	[ "$CRED_EXPIRE" -ge 5 ] || die "SLURM_LOCAL_CRED_EXPIRE must be at least 5 (Slurm ignores smaller values)"
	case $D in /*) ;; *) die "SLURM_LOCAL_DIR must be an absolute path (got '$D')" ;; esac

	local name running=() stopped=()
	for name in "${DAEMONS[@]}"; do
		if [ -n "$(live_pid "$name")" ]; then running+=("$name"); else stopped+=("$name"); fi
	done
	if [ ${#stopped[@]} = 0 ]; then
		say "already running in $D (node $(node_name): $(node_state || true))"
		print_env
		return 0
	fi
	if [ ${#running[@]} != 0 ]; then
		die "partly running in $D (${running[*]} up, ${stopped[*]} down): run '$0 stop' first"
	fi

	if [ -d "$D" ]; then
		if [ -e "$D/$MARKER" ]; then
			say "removing the stale state folder $D"
			remove_dir
		elif [ -n "$(ls -A "$D")" ]; then
			die "$D exists, is not empty and was not made by this script; set SLURM_LOCAL_DIR elsewhere"
		fi
	fi
	local port
	for port in "$CTLD_PORT" "$SLURMD_PORT"; do
		if port_in_use "$port"; then
			die "port $port on 127.0.0.1 is in use; set SLURM_LOCAL_CTLD_PORT / SLURM_LOCAL_SLURMD_PORT"
		fi
	done

	umask 022
	mkdir -p "$D" "$MUNGE_DIR" "$LOG_DIR" "$RUN_DIR" "$D/state" "$D/spool/slurmd"
	chmod 755 "$D" "$MUNGE_DIR"
	chmod 700 "$LOG_DIR" "$D/state"
	: >"$D/$MARKER"

	# Munge key: mungekey where the munge package has it, otherwise 1 KiB from /dev/urandom.
	if command -v mungekey >/dev/null 2>&1; then
		mungekey --create --keyfile="$MUNGE_KEY" >/dev/null
	else
		(umask 077 && dd if=/dev/urandom of="$MUNGE_KEY" bs=1024 count=1 status=none)
	fi
	chmod 600 "$MUNGE_KEY"

	write_config

	# On any failure from here: show the logs, stop what was started, keep the folder.
	trap 'start_failed' ERR

	# In the foreground munged logs to stderr only (it ignores --log-file).
	launch munged "$LOG_DIR/munged.log" munged --foreground --socket="$MUNGE_SOCKET" \
		--key-file="$MUNGE_KEY" --pid-file="$(pidfile munged)" --seed-file="$MUNGE_DIR/munged.seed"
	if ! wait_for 15 munge_socket_ready; then
		start_failed "munged did not create its socket $MUNGE_SOCKET within 15 s"
	fi
	if command -v munge >/dev/null 2>&1 && command -v unmunge >/dev/null 2>&1; then
		munge -n -S "$MUNGE_SOCKET" | unmunge -S "$MUNGE_SOCKET" >/dev/null ||
			start_failed "munge/unmunge round trip through $MUNGE_SOCKET failed"
	fi

	launch slurmctld "$LOG_DIR/slurmctld.stderr" env SLURM_CONF="$CONF" slurmctld -D -f "$CONF"
	if ! wait_for 30 ctld_up; then
		start_failed "slurmctld did not answer 'scontrol ping' within 30 s"
	fi

	launch slurmd "$LOG_DIR/slurmd.stderr" env SLURM_CONF="$CONF" slurmd -D -f "$CONF" -N "$(node_name)"
	if ! wait_for "$TIMEOUT" node_idle; then
		start_failed "node $(node_name) not idle after ${TIMEOUT} s (state: $(node_state || true))"
	fi
	trap - ERR

	say "running: munged $(live_pid munged), slurmctld $(live_pid slurmctld), slurmd $(live_pid slurmd);" \
		"node $(node_name) idle in partition debug; state in $D"
	print_env
}

start_failed() {
	trap - ERR
	local msg=${1:-a command failed}
	echo "$PROG: start failed: $msg" >&2
	tail_logs
	local name
	for name in slurmd slurmctld munged; do
		stop_daemon "$name" >&2 || true
	done
	echo "$PROG: daemons stopped; logs kept in $LOG_DIR ('$0 stop' removes $D)" >&2
	exit 1
}

cmd_stop() {
	require_root
	if [ ! -d "$D" ]; then
		say "not running (no $D)"
		return 0
	fi
	[ -e "$D/$MARKER" ] || die "$D has no $MARKER file: it was not made by this script; not touching it"

	# Cancel every job first: slurmstepd and the job's processes outlive a stopped slurmd.
	if [ -n "$(live_pid slurmctld)" ] && command -v scancel >/dev/null 2>&1; then
		local jobs
		jobs=$(sl squeue -h -o %A 2>/dev/null | tr '\n' ' ' || true)
		if [ -n "${jobs// /}" ]; then
			say "cancelling jobs: $jobs"
			# shellcheck disable=SC2086
			sl scancel $jobs 2>/dev/null || true
			wait_for 30 queue_empty ||
				say "jobs still listed after 30 s: $(sl squeue -h -o '%A:%T' | tr '\n' ' ')"
		fi
	fi

	local name
	for name in slurmd slurmctld munged; do
		stop_daemon "$name"
	done

	local p left
	left=$(stray_stepds)
	if [ -n "$left" ]; then
		say "killing leftover slurmstepd of this cluster: $(tr '\n' ' ' <<<"$left")"
		for p in $left; do kill -KILL "$p" 2>/dev/null || true; done
	fi

	remove_dir
	say "removed $D"
}

cmd_status() {
	local name pid all=0
	if [ ! -d "$D" ]; then
		say "not running (no $D)"
		return 3
	fi
	for name in "${DAEMONS[@]}"; do
		pid=$(live_pid "$name")
		if [ -n "$pid" ]; then
			echo "$name: running (pid $pid)"
		else
			echo "$name: not running"
			all=3
		fi
	done
	echo "state folder: $D"
	echo "SLURM_CONF=$CONF"
	if [ -n "$(live_pid slurmctld)" ]; then
		echo
		sl sinfo || true
		echo
		sl squeue || true
	fi
	return "$all"
}

cmd_env() {
	[ -n "$(live_pid slurmctld)" ] || echo "$PROG: warning: slurmctld of $D is not running" >&2
	print_env
}

usage() {
	sed -n '2,25s/^# \{0,1\}//p' "$0"
	echo "usage: $PROG start|stop|status|env"
}

case ${1:-} in
	start) cmd_start ;;
	stop) cmd_stop ;;
	status) cmd_status ;;
	env) cmd_env ;;
	-h|--help|help) usage ;;
	*) usage >&2; exit 2 ;;
esac
