// PrivateMailboxes: whether an address is a private (free, personal) mailbox rather than a
// company one (MISSION M7), from the shipped list data/private-mailbox-domains.txt.
// Immutable after construction; thread-safe.
#pragma once

#include <set>
#include <string>
#include <string_view>

namespace portico::members {

class PrivateMailboxes {
 public:
  // `list`: one domain a line; "#" starts a comment line; blank lines are skipped.
  explicit PrivateMailboxes(std::string_view list);

  // True when the domain of `address` (after the last '@', compared in ASCII lower case) is on
  // the list. Subdomains are not matched: "mail.example.com" is not "example.com".
  bool IsPrivate(std::string_view address) const;

  size_t size() const { return domains_.size(); }

 private:
  std::set<std::string, std::less<>> domains_;
};

}  // namespace portico::members
