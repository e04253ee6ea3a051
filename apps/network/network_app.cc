#include "network_app.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "core/clock.h"
#include "core/log.h"
#include "courier/sqlite_outbox.h"
#include "courier/transport.h"
#include "crypto/aead.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "crypto/password_hash.h"
#include "crypto/random.h"
#include "identity/password_policy.h"
#include "identity/sqlite_email_store.h"
#include "identity/sqlite_identity_store.h"
#include "network_assets.h"
#include "oidc/sites/site_directory.h"
#include "oidc/sqlite_oidc_store.h"
#include "selfservice/mail/account_mailer.h"
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
  std::unique_ptr<courier::SqliteOutbox> outbox;
  std::unique_ptr<courier::Transport> transport;
  std::unique_ptr<courier::Courier> courier;
  std::unique_ptr<selfservice::AccountMailer> mailer;
  std::unique_ptr<identity::SqliteEmailStore> email_store;
  std::unique_ptr<identity::EmailService> email;
  std::unique_ptr<selfservice::SelfServiceWeb> web;
  std::unique_ptr<oidc::SqliteOidcStore> oidc_store;
  std::unique_ptr<oidc::KeyManager> keys;
  std::unique_ptr<oidc::ClientRegistry> clients;
  std::unique_ptr<oidc::Provider> provider;
  std::unique_ptr<oidc::SiteDirectory> sites;
  http::Router router;
  Clock* clock = nullptr;
  std::thread maintenance;
  std::mutex maintenance_mutex;
  std::condition_variable maintenance_wake;
  bool stopping = false;
};

std::vector<std::pair<std::string_view, std::string_view>> NetworkMigrationFiles() {
  std::vector<std::pair<std::string_view, std::string_view>> files;
  for (std::string_view name : assets::Names()) {
    if (name.size() > 4 && name.substr(name.size() - 4) == ".sql")
      files.emplace_back(name, assets::Find(name));
  }
  return files;
}

NetworkApp::NetworkApp() : parts_(std::make_unique<Parts>()) {}
NetworkApp::~NetworkApp() {
  {
    std::lock_guard lock(parts_->maintenance_mutex);
    parts_->stopping = true;
  }
  parts_->maintenance_wake.notify_all();
  if (parts_->maintenance.joinable()) parts_->maintenance.join();
  if (parts_->courier) parts_->courier->Stop();
}

Status NetworkApp::LockAccount(const std::string& account_id) {
  PORTICO_RETURN_IF_ERROR(parts_->store->SetDisabled(account_id, parts_->clock->NowSeconds()));
  PORTICO_ASSIGN_OR_RETURN(auto sessions, parts_->store->ListSessions(account_id));
  PORTICO_RETURN_IF_ERROR(parts_->store->DeleteSessionsOfAccount(account_id).status());
  parts_->web->NotifyEnded(sessions);
  return OkStatus();
}

StatusOr<int> NetworkApp::PurgeExpired() {
  int64_t now = parts_->clock->NowSeconds();
  PORTICO_ASSIGN_OR_RETURN(int identity_rows, parts_->store->PurgeExpired(now));
  PORTICO_ASSIGN_OR_RETURN(int oidc_rows, parts_->oidc_store->PurgeExpired(now));
  PORTICO_ASSIGN_OR_RETURN(int token_rows, parts_->email_store->PurgeTokens(now));
  // Sent messages are kept 30 days for the operator; dead ones until requeued or purged by hand.
  PORTICO_ASSIGN_OR_RETURN(int mail_rows, parts_->outbox->Purge(now - 30 * 86400, now));
  return identity_rows + oidc_rows + token_rows + mail_rows;
}

void NetworkApp::StartMaintenance(int interval_seconds) {
  Parts* p = parts_.get();
  p->maintenance = std::thread([this, p, interval_seconds] {
    std::unique_lock lock(p->maintenance_mutex);
    while (!p->stopping) {
      lock.unlock();
      auto purged = PurgeExpired();
      if (purged.ok())
        log::Info("maintenance_purged", {{"rows", *purged}});
      else
        log::Warn("maintenance_failed", {{"status", purged.status().ToString()}});
      lock.lock();
      p->maintenance_wake.wait_for(lock, std::chrono::seconds(interval_seconds),
                                   [p] { return p->stopping; });
    }
  });
}

