// Files embedded at build time (cmake/embed.cmake): templates and static assets.
#pragma once

#include <string_view>
#include <vector>

namespace portico::ui::assets {
std::string_view Find(std::string_view name);
std::vector<std::string_view> Names();
}  // namespace portico::ui::assets
