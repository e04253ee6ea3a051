// The self-service pages of the Network and where they are registered.
//
//   GET  /                         home (sign in / sign up, or the signed-in person)
//   GET  /signup, POST /signup     create an account            (signup/signup_handler.cc)
//   GET  /signin, POST /signin     sign in                      (signin/signin_handler.cc)
//   POST /signout                  end this browser's session   (signin/signin_handler.cc)
//   GET  /account                  account information          (settings/settings_handler.cc)
//   POST /account/profile, /account/password, /account/sessions/revoke, /account/sites/revoke
#pragma once

#include "http/router.h"
#include "selfservice/web.h"

namespace portico::selfservice {

void RegisterHomeRoutes(http::Router& router, SelfServiceWeb& web);
void RegisterSignUpRoutes(http::Router& router, SelfServiceWeb& web);
void RegisterSignInRoutes(http::Router& router, SelfServiceWeb& web);
void RegisterSettingsRoutes(http::Router& router, SelfServiceWeb& web);

// All of the above.
inline void RegisterRoutes(http::Router& router, SelfServiceWeb& web) {
  RegisterHomeRoutes(router, web);
  RegisterSignUpRoutes(router, web);
  RegisterSignInRoutes(router, web);
  RegisterSettingsRoutes(router, web);
}

}  // namespace portico::selfservice
