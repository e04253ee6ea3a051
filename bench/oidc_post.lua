-- wrk script of bench/oidc.sh: the same POST on every request, a form body with Basic client
-- authentication, both from the environment (BENCH_BODY, BENCH_AUTH).
wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY")
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = os.getenv("BENCH_AUTH")
