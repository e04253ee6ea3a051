// Digests, MACs and comparisons on secrets (OpenSSL EVP underneath, with the digests fetched
// once; HMAC is built on them as RFC 2104 defines it).
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace portico::crypto {

// SHA-256 of `data`: 32 raw bytes.
std::string Sha256(std::string_view data);

// SHA-512 of `data`: 64 raw bytes.
std::string Sha512(std::string_view data);

// HMAC-SHA-256 (RFC 2104) of `data` under `key`: 32 raw bytes.
std::string HmacSha256(std::string_view key, std::string_view data);

// Compares two byte strings in time that depends only on their lengths.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace portico::crypto
