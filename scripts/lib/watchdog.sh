# Leaves a hung test run's cause in the log. Sourced by scripts/test.
#
# `start_watchdog SECONDS LOG` waits in the background; if the run is still going
# after SECONDS it prints the tests LOG shows started but not finished and every
# thread's stack of this run's test processes (gdb, where installed), so that a
# hang seen once in CI can be read, not only retried. `stop_watchdog` ends it.

watchdog_pid=""

unfinished_tests() {
  local log=$1 line name
  grep -a '^◇ Test .* started\.$' "$log" | while IFS= read -r line; do
    name=${line#◇ Test }
    name=${name% started.}
    grep -aqF "Test $name passed" "$log" || grep -aqF "Test $name failed" "$log" || echo "  $name"
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
