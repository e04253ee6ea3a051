// Fuzzes the application/x-www-form-urlencoded parser and percent-decoding (http/form.h):
// no crash, no read past the input, and every accepted field is valid UTF-8.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/utf8.h"
#include "http/form.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  if (auto form = portico::http::FormData::Parse(input)) {
    for (const auto& [name, value] : form->fields()) {
      if (!portico::utf8::IsValid(name) || !portico::utf8::IsValid(value)) std::abort();
    }
    if (form->fields().size() > 64) std::abort();
  }
  (void)portico::http::PercentDecode(input, false);
  // Encoding then decoding gives back the input.
  auto round = portico::http::PercentDecode(portico::http::PercentEncode(input), false);
  if (!round || *round != input) std::abort();
  return 0;
}
