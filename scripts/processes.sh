# Starting and stopping the portal's processes together; sourced by scripts/run.sh and scripts/serve.sh.
#
# Each process starts in a session of its own, so that Ctrl-C in the terminal reaches this script only,
# not every process of the group: a Celery worker's pool processes and an embedded beat that receive the
# terminal's SIGINT beside their parent's shutdown made the worker's warm shutdown wait on them (once
# over 60 s). The script then stops each process once, in order: SIGTERM (a worker finishes the task in
# hand, gunicorn the requests in hand), SIGQUIT after STOP_GRACE_SECONDS (a worker's cold shutdown: its
# tasks go back to the broker, acks_late), SIGKILL to the whole session after as long again.

STOP_GRACE_SECONDS="${STOP_GRACE_SECONDS:-30}"
declare -a started_pids=()
declare -A started_names=()

# start NAME COMMAND...: runs COMMAND in a new session, its output prefixed with NAME.
start() {
  local name="$1"
  shift
  # The prefixing sed stays in this script's group: it ignores Ctrl-C, so that the process writing to
  # it is not cut off mid-shutdown.
  setsid "$@" > >(trap '' INT; exec sed -u "s/^/[$name] /") 2>&1 &
  started_pids+=("$!")
  started_names[$!]="$name"
}

alive() {
  kill -0 "$1" 2>/dev/null
}

# wait_gone SECONDS PID...: true when every PID has ended within SECONDS.
wait_gone() {
  local deadline=$((SECONDS + $1))
  shift
  while ((SECONDS < deadline)); do
    local left=0
    for pid in "$@"; do alive "$pid" && left=1; done
    ((left)) || return 0
    sleep 0.2
  done
  return 1
}

stop_all() {
  trap - INT TERM EXIT
  local pids=("${started_pids[@]}")
  for pid in "${pids[@]}"; do alive "$pid" && kill -TERM "$pid" 2>/dev/null; done
  if ! wait_gone "$STOP_GRACE_SECONDS" "${pids[@]}"; then
    for pid in "${pids[@]}"; do
      alive "$pid" && { echo "${started_names[$pid]} still running after SIGTERM: SIGQUIT" >&2; kill -QUIT "$pid" 2>/dev/null; }
    done
    if ! wait_gone "$STOP_GRACE_SECONDS" "${pids[@]}"; then
      for pid in "${pids[@]}"; do
        alive "$pid" && { echo "${started_names[$pid]} still running: SIGKILL" >&2; kill -KILL -- "-$pid" 2>/dev/null; }
      done
    fi
  fi
  # Each session's other processes (pool processes, gunicorn's workers) end with their parent; any left
  # over is not left behind.
  for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null; done
  wait 2>/dev/null
}

# supervise: until Ctrl-C, SIGTERM, or one of the processes ending; then stops the others.
supervise() {
  trap 'stop_all; exit 130' INT TERM
  trap stop_all EXIT
  wait -n "${started_pids[@]}"
  local status=$?
  for pid in "${started_pids[@]}"; do
    alive "$pid" || echo "${started_names[$pid]} ended (status $status): stopping the others" >&2
  done
  return "$status"
}
