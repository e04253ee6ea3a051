// portico-network: the Network's one binary — the server and the operator's CLI.
//
//   portico-network serve   [--config FILE]      start the Network (default command)
//   portico-network migrate [--config FILE]      apply database migrations and exit
//   portico-network account list [--limit N]     list accounts
//   portico-network account lock   <email|id>    lock an account (its sessions stop working)
//   portico-network account unlock <email|id>    unlock it and clear failed sign-ins
//   portico-network client add --name N --redirect-uri U [...]   register a site (prints its secret
//   once) portico-network client list | show <id> | remove <id> | rotate-secret <id>
//   portico-network keys rotate [--alg RS256|ES256|EdDSA]          rotate a signing key
//   portico-network mail list [--limit N]        the outbox: pending, sent and dead messages
//   portico-network mail retry                   every waiting message due now
//   portico-network mail requeue                 dead-lettered messages back to pending
//
// Configuration: --config FILE or PORTICO_CONFIG, then PORTICO_* variables (see
// docs/operations/configuration.md). Exit codes: 0 success, 1 runtime error, 2 usage error.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <set>
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
    "       portico-network account list [--limit N]\n"
    "       portico-network account lock|unlock <email-or-account-id>\n"
    "       portico-network client add --name NAME --redirect-uri URI [--redirect-uri URI ...]\n"
    "             [--post-logout-redirect-uri URI ...] [--auth-method "
    "client_secret_basic|client_secret_post|\n"
    "             private_key_jwt|none] [--jwks-file FILE] [--first-party] [--pairwise "
    "[--sector-id HOST]]\n"
    "             [--id-token-alg RS256|ES256|EdDSA] [--access-token-format jwt|opaque]\n"
    "             [--backchannel-logout-uri URI] [--logo-uri URI] [--home-uri URI] [--unlisted]\n"
    "       portico-network client list | show <id> | remove <id> | rotate-secret <id>\n"
    "       portico-network keys rotate [--alg RS256|ES256|EdDSA]\n"
    "       portico-network mail list [--limit N] | retry | requeue\n"
    "Every command takes --config FILE (or PORTICO_CONFIG).\n";

// Flags that take no value.
constexpr std::string_view kSwitches[] = {"--first-party", "--pairwise", "--unlisted"};

struct Args {
  std::vector<std::string> words;
  std::string config;
  int limit = 100;
  std::multimap<std::string, std::string> options;  // --name value (repeatable)
  std::set<std::string> switches;

  std::string One(const std::string& name, const std::string& fallback = "") const {
    auto it = options.find(name);
    return it == options.end() ? fallback : it->second;
  }
  std::vector<std::string> All(const std::string& name) const {
    std::vector<std::string> out;
    for (auto [it, end] = options.equal_range(name); it != end; ++it) out.push_back(it->second);
    return out;
  }
};

