// Fuzzes what the server does with a request target before routing: splitting path and query,
// parsing the query, and the UTF-8 checks (http/message.h, http/form.h, core/utf8.h).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/utf8.h"
#include "http/form.h"
#include "http/message.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string path, query;
  portico::http::SplitTarget(input, &path, &query);
  if (path.size() + query.size() + (input.find('?') != std::string_view::npos ? 1 : 0) !=
      input.size())
    std::abort();
  (void)portico::http::FormData::Parse(query);
  std::string replaced = portico::utf8::ReplaceInvalid(input);
  if (!portico::utf8::IsValid(replaced)) std::abort();
  if (portico::utf8::IsValid(input) && replaced != input) std::abort();
  (void)portico::utf8::CountCodePoints(input);
  return 0;
}
