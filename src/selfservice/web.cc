#include "selfservice/web.h"

#include "core/log.h"
#include "crypto/digest.h"
#include "crypto/encoding.h"
#include "crypto/random.h"
#include "http/cookie.h"
#include "http/security_headers.h"

namespace portico::selfservice {

SelfServiceWeb::SelfServiceWeb(identity::AccountService& accounts, std::string csrf_key,
                               WebOptions options)
    : accounts_(accounts), csrf_key_(std::move(csrf_key)), options_(std::move(options)) {}

std::string SelfServiceWeb::CsrfTokenFor(std::string_view binding) const {
  return crypto::Base64UrlEncode(crypto::HmacSha256(csrf_key_, binding));
}

StatusOr<PageContext> SelfServiceWeb::Begin(const http::Request& request) {
  PageContext ctx;
  ctx.client.user_agent = std::string(request.Header("user-agent").value_or(""));
  ctx.client.ip = request.remote_address;
  std::string_view cookies = request.Header("cookie").value_or("");
  if (auto token = http::FindCookie(cookies, kSessionCookie)) {
    auto active = accounts_.ResolveSession(*token);
    if (active.ok()) {
      ctx.active = std::move(*active);
      ctx.session_token = *token;
    } else if (active.status().code() != StatusCode::kUnauthenticated) {
      return active.status();
    }
  }
  if (ctx.active) {
    ctx.csrf_binding = "session:" + ctx.active->session.token_hash;
  } else {
    auto anon = http::FindCookie(cookies, kCsrfCookie);
    if (!anon || anon->size() < 22 || anon->size() > 64) {
      ctx.new_csrf_cookie = crypto::RandomToken(crypto::SecureRandom::Get(), 16);
      anon = ctx.new_csrf_cookie;
    }
    ctx.csrf_binding = "anonymous:" + *anon;
  }
  ctx.csrf_token = CsrfTokenFor(ctx.csrf_binding);
  return ctx;
}

std::optional<http::FormData> SelfServiceWeb::ReadForm(const http::Request& request,
                                                       const PageContext& ctx,
                                                       http::Response* error) {
  std::string_view type = request.Header("content-type").value_or("");
  if (type.substr(0, type.find(';')) != "application/x-www-form-urlencoded") {
    *error = ErrorPage(ctx, 415, "Unsupported form",
                       "This address accepts only forms sent by a web page.");
    return std::nullopt;
  }
  if (auto origin = request.Header("origin");
      origin && *origin != options_.public_origin && *origin != "null") {
    *error = ErrorPage(ctx, 403, "Form refused",
                       "This form was sent from another site, so it was refused.");
    return std::nullopt;
  }
  auto form = http::FormData::Parse(request.body);
  if (!form) {
    *error =
        ErrorPage(ctx, 400, "Form not understood",
                  "The form contained text that could not be read. Please go back and try again.");
    return std::nullopt;
  }
  std::string_view token = form->GetOr("csrf_token");
  // A browser without the binding cookie (or with a new one) cannot present a valid token.
  if (!ctx.new_csrf_cookie.empty() || !crypto::ConstantTimeEquals(token, ctx.csrf_token)) {
    *error = ErrorPage(ctx, 403, "This form has expired",
                       "For your safety, the form could not be accepted. Please go back, reload "
                       "the page and try again.");
    return std::nullopt;
  }
  return form;
}

http::Response SelfServiceWeb::Page(const PageContext& ctx, std::string_view tmpl,
                                    std::string_view title, ui::Data data, int status) {
  data.set("csrf_token", ctx.csrf_token);
  if (ctx.active) {
    data.set("signed_in", true);
    data.set("display_name", ctx.active->account.profile.display_name);
    data.set("email", ctx.active->account.email);
  }
  http::Response r;
  r.status = status;
  r.SetHeader("Content-Type", "text/html; charset=utf-8");
  r.body = ui::RenderPage(tmpl, title, data);
  if (!ctx.new_csrf_cookie.empty()) {
    r.AddHeader("Set-Cookie", http::FormatSetCookie(
                                  {kCsrfCookie, ctx.new_csrf_cookie, std::nullopt, true, "Lax"}));
  }
  return r;
}

http::Response SelfServiceWeb::ErrorPage(const PageContext& ctx, int status,
                                         std::string_view heading, std::string_view message,
                                         std::string_view back, std::string_view back_label) {
  ui::Data data;
  data.set("heading", std::string(heading));
  data.set("message", std::string(message));
  data.set("back", std::string(back));
  data.set("back_label", std::string(back_label));
  return Page(ctx, "error", heading, data, status);
}

http::Response SelfServiceWeb::RedirectWithSession(
    std::string location, const std::optional<identity::NewSession>& session) {
  http::Response r = http::SeeOther(std::move(location));
  if (session) {
    std::optional<int64_t> max_age;
    if (session->session.remember)
      max_age = session->session.expires_at - session->session.created_at;
    r.AddHeader("Set-Cookie",
                http::FormatSetCookie({kSessionCookie, session->token, max_age, true, "Lax"}));
  } else {
    r.AddHeader("Set-Cookie", http::FormatDeleteCookie(kSessionCookie));
  }
  return r;
}

http::Response SelfServiceWeb::Redirect(const PageContext& ctx, std::string location) {
  http::Response r = http::SeeOther(std::move(location));
  if (!ctx.new_csrf_cookie.empty()) {
    r.AddHeader("Set-Cookie", http::FormatSetCookie(
                                  {kCsrfCookie, ctx.new_csrf_cookie, std::nullopt, true, "Lax"}));
  }
  return r;
}

http::Response SelfServiceWeb::Failure(const PageContext& ctx, const Status& status,
                                       std::string_view where) {
  log::Error("request_failed", {{"where", where}, {"status", status.ToString()}});
  if (status.code() == StatusCode::kUnavailable) {
    http::Response r = ErrorPage(ctx, 503, "Please try again",
                                 "The service is busy right now. Please try again in a moment.");
    r.SetHeader("Retry-After", "1");
    return r;
  }
  return ErrorPage(ctx, 500, "Something went wrong",
                   "Something went wrong on our side. Please try again.");
}

Status SelfServiceWeb::EndSession(const std::string& token, const identity::Session& session) {
  PORTICO_RETURN_IF_ERROR(accounts_.SignOut(token));
  if (sign_out_listener_) sign_out_listener_(session.public_id, session.account_id);
  return OkStatus();
}

void SelfServiceWeb::NotifyEnded(const std::vector<identity::Session>& sessions) {
  if (!sign_out_listener_) return;
  for (const auto& s : sessions) sign_out_listener_(s.public_id, s.account_id);
}

Status SelfServiceWeb::EndOtherSession(const std::string& account_id,
                                       const std::string& public_id) {
  PORTICO_RETURN_IF_ERROR(accounts_.RevokeSession(account_id, public_id));
  if (sign_out_listener_) sign_out_listener_(public_id, account_id);
  return OkStatus();
}

void SelfServiceWeb::AllowFormTarget(http::Response& page, const std::string& origin) {
  if (!origin.empty())
    page.SetHeader("Content-Security-Policy", http::ContentSecurityPolicyWithFormAction(origin));
}

std::string SafeReturnTo(std::string_view candidate) {
  if (candidate.empty() || candidate.size() > 4096 || candidate.front() != '/') return "/";
  if (candidate.size() > 1 && (candidate[1] == '/' || candidate[1] == '\\')) return "/";
  for (unsigned char c : candidate) {
    if (c <= 0x20 || c >= 0x7F || c == '\\') return "/";
  }
  return std::string(candidate);
}

std::string ReturnQuery(std::string_view return_to) {
  if (return_to.empty() || return_to == "/") return "";
  return "?return_to=" + http::PercentEncode(return_to);
}

}  // namespace portico::selfservice
