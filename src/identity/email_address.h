// E-mail addresses as sign-in names (MISSION N2).
//
// Syntax follows what a person can receive mail at: a local part and a domain with a dot, no
// spaces or controls, at most 254 octets (RFC 5321 §4.5.3.1). Comparison is case-insensitive
// over the whole address: the key is the Unicode case fold (NFKC_Casefold) of the address.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace portico::identity {

// Trims surrounding white space and checks the syntax. Returns the address as typed (trimmed).
// Errors: kInvalidArgument with a message fit for the person.
StatusOr<std::string> ValidateEmailAddress(std::string_view input);

// The comparison key of a valid address: case-folded and NFKC-normalized.
std::string EmailKey(std::string_view address);

}  // namespace portico::identity
