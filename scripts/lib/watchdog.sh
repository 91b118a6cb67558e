# Bounds a test run and leaves a hung run's cause in the log. Sourced by scripts/test.
#
# `start_watchdog SECONDS LOG` waits in the background; if the run is still going
# after SECONDS it prints the tests LOG shows started but not finished and every
# thread's stack of this run's test processes (gdb, where installed), so that a
# hang seen once in CI can be read, not only retried. `stop_watchdog` ends it.

watchdog_pid=""

unfinished_tests() {
  local log=$1 line name
  # Parameterised cases only report when they fail; their test reports the end.
  grep -a '^◇ Test .* started\.$' "$log" | grep -avE '^◇ Test (case passing|run started)' | while IFS= read -r line; do
    name=${line#◇ Test }
    name=${name% started.}
    grep -aF "Test $name " "$log" | grep -aqE '^(✔|✘) .*(passed|failed) after' || echo "  $name"
  done
}

# Every process below $1, so that other runs on the machine are left alone.
descendants() {
  local child
  for child in $(pgrep -P "$1"); do
    echo "$child"
    descendants "$child"
  done
}

dump_test_stacks() {
  local root=$1 pid command
  for pid in $(descendants "$root"); do
    command=$({ tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null | cut -c1-160)
    [[ $command =~ microshopPackageTests|\.build/[a-z0-9_/-]*/(user-service|product-service|order-service|frontend|shop)\  ]] || continue
    echo "== stacks of $command(pid $pid)"
    if command -v gdb >/dev/null 2>&1; then
      timeout 30 gdb -p "$pid" -batch -ex "thread apply all bt 25" 2>/dev/null | grep -E '^(Thread|#)' | head -2000
    else
      echo "  (gdb is not installed: no stacks)"
    fi
  done
}

start_watchdog() {
  local seconds=$1 log=$2 root=$$
  (
    trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
    sleep "$seconds" &
    sleeper=$!
    wait "$sleeper"
    echo "== still running after ${seconds}s; tests started and not finished:"
    unfinished_tests "$log"
    dump_test_stacks "$root"
  ) &
  watchdog_pid=$!
}

stop_watchdog() {
  if [ -n "$watchdog_pid" ]; then
    kill "$watchdog_pid" 2>/dev/null || true
    wait "$watchdog_pid" 2>/dev/null || true
    watchdog_pid=""
  fi
}

# `bounded_test SECONDS LOG [swift test arguments...]`: `swift test`, stopped
# after SECONDS (status 124) with the watchdog's report a minute before; the
# test process and the services it started are killed with it, so nothing of a
# hung run lingers into the next step.
bounded_test() {
  local seconds=$1 log=$2 status
  shift 2
  start_watchdog $((seconds - 60)) "$log"
  timeout -k 10 "$seconds" swift test --skip-build "$@" 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  stop_watchdog
  pkill -9 -f "$PWD/\.build/[^ ]*/(microshopPackageTests|user-service|product-service|order-service|frontend|shop)( |\.xctest)" \
    2>/dev/null || true
  return "$status"
}
