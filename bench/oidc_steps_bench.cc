// The OpenID Connect token steps in process, without sockets: each handler called through the
// Network's own router on one thread, beside the signature it cannot avoid. CPU time per step
// is steadier than a loaded server's throughput on a shared machine, so this is the figure to
// watch while changing a handler; bench/oidc.sh measures the same steps over HTTP.
//   build/release/bench/oidc_steps_bench [--benchmark_filter=Exchange]
// Rows: the raw ES256 signature (OpenSSL, the limit), authorize with a session → code, the
// code exchange alone (ES256 and RS256 ID token; ES256 with an opaque access token), the whole
// ES256 code flow on one and on eight threads, client_credentials (JWT and opaque access
// tokens), userinfo and introspection of one access token.
#include <benchmark/benchmark.h>
#include <openssl/evp.h>

#include <boost/json/parse.hpp>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "crypto/encoding.h"
#include "http/form.h"
#include "http/message.h"
#include "http/router.h"
#include "network_app.h"

namespace {

namespace http = portico::http;
using portico::network::NetworkApp;

constexpr char kRedirect[] = "https://rp.example/cb";
constexpr char kVerifier[] = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";  // RFC 7636 App. B
constexpr char kChallenge[] = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

// One Network over a fresh SQLite file, one person signed in, one site per ID-token algorithm.
class Fixture {
 public:
  Fixture() {
    char tmpl[] = "/tmp/portico-steps-XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) throw std::runtime_error("cannot make a data directory");
    dir_ = tmpl;
    portico::network::NetworkConfig config;
    config.data_dir = dir_.string();
    config.access_log = false;
    auto app = NetworkApp::Create(config);
    if (!app.ok()) throw std::runtime_error(app.status().ToString());
    app_ = std::move(*app);
    app_->SetPublicUrl("http://localhost:8080");
    es256_ = AddSite("ES256");
    rs256_ = AddSite("RS256");
    opaque_ = AddSite("ES256", portico::oidc::kOpaqueAccessTokens);
    portico::identity::Field field;
    auto session = app_->accounts().SignUp(
        {"bench@example.com", "correct horse battery staple", "Bench", "Mark"}, {"bench", "::1"},
        false, &field);
    if (!session.ok()) throw std::runtime_error(session.status().ToString());
    cookie_ = std::string("__Host-portico-session=") + session->token;
  }
  ~Fixture() {
    app_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  struct Site {
    std::string id;
    std::string basic;  // the Authorization header value
  };
  const Site& es256() const { return es256_; }
  const Site& rs256() const { return rs256_; }
  const Site& opaque() const { return opaque_; }  // ES256 ID tokens, opaque access tokens

  http::Response Call(const http::Request& request) const {
    bool known = false;
    const http::Route* route = app_->router().Find(request.method, request.path, &known);
    if (route == nullptr) throw std::runtime_error("no route for " + request.path);
    return route->handler(request);
  }

  // GET /authorize with the session → the code from the redirect.
  std::string Authorize(const Site& site) const {
    http::Response r = Call(AuthorizeRequest(site));
    std::string location(r.Header("Location").value_or(""));
    auto query = http::FormData::Parse(location.substr(location.find('?') + 1));
    std::string code(query ? query->GetOr("code") : "");
    if (r.status != 302 || code.empty()) throw std::runtime_error("authorize: " + location);
    return code;
  }
  http::Request AuthorizeRequest(const Site& site) const {
    http::Request q;
    q.method = "GET";
    q.target = "/authorize?response_type=code&client_id=" + site.id +
               "&redirect_uri=" + http::PercentEncode(kRedirect) +
               "&scope=openid%20email%20profile%20offline_access&state=bench-state"
               "&nonce=bench-nonce&code_challenge=" +
               kChallenge + "&code_challenge_method=S256";
    http::SplitTarget(q.target, &q.path, &q.query);
    q.headers = {{"host", "localhost:8080"}, {"cookie", cookie_}, {"accept", "text/html"}};
    q.remote_address = "127.0.0.1";
    return q;
  }
  http::Request Post(const std::string& path, const Site& site, std::string body) const {
    http::Request q;
    q.method = "POST";
    q.target = q.path = path;
    q.headers = {{"host", "localhost:8080"},
                 {"authorization", site.basic},
                 {"content-type", "application/x-www-form-urlencoded"}};
    q.body = std::move(body);
    q.remote_address = "127.0.0.1";
    return q;
  }
  http::Request ExchangeRequest(const Site& site, const std::string& code) const {
    return Post("/token", site,
                "grant_type=authorization_code&code=" + http::PercentEncode(code) +
                    "&redirect_uri=" + http::PercentEncode(kRedirect) +
                    "&code_verifier=" + kVerifier);
  }
  // The access token of one whole code flow.
  std::string AccessToken(const Site& site) const {
    http::Response r = Call(ExchangeRequest(site, Authorize(site)));
    auto body = boost::json::parse(r.body).as_object();
    return std::string(body.at("access_token").as_string());
  }

  NetworkApp& app() const { return *app_; }

 private:
  Site AddSite(const std::string& alg,
               const std::string& access_token_format = portico::oidc::kJwtAccessTokens) {
    portico::oidc::ClientSpec spec;
    spec.name = "Bench " + alg;
    spec.redirect_uris = {kRedirect};
    spec.first_party = true;
    spec.id_token_alg = alg;
    spec.access_token_format = access_token_format;
    auto site = app_->clients().Register(spec);
    if (!site.ok()) throw std::runtime_error(site.status().ToString());
    return {site->client.id,
            "Basic " + portico::crypto::Base64Encode(site->client.id + ":" + site->secret)};
  }

  std::filesystem::path dir_;
  std::unique_ptr<NetworkApp> app_;
  Site es256_, rs256_, opaque_;
  std::string cookie_;
};

const Fixture& TheFixture() {
  static const Fixture fixture;
  return fixture;
}

void Expect(const http::Response& r, int status, benchmark::State& state) {
  if (r.status != status) state.SkipWithError(("status " + std::to_string(r.status)).c_str());
}

// The limit: OpenSSL's P-256 signature of one SHA-256 digest, as `openssl speed` measures it.
void BM_RawEs256Sign(benchmark::State& state) {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr);
  EVP_PKEY_sign_init(ctx);
  unsigned char digest[32] = {1};
  unsigned char sig[80];
  for (auto _ : state) {
    size_t len = sizeof sig;
    benchmark::DoNotOptimize(EVP_PKEY_sign(ctx, sig, &len, digest, sizeof digest));
  }
  EVP_PKEY_CTX_free(ctx);
  EVP_PKEY_free(key);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RawEs256Sign);

void BM_Authorize(benchmark::State& state) {
  const Fixture& f = TheFixture();
  http::Request request = f.AuthorizeRequest(f.es256());
  for (auto _ : state) Expect(f.Call(request), 302, state);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Authorize)->Threads(1)->Threads(8)->MeasureProcessCPUTime()->UseRealTime();

// The code exchange alone: the code is made outside the timed region.
void Exchange(benchmark::State& state, const Fixture::Site& site) {
  const Fixture& f = TheFixture();
  for (auto _ : state) {
    state.PauseTiming();
    http::Request request = f.ExchangeRequest(site, f.Authorize(site));
    state.ResumeTiming();
    Expect(f.Call(request), 200, state);
  }
  state.SetItemsProcessed(state.iterations());
}
void BM_ExchangeEs256(benchmark::State& state) { Exchange(state, TheFixture().es256()); }
void BM_ExchangeRs256(benchmark::State& state) { Exchange(state, TheFixture().rs256()); }
// ES256 ID token with an opaque access token (design record 0018): one signature, not two; the
// peer's access tokens are opaque too.
void BM_ExchangeEs256Opaque(benchmark::State& state) { Exchange(state, TheFixture().opaque()); }
BENCHMARK(BM_ExchangeEs256);
BENCHMARK(BM_ExchangeRs256);
BENCHMARK(BM_ExchangeEs256Opaque);

// The whole flow, on one thread and on eight at once (as the server's workers would run it):
// CPU of the whole process per flow, so the writes grouped into one commit show.
void BM_CodeFlowEs256(benchmark::State& state) {
  const Fixture& f = TheFixture();
  for (auto _ : state)
    Expect(f.Call(f.ExchangeRequest(f.es256(), f.Authorize(f.es256()))), 200, state);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_CodeFlowEs256)->Threads(1)->Threads(8)->MeasureProcessCPUTime()->UseRealTime();

void BM_ClientCredentials(benchmark::State& state) {
  const Fixture& f = TheFixture();
  http::Request request = f.Post("/token", f.es256(), "grant_type=client_credentials");
  for (auto _ : state) Expect(f.Call(request), 200, state);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ClientCredentials);

// The same grant for a site with opaque access tokens (design record 0018): no signature.
void BM_ClientCredentialsOpaque(benchmark::State& state) {
  const Fixture& f = TheFixture();
  http::Request request = f.Post("/token", f.opaque(), "grant_type=client_credentials");
  for (auto _ : state) Expect(f.Call(request), 200, state);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ClientCredentialsOpaque);

void BM_Userinfo(benchmark::State& state) {
  const Fixture& f = TheFixture();
  http::Request request;
  request.method = "GET";
  request.target = request.path = "/userinfo";
  request.headers = {{"authorization", "Bearer " + f.AccessToken(f.es256())}};
  for (auto _ : state) Expect(f.Call(request), 200, state);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Userinfo);

void BM_Introspection(benchmark::State& state) {
  const Fixture& f = TheFixture();
  http::Request request = f.Post("/introspect", f.es256(), "token=" + f.AccessToken(f.es256()));
  for (auto _ : state) Expect(f.Call(request), 200, state);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Introspection);

}  // namespace

BENCHMARK_MAIN();
