#include "members/company_email.h"

namespace portico::members {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

}  // namespace

PrivateMailboxes::PrivateMailboxes(std::string_view list) {
  while (!list.empty()) {
    size_t end = list.find('\n');
    std::string_view line = Trim(list.substr(0, end));
    list.remove_prefix(end == std::string_view::npos ? list.size() : end + 1);
    if (line.empty() || line.front() == '#') continue;
    domains_.insert(Lower(line));
  }
}

bool PrivateMailboxes::IsPrivate(std::string_view address) const {
  size_t at = address.rfind('@');
  if (at == std::string_view::npos) return false;
  std::string domain = Lower(Trim(address.substr(at + 1)));
  while (!domain.empty() && domain.back() == '.') domain.pop_back();  // "gmail.com." too
  return domains_.count(domain) > 0;
}

}  // namespace portico::members
