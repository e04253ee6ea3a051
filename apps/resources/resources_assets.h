// Files embedded in the resources site's binary: its page template and migrations.
#pragma once

#include <string_view>
#include <vector>

namespace portico::resources::assets {
std::string_view Find(std::string_view name);
std::vector<std::string_view> Names();
}  // namespace portico::resources::assets
