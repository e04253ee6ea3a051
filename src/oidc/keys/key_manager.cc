#include "oidc/keys/key_manager.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/log.h"
#include "crypto/aead.h"

namespace portico::oidc {

namespace {
constexpr jose::Algorithm kAlgorithms[] = {jose::Algorithm::kRS256, jose::Algorithm::kES256,
                                           jose::Algorithm::kEdDSA};
}  // namespace

KeyManager::KeyManager(OidcStore& store, std::string kek, Clock& clock, crypto::Random& random,
                       int64_t reload_interval)
    : store_(store),
      kek_(std::move(kek)),
      clock_(clock),
      random_(random),
      reload_interval_(reload_interval) {}

StatusOr<std::unique_ptr<KeyManager>> KeyManager::Open(OidcStore& store, std::string kek,
                                                       Clock& clock, crypto::Random& random,
                                                       int64_t reload_interval) {
  if (kek.size() != crypto::kAeadKeyBytes)
    return InvalidArgumentError("the key-encryption key must be 32 bytes");
  std::unique_ptr<KeyManager> m(
      new KeyManager(store, std::move(kek), clock, random, reload_interval));
  PORTICO_ASSIGN_OR_RETURN(auto snapshot, m->Load());
  for (jose::Algorithm alg : kAlgorithms) {
    if (m->Active(*snapshot, alg) == nullptr) PORTICO_RETURN_IF_ERROR(m->Create(alg).status());
  }
  PORTICO_ASSIGN_OR_RETURN(m->current_, m->Load());
  return m;
}

StatusOr<std::string> KeyManager::Create(jose::Algorithm alg) {
  PORTICO_ASSIGN_OR_RETURN(jose::SigningKey key, jose::SigningKey::Generate(alg));
  PORTICO_ASSIGN_OR_RETURN(std::string pem, key.ToPem());
  StoredKey stored;
  stored.kid = key.kid();
  stored.alg = std::string(jose::AlgorithmName(alg));
  PORTICO_ASSIGN_OR_RETURN(stored.sealed_key, crypto::Seal(kek_, pem, stored.kid, random_));
  stored.public_jwk = boost::json::serialize(key.public_key().ToJwk());
  stored.created_at = clock_.NowSeconds();
  PORTICO_RETURN_IF_ERROR(store_.InsertKey(stored));
  log::Info("signing_key_created", {{"kid", stored.kid}, {"alg", stored.alg}});
  return stored.kid;
}

StatusOr<std::shared_ptr<const KeyManager::Snapshot>> KeyManager::Load() {
  int64_t now = clock_.NowSeconds();
  PORTICO_ASSIGN_OR_RETURN(auto stored, store_.ListKeys(now));
  auto snapshot = std::make_shared<Snapshot>();
  snapshot->loaded_at = now;
  boost::json::array keys;
  for (const StoredKey& k : stored) {
    auto alg = jose::ParseAlgorithm(k.alg);
    if (!alg.ok()) continue;
    boost::system::error_code ec;
    auto jwk = boost::json::parse(k.public_jwk, ec);
    if (ec || !jwk.is_object()) continue;
    auto pub = jose::PublicKey::FromJwk(jwk.as_object());
    if (!pub.ok()) continue;
    snapshot->published.push_back(*pub);
    keys.push_back(jwk);
    bool have_active = false;
    for (const auto& a : snapshot->active) have_active = have_active || a.algorithm() == *alg;
    if (!k.retired_at && !have_active) {
      auto pem = crypto::Open(kek_, k.sealed_key, k.kid);
      if (!pem.ok()) {
        return PermissionDeniedError("signing key " + k.kid +
                                     " does not open with the configured key-encryption key");
      }
      PORTICO_ASSIGN_OR_RETURN(jose::SigningKey key, jose::SigningKey::FromPem(*pem, *alg));
      snapshot->active.push_back(std::move(key));
    }
  }
  boost::json::object doc;
  doc["keys"] = std::move(keys);
  snapshot->jwks_json = boost::json::serialize(doc);
  return std::shared_ptr<const Snapshot>(std::move(snapshot));
}

std::shared_ptr<const KeyManager::Snapshot> KeyManager::Current() {
  {
    std::lock_guard lock(mutex_);
    // One caller reloads; everyone else, meanwhile, gets the snapshot they would have had. The
    // lock is never held across the database read, so an I/O thread (GET /jwks) never waits
    // for another thread's reload.
    if (reloading_ || clock_.NowSeconds() - current_->loaded_at < reload_interval_) return current_;
    reloading_ = true;
  }
  auto fresh = Load();
  std::lock_guard lock(mutex_);
  reloading_ = false;
  if (fresh.ok())
    current_ = *fresh;
  else
    log::Warn("signing_keys_reload_failed", {{"status", fresh.status().ToString()}});
  return current_;
}

const jose::SigningKey* KeyManager::Active(const Snapshot& s, jose::Algorithm alg) const {
  for (const auto& k : s.active) {
    if (k.algorithm() == alg) return &k;
  }
  return nullptr;
}

Status KeyManager::Rotate(jose::Algorithm alg, int64_t keep_seconds) {
  PORTICO_ASSIGN_OR_RETURN(std::string kid, Create(alg));
  int64_t now = clock_.NowSeconds();
  PORTICO_RETURN_IF_ERROR(
      store_.RetireKeys(std::string(jose::AlgorithmName(alg)), kid, now, now + keep_seconds));
  std::lock_guard lock(mutex_);
  PORTICO_ASSIGN_OR_RETURN(current_, Load());
  return OkStatus();
}

}  // namespace portico::oidc
