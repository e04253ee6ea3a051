// Multi-step flows the integration tests share: a sign-up completed with the mailed code.
#pragma once

#include <string>

#include "http_client.h"
#include "test_server.h"

namespace portico::testing {

struct SignUpForm {
  std::string email;
  std::string password;
  std::string return_to = "/";
  std::string given_name = "Ada";
  std::string family_name = "Lovelace";
};

// POSTs /signup and returns its answer (303 to /signup/confirm when the form was accepted).
HttpResult StartSignUp(Browser& b, const SignUpForm& form);

// The whole sign-up: the form, then the six-digit code from the mail the Network sent. Returns
// the answer to the code (303 to return_to with the session cookie), or the form's answer when
// the form was refused. Throws when no code arrived.
HttpResult SignUpWithMail(Browser& b, TestServer& server, const SignUpForm& form);

}  // namespace portico::testing
