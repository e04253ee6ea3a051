// The account page (GET /account) as every form under /account answers with it, and the guard
// that sends a signed-out person to sign in first. Shared by settings_handler.cc and
// email_handler.cc.
#pragma once

#include "selfservice/web.h"

namespace portico::selfservice {

// The account page with `notice` or `error`; `typed` re-shows a refused profile form.
http::Response ShowAccount(SelfServiceWeb& web, const PageContext& ctx, std::string_view notice,
                           std::string_view error, int status,
                           const identity::Profile* typed = nullptr);

// Runs `body` for a signed-in person; everyone else goes to sign in and comes back to /account.
template <typename Body>
http::Response SignedIn(SelfServiceWeb& web, const http::Request& request, Body body) {
  auto ctx = web.Begin(request);
  if (!ctx.ok()) return web.Failure(PageContext{}, ctx.status(), "account");
  if (!ctx->signed_in()) return web.Redirect(*ctx, "/signin?return_to=%2Faccount");
  return body(*ctx);
}

}  // namespace portico::selfservice
