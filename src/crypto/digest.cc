#include "crypto/digest.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cstdlib>
#include <cstring>
#include <memory>

namespace portico::crypto {
namespace {

// OpenSSL 3 looks a digest up by name, under a lock, on every one-shot call (SHA256(),
// HMAC()); fetching each once saves most of a short hash's cost when both cores hash at once.
const EVP_MD* Fetched(const char* name) {
  const EVP_MD* md = EVP_MD_fetch(nullptr, name, nullptr);
  if (md == nullptr) std::abort();  // OpenSSL without SHA-2: nothing here can work
  return md;
}
const EVP_MD* FetchedSha256() {
  static const EVP_MD* md = Fetched("SHA256");
  return md;
}
const EVP_MD* FetchedSha512() {
  static const EVP_MD* md = Fetched("SHA512");
  return md;
}

std::string Digest(const EVP_MD* md, std::string_view data) {
  std::string out(EVP_MAX_MD_SIZE, '\0');
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), reinterpret_cast<unsigned char*>(out.data()), &len, md,
                 nullptr) != 1)
    std::abort();  // only on allocation failure: a wrong digest would be worse than stopping
  out.resize(len);
  return out;
}

// One digest context per thread, reused: HMAC needs the incremental interface.
EVP_MD_CTX* ThreadContext() {
  thread_local std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(),
                                                                           EVP_MD_CTX_free);
  if (!ctx) std::abort();
  return ctx.get();
}

}  // namespace

std::string Sha256(std::string_view data) { return Digest(FetchedSha256(), data); }

std::string Sha512(std::string_view data) { return Digest(FetchedSha512(), data); }

std::string HmacSha256(std::string_view key, std::string_view data) {
  // RFC 2104 §2: H(K ^ opad || H(K ^ ipad || data)), K padded to the 64-byte block, and
  // hashed first when it is longer than a block.
  constexpr size_t kBlock = 64;
  unsigned char k[kBlock] = {};
  std::string hashed_key;
  if (key.size() > kBlock) {
    hashed_key = Sha256(key);
    key = hashed_key;
  }
  std::memcpy(k, key.data(), key.size());
  unsigned char pad[kBlock];
  unsigned char inner[32];
  std::string out(32, '\0');
  EVP_MD_CTX* ctx = ThreadContext();
  for (size_t i = 0; i < kBlock; ++i) pad[i] = k[i] ^ 0x36;
  bool ok = EVP_DigestInit_ex2(ctx, FetchedSha256(), nullptr) == 1 &&
            EVP_DigestUpdate(ctx, pad, kBlock) == 1 &&
            EVP_DigestUpdate(ctx, data.data(), data.size()) == 1 &&
            EVP_DigestFinal_ex(ctx, inner, nullptr) == 1;
  for (size_t i = 0; i < kBlock; ++i) pad[i] = k[i] ^ 0x5c;
  ok = ok && EVP_DigestInit_ex2(ctx, FetchedSha256(), nullptr) == 1 &&
       EVP_DigestUpdate(ctx, pad, kBlock) == 1 && EVP_DigestUpdate(ctx, inner, sizeof inner) == 1 &&
       EVP_DigestFinal_ex(ctx, reinterpret_cast<unsigned char*>(out.data()), nullptr) == 1;
  OPENSSL_cleanse(k, sizeof k);
  OPENSSL_cleanse(pad, sizeof pad);
  OPENSSL_cleanse(inner, sizeof inner);
  if (!hashed_key.empty()) OPENSSL_cleanse(hashed_key.data(), hashed_key.size());
  if (!ok) std::abort();  // only on allocation failure, as above
  return out;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace portico::crypto
