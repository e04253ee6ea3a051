// The password rules of MISSION N5 and NIST SP 800-63B §5.1.1.2.
//
// A password is normalized to NFKC (so the same characters typed on different keyboards match),
// then must be 8 to 1024 characters (code points; 15 under the strict policy when it is the
// only factor), and must not be on the shipped list of common passwords, be the product's name,
// or contain the person's own e-mail address. No composition rules, never truncated.
// Immutable after construction; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <unordered_set>

#include "core/status.h"

namespace portico::identity {

inline constexpr size_t kMinPasswordLength = 8;
inline constexpr size_t kStrictMinPasswordLength = 15;
inline constexpr size_t kMaxPasswordLength = 1024;

// Why a password was refused; the UI shows a sentence per reason.
enum class PasswordProblem {
  kNone,
  kNotUtf8,
  kTooShort,
  kTooLong,
  kCommon,
  kProductName,
  kContainsEmail
};

class PasswordPolicy {
 public:
  // `common_list`: one password per line, '#' lines are comments. `strict`: 15 characters minimum.
  PasswordPolicy(std::string_view common_list, bool strict);

  // The NFKC form of `password`, or kInvalidArgument when it is not valid UTF-8.
  static StatusOr<std::string> Normalize(std::string_view password);

  // Checks an already-normalized password for a person whose address is `email` (may be empty).
  PasswordProblem Check(std::string_view normalized, std::string_view email) const;

  // The sentence shown to the person for `problem`.
  std::string Explain(PasswordProblem problem) const;

  size_t min_length() const { return strict_ ? kStrictMinPasswordLength : kMinPasswordLength; }
  size_t common_count() const { return common_.size(); }

 private:
  std::unordered_set<std::string> common_;
  bool strict_;
};

}  // namespace portico::identity
