#!/usr/bin/env bash
# expect_job_fails.sh SECONDS PATTERN COMMAND...: passes when COMMAND exits non-zero within SECONDS
# and its output matches PATTERN (grep -E); a job still running after SECONDS is a hang, and fails.
set -u
limit=$1 pattern=$2
shift 2
start=$SECONDS
out=$(timeout --kill-after=5 "$limit" "$@" 2>&1)
status=$?
echo "$out"
# timeout's own status (124, or 137 when it had to kill) cannot be told from a job that ended by a
# signal: the clock can.
if [ $((SECONDS - start)) -ge "$limit" ]; then echo "FAIL: still running after ${limit} s (a hang)"; exit 1; fi
if [ "$status" -eq 0 ]; then echo "FAIL: the job succeeded"; exit 1; fi
if ! grep -Eq "$pattern" <<<"$out"; then echo "FAIL: the output does not match '$pattern'"; exit 1; fi
echo "PASS: the job ended with status $status and the expected message"
