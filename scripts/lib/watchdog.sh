# Bounds a test run and leaves a hung run's cause in the log. Sourced by scripts/test.
#
# `start_watchdog SECONDS LOG` waits in the background; if the run is still going
# after SECONDS it prints the tests LOG shows started but not finished and every
# thread's stack of this run's test processes (gdb, where installed), so that a
# hang seen once in CI can be read, not only retried. `stop_watchdog` ends it.

watchdog_pid=""

# Each with the last step it recorded (ShopTestSupport's TestPhase), if any:
# starting a service, in its body, or shutting down.
unfinished_tests() {
  local log=$1 line name step
  # Parameterised cases only report when they fail; their test reports the end.
  grep -a '^◇ Test .* started\.$' "$log" | grep -avE '^◇ Test (case passing|run started)' | while IFS= read -r line; do
    name=${line#◇ Test }
    name=${name% started.}
    if ! grep -aF "Test $name " "$log" | grep -aqE '^(✔|✘) .*(passed|failed) after'; then
      step=$(grep -aF "$name"$'\t' "$log.phases" 2>/dev/null | tail -n 1 | cut -f2-)
      echo "  $name${step:+  [last step: $step]}"
    fi
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
    # Every 15 s, which processes this run has (for `bounded_test` to clean up
    # after a hang or a crash), until the deadline.
    for ((waited = 0; waited < seconds; waited += 15)); do
      descendants "$root" >"$log.pids.new" && mv "$log.pids.new" "$log.pids"
      sleep $((seconds - waited < 15 ? seconds - waited : 15)) &
      sleeper=$!
      wait "$sleeper"
    done
    echo "== still running after ${seconds}s; tests started and not finished:"
    unfinished_tests "$log"
    dump_test_stacks "$root"
  ) &
  watchdog_pid=$!
}

# Kills the processes LOG's run had when last recorded that are still this
# run's test process or a service it started (a recorded id may since belong
# to something else).
kill_recorded() {
  local log=$1 pid command
  [ -s "$log.pids" ] || return 0
  for pid in $(cat "$log.pids"); do
    command=$({ tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null)
    if [[ $command =~ microshopPackageTests|/(user-service|product-service|order-service|frontend|shop)\  ]]; then
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
}

stop_watchdog() {
  if [ -n "$watchdog_pid" ]; then
    kill "$watchdog_pid" 2>/dev/null || true
    wait "$watchdog_pid" 2>/dev/null || true
    watchdog_pid=""
  fi
}

# `bounded_test SECONDS LOG [swift test arguments...]`: `swift test`, stopped
# after SECONDS (status 124) with the watchdog's report a minute before. After
# a hang or a crash, the test process and the services it started (recorded
# while they ran) are killed, so nothing of that run lingers into the next step.
bounded_test() {
  local seconds=$1 log=$2 status
  shift 2
  export TEST_PHASES_FILE="$log.phases"
  : >"$TEST_PHASES_FILE"
  start_watchdog $((seconds - 60)) "$log"
  timeout -k 10 "$seconds" swift test --skip-build "$@" 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  stop_watchdog
  if [ "$status" -ne 0 ]; then kill_recorded "$log"; fi
  rm -f "$log.pids" "$log.pids.new"
  return "$status"
}

# Whether the test process of LOG's run hung or died of a signal, with no
# expectation failed: only then is the same run worth repeating.
hung_or_crashed() {
  local status=$1 log=$2
  { [ "$status" -eq 124 ] || [ "$status" -eq 137 ] || grep -aq "exited with unexpected signal code" "$log"; } &&
    ! grep -aqE '^✘ Test .* failed after' "$log"
}
