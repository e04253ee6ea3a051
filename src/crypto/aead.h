// Authenticated encryption for secrets at rest (SECURITY.md promise 6): AES-256-GCM with a
// random 96-bit nonce per message. Sealed form: nonce (12) || ciphertext || tag (16).
// `associated` binds the ciphertext to its context (a key id), so a sealed value cannot be
// moved to another row. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"
#include "crypto/random.h"

namespace portico::crypto {

inline constexpr size_t kAeadKeyBytes = 32;

// Errors: kInvalidArgument when `key` is not 32 bytes; kInternal when OpenSSL fails.
StatusOr<std::string> Seal(std::string_view key, std::string_view plaintext,
                           std::string_view associated, Random& random);

// Errors: kInvalidArgument when `key` is not 32 bytes; kPermissionDenied when the sealed value
// was altered, was sealed under another key, or with other associated data.
StatusOr<std::string> Open(std::string_view key, std::string_view sealed,
                           std::string_view associated);

}  // namespace portico::crypto
