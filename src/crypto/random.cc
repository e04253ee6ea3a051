#include "crypto/random.h"

#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>

#include "crypto/encoding.h"

namespace portico::crypto {

std::string SecureRandom::Bytes(size_t n) {
  std::string out(n, '\0');
  if (n > 0 && RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    std::fputs("fatal: the CSPRNG failed\n", stderr);
    std::abort();
  }
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
