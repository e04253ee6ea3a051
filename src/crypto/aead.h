// Authenticated encryption.
//  - Seal/Open, for secrets at rest (SECURITY.md promise 6): AES-256-GCM with a random 96-bit
//    nonce per message. Sealed form: nonce (12) || ciphertext || tag (16). Random 96-bit nonces
//    allow about 2^32 messages per key (NIST SP 800-38D §8.3): right for a few keys at rest.
//  - SealMany/OpenMany, for values sealed in great numbers under one long-lived key (the
//    authorization codes, design record 0014): XChaCha20-Poly1305 with a random 192-bit nonce,
//    which has no practical message limit. Sealed form: nonce (24) || ciphertext || tag (16).
// `associated` binds the ciphertext to its context (a key id, a purpose), so a sealed value
// cannot be moved to another row or used for another purpose. Pure functions; thread-safe.
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

inline constexpr size_t kManyNonceBytes = 24;
inline constexpr size_t kManyTagBytes = 16;

// Errors: kInvalidArgument when `key` is not 32 bytes.
StatusOr<std::string> SealMany(std::string_view key, std::string_view plaintext,
                               std::string_view associated, Random& random);

// Errors: kInvalidArgument when `key` is not 32 bytes; kPermissionDenied when the sealed value
// is too short, was altered, was sealed under another key, or with other associated data.
StatusOr<std::string> OpenMany(std::string_view key, std::string_view sealed,
                               std::string_view associated);

}  // namespace portico::crypto
