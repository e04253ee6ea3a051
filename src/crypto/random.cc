#include "crypto/random.h"

#include <sodium.h>

#include "crypto/encoding.h"
#include "crypto/sodium.h"

namespace portico::crypto {

std::string SecureRandom::Bytes(size_t n) {
  // libsodium reads the kernel's CSPRNG (getrandom(2)) on every call: no state of its own to
  // reseed or to share after fork, and a third of the cost of OpenSSL's locked DRBG when both
  // cores ask at once.
  EnsureSodium();
  std::string out(n, '\0');
  if (n > 0) randombytes_buf(out.data(), n);  // aborts the process itself if the kernel fails
  return out;
}

SecureRandom& SecureRandom::Get() {
  static SecureRandom random;
  return random;
}

std::string RandomToken(Random& random, size_t bytes) {
  return Base64UrlEncode(random.Bytes(bytes));
}

}  // namespace portico::crypto
