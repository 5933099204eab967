#!/usr/bin/env bash
# Renders the delivered email for a German and a Japanese customer with headless Chromium,
# from the devstack's outbox, into docs/. Starts (and stops) its own `make run` on spare ports.
set -euo pipefail
cd "$(dirname "$0")/.."

export DDB_PORT=${DDB_PORT:-8100} MOTO_PORT=${MOTO_PORT:-5100} AFTERCLICK_PORT=${AFTERCLICK_PORT:-3100}
infra/local/run.sh > .local/screenshots-run.log 2>&1 &
run_pid=$!
# Background jobs of a script ignore SIGINT; run.sh stops everything on TERM too.
trap 'kill -TERM $run_pid 2>/dev/null; wait $run_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do
  grep -q "devstack is up" .local/screenshots-run.log 2>/dev/null && break
  sleep 0.2
done
source .local/devstack.env

api() { curl -sf -H "Authorization: Bearer $AFTERCLICK_API_KEY" -H 'Content-Type: application/json' "$@"; }
settings=$(api "$AFTERCLICK_API_URL/v1/settings")
settings=$(python3 -c 'import json,sys; s=json.loads(sys.argv[1]); s.update(brand_name="Nordlicht Outdoor", primary_color="#0f766e", accent_color="#b45309", support_email="hilfe@nordlicht.example", quiet_hours={"start":"00:00","end":"00:00"}); print(json.dumps(s))' "$settings")
api -X PUT "$AFTERCLICK_API_URL/v1/settings" -d "$settings" > /dev/null

deliver() { # tracking locale timezone name email
  api -X POST "$AFTERCLICK_API_URL/v1/shipments" -d "{\"tracking_number\":\"$1\",\"carrier\":\"dhl_paket\",\"order_number\":\"NO-20417\",\"customer\":{\"name\":\"$4\",\"email\":\"$5\",\"locale\":\"$2\",\"timezone\":\"$3\"}}" > /dev/null
  now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
  body="{\"tracking_number\":\"$1\",\"carrier\":\"dhl_paket\",\"events\":[{\"occurred_at\":\"$now\",\"status\":\"delivered\",\"description\":\"Zugestellt\",\"location\":\"Hamburg, DE\"}]}"
  echo "$body" > ".local/$1.json"
  target/debug/devstack sign generic ".local/$1.json" > ".local/$1.headers"
  curl -sf -X POST -H @".local/$1.headers" -H 'Content-Type: application/json' --data-binary @".local/$1.json" \
    "$AFTERCLICK_API_URL/webhooks/generic/$AFTERCLICK_MERCHANT_ID" > /dev/null
}
run_id=$(date +%s)
deliver "NO$run_id"DE de-DE Europe/Berlin "Erika Mustermann" erika@kunde.example
deliver "NO$run_id"JA ja-JP Asia/Tokyo "山田 花子" hanako@example.jp

index_of() {
  for _ in $(seq 1 100); do
    i=$(curl -sf "$AFTERCLICK_API_URL/_dev/outbox.json" | python3 -c 'import json,sys; o=json.load(sys.stdin); print(next((i for i,e in enumerate(o["emails"]) if e["to"]==sys.argv[1]), ""))' "$1")
    [ -n "$i" ] && { echo "$i"; return; }
    sleep 0.2
  done
  echo "no email to $1" >&2; exit 1
}
mkdir -p docs
for pair in "de erika@kunde.example" "ja hanako@example.jp"; do
  set -- $pair
  i=$(index_of "$2")
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$(mktemp -d)" --hide-scrollbars --window-size=680,900 \
    --screenshot="docs/email-delivered-$1.png" "$AFTERCLICK_API_URL/_dev/outbox/email/$i" 2>/dev/null
  echo "docs/email-delivered-$1.png"
done
