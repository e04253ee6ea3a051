// Fuzzes the Cookie header parser (http/form.h): no crash, bounded output, token names only.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "http/form.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto cookies = portico::http::ParseCookieHeader(input);
  if (cookies.size() > 64) std::abort();
  for (const auto& [name, value] : cookies) {
    if (name.empty() || name.find_first_of(" ;=\t") != std::string::npos) std::abort();
    if (value.find(';') != std::string::npos) std::abort();
  }
  (void)portico::http::FindCookie(input, "__Host-portico-session");
  return 0;
}
