// NetworkApp: the Network assembled — database, migrations, identity services, self-service
// pages, health checks and static files — ready to hand its router to an http::Server.
// main() and the integration tests build it the same way. Not copyable; thread-safe once built.
#pragma once

#include <memory>
#include <string>

#include "core/clock.h"
#include "core/status.h"
#include "courier/courier.h"
#include "http/router.h"
#include "identity/account_service.h"
#include "identity/email_service.h"
#include "identity/identity_store.h"
#include "network_config.h"
#include "oidc/client/client_registry.h"
#include "oidc/keys/key_manager.h"
#include "oidc/oidc_store.h"
#include "oidc/provider.h"

namespace portico::network {

class NetworkApp {
 public:
  // Creates the data directory, opens the database, applies migrations and builds the services.
  // Errors: kUnavailable (data directory or database), kFailedPrecondition (newer schema).
  // `clock` (tests) defaults to the system clock and must outlive the app.
  static StatusOr<std::unique_ptr<NetworkApp>> Create(const NetworkConfig& config,
                                                      Clock* clock = nullptr);
  ~NetworkApp();

  const http::Router& router() const;
  identity::IdentityStore& store();
  identity::AccountService& accounts();
  oidc::OidcStore& oidc_store();
  oidc::ClientRegistry& clients();
  oidc::KeyManager& keys();
  oidc::Provider& provider();
  identity::EmailService& email();
  courier::Courier& courier();

  // Locks an account: no sign-in, every session ended, and the sites those sessions signed in
  // to told by back-channel logout. Errors: kNotFound, kUnavailable.
  Status LockAccount(const std::string& account_id);

  // Starts a background thread that purges expired sessions, codes and tokens every
  // `interval_seconds`; stopped by the destructor.
  void StartMaintenance(int interval_seconds = 600);
  // Starts the courier's delivery worker (serve only; the CLI queues but does not deliver).
  void StartCourier();

  // One purge pass (the thread's work). Returns rows deleted.
  StatusOr<int> PurgeExpired();

  // Fixes the public URL once the listening port is known (before serving starts).
  void SetPublicUrl(const std::string& url);
  const std::string& public_url() const;

 private:
  NetworkApp();
  struct Parts;
  std::unique_ptr<Parts> parts_;
};

// The embedded migrations of the Network's SQLite schema, in order.
std::vector<std::pair<std::string_view, std::string_view>> NetworkMigrationFiles();

}  // namespace portico::network
