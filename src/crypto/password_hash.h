// Password hashing with Argon2id (libsodium crypto_pwhash), NIST SP 800-63B §5.1.1.2.
//
// Parameters default to 19 MiB of memory and t=2 (OWASP's Argon2id baseline). Hashes are stored
// in the PHC string format ("$argon2id$v=19$m=19456,t=2,p=1$salt$hash"), so parameters can be
// raised later and old hashes still verify (NeedsRehash tells when to upgrade). An optional
// server-side pepper is mixed in with HMAC-SHA-256 before hashing; changing it invalidates every
// stored hash, so it is set once at installation.
// Each call costs ~10 ms of CPU and 19 MiB of memory: call it from worker threads only.
// Thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace portico::crypto {

struct PasswordHashParams {
  uint64_t ops_limit = 2;                // Argon2 t (passes)
  size_t mem_limit_bytes = 19ull << 20;  // Argon2 m
};

class PasswordHasher {
 public:
  // `pepper` may be empty (no pepper).
  explicit PasswordHasher(PasswordHashParams params = {}, std::string pepper = {});

  // A PHC string for `password` (already NFKC-normalized by the caller).
  // Errors: kInternal if libsodium cannot allocate the memory.
  StatusOr<std::string> Hash(std::string_view password) const;

  // True when `password` matches `stored`. False for a mismatch or a malformed `stored`.
  bool Verify(std::string_view stored, std::string_view password) const;

  // Verifies against a fixed dummy hash so that an unknown account costs the same time as a
  // known one (SECURITY.md: same answer, same time). Always returns false.
  void VerifyDummy(std::string_view password) const;

  // True when `stored` was made with weaker parameters than this hasher's.
  bool NeedsRehash(std::string_view stored) const;

 private:
  std::string Prepare(std::string_view password) const;

  PasswordHashParams params_;
  std::string pepper_;
  std::string dummy_hash_;
};

}  // namespace portico::crypto
