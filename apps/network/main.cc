// portico-network: the Network's one binary — the server and the operator's CLI.
//
//   portico-network serve   [--config FILE]      start the Network (default command)
//   portico-network migrate [--config FILE]      apply database migrations and exit
//   portico-network account list [--limit N]     list accounts
//   portico-network account lock   <email|id>    lock an account (its sessions stop working)
//   portico-network account unlock <email|id>    unlock it and clear failed sign-ins
//
// Configuration: --config FILE or PORTICO_CONFIG, then PORTICO_* variables (see
// docs/operations/configuration.md). Exit codes: 0 success, 1 runtime error, 2 usage error.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/log.h"
#include "http/server.h"
#include "identity/email_address.h"
#include "network_app.h"
#include "network_config.h"

namespace {

using portico::Status;
using portico::StatusOr;
namespace network = portico::network;
namespace identity = portico::identity;

constexpr char kUsage[] =
    "usage: portico-network [serve|migrate] [--config FILE]\n"
    "       portico-network account list [--limit N] [--config FILE]\n"
    "       portico-network account lock|unlock <email-or-account-id> [--config FILE]\n";

struct Args {
  std::vector<std::string> words;
  std::string config;
  int limit = 100;
};

bool ParseArgs(int argc, char** argv, Args* args) {
  if (const char* env = std::getenv("PORTICO_CONFIG")) args->config = env;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--config" && i + 1 < argc) {
      args->config = argv[++i];
    } else if (a == "--limit" && i + 1 < argc) {
      args->limit = std::atoi(argv[++i]);
      if (args->limit <= 0) return false;
    } else if (a == "-h" || a == "--help") {
      return false;
    } else if (!a.empty() && a[0] == '-') {
      return false;
    } else {
      args->words.push_back(a);
    }
  }
  return true;
}

int Fail(const Status& s) {
  std::fprintf(stderr, "portico-network: %s\n", s.ToString().c_str());
  return 1;
}

StatusOr<identity::Account> FindAccount(network::NetworkApp& app, const std::string& who) {
  if (who.rfind("acc_", 0) == 0) return app.store().FindAccountById(who);
  return app.store().FindAccountByEmailKey(identity::EmailKey(who));
}

int Serve(const network::NetworkConfig& config) {
  auto started = std::chrono::steady_clock::now();
  auto app = network::NetworkApp::Create(config);
  if (!app.ok()) return Fail(app.status());
  portico::http::ServerOptions options;
  options.address = config.listen_address;
  options.port = config.listen_port;
  options.io_threads = config.io_threads;
  options.worker_threads = config.worker_threads;
  options.access_log = config.access_log;
  options.handle_signals = true;
  portico::http::Server server(options, (*app)->router());
  auto port = server.Listen();
  if (!port.ok()) return Fail(port.status());
  if (config.public_url.empty()) (*app)->SetPublicUrl("http://localhost:" + std::to_string(*port));
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  portico::log::Info("ready", {{"url", (*app)->public_url()}, {"port", static_cast<int>(*port)},
                               {"startup_ms", static_cast<long long>(millis)}});
  std::printf("Portico Network ready at %s/\n", (*app)->public_url().c_str());
  std::fflush(stdout);
  server.Run();
  portico::log::Info("stopped");
  return 0;
}

int AccountCommand(const network::NetworkConfig& config, const Args& args) {
  auto app = network::NetworkApp::Create(config);
  if (!app.ok()) return Fail(app.status());
  const std::string& verb = args.words.size() > 1 ? args.words[1] : "";
  if (verb == "list") {
    auto accounts = (*app)->store().ListAccounts(args.limit, 0);
    if (!accounts.ok()) return Fail(accounts.status());
    std::printf("%-27s %-8s %s\n", "ID", "STATE", "E-MAIL / NAME");
    for (const auto& a : *accounts) {
      std::printf("%-27s %-8s %s (%s)\n", a.id.c_str(), a.disabled_at ? "locked" : "active", a.email.c_str(),
                  a.profile.display_name.c_str());
    }
    return 0;
  }
  if ((verb == "lock" || verb == "unlock") && args.words.size() == 3) {
    auto account = FindAccount(**app, args.words[2]);
    if (!account.ok()) return Fail(account.status());
    Status s;
    if (verb == "lock") {
      s = (*app)->store().SetDisabled(account->id, portico::SystemClock::Get().NowSeconds());
      // A lock signs the person out everywhere; unlocking does not bring sessions back.
      if (s.ok()) s = (*app)->store().DeleteSessionsOfAccount(account->id).status();
    } else {
      s = (*app)->store().SetDisabled(account->id, std::nullopt);
      if (s.ok()) s = (*app)->store().ClearSignInFailures("account:" + account->id);
    }
    if (!s.ok()) return Fail(s);
    portico::log::Info(verb == "lock" ? "account_locked" : "account_unlocked", {{"account", account->id}});
    std::printf("%s %s (%s)\n", verb == "lock" ? "locked" : "unlocked", account->id.c_str(), account->email.c_str());
    return 0;
  }
  std::fputs(kUsage, stderr);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Args args;
  if (!ParseArgs(argc, argv, &args)) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  auto config = network::LoadNetworkConfig(args.config);
  if (!config.ok()) return Fail(config.status());
  portico::log::Level level;
  if (!portico::log::ParseLevel(config->log_level, &level)) {
    return Fail(portico::InvalidArgumentError("log.level must be debug, info, warn or error"));
  }
  portico::log::SetMinLevel(level);
  const std::string command = args.words.empty() ? "serve" : args.words[0];
  if (command == "serve" && args.words.size() <= 1) return Serve(*config);
  if (command == "migrate" && args.words.size() == 1) {
    auto app = network::NetworkApp::Create(*config);
    if (!app.ok()) return Fail(app.status());
    std::printf("database %s is up to date\n", config->DatabasePath().c_str());
    return 0;
  }
  if (command == "account") return AccountCommand(*config, args);
  std::fputs(kUsage, stderr);
  return 2;
}
