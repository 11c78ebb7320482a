# Keeps a few processes running, for `make serve` (deploy/serve.sh). Source it, then:
#   supervise web gunicorn ...      start a process, and start it again whenever it exits
#   supervise worker celery ...
#   supervise_wait                  until Ctrl-C or SIGTERM, which stops every process
# A process that exits (or is killed) is restarted after RESTART_DELAY seconds (1), doubling while
# it keeps failing quickly, up to 30; the other processes keep running meanwhile.

SUPERVISED=()

_supervise_loop() {
  local name=$1 child="" delay=${RESTART_DELAY:-1} started status
  shift
  trap '[ -n "$child" ] && kill -TERM "$child" 2>/dev/null; wait "$child" 2>/dev/null; exit 0' TERM INT
  while true; do
    started=$SECONDS
    "$@" &
    child=$!
    echo "supervise: $name started (pid $child)" >&2
    status=0
    wait "$child" || status=$?
    if (( SECONDS - started >= 60 )); then delay=${RESTART_DELAY:-1}; fi
    echo "supervise: $name exited with status $status; restarting in ${delay}s" >&2
    sleep "$delay" &
    wait $! || true
    delay=$(( delay * 2 > 30 ? 30 : delay * 2 ))
  done
}

# supervise NAME COMMAND [ARGS...]
supervise() {
  _supervise_loop "$@" &
  SUPERVISED+=($!)
}

# Wait until told to stop, then stop every supervised process and wait for them to finish.
supervise_wait() {
  trap 'trap - TERM INT EXIT; kill -TERM "${SUPERVISED[@]}" 2>/dev/null; wait' TERM INT EXIT
  wait
}
