// Fuzzes the openers of sealed authorization codes, refresh tokens and opaque access tokens
// (oidc/authorize/sealed_code.h). Random bytes never pass the seal, so the record readers behind
// it are fuzzed directly too: no crash, and every record they accept writes back to exactly the
// same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "oidc/authorize/sealed_code.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  static const std::string key(32, 'k');
  if (portico::oidc::OpenCode(input, key).ok()) std::abort();  // a forgery would be a break
  if (portico::oidc::OpenRefreshToken(input, key).ok()) std::abort();
  if (portico::oidc::OpenAccessToken(input, key).ok()) std::abort();
  if (auto record = portico::oidc::DecodeCodeRecord(input)) {
    auto again = portico::oidc::EncodeCodeRecord(*record);
    if (!again || *again != input) std::abort();
  }
  if (auto record = portico::oidc::DecodeRefreshRecord(input)) {
    auto again = portico::oidc::EncodeRefreshRecord(*record);
    if (!again || *again != input) std::abort();
  }
  if (auto record = portico::oidc::DecodeAccessRecord(input)) {
    auto again = portico::oidc::EncodeAccessRecord(*record);
    if (!again || *again != input) std::abort();
  }
  return 0;
}
