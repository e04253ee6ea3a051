#!/usr/bin/env bash
# OpenID Connect endpoints side by side: Portico and the npm package oidc-provider (the peer,
# bench/peer/server.js), in one run on the same machine, with the raw RS256/ES256 signing rates
# of this machine measured in the same run.
#   bench/oidc.sh [seconds] [rounds]   (default 10 s per row and server in 2 rounds of 5 s,
#                                      each after 1 s of warm-up)
# Rows: discovery, JWKS, code flow with an existing session (authorize + token exchange, per
# completed exchange; RS256 and ES256 ID tokens), the two steps of that flow measured apart
# (authorize with a session → code, then the code exchange alone, per algorithm, and the ES256
# exchange once more with Portico's opaque access tokens, the peer's format; both ES256
# exchanges again on a second Portico node with one I/O thread and one worker), refresh
# (rotated, each token used once), client_credentials (Portico's JWT access token, and its
# opaque one, design record 0018; the peer's tokens are opaque), userinfo (fixed bearer token),
# introspection (of that token).
# Load: wrk (2 threads, 32 connections) for the single requests; build/release/bench/oidc_flow_bench
# (1 thread, epoll, 32 connections) for the flows. The servers run at once; only one is loaded
# at a time, back to back, Portico first, and each row alternates between them round by round
# (Portico, peer, Portico, peer): a slow stretch of a shared machine then falls on both sides
# rather than on one. A row's rate is over all its rounds, its p99 the worse round's.
# Prints Markdown tables; measures, never asserts.
set -euo pipefail
cd "$(dirname "$0")/.."
total_secs=${1:-10}
rounds=${2:-2}
# Whole seconds that the rounds divide evenly; the flow generator's exchange mode keeps its
# codes for warm-up + duration, which must stay under the codes' 60 s (it allows at most 25).
if ! [[ $total_secs =~ ^[1-9][0-9]*$ && $rounds =~ ^[1-9][0-9]*$ ]] ||
  ((total_secs % rounds != 0 || total_secs / rounds + 1 > 25)); then
  echo "usage: bench/oidc.sh [seconds] [rounds]   (seconds a multiple of rounds, at most 24 per round)" >&2
  exit 2
fi
secs=$((total_secs / rounds))  # per round
conns=32
# One wrk thread was the bottleneck of the cheapest rows: it left the cores idle a sixth of the
# time (vmstat) while the server waited for requests. Two threads keep both cores busy.
wrk_threads=2
scripts/install-deps.sh bench >/dev/null
if [[ -z ${OIDC_BENCH_SKIP_BUILD:-} ]]; then  # set it to measure the binaries already built
  cmake -S . -B build/release -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  ninja -C build/release -j2 portico-network oidc_flow_bench >/dev/null
fi

bin=build/release/apps/network/portico-network
gen=build/release/bench/oidc_flow_bench
data=$(mktemp -d)
redirect=https://rp.example/cb
ppid=""
p1pid=""
qpid=""
cleanup() {
  [[ -n $ppid ]] && kill "$ppid" 2>/dev/null || true
  [[ -n $p1pid ]] && kill "$p1pid" 2>/dev/null || true
  [[ -n $qpid ]] && kill "$qpid" 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_ready() {  # PID FILE TEXT: until FILE says TEXT; fails if the process died first
  until grep -q "$3" "$2" 2>/dev/null; do
    if ! kill -0 "$1" 2>/dev/null; then
      echo "a server exited during start-up:" >&2
      tail -n 20 "${2%.out}.err" >&2
      exit 1
    fi
    sleep 0.01
  done
}
cpu_ticks() { awk '{print $14+$15}' "/proc/$1/stat"; }
rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }
# The cookies of a curl jar valid for path / (HttpOnly ones included), as a Cookie header value.
jar_cookies() { awk '$3 == "/" && $1 ~ /localhost$/ {printf "%s%s=%s", sep, $6, $7; sep="; "}' "$1"; }
basic() { printf 'Basic %s' "$(printf '%s:%s' "$1" "$2" | base64 -w0)"; }
json_field() { python3 -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }

