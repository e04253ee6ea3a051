// The account: who a person is to the Network (MISSION N1–N3).
//
// An account's id is random and opaque ("acc_" + 22 base64url characters, 128 bits), assigned at
// sign-up and never changed or reused; every other attribute may change. Plain values.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace portico::identity {

// N3 profile and mailing address. Every field is free text, bounded by kMaxFieldLength.
struct Profile {
  std::string given_name;
  std::string family_name;
  std::string display_name;  // defaults to "given family" when empty
  std::string street;
  std::string city;
  std::string region;
  std::string postal_code;
  std::string country;
  std::string language;  // BCP 47 tag, e.g. "en" or "pt-BR"
};

inline constexpr size_t kMaxFieldLength = 200;

struct Account {
  std::string id;
  std::string email;  // the primary address, as typed
  bool email_verified = false;
  Profile profile;
  std::string password_hash;  // empty when the account has no password
  int64_t created_at = 0;
  std::optional<int64_t> disabled_at;  // set: locked by the operator
};

}  // namespace portico::identity
