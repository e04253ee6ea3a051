// Files embedded in the Network's binary: SQL migrations and the common-password list.
#pragma once

#include <string_view>
#include <vector>

namespace portico::network::assets {
std::string_view Find(std::string_view name);
std::vector<std::string_view> Names();
}  // namespace portico::network::assets