echo "== raw signing rates (openssl speed, 2 processes: both cores)" >&2
openssl speed -seconds 3 -multi 2 rsa2048 ecdsap256 2>/dev/null >"$data/speed.txt"
raw_rs256=$(awk '/^rsa 2048 bits/ {print $(NF-1)}' "$data/speed.txt")
raw_es256=$(awk '/ecdsa \(nistp256\)/ {print $(NF-1)}' "$data/speed.txt")
echo "RS256 sign/s $raw_rs256, ES256 sign/s $raw_es256" >&2

echo "== Portico" >&2
pport=$(free_port)
export PORTICO_DATA_DIR=$data/portico PORTICO_LISTEN=127.0.0.1:$pport PORTICO_HTTP_ACCESS_LOG=false
mkdir -p "$PORTICO_DATA_DIR"
add_client() {  # name alg [access token format] -> "id secret"
  "$bin" client add --name "$1" --redirect-uri "$redirect" --auth-method client_secret_basic --first-party \
    --id-token-alg "$2" --access-token-format "${3:-jwt}" 2>/dev/null | awk '/^id:/ {id=$2} /^secret:/ {s=$2} END {print id, s}'
}
read -r p_rs_id p_rs_secret <<<"$(add_client "Bench RS256" RS256)"
read -r p_es_id p_es_secret <<<"$(add_client "Bench ES256" ES256)"
read -r p_op_id p_op_secret <<<"$(add_client "Bench opaque" ES256 opaque)"
"$bin" serve >"$data/portico.out" 2>"$data/portico.err" &
ppid=$!
wait_ready "$ppid" "$data/portico.out" 'ready at'
pbase=http://localhost:$pport
# The benchmark's person signs up once; the session cookie is the "existing session".
jar=$data/portico.jar
token=$(curl -s -c "$jar" "$pbase/signup" | grep -m1 -o 'csrf_token" value="[^"]*' | head -n1 | cut -d'"' -f3)
curl -s -o /dev/null -b "$jar" -c "$jar" -X POST "$pbase/signup" \
  --data-urlencode "csrf_token=$token" --data-urlencode "given_name=Bench" --data-urlencode "family_name=Mark" \
  --data-urlencode "email=bench@example.com" --data-urlencode "password=correct horse battery staple"
# The account exists once its address is confirmed with the mailed code (drop folder).
code=$(python3 bench/signup_code.py "$data/portico/mail" "bench@example.com")
token=$(curl -s -b "$jar" -c "$jar" "$pbase/signup/confirm" | grep -m1 -o 'csrf_token" value="[^"]*' | head -n1 | cut -d'"' -f3)
curl -s -o /dev/null -b "$jar" -c "$jar" -X POST "$pbase/signup/confirm" \
  --data-urlencode "csrf_token=$token" --data-urlencode "code=$code"
p_cookie=$(jar_cookies "$jar")
# A second node on the same database with one I/O thread and one worker (and, as every node,
# its checkpoint thread), for the ES256 exchanges: about one core's worth of threads, where the
# first node's four share both cores with each other and with the load generator. Not pinned.
p1port=$(free_port)
PORTICO_LISTEN=127.0.0.1:$p1port PORTICO_HTTP_IO_THREADS=1 PORTICO_HTTP_WORKER_THREADS=1 \
  "$bin" serve >"$data/portico1.out" 2>"$data/portico1.err" &
p1pid=$!
wait_ready "$p1pid" "$data/portico1.out" 'ready at'