const http::Router& NetworkApp::router() const { return parts_->router; }
identity::IdentityStore& NetworkApp::store() { return *parts_->store; }
identity::AccountService& NetworkApp::accounts() { return *parts_->accounts; }
oidc::OidcStore& NetworkApp::oidc_store() { return *parts_->oidc_store; }
oidc::ClientRegistry& NetworkApp::clients() { return *parts_->clients; }
oidc::KeyManager& NetworkApp::keys() { return *parts_->keys; }
oidc::Provider& NetworkApp::provider() { return *parts_->provider; }
identity::EmailService& NetworkApp::email() { return *parts_->email; }
courier::Courier& NetworkApp::courier() { return *parts_->courier; }
void NetworkApp::StartCourier() { parts_->courier->Start(); }
const std::string& NetworkApp::public_url() const { return parts_->public_url; }

namespace {

void AddOperationalRoutes(http::Router& router, store::sqlite::Database& db) {
  router.Get(
      "/healthz",
      [](const http::Request&) {
        http::Response r;
        r.SetHeader("Content-Type", "text/plain; charset=utf-8");
        r.body = "ok\n";
        return r;
      },
      http::Execution::kInline);
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
  router.Get(
      "/static/style.css",
      [](const http::Request&) {
        http::Response r;
        r.SetHeader("Content-Type", "text/css; charset=utf-8");
        r.SetHeader("Cache-Control", "public, max-age=3600");
        r.body = std::string(ui::StaticAsset("style.css"));
        return r;
      },
      http::Execution::kInline);
}

// The key-encryption key: from configuration, or a file in the data directory made on first
// start (0600), so that ./run works without setup.
StatusOr<std::string> LoadKeyEncryptionKey(const NetworkConfig& config) {
  if (!config.key_encryption_key.empty()) {
    auto key = crypto::Base64UrlDecode(config.key_encryption_key);
    if (!key || key->size() != crypto::kAeadKeyBytes) {
      return InvalidArgumentError(
          "keys.encryption_key must be 32 bytes in base64url (43 characters)");
    }
    return *key;
  }
  std::string path = config.data_dir + "/key-encryption.key";
  std::ifstream in(path, std::ios::binary);
  if (in) {
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    auto key = crypto::Base64UrlDecode(text);
    if (!key || key->size() != crypto::kAeadKeyBytes)
      return InvalidArgumentError(path + " does not hold a 32-byte key");
    return *key;
  }
  std::string key = crypto::SecureRandom::Get().Bytes(crypto::kAeadKeyBytes);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return UnavailableError("cannot create " + path);
  std::string text = crypto::Base64UrlEncode(key) + "\n";
  bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                 ::fsync(fd) == 0;
  ::close(fd);
  if (!written) return UnavailableError("cannot write " + path);
  log::Warn("key_encryption_key_created",
            {{"path", path}, {"advice", "set keys.encryption_key in production"}});
  return key;
}

}  // namespace

