// Cryptographically secure randomness (the kernel's CSPRNG, through libsodium) for ids, secrets
// and salts.
//
// Random is an interface so tests can make deterministic ids where they must; production code
// uses SecureRandom. Thread-safe.
#pragma once

#include <cstddef>
#include <string>

namespace portico::crypto {

class Random {
 public:
  virtual ~Random() = default;
  // `n` random bytes. Aborts the process if the CSPRNG fails: continuing would mint guessable
  // secrets, which is worse than stopping.
  virtual std::string Bytes(size_t n) = 0;
};

class SecureRandom final : public Random {
 public:
  std::string Bytes(size_t n) override;
  static SecureRandom& Get();
};

// A new random token of `bytes` bytes, base64url-encoded without padding (RFC 4648 §5).
std::string RandomToken(Random& random, size_t bytes);

}  // namespace portico::crypto
