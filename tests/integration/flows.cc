#include "flows.h"

#include <stdexcept>

namespace portico::testing {

HttpResult StartSignUp(Browser& b, const SignUpForm& form) {
  b.Get("/signup");
  return b.PostForm("/signup", {{"csrf_token", b.csrf_token()},
                                {"given_name", form.given_name},
                                {"family_name", form.family_name},
                                {"email", form.email},
                                {"password", form.password},
                                {"return_to", form.return_to}});
}

HttpResult SignUpWithMail(Browser& b, TestServer& server, const SignUpForm& form) {
  HttpResult started = StartSignUp(b, form);
  if (started.status != 303 || started.Header("location") != "/signup/confirm") return started;
  auto mail = server.LatestMail(form.email, "finish creating your account");
  if (!mail || mail->Code().empty())
    throw std::runtime_error("no sign-up code was mailed to " + form.email);
  b.Get("/signup/confirm");
  return b.PostForm("/signup/confirm", {{"csrf_token", b.csrf_token()}, {"code", mail->Code()}});
}

}  // namespace portico::testing
