// Fuzzes the authorization-code opener (oidc/authorize/sealed_code.h). Random bytes never pass
// the seal, so the record reader behind it is fuzzed directly too: no crash, and every record
// it accepts writes back to exactly the same bytes.
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
  if (auto record = portico::oidc::DecodeCodeRecord(input)) {
    auto again = portico::oidc::EncodeCodeRecord(*record);
    if (!again || *again != input) std::abort();
  }
  return 0;
}