bool ParseArgs(int argc, char** argv, Args* args) {
  if (const char* env = std::getenv("PORTICO_CONFIG")) args->config = env;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-h" || a == "--help") return false;
    bool is_switch = false;
    for (auto sw : kSwitches) is_switch = is_switch || a == sw;
    if (is_switch) {
      args->switches.insert(a);
    } else if (a.rfind("--", 0) == 0) {
      if (i + 1 >= argc) return false;
      std::string value = argv[++i];
      if (a == "--config") {
        args->config = value;
      } else if (a == "--limit") {
        args->limit = std::atoi(value.c_str());
        if (args->limit <= 0) return false;
      } else {
        args->options.emplace(a.substr(2), value);
      }
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
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(
                    std::chrono::steady_clock::now() - started)
                    .count();
  portico::log::Info("ready", {{"url", (*app)->public_url()},
                               {"port", static_cast<int>(*port)},
                               {"startup_ms", static_cast<long long>(millis)}});
  (*app)->StartMaintenance();
  (*app)->StartCourier();
  std::printf("Portico Network ready at %s/\n", (*app)->public_url().c_str());
  std::fflush(stdout);
  server.Run();
  portico::log::Info("stopped");
  return 0;
}

void PrintClient(const portico::oidc::Client& c) {
  std::printf("id:                  %s\nname:                %s\nauth method:         %s\n",
              c.id.c_str(), c.name.c_str(), c.auth_method.c_str());
  for (const auto& u : c.redirect_uris) std::printf("redirect uri:        %s\n", u.c_str());
  for (const auto& u : c.post_logout_redirect_uris)
    std::printf("post-logout uri:     %s\n", u.c_str());
  std::printf(
      "first party:         %s\nsubject type:        %s (sector %s)\nid token alg:        %s\n"
      "access tokens:       %s\n",
      c.first_party ? "yes" : "no", c.subject_type.c_str(), c.sector_id.c_str(),
      c.id_token_alg.c_str(), c.access_token_format.c_str());
  if (!c.backchannel_logout_uri.empty())
    std::printf("back-channel logout: %s\n", c.backchannel_logout_uri.c_str());
  std::printf("listed:              %s\n", c.listed ? "yes" : "no");
}

int ClientCommand(const network::NetworkConfig& config, const Args& args) {
  auto app = network::NetworkApp::Create(config);
  if (!app.ok()) return Fail(app.status());
  const std::string& verb = args.words.size() > 1 ? args.words[1] : "";
  auto& store = (*app)->oidc_store();
  if (verb == "add" && args.words.size() == 2) {
    portico::oidc::ClientSpec spec;
    spec.name = args.One("name");
    spec.redirect_uris = args.All("redirect-uri");
    spec.post_logout_redirect_uris = args.All("post-logout-redirect-uri");
    spec.auth_method = args.One("auth-method", portico::oidc::kClientSecretBasic);
    spec.first_party = args.switches.count("--first-party") > 0;
    spec.subject_type = args.switches.count("--pairwise") ? "pairwise" : "public";
    spec.sector_id = args.One("sector-id");
    spec.id_token_alg = args.One("id-token-alg", "RS256");
    spec.access_token_format = args.One("access-token-format", portico::oidc::kJwtAccessTokens);
    spec.backchannel_logout_uri = args.One("backchannel-logout-uri");
    spec.logo_uri = args.One("logo-uri");
    spec.home_uri = args.One("home-uri");
    if (std::string file = args.One("jwks-file"); !file.empty()) {
      std::ifstream in(file);
      if (!in) return Fail(portico::NotFoundError("cannot read " + file));
      spec.jwks.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    spec.listed = args.switches.count("--unlisted") == 0;
    auto registered = (*app)->clients().Register(spec);
    if (!registered.ok()) return Fail(registered.status());
    PrintClient(registered->client);
    if (!registered->secret.empty()) {
      std::printf(
          "secret:              %s\n(shown once: store it in the site's configuration now)\n",
          registered->secret.c_str());
    }
    return 0;
  }
  if (verb == "list" && args.words.size() == 2) {
    auto clients = store.ListClients();
    if (!clients.ok()) return Fail(clients.status());
    std::printf("%-22s %-20s %s\n", "ID", "AUTH METHOD", "NAME");
    for (const auto& c : *clients)
      std::printf("%-22s %-20s %s\n", c.id.c_str(), c.auth_method.c_str(), c.name.c_str());
    return 0;
  }
  if (args.words.size() == 3 && (verb == "show" || verb == "remove" || verb == "rotate-secret")) {
    const std::string& id = args.words[2];
    if (verb == "show") {
      auto c = store.FindClient(id);
      if (!c.ok()) return Fail(c.status());
      PrintClient(*c);
      return 0;
    }
    if (verb == "remove") {
      Status s = store.DeleteClient(id);
      if (!s.ok()) return Fail(s);
      portico::log::Info("client_removed", {{"client", id}});
      std::printf("removed %s\n", id.c_str());
      return 0;
    }
    auto secret = (*app)->clients().RotateSecret(id);
    if (!secret.ok()) return Fail(secret.status());
    std::printf("new secret for %s: %s\n(shown once; the old secret no longer works)\n", id.c_str(),
                secret->c_str());
    return 0;
  }
  std::fputs(kUsage, stderr);
  return 2;
}

int KeysCommand(const network::NetworkConfig& config, const Args& args) {
  if (args.words.size() != 2 || args.words[1] != "rotate") {
    std::fputs(kUsage, stderr);
    return 2;
  }
  auto alg = portico::jose::ParseAlgorithm(args.One("alg", "RS256"));
  if (!alg.ok()) return Fail(alg.status());
  auto app = network::NetworkApp::Create(config);
  if (!app.ok()) return Fail(app.status());
  // Old keys stay published a day: longer than any token they signed lives.
  Status s = (*app)->keys().Rotate(*alg, 86400);
  if (!s.ok()) return Fail(s);
  auto snapshot = (*app)->keys().Current();
  const auto* key = (*app)->keys().Active(*snapshot, *alg);
  std::printf("new %s signing key %s; the previous one stays in the JWKS for 24 hours\n",
              std::string(portico::jose::AlgorithmName(*alg)).c_str(),
              key ? key->kid().c_str() : "?");
  return 0;
}

// The operator's view of the outbox. A running server picks changes up at its next poll.
int MailCommand(const network::NetworkConfig& config, const Args& args) {
  const std::string& verb = args.words.size() == 2 ? args.words[1] : "";
  if (verb != "list" && verb != "retry" && verb != "requeue") {
    std::fputs(kUsage, stderr);
    return 2;
  }
  auto app = network::NetworkApp::Create(config);
  if (!app.ok()) return Fail(app.status());
  portico::courier::Outbox& outbox = (*app)->courier().outbox();
  int64_t now = portico::SystemClock::Get().NowSeconds();
  if (verb == "retry") {
    Status s = outbox.WakeAll(now);
    if (!s.ok()) return Fail(s);
    std::printf("every waiting message is due now\n");
    return 0;
  }
  if (verb == "requeue") {
    auto n = outbox.Requeue(now);
    if (!n.ok()) return Fail(n.status());
    std::printf("%d dead-lettered message(s) back in the queue\n", *n);
    return 0;
  }
  auto counts = outbox.Counts();
  auto messages = outbox.List(args.limit);
  if (!counts.ok()) return Fail(counts.status());
  if (!messages.ok()) return Fail(messages.status());
  std::printf("%d pending, %d sent, %d dead; delivery: %s\n", counts->pending, counts->sent,
              counts->dead, (*app)->courier().transport().Describe().c_str());
  for (const auto& m : *messages) {
    const char* state = m.state == portico::courier::MessageState::kSent   ? "sent"
                        : m.state == portico::courier::MessageState::kDead ? "dead"
                                                                           : "pending";
    std::printf("%6lld  %-8s %-17s attempts=%d  %s%s%s\n", static_cast<long long>(m.id), state,
                m.message.kind.c_str(), m.attempts, m.message.to.c_str(),
                m.last_error.empty() ? "" : "  last error: ", m.last_error.c_str());
  }
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
      std::printf("%-27s %-8s %s (%s)\n", a.id.c_str(), a.disabled_at ? "locked" : "active",
                  a.email.c_str(), a.profile.display_name.c_str());
    }
    return 0;
  }
  if ((verb == "lock" || verb == "unlock") && args.words.size() == 3) {
    auto account = FindAccount(**app, args.words[2]);
    if (!account.ok()) return Fail(account.status());
    Status s;
    if (verb == "lock") {
      // A lock signs the person out everywhere, sites included; unlocking brings nothing back.
      s = (*app)->LockAccount(account->id);
    } else {
      s = (*app)->store().SetDisabled(account->id, std::nullopt);
      if (s.ok()) s = (*app)->store().ClearSignInFailures("account:" + account->id);
    }
    if (!s.ok()) return Fail(s);
    portico::log::Info(verb == "lock" ? "account_locked" : "account_unlocked",
                       {{"account", account->id}});
    std::printf("%s %s (%s)\n", verb == "lock" ? "locked" : "unlocked", account->id.c_str(),
                account->email.c_str());
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
  if (command == "client") return ClientCommand(*config, args);
  if (command == "keys") return KeysCommand(*config, args);
  if (command == "mail") return MailCommand(*config, args);
  std::fputs(kUsage, stderr);
  return 2;
}
