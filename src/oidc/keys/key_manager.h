// KeyManager: the provider's signing keys — one active key per algorithm (RS256, ES256,
// EdDSA), generated at first start, private halves sealed with the key-encryption key
// (AES-256-GCM, SECURITY.md promise 6) — and the JWKS that publishes their public halves.
//
// Rotation (`portico-network keys rotate`) adds a new active key and retires the old one,
// which stays in the JWKS until every token it signed has expired (promise 6). Servers pick up
// a rotation made by another process within `reload_interval`.
// Thread-safe: readers get an immutable snapshot.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/status.h"
#include "crypto/random.h"
#include "jose/key.h"
#include "oidc/oidc_store.h"

namespace portico::oidc {

class KeyManager {
 public:
  struct Snapshot {
    std::vector<jose::SigningKey> active;    // one per algorithm
    std::vector<jose::PublicKey> published;  // active and retired-but-not-expired
    std::string jwks_json;                   // {"keys":[...]}
    int64_t loaded_at = 0;
  };

  // `kek`: 32-byte key-encryption key. Creates any missing active key.
  // Errors: kPermissionDenied when a stored key does not open under `kek` (wrong key).
  static StatusOr<std::unique_ptr<KeyManager>> Open(OidcStore& store, std::string kek, Clock& clock,
                                                    crypto::Random& random,
                                                    int64_t reload_interval = 60);

  // The current snapshot, reloaded from the store when older than the reload interval.
  std::shared_ptr<const Snapshot> Current();

  // The active key for `alg`.
  const jose::SigningKey* Active(const Snapshot& s, jose::Algorithm alg) const;

  // Makes a new active key for `alg`; the old one stays published for `keep_seconds`.
  Status Rotate(jose::Algorithm alg, int64_t keep_seconds);

 private:
  KeyManager(OidcStore& store, std::string kek, Clock& clock, crypto::Random& random,
             int64_t reload_interval);
  StatusOr<std::shared_ptr<const Snapshot>> Load();
  // Generates, seals and stores a new active key; returns its kid.
  StatusOr<std::string> Create(jose::Algorithm alg);

  OidcStore& store_;
  std::string kek_;
  Clock& clock_;
  crypto::Random& random_;
  int64_t reload_interval_;
  std::mutex mutex_;  // guards current_ and reloading_, never held across Load
  std::shared_ptr<const Snapshot> current_;
  bool reloading_ = false;
};

}  // namespace portico::oidc
