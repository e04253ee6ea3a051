#include "crypto/password_hash.h"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>

#include "crypto/digest.h"
#include "crypto/sodium.h"

namespace portico::crypto {

PasswordHasher::PasswordHasher(PasswordHashParams params, std::string pepper)
    : params_(params), pepper_(std::move(pepper)) {
  EnsureSodium();
  auto dummy = Hash("portico dummy password for unknown accounts");
  if (!dummy.ok()) {
    std::fputs("fatal: cannot compute the dummy password hash\n", stderr);
    std::abort();
  }
  dummy_hash_ = *dummy;
}

std::string PasswordHasher::Prepare(std::string_view password) const {
  if (pepper_.empty()) return std::string(password);
  // The MAC is binary; Argon2 takes bytes, so no encoding is needed.
  return HmacSha256(pepper_, password);
}

StatusOr<std::string> PasswordHasher::Hash(std::string_view password) const {
  std::string input = Prepare(password);
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, input.data(), input.size(), params_.ops_limit,
                            params_.mem_limit_bytes, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return InternalError("crypto_pwhash_str_alg failed (out of memory?)");
  }
  return std::string(out);
}

bool PasswordHasher::Verify(std::string_view stored, std::string_view password) const {
  if (stored.empty() || stored.size() >= crypto_pwhash_STRBYTES) return false;
  std::string input = Prepare(password);
  std::string terminated(stored);
  return crypto_pwhash_str_verify(terminated.c_str(), input.data(), input.size()) == 0;
}

void PasswordHasher::VerifyDummy(std::string_view password) const {
  (void)Verify(dummy_hash_, password);
}

bool PasswordHasher::NeedsRehash(std::string_view stored) const {
  std::string terminated(stored);
  return crypto_pwhash_str_needs_rehash(terminated.c_str(), params_.ops_limit,
                                        params_.mem_limit_bytes) != 0;
}

}  // namespace portico::crypto
