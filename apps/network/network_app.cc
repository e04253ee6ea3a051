#include "network_app.h"

#include <sys/stat.h>

#include <filesystem>

#include "core/clock.h"
#include "core/log.h"
#include "crypto/password_hash.h"
#include "crypto/random.h"
#include "identity/password_policy.h"
#include "identity/sqlite_identity_store.h"
#include "network_assets.h"
#include "selfservice/routes.h"
#include "selfservice/web.h"
#include "store/migrations.h"
#include "store/sqlite/database.h"
#include "ui/pages.h"

namespace portico::network {

struct NetworkApp::Parts {
  NetworkConfig config;
  std::string public_url;
  std::unique_ptr<store::sqlite::Database> db;
  std::unique_ptr<identity::SqliteIdentityStore> store;
  std::unique_ptr<crypto::PasswordHasher> hasher;
  std::unique_ptr<identity::PasswordPolicy> policy;
  std::unique_ptr<identity::AccountService> accounts;
  std::unique_ptr<selfservice::SelfServiceWeb> web;
  http::Router router;
};

std::vector<std::pair<std::string_view, std::string_view>> NetworkMigrationFiles() {
  std::vector<std::pair<std::string_view, std::string_view>> files;
  for (std::string_view name : assets::Names()) {
    if (name.size() > 4 && name.substr(name.size() - 4) == ".sql") files.emplace_back(name, assets::Find(name));
  }
  return files;
}

NetworkApp::NetworkApp() : parts_(std::make_unique<Parts>()) {}
NetworkApp::~NetworkApp() = default;

const http::Router& NetworkApp::router() const { return parts_->router; }
identity::IdentityStore& NetworkApp::store() { return *parts_->store; }
identity::AccountService& NetworkApp::accounts() { return *parts_->accounts; }
const std::string& NetworkApp::public_url() const { return parts_->public_url; }

namespace {

// The origin (scheme://host[:port]) of a URL without a path.
std::string OriginOf(const std::string& url) {
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return url;
  size_t path = url.find('/', scheme_end + 3);
  return path == std::string::npos ? url : url.substr(0, path);
}

void AddOperationalRoutes(http::Router& router, store::sqlite::Database& db) {
  router.Get("/healthz", [](const http::Request&) {
    http::Response r;
    r.SetHeader("Content-Type", "text/plain; charset=utf-8");
    r.body = "ok\n";
    return r;
  }, http::Execution::kInline);
  router.Get("/readyz", [&db](const http::Request&) {
    http::Response r;
    r.SetHeader("Content-Type", "text/plain; charset=utf-8");
    Status s = db.Read([](store::sqlite::Connection& c) {
      PORTICO_ASSIGN_OR_RETURN(auto stmt, c.Prepare("SELECT 1"));
      return stmt.Run();
    });
    r.status = s.ok() ? 200 : 503;
    r.body = s.ok() ? "ready\n" : "database unavailable\n";
    return r;
  });
  router.Get("/static/style.css", [](const http::Request&) {
    http::Response r;
    r.SetHeader("Content-Type", "text/css; charset=utf-8");
    r.SetHeader("Cache-Control", "public, max-age=3600");
    r.body = std::string(ui::StaticAsset("style.css"));
    return r;
  }, http::Execution::kInline);
}

}  // namespace

StatusOr<std::unique_ptr<NetworkApp>> NetworkApp::Create(const NetworkConfig& config, Clock* clock) {
  Clock& now = clock != nullptr ? *clock : SystemClock::Get();
  std::unique_ptr<NetworkApp> app(new NetworkApp());
  Parts& p = *app->parts_;
  p.config = config;
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec) return UnavailableError("cannot create data directory " + config.data_dir + ": " + ec.message());
  ::chmod(config.data_dir.c_str(), 0700);

  PORTICO_ASSIGN_OR_RETURN(p.db, store::sqlite::Database::Open(config.DatabasePath()));
  PORTICO_ASSIGN_OR_RETURN(auto migrations, store::MigrationsFromFiles(NetworkMigrationFiles()));
  PORTICO_RETURN_IF_ERROR(store::ApplyMigrations(*p.db, migrations).status());

  p.store = std::make_unique<identity::SqliteIdentityStore>(*p.db);
  p.hasher = std::make_unique<crypto::PasswordHasher>(crypto::PasswordHashParams{}, config.password_pepper);
  p.policy = std::make_unique<identity::PasswordPolicy>(assets::Find("common-passwords.txt"), config.strict_passwords);
  identity::SessionPolicy sessions;
  sessions.idle_timeout = config.session_idle_minutes * 60;
  sessions.absolute_timeout = config.session_absolute_hours * 3600;
  sessions.remember_absolute_timeout = config.remember_days * 86400;
  sessions.remember_idle_timeout = std::min<int64_t>(14 * 86400, sessions.remember_absolute_timeout);
  p.accounts = std::make_unique<identity::AccountService>(*p.store, *p.hasher, *p.policy, now,
                                                          crypto::SecureRandom::Get(), sessions);
  PORTICO_ASSIGN_OR_RETURN(std::string csrf_key, p.store->GetOrCreateSecret(
      "csrf", [] { return crypto::SecureRandom::Get().Bytes(32); }, now.NowSeconds()));
  p.public_url = config.public_url.empty() ? "http://localhost:" + std::to_string(config.listen_port) : config.public_url;
  p.web = std::make_unique<selfservice::SelfServiceWeb>(*p.accounts, csrf_key,
                                                        selfservice::WebOptions{OriginOf(p.public_url)});
  selfservice::RegisterRoutes(p.router, *p.web);
  AddOperationalRoutes(p.router, *p.db);
  p.router.SetErrorRenderer([](int status, std::string_view reason) {
    ui::Data data;
    data.set("heading", status == 404 ? std::string("Page not found") : "Error " + std::to_string(status));
    data.set("message", std::string(reason));
    data.set("back", std::string("/"));
    data.set("back_label", std::string("Go to the home page"));
    http::Response r;
    r.status = status;
    r.SetHeader("Content-Type", "text/html; charset=utf-8");
    r.body = ui::RenderPage("error", "Error", data);
    return r;
  });
  return app;
}

void NetworkApp::SetPublicUrl(const std::string& url) {
  parts_->public_url = url;
  parts_->web->SetPublicOrigin(OriginOf(url));
}

}  // namespace portico::network