echo "== peer (oidc-provider $(node -p "require('./bench/peer/node_modules/oidc-provider/package.json').version"), node $(node --version))" >&2
qport=$(free_port)
(cd bench/peer && PORT=$qport NODE_ENV=production exec node server.js) >"$data/peer.out" 2>"$data/peer.err" &
qpid=$!
wait_ready "$qpid" "$data/peer.out" 'peer ready at'
qbase=http://localhost:$qport
q_rs_id=bench-rs256 q_rs_secret=rs256-secret-0123456789abcdefghijklmnopqrstuvwxyz
q_es_id=bench-es256 q_es_secret=es256-secret-0123456789abcdefghijklmnopqrstuvwxyz
# One sign-in through the peer's interaction (completed at once by server.js), for its session cookie.
jar=$data/peer.jar
url="$qbase/authorize?response_type=code&client_id=$q_rs_id&redirect_uri=https%3A%2F%2Frp.example%2Fcb&scope=openid%20email%20profile%20offline_access"
for _ in 1 2 3 4 5; do
  url=$(curl -s -o /dev/null -b "$jar" -c "$jar" -w '%{redirect_url}' "$url")
  [[ $url == "$qbase"/* ]] || break
done
q_cookie=$(jar_cookies "$jar")

# Fixed bearer tokens for userinfo and introspection: one code flow each.
p_at=$("$gen" --port "$pport" --mode once --client-id "$p_rs_id" --client-secret "$p_rs_secret" --cookie "$p_cookie" | json_field access_token)
q_at=$("$gen" --port "$qport" --mode once --client-id "$q_rs_id" --client-secret "$q_rs_secret" --cookie "$q_cookie" | json_field access_token)
p_basic=$(basic "$p_rs_id" "$p_rs_secret")
p_opaque_basic=$(basic "$p_op_id" "$p_op_secret")
q_basic=$(basic "$q_rs_id" "$q_rs_secret")
p_idle=$(rss_kb $ppid)
q_idle=$(rss_kb $qpid)
echo "idle RSS: Portico $p_idle kB, peer $q_idle kB" >&2

results=$data/results.txt
: >"$results"
# wrk_row ROW SIDE PORT PID [wrk args...]: 1 s warm-up, then the measured run.
wrk_row() {
  local row=$1 side=$2 port=$3 pid=$4
  shift 4
  wrk -t"$wrk_threads" -c"$conns" -d1s -H "Host: localhost:$port" "$@" >/dev/null
  local c0 c1
  c0=$(cpu_ticks "$pid")
  /usr/bin/time -f "%U %S" -o "$data/wrk.time" wrk -t"$wrk_threads" -c"$conns" -d"${secs}s" --latency -H "Host: localhost:$port" "$@" >"$data/wrk.txt"
  c1=$(cpu_ticks "$pid")
  local rate p99 errors gen_cpu
  rate=$(awk '/^Requests\/sec:/ {print $2}' "$data/wrk.txt")
  p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub("us","",v); v/=1000} else if (v ~ /ms$/) {sub("ms","",v)} else if (v ~ /s$/) {sub("s","",v); v*=1000}; print v}' "$data/wrk.txt")
  errors=$(awk '/Non-2xx or 3xx responses:/ {n+=$NF} /Socket errors:/ {gsub(",",""); n+=$4+$6+$8+$10} END {print n+0}' "$data/wrk.txt")
  gen_cpu=$(awk '{print $1+$2}' "$data/wrk.time")
  echo "$row $side $rate $p99 $(rss_kb "$pid") $(python3 -c "print(($c1-$c0)/$(getconf CLK_TCK))") $gen_cpu $errors $secs" >>"$results"
  echo "$row $side: $rate req/s, p99 $p99 ms, errors $errors" >&2
}
# flow_row ROW SIDE PORT PID MODE CLIENT SECRET COOKIE
flow_row() {
  local row=$1 side=$2 port=$3 pid=$4 mode=$5 id=$6 secret=$7 cookie=$8 out
  out=$("$gen" --port "$port" --mode "$mode" --client-id "$id" --client-secret "$secret" --cookie "$cookie" \
    --connections "$conns" --duration "$secs" --warmup 1 --server-pid "$pid" 2>"$data/gen.err")
  local rate p99 errors gen_cpu server_cpu completed
  eval "$(tr ' ' '\n' <<<"$out" | grep -E '^(rate|p99_ms|errors|gen_cpu_s|server_cpu_s|completed)=')"
  echo "$row $side $rate $p99_ms $(rss_kb "$pid") $server_cpu_s $gen_cpu_s $errors $secs $completed" >>"$results"
  echo "$row $side: $rate /s, p99 $p99_ms ms, errors $errors $(head -c 300 "$data/gen.err")" >&2
}

# step_rows ALG SIDE PORT PID CLIENT SECRET COOKIE [STEP]: the generator's exchange mode, whose
# two lines are the rows authorize_ALG (session → code) and exchange_ALG (code → tokens); with
# STEP, only that one is kept.
step_rows() {
  local alg=$1 side=$2 port=$3 pid=$4 id=$5 secret=$6 cookie=$7 only=${8:-} out line step
  out=$("$gen" --port "$port" --mode exchange --client-id "$id" --client-secret "$secret" --cookie "$cookie" \
    --connections "$conns" --duration "$secs" --warmup 1 --server-pid "$pid" 2>"$data/gen.err")
  while read -r line; do
    local rate p99_ms errors gen_cpu_s server_cpu_s completed seconds
    eval "$(tr ' ' '\n' <<<"$line" | grep -E '^(step|rate|p99_ms|errors|gen_cpu_s|server_cpu_s|completed|seconds)=')"
    [[ -n $only && $step != "$only" ]] && continue
    echo "${step}_$alg $side $rate $p99_ms $(rss_kb "$pid") $server_cpu_s $gen_cpu_s $errors $seconds $completed" >>"$results"
    echo "${step}_$alg $side: $rate /s, p99 $p99_ms ms, errors $errors $(head -c 300 "$data/gen.err")" >&2
  done <<<"$out"
}

run_row() {  # ROW: both sides back to back, `rounds` times
  local row=$1 round side
  for ((round = 1; round <= rounds; round++)); do
    for side in portico peer; do
      if [[ $side == portico ]]; then
        port=$pport pid=$ppid cookie=$p_cookie at=$p_at auth=$p_basic opaque_auth=$p_opaque_basic
        rs_id=$p_rs_id rs_secret=$p_rs_secret es_id=$p_es_id es_secret=$p_es_secret
        op_id=$p_op_id op_secret=$p_op_secret
      else
        port=$qport pid=$qpid cookie=$q_cookie at=$q_at auth=$q_basic opaque_auth=$q_basic
        rs_id=$q_rs_id rs_secret=$q_rs_secret es_id=$q_es_id es_secret=$q_es_secret
        op_id=$q_es_id op_secret=$q_es_secret  # the peer's access tokens are opaque in every row
      fi
      local url=http://127.0.0.1:$port
      case $row in
        discovery) wrk_row "$row" $side "$port" "$pid" "$url/.well-known/openid-configuration" ;;
        jwks) wrk_row "$row" $side "$port" "$pid" "$url/jwks" ;;
        code_rs256) flow_row "$row" $side "$port" "$pid" code "$rs_id" "$rs_secret" "$cookie" ;;
        code_es256) flow_row "$row" $side "$port" "$pid" code "$es_id" "$es_secret" "$cookie" ;;
        steps_rs256) step_rows rs256 $side "$port" "$pid" "$rs_id" "$rs_secret" "$cookie" ;;
        steps_es256) step_rows es256 $side "$port" "$pid" "$es_id" "$es_secret" "$cookie" ;;
        steps_es256_opaque) step_rows es256_opaque $side "$port" "$pid" "$op_id" "$op_secret" "$cookie" exchange ;;
        steps_es256_one_core | steps_es256_opaque_one_core)  # the peer: its one process, as always
          local one_id=$es_id one_secret=$es_secret one_port=$port one_pid=$pid
          [[ $row == *opaque* ]] && one_id=$op_id one_secret=$op_secret
          [[ $side == portico ]] && one_port=$p1port one_pid=$p1pid
          step_rows "${row#steps_}" $side "$one_port" "$one_pid" "$one_id" "$one_secret" "$cookie" exchange ;;
        refresh) flow_row "$row" $side "$port" "$pid" refresh "$rs_id" "$rs_secret" "$cookie" ;;
        client_credentials)
          BENCH_BODY="grant_type=client_credentials" BENCH_AUTH=$auth wrk_row "$row" $side "$port" "$pid" -s bench/oidc_post.lua "$url/token" ;;
        client_credentials_opaque)  # the peer issues opaque tokens in both rows
          BENCH_BODY="grant_type=client_credentials" BENCH_AUTH=$opaque_auth wrk_row "$row" $side "$port" "$pid" -s bench/oidc_post.lua "$url/token" ;;
        userinfo) wrk_row "$row" $side "$port" "$pid" -H "Authorization: Bearer $at" "$url/userinfo" ;;
        introspection)
          BENCH_BODY="token=$at" BENCH_AUTH=$auth wrk_row "$row" $side "$port" "$pid" -s bench/oidc_post.lua "$url/introspect" ;;
      esac
    done
  done
}
for row in discovery jwks code_rs256 code_es256 steps_rs256 steps_es256 steps_es256_opaque \
  steps_es256_one_core steps_es256_opaque_one_core refresh client_credentials client_credentials_opaque \
  userinfo introspection; do
  run_row "$row"
done

python3 - "$results" "$raw_rs256" "$raw_es256" "$p_idle" "$q_idle" "$secs" "$conns" "$wrk_threads" "$rounds" <<'PY'
import sys
path, raw_rs, raw_es, p_idle, q_idle, secs, conns, wrk_threads, rounds = sys.argv[1:]
raw_rs, raw_es, p_idle, q_idle = float(raw_rs), float(raw_es), int(p_idle), int(q_idle)
rows, order = {}, []
for line in open(path):
    f = line.split()
    row, side = f[0], f[1]
    if row not in rows:
        rows[row] = {}
        order.append(row)
    run = dict(rate=float(f[2]), p99=float(f[3]), rss=int(f[4]), cpu=float(f[5]), gen=float(f[6]),
               errors=int(f[7]), secs=float(f[8]))
    # Rounds add up: requests and seconds (so the rate is over all of them), CPU and errors;
    # the p99 and the RSS after a run are the worse round's.
    d = rows[row].get(side)
    if d is None:
        rows[row][side] = run
    else:
        done = d["rate"] * d["secs"] + run["rate"] * run["secs"]
        d["secs"] += run["secs"]
        d["rate"] = done / d["secs"] if d["secs"] else 0.0
        for k in ("cpu", "gen", "errors"):
            d[k] += run[k]
        d["p99"], d["rss"] = max(d["p99"], run["p99"]), max(d["rss"], run["rss"])
names = {
    "discovery": "discovery", "jwks": "JWKS",
    "code_rs256": "code flow, existing session, RS256 ID token (authorize + exchange)",
    "code_es256": "code flow, existing session, ES256 ID token (authorize + exchange)",
    "authorize_rs256": "authorize with a session → code (RS256 site)",
    "exchange_rs256": "code exchange alone, RS256 ID token",
    "authorize_es256": "authorize with a session → code (ES256 site)",
    "exchange_es256": "code exchange alone, ES256 ID token",
    "exchange_es256_opaque": "code exchange alone, ES256 ID token (Portico: opaque access token)",
    "exchange_es256_one_core": "code exchange alone, ES256 ID token, Portico with 1 I/O thread and 1 worker",
    "exchange_es256_opaque_one_core": "same, Portico: opaque access token, 1 I/O thread and 1 worker",
    "refresh": "refresh (rotated, RS256 ID token)", "client_credentials": "client_credentials (Portico: JWT access token)",
    "client_credentials_opaque": "client_credentials (Portico: opaque access token)",
    "userinfo": "userinfo (fixed bearer token)", "introspection": "introspection (that access token)",
}
mib = lambda kb: f"{kb / 1024:.0f} MiB"
print()
print(f"| row | Portico req/s | peer req/s | ratio | Portico p99 | peer p99 | Portico RSS | peer RSS |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for r in order:
    p, q = rows[r]["portico"], rows[r]["peer"]
    print(f"| {names[r]} | {p['rate']:,.0f} | {q['rate']:,.0f} | {p['rate'] / q['rate']:.1f}× | {p['p99']:.2f} ms | "
          f"{q['p99']:.2f} ms | {mib(p['rss'])} | {mib(q['rss'])} |")
print(f"| idle (after start-up and one sign-in) | | | | | | {mib(p_idle)} | {mib(q_idle)} |")
print()
print("CPU seconds during each row's measured runs, all rounds (server / load generator), and failed requests or flows:")
print()
print("| row | Portico CPU s | peer CPU s | generator CPU s (Portico run / peer run) | errors (Portico / peer) |")
print("|---|---:|---:|---:|---:|")
for r in order:
    p, q = rows[r]["portico"], rows[r]["peer"]
    print(f"| {names[r]} | {p['cpu']:.1f} | {q['cpu']:.1f} | {p['gen']:.1f} / {q['gen']:.1f} | {p['errors']} / {q['errors']} |")
print()
c_rs, c_es = rows["exchange_rs256"], rows["exchange_es256"]
per_cpu = lambda d: d["rate"] * d["secs"] / d["cpu"] if d["cpu"] else 0
print("| limit or derived figure | Portico | peer |")
print("|---|---:|---:|")
print(f"| raw RS256 signatures/s, both cores (openssl speed -multi 2) | {raw_rs:,.0f} | |")
print(f"| raw ES256 signatures/s, both cores | {raw_es:,.0f} | |")
print(f"| code exchange alone (RS256) as % of the raw RS256 signing rate | {100 * c_rs['portico']['rate'] / raw_rs:.0f} % | "
      f"{100 * c_rs['peer']['rate'] / raw_rs:.0f} % |")
print(f"| same, per server CPU-second vs raw per core | {100 * per_cpu(c_rs['portico']) / (raw_rs / 2):.0f} % | "
      f"{100 * per_cpu(c_rs['peer']) / (raw_rs / 2):.0f} % |")
print(f"| code exchange alone with ES256 per core (exchanges per server CPU-second) | {per_cpu(c_es['portico']):,.0f} | "
      f"{per_cpu(c_es['peer']):,.0f} |")
c_op = rows["exchange_es256_opaque"]
print(f"| same with opaque access tokens (one signature; the peer's tokens are opaque) | "
      f"{per_cpu(c_op['portico']):,.0f} | {per_cpu(c_op['peer']):,.0f} |")
c_1, c_1op = rows["exchange_es256_one_core"], rows["exchange_es256_opaque_one_core"]
print(f"| code exchange alone with ES256, Portico with 1 I/O thread and 1 worker: exchanges per second, "
      f"JWT / opaque access tokens | {c_1['portico']['rate']:,.0f} / {c_1op['portico']['rate']:,.0f} | |")
print(f"| same, per server CPU-second, JWT / opaque access tokens | "
      f"{per_cpu(c_1['portico']):,.0f} / {per_cpu(c_1op['portico']):,.0f} | |")
pmax = max(rows[r]["portico"]["rss"] for r in order)
qmax = max(rows[r]["peer"]["rss"] for r in order)
print(f"| largest RSS after a run | {mib(pmax)} | {mib(qmax)} |")
print(f"| Portico's share of the peer's memory (largest RSS after a run) | {100 * pmax / qmax:.0f} % | |")
print()
print(f"{conns} connections; per row and server {rounds} rounds of {secs} s, each after 1 s of warm-up, alternating "
      f"Portico and the peer (p99: the worse round's); wrk -t{wrk_threads} for single requests, "
      "oidc_flow_bench (1 thread) for flows; the servers and the generator share the machine's cores, "
      "unpinned; the second Portico node has one I/O thread and one worker.")
PY
