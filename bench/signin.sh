#!/usr/bin/env bash
# Password sign-ins per second over HTTP, side by side with the raw Argon2id rate measured in
# the same run, plus the server's idle RSS and start-to-ready time.
#   bench/signin.sh [seconds]     (default 15)
# Prints a table; the ratio sign-ins/raw is the figure that matters (target ≥ 85 %).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-15}
scripts/install-deps.sh bench >/dev/null
cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C build/release -j2 portico-network password_hash_bench >/dev/null

bin=build/release/apps/network/portico-network
data=$(mktemp -d)
port=18181
trap 'kill $pid 2>/dev/null || true; rm -rf "$data"' EXIT

echo "== raw Argon2id (libsodium, 19 MiB, t=2), both cores"
build/release/bench/password_hash_bench --benchmark_format=console 2>/dev/null | tee "$data/raw.txt" | grep -E 'BM_'
raw2=$(awk '/BM_Argon2idVerify\/.*threads:2/ { for (i=1;i<=NF;i++) if ($i ~ /items_per_second=/) { v=$i; sub("items_per_second=","",v); print v } }' "$data/raw.txt")
raw2=$(python3 -c "v='$raw2'; m={'k':1e3,'M':1e6}; print(float(v[:-2])*m[v[-2]] if v[-2] in m else float(v.rstrip('/s')))")

echo "== server"
start=$(date +%s%N)
PORTICO_DATA_DIR=$data PORTICO_LISTEN=127.0.0.1:$port PORTICO_HTTP_ACCESS_LOG=false "$bin" serve >"$data/out" 2>"$data/err" &
pid=$!
until grep -q 'ready at' "$data/out" 2>/dev/null; do sleep 0.005; done
ready_ms=$(( ($(date +%s%N) - start) / 1000000 ))
idle_rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)

base=http://localhost:$port
jar=$data/jar
email="bench@example.com"
password="correct horse battery staple"
token=$(curl -s -c "$jar" "$base/signup" | grep -m1 -o 'csrf_token" value="[^"]*' | head -n1 | cut -d'"' -f3)
curl -s -o /dev/null -b "$jar" -c "$jar" -X POST "$base/signup" \
  --data-urlencode "csrf_token=$token" --data-urlencode "given_name=Bench" --data-urlencode "family_name=Mark" \
  --data-urlencode "email=$email" --data-urlencode "password=$password"
# The account exists once its address is confirmed with the mailed code (drop folder).
code=$(python3 bench/signup_code.py "$data/mail" "$email")
token=$(curl -s -b "$jar" -c "$jar" "$base/signup/confirm" | grep -m1 -o 'csrf_token" value="[^"]*' | head -n1 | cut -d'"' -f3)
curl -s -o /dev/null -b "$jar" -c "$jar" -X POST "$base/signup/confirm" \
  --data-urlencode "csrf_token=$token" --data-urlencode "code=$code"
anon_jar=$data/anon
token=$(curl -s -c "$anon_jar" "$base/signin" | grep -m1 -o 'csrf_token" value="[^"]*' | head -n1 | cut -d'"' -f3)
cookie=$(awk '$6 == "__Host-portico-csrf" {print $6"="$7}' "$anon_jar")

cpu_before=$(awk '{print $14+$15}' /proc/$pid/stat)
export BENCH_COOKIE=$cookie BENCH_TOKEN=$token BENCH_EMAIL="bench%40example.com" BENCH_PASSWORD="correct+horse+battery+staple"
/usr/bin/time -f "%U %S" -o "$data/wrk.time" wrk -t1 -c4 -d"${secs}s" -s bench/signin.lua "$base/signin" | tee "$data/wrk.txt"
cpu_after=$(awk '{print $14+$15}' /proc/$pid/stat)
rate=$(grep -o '[0-9.]* req/s' "$data/wrk.txt" | awk '{print $1}')
busy_rss=$(awk '/VmRSS/ {print $2}' /proc/$pid/status)
wrk_cpu=$(awk '{print $1+$2}' "$data/wrk.time")
server_cpu=$(python3 -c "print(round(($cpu_after-$cpu_before)/$(getconf CLK_TCK),1))")

# A restart on the same data directory: no migrations and no key generation to do.
kill -TERM $pid
wait $pid 2>/dev/null || true
: >"$data/out"
start=$(date +%s%N)
PORTICO_DATA_DIR=$data PORTICO_LISTEN=127.0.0.1:$port PORTICO_HTTP_ACCESS_LOG=false "$bin" serve >"$data/out" 2>"$data/err2" &
pid=$!
until grep -q 'ready at' "$data/out" 2>/dev/null; do sleep 0.005; done
restart_ms=$(( ($(date +%s%N) - start) / 1000000 ))

python3 - "$raw2" "$rate" "$idle_rss" "$busy_rss" "$ready_ms" "$wrk_cpu" "$server_cpu" "$secs" "$restart_ms" <<'PY'
import sys
raw, rate, idle, busy, ready, wrk_cpu, server_cpu, secs, restart = sys.argv[1:]
raw, rate = float(raw), float(rate)
print()
print("| measure | value |")
print("|---|---|")
print(f"| raw Argon2id verifications/s, 2 threads | {raw:.1f} |")
print(f"| HTTP password sign-ins/s (wrk, 4 connections) | {rate:.1f} |")
print(f"| sign-ins / raw limit | {100*rate/raw:.0f} % |")
print(f"| idle RSS | {int(idle)/1024:.1f} MiB |")
print(f"| RSS after the run | {int(busy)/1024:.1f} MiB |")
print(f"| start to ready, first start (migrations, signing keys generated) | {ready} ms |")
print(f"| start to ready, restart | {restart} ms |")
print(f"| CPU: server {server_cpu} s, wrk {wrk_cpu} s over {secs} s | |")
PY
