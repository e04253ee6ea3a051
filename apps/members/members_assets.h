// Files embedded in the Membership Center's binary: its page templates and migrations.
#pragma once

#include <string_view>
#include <vector>

namespace portico::members::assets {
std::string_view Find(std::string_view name);
std::vector<std::string_view> Names();
}  // namespace portico::members::assets
