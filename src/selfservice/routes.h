// The self-service pages of the Network and where they are registered.
//
//   GET  /                         home (sign in / sign up, or the signed-in person)
//   GET  /signup, POST /signup     create an account            (signup/signup_handler.cc)
//   GET  /signin, POST /signin     sign in                      (signin/signin_handler.cc)
//   POST /signout                  end this browser's session   (signin/signin_handler.cc)
//   GET  /account                  account information          (settings/settings_handler.cc)
//   POST /account/profile, /account/password, /account/sessions/revoke, /account/sites/revoke
//   GET/POST /signup/confirm, POST /signup/resend   the address check of a sign-up
//   /password/forgot, /password/names, /password/sent, /password/reset
//                                  misplaced credentials       (recovery/recovery_handler.cc)
//   /account/email/{add,code,primary,remove,cancel,confirm,undo}
//                                  addresses                    (settings/email_handler.cc)
#pragma once

#include "http/router.h"
#include "selfservice/web.h"

namespace portico::selfservice {

void RegisterHomeRoutes(http::Router& router, SelfServiceWeb& web);
void RegisterSignUpRoutes(http::Router& router, SelfServiceWeb& web);
void RegisterSignInRoutes(http::Router& router, SelfServiceWeb& web);
void RegisterSettingsRoutes(http::Router& router, SelfServiceWeb& web);
void RegisterEmailRoutes(http::Router& router, SelfServiceWeb& web);
void RegisterRecoveryRoutes(http::Router& router, SelfServiceWeb& web);

// All of the above.
inline void RegisterRoutes(http::Router& router, SelfServiceWeb& web) {
  RegisterHomeRoutes(router, web);
  RegisterSignUpRoutes(router, web);
  RegisterSignInRoutes(router, web);
  RegisterSettingsRoutes(router, web);
  RegisterEmailRoutes(router, web);
  RegisterRecoveryRoutes(router, web);
}

}  // namespace portico::selfservice
