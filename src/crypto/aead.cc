#include "crypto/aead.h"

#include <openssl/evp.h>
#include <sodium.h>

#include "crypto/sodium.h"

namespace portico::crypto {
namespace {

constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;

const unsigned char* U(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

StatusOr<std::string> Seal(std::string_view key, std::string_view plaintext,
                           std::string_view associated, Random& random) {
  if (key.size() != kAeadKeyBytes) return InvalidArgumentError("AES-256-GCM needs a 32-byte key");
  std::string nonce = random.Bytes(kNonceBytes);
  std::string out = nonce;
  out.resize(kNonceBytes + plaintext.size() + kTagBytes);
  auto* cipher = reinterpret_cast<unsigned char*>(out.data()) + kNonceBytes;
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  int len = 0;
  bool ok =
      EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), nullptr, U(key), U(nonce)) == 1 &&
      EVP_EncryptUpdate(ctx, nullptr, &len, U(associated), static_cast<int>(associated.size())) ==
          1 &&
      EVP_EncryptUpdate(ctx, cipher, &len, U(plaintext), static_cast<int>(plaintext.size())) == 1 &&
      EVP_EncryptFinal_ex(ctx, cipher + len, &len) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, kTagBytes, cipher + plaintext.size()) == 1;
  EVP_CIPHER_CTX_free(ctx);
  if (!ok) return InternalError("AES-256-GCM encryption failed");
  return out;
}

StatusOr<std::string> Open(std::string_view key, std::string_view sealed,
                           std::string_view associated) {
  if (key.size() != kAeadKeyBytes) return InvalidArgumentError("AES-256-GCM needs a 32-byte key");
  if (sealed.size() < kNonceBytes + kTagBytes)
    return PermissionDeniedError("sealed value too short");
  std::string_view nonce = sealed.substr(0, kNonceBytes);
  std::string_view cipher = sealed.substr(kNonceBytes, sealed.size() - kNonceBytes - kTagBytes);
  std::string tag(sealed.substr(sealed.size() - kTagBytes));
  std::string plain(cipher.size(), '\0');
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  int len = 0;
  bool ok =
      EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), nullptr, U(key), U(nonce)) == 1 &&
      EVP_DecryptUpdate(ctx, nullptr, &len, U(associated), static_cast<int>(associated.size())) ==
          1 &&
      EVP_DecryptUpdate(ctx, reinterpret_cast<unsigned char*>(plain.data()), &len, U(cipher),
                        static_cast<int>(cipher.size())) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) == 1 &&
      EVP_DecryptFinal_ex(ctx, reinterpret_cast<unsigned char*>(plain.data()) + len, &len) == 1;
  EVP_CIPHER_CTX_free(ctx);
  if (!ok) return PermissionDeniedError("sealed value does not authenticate");
  return plain;
}

StatusOr<std::string> SealMany(std::string_view key, std::string_view plaintext,
                               std::string_view associated, Random& random) {
  static_assert(kManyNonceBytes == crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  static_assert(kManyTagBytes == crypto_aead_xchacha20poly1305_ietf_ABYTES);
  if (key.size() != crypto_aead_xchacha20poly1305_ietf_KEYBYTES)
    return InvalidArgumentError("XChaCha20-Poly1305 needs a 32-byte key");
  EnsureSodium();
  std::string out = random.Bytes(kManyNonceBytes);
  out.resize(kManyNonceBytes + plaintext.size() + kManyTagBytes);
  auto* cipher = reinterpret_cast<unsigned char*>(out.data()) + kManyNonceBytes;
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(cipher, &written, U(plaintext), plaintext.size(),
                                             U(associated), associated.size(), nullptr, U(out),
                                             U(key));
  return out;
}

StatusOr<std::string> OpenMany(std::string_view key, std::string_view sealed,
                               std::string_view associated) {
  if (key.size() != crypto_aead_xchacha20poly1305_ietf_KEYBYTES)
    return InvalidArgumentError("XChaCha20-Poly1305 needs a 32-byte key");
  if (sealed.size() < kManyNonceBytes + kManyTagBytes)
    return PermissionDeniedError("sealed value too short");
  EnsureSodium();
  std::string_view cipher = sealed.substr(kManyNonceBytes);
  std::string plain(cipher.size() - kManyTagBytes, '\0');
  unsigned long long written = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(plain.data()), &written, nullptr, U(cipher),
          cipher.size(), U(associated), associated.size(), U(sealed), U(key)) != 0) {
    return PermissionDeniedError("sealed value does not authenticate");
  }
  return plain;
}

}  // namespace portico::crypto
