#include "identity/password_policy.h"

#include <utf8proc.h>

#include <cstdlib>

#include "core/utf8.h"
#include "identity/email_address.h"

namespace portico::identity {
namespace {

std::string FoldCase(std::string_view text) { return EmailKey(text); }

}  // namespace

PasswordPolicy::PasswordPolicy(std::string_view common_list, bool strict) : strict_(strict) {
  size_t start = 0;
  while (start < common_list.size()) {
    size_t end = common_list.find('\n', start);
    if (end == std::string_view::npos) end = common_list.size();
    std::string_view line = common_list.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!line.empty() && line.front() != '#') common_.insert(FoldCase(line));
    start = end + 1;
  }
}

StatusOr<std::string> PasswordPolicy::Normalize(std::string_view password) {
  if (!utf8::IsValid(password)) return InvalidArgumentError("password is not valid UTF-8");
  if (password.empty()) return std::string();
  utf8proc_uint8_t* out = nullptr;
  utf8proc_ssize_t n = utf8proc_map(
      reinterpret_cast<const utf8proc_uint8_t*>(password.data()),
      static_cast<utf8proc_ssize_t>(password.size()), &out,
      static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPAT | UTF8PROC_COMPOSE));
  if (n < 0) return InvalidArgumentError("password cannot be normalized");
  std::string normalized(reinterpret_cast<char*>(out), static_cast<size_t>(n));
  std::free(out);
  return normalized;
}

PasswordProblem PasswordPolicy::Check(std::string_view normalized, std::string_view email) const {
  if (!utf8::IsValid(normalized)) return PasswordProblem::kNotUtf8;
  size_t length = utf8::CountCodePoints(normalized);
  if (length < min_length()) return PasswordProblem::kTooShort;
  if (length > kMaxPasswordLength) return PasswordProblem::kTooLong;
  std::string folded = FoldCase(normalized);
  if (common_.count(folded)) return PasswordProblem::kCommon;
  std::string letters;
  for (char c : folded) {
    if (c >= 'a' && c <= 'z') letters += c;
  }
  if (letters == "portico" || letters == "porticonetwork" || letters == "porticoaccount") {
    return PasswordProblem::kProductName;
  }
  if (!email.empty()) {
    std::string key = EmailKey(email);
    std::string local = key.substr(0, key.rfind('@'));
    if (folded.find(key) != std::string::npos ||
        (local.size() >= 4 && folded.find(local) != std::string::npos)) {
      return PasswordProblem::kContainsEmail;
    }
  }
  return PasswordProblem::kNone;
}

std::string PasswordPolicy::Explain(PasswordProblem problem) const {
  switch (problem) {
    case PasswordProblem::kNone:
      return "";
    case PasswordProblem::kNotUtf8:
      return "The password contains bytes that are not text. Type it again.";
    case PasswordProblem::kTooShort:
      return "Use at least " + std::to_string(min_length()) +
             " characters. Longer is stronger: a few unrelated words work well.";
    case PasswordProblem::kTooLong:
      return "Use at most 1024 characters.";
    case PasswordProblem::kCommon:
      return "This password is too common: it is on a list of passwords that attackers try first. "
             "Choose another.";
    case PasswordProblem::kProductName:
      return "Don't use the name of this service as your password.";
    case PasswordProblem::kContainsEmail:
      return "Don't use your e-mail address in your password.";
  }
  return "";
}

}  // namespace portico::identity
