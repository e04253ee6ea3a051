-- wrk script: POST /signin with a fixed anonymous CSRF cookie and token (both from one GET).
-- Environment: BENCH_COOKIE, BENCH_TOKEN, BENCH_EMAIL, BENCH_PASSWORD (already form-encoded).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Cookie"] = os.getenv("BENCH_COOKIE")
wrk.body = "csrf_token=" .. os.getenv("BENCH_TOKEN") .. "&email=" .. os.getenv("BENCH_EMAIL") ..
           "&password=" .. os.getenv("BENCH_PASSWORD") .. "&return_to=%2F"

local ok, other = 0, 0
function response(status, headers, body)
  if status == 303 then ok = ok + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  io.write(string.format("wrk: %d requests in %.2fs, %.1f req/s, p50 %.1f ms, p99 %.1f ms, errors %d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout))
end
