#!/usr/bin/env bash
# Creates the secret files compose mounts at /run/secrets, with fresh random
# values. Run once before `docker compose up`; never commit the results.
#   deploy/secrets/generate.sh [output-folder]   (default: deploy/secrets)
set -euo pipefail
out="${1:-$(dirname "$0")}"
mkdir -p "$out"
umask 077
random() { openssl rand -base64 "$1" | tr -d '\n=+/' | cut -c1-"$2"; }
write() { [ -s "$out/$1" ] || printf '%s' "$2" > "$out/$1"; }

write shop-admin-password "$(random 24 24)"
write service-token "$(random 48 40)"
write session-key "$(openssl rand -base64 32 | tr -d '\n')"
[ -s "$out/signing-key" ] || openssl ecparam -name prime256v1 -genkey -noout 2>/dev/null \
  | openssl pkcs8 -topk8 -nocrypt > "$out/signing-key"
for db in users products orders; do
  write "postgres-$db-password" "$(random 24 24)"
done
write users-database-url "postgres://users:$(cat "$out/postgres-users-password")@postgres-users:5432/users"
write products-database-url "postgres://products:$(cat "$out/postgres-products-password")@postgres-products:5432/products"
write orders-database-url "postgres://orders:$(cat "$out/postgres-orders-password")@postgres-orders:5432/orders"
# Compose mounts these files as they are (it ignores uid/gid/mode outside
# swarm), and the services run as uid 10001: the files must be readable by
# others, so the folder is what keeps other local users out.
chmod 700 "$out"
chmod 444 "$out"/shop-admin-password "$out"/service-token "$out"/session-key "$out"/signing-key \
  "$out"/postgres-{users,products,orders}-password "$out"/{users,products,orders}-database-url
echo "secrets are in $out (keep them out of git)"
