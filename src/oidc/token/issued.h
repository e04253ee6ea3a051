// The tokens one grant step issues (token_minter.cc), shared by the token handlers.
#pragma once

#include <string>

#include "oidc/provider.h"

namespace portico::oidc {

struct Provider::Issued {
  std::string access_token;  // JWT (RFC 9068, ES256) or opaque (sealed), per the site
  std::string id_token;      // empty when not issued
  std::string scope;
  int64_t expires_in = 0;
};

}  // namespace portico::oidc
