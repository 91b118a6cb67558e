# Leaves a hung test run's cause in the log. Sourced by scripts/test.
#
# `start_watchdog SECONDS LOG` waits in the background; if the run is still going
# after SECONDS it prints the tests LOG shows started but not finished and every
# thread's stack of the test processes (gdb, where installed), so that a hang
# seen once in CI can be read, not only retried. `stop_watchdog` ends it.

watchdog_pid=""

unfinished_tests() {
  local log=$1 line name
  grep -a '^◇ Test .* started\.$' "$log" | while IFS= read -r line; do
    name=${line#◇ Test }
    name=${name% started.}
    grep -aqF "Test $name passed" "$log" || grep -aqF "Test $name failed" "$log" || echo "  $name"
  done
}

dump_test_stacks() {
  local pid
  for pid in $(pgrep -f 'microshopPackageTests|\.build/[a-z0-9_/-]*/(user-service|product-service|order-service|frontend|shop) '); do
    echo "== stacks of $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-160) (pid $pid)"
    if command -v gdb >/dev/null 2>&1; then
      timeout 120 gdb -p "$pid" -batch -ex "thread apply all bt 25" 2>/dev/null | grep -E '^(Thread|#)' | head -2000
    else
      echo "  (gdb is not installed: no stacks)"
    fi
  done
}

start_watchdog() {
  local seconds=$1 log=$2
  (
    { sleep "$seconds"; } 2>/dev/null || exit 0
    echo "== still running after ${seconds}s; tests started and not finished:"
    unfinished_tests "$log"
    dump_test_stacks
  ) &
  watchdog_pid=$!
}

stop_watchdog() {
  if [ -n "$watchdog_pid" ]; then
    # Its sleep first: the watchdog then ends without printing.
    pkill -P "$watchdog_pid" sleep 2>/dev/null || true
    wait "$watchdog_pid" 2>/dev/null || true
    watchdog_pid=""
  fi
}