StatusOr<std::unique_ptr<NetworkApp>> NetworkApp::Create(const NetworkConfig& config,
                                                         Clock* clock) {
  Clock& now = clock != nullptr ? *clock : SystemClock::Get();
  std::unique_ptr<NetworkApp> app(new NetworkApp());
  Parts& p = *app->parts_;
  p.clock = &now;
  p.config = config;
  std::error_code ec;
  std::filesystem::create_directories(config.data_dir, ec);
  if (ec)
    return UnavailableError("cannot create data directory " + config.data_dir + ": " +
                            ec.message());
  ::chmod(config.data_dir.c_str(), 0700);

  PORTICO_ASSIGN_OR_RETURN(p.db,
                           store::OpenMigrated(config.DatabasePath(), NetworkMigrationFiles()));

  p.store = std::make_unique<identity::SqliteIdentityStore>(*p.db);
  p.hasher = std::make_unique<crypto::PasswordHasher>(crypto::PasswordHashParams{},
                                                      config.password_pepper);
  p.policy = std::make_unique<identity::PasswordPolicy>(assets::Find("common-passwords.txt"),
                                                        config.strict_passwords);
  identity::SessionPolicy sessions;
  sessions.idle_timeout = config.session_idle_minutes * 60;
  sessions.absolute_timeout = config.session_absolute_hours * 3600;
  sessions.remember_absolute_timeout = config.remember_days * 86400;
  sessions.remember_idle_timeout =
      std::min<int64_t>(14 * 86400, sessions.remember_absolute_timeout);
  p.accounts = std::make_unique<identity::AccountService>(*p.store, *p.hasher, *p.policy, now,
                                                          crypto::SecureRandom::Get(), sessions);
  PORTICO_ASSIGN_OR_RETURN(
      std::string csrf_key,
      p.store->GetOrCreateSecret(
          "csrf", [] { return crypto::SecureRandom::Get().Bytes(32); }, now.NowSeconds()));
  p.public_url = config.public_url.empty()
                     ? "http://localhost:" + std::to_string(config.listen_port)
                     : config.public_url;
  p.web = std::make_unique<selfservice::SelfServiceWeb>(
      *p.accounts, csrf_key, selfservice::WebOptions{http::OriginOf(p.public_url)});

  p.outbox = std::make_unique<courier::SqliteOutbox>(*p.db);
  if (config.mail_smtp_url.empty()) {
    p.transport = courier::MakeDropFolderTransport(
        config.mail_dir.empty() ? config.data_dir + "/mail" : config.mail_dir);
  } else {
    courier::SmtpSettings smtp;
    smtp.url = config.mail_smtp_url;
    smtp.require_starttls = config.mail_require_starttls;
    smtp.username = config.mail_username;
    smtp.password = config.mail_password;
    p.transport = courier::MakeSmtpTransport(smtp);
  }
  courier::CourierOptions delivery;
  delivery.from = config.mail_from;
  delivery.max_attempts = static_cast<int>(config.mail_max_attempts);
  delivery.first_retry_seconds = config.mail_retry_seconds;
  delivery.poll_seconds = config.mail_poll_seconds;
  p.courier = std::make_unique<courier::Courier>(*p.outbox, *p.transport, now,
                                                 crypto::SecureRandom::Get(), delivery);
  p.mailer = std::make_unique<selfservice::AccountMailer>(
      *p.courier, selfservice::MailBudgets{static_cast<int>(config.mail_per_address_per_hour),
                                           static_cast<int>(config.mail_per_account_per_hour)});
  p.mailer->SetPublicUrl(p.public_url);
  p.email_store = std::make_unique<identity::SqliteEmailStore>(*p.db, *p.store);
  p.email = std::make_unique<identity::EmailService>(*p.store, *p.email_store, *p.accounts,
                                                     *p.mailer, now, crypto::SecureRandom::Get());
  p.web->SetEmailService(p.email.get());
  selfservice::RegisterRoutes(p.router, *p.web);

  p.oidc_store = std::make_unique<oidc::SqliteOidcStore>(*p.db);
  PORTICO_ASSIGN_OR_RETURN(std::string kek, LoadKeyEncryptionKey(config));
  PORTICO_ASSIGN_OR_RETURN(
      p.keys, oidc::KeyManager::Open(*p.oidc_store, kek, now, crypto::SecureRandom::Get(),
                                     config.keys_reload_seconds));
  auto secret = [&](const char* name) {
    return p.store->GetOrCreateSecret(
        name, [] { return crypto::SecureRandom::Get().Bytes(32); }, now.NowSeconds());
  };
  PORTICO_ASSIGN_OR_RETURN(std::string client_secret_key, secret("client-secret"));
  PORTICO_ASSIGN_OR_RETURN(std::string pairwise_key, secret("pairwise"));
  // Derived from the key-encryption key, which lives in configuration, never in the database:
  // a copy of the database alone cannot mint authorization codes or refresh tokens (design
  // records 0014 and 0017). The two kinds are told apart by their associated data. The label
  // predates refresh tokens; changing it would change the key.
  std::string sealing_key = crypto::HmacSha256(kek, "portico authorization-code key");
  // An opaque access token works without a site's credentials, so its key needs both halves:
  // the key-encryption key and a secret kept in the database (design record 0018). Neither a
  // copy of the database nor the key-encryption key alone can mint one.
  PORTICO_ASSIGN_OR_RETURN(std::string access_token_secret, secret("access-token"));
  std::string access_token_key =
      crypto::HmacSha256(kek, "portico access-token key " + access_token_secret);
  p.clients = std::make_unique<oidc::ClientRegistry>(*p.oidc_store, client_secret_key, now,
                                                     crypto::SecureRandom::Get(), p.public_url,
                                                     p.public_url + "/token");
  p.provider = std::make_unique<oidc::Provider>(
      oidc::ProviderOptions{p.public_url}, *p.oidc_store, *p.web, *p.keys, *p.clients, now,
      crypto::SecureRandom::Get(), pairwise_key, sealing_key, access_token_key);
  p.provider->RegisterRoutes(p.router);
  p.sites = std::make_unique<oidc::SiteDirectory>(*p.oidc_store, now);
  p.web->SetSitesView(p.sites.get());
  AddOperationalRoutes(p.router, *p.db);
  p.router.SetErrorRenderer([](int status, std::string_view reason) {
    ui::Data data;
    data.set("heading",
             status == 404 ? std::string("Page not found") : "Error " + std::to_string(status));
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
  parts_->web->SetPublicOrigin(http::OriginOf(url));
  parts_->provider->SetIssuer(url);
  parts_->mailer->SetPublicUrl(url);
}

}  // namespace portico::network
