// OidcStore: persistence of the OpenID Connect provider.
//
// Single-use artefacts (codes, refresh tokens) are consumed in the database with a conditional
// INSERT or UPDATE that acts only when exactly one row changed (SECURITY.md promise 2), so a code
// or a refresh token succeeds at most once under any concurrency, on any node. Both are sealed
// (authorize/sealed_code.h): the caller opens them, and the store sees only what they name.
// Revocations are written before they are acknowledged (promises 3 and 7). Contract for every
// method: OK means committed; kUnavailable means nothing changed. Durability: codes, redemptions,
// refresh-token rotations and client assertions are written with Durability::kRelaxed (they survive
// kill -9; a power loss may undo the last of them, and the site simply signs the person in again);
// every revocation is written with kFull. The token steps read the person they issue for in the
// transaction they already have open (the `account` out-parameters below): one transaction per step
// instead of two. Implementations: SqliteOidcStore. Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "identity/account.h"
#include "oidc/model.h"

namespace portico::oidc {

// How long after a code's expiry a replay of it still revokes its grant (RedeemCode). Later,
// it is only an expired code: an old code turning up in a log or a browser's history is no
// switch that ends a grant, whichever site presents it. Every store keeps the same window.
inline constexpr int64_t kCodeReplayWindowSeconds = 86400;

// The outcome of presenting a code or a refresh token.
enum class Redemption {
  kRedeemed,      // first use: proceed
  kReplayed,      // used before: the grant it produced has been revoked now
  kInvalid,       // unknown, expired, or of a revoked grant
  kScopeTooWide,  // a refresh asking for more than its grant has: nothing was consumed
};

class OidcStore {
 public:
  virtual ~OidcStore() = default;

  // ---- signing keys ----
  virtual Status InsertKey(const StoredKey& key) = 0;
  // Keys still published (remove_after unset or in the future), newest first.
  virtual StatusOr<std::vector<StoredKey>> ListKeys(int64_t now) = 0;
  // Retires every active key of `alg` except `keep_kid`; they stay published until `remove_after`.
  virtual Status RetireKeys(const std::string& alg, const std::string& keep_kid, int64_t now,
                            int64_t remove_after) = 0;

  // ---- clients ----
  // Errors: kAlreadyExists.
  virtual Status InsertClient(const Client& client) = 0;
  // Errors: kNotFound.
  virtual StatusOr<Client> FindClient(const std::string& id) = 0;
  virtual StatusOr<std::vector<Client>> ListClients() = 0;
  // Errors: kNotFound.
  virtual Status DeleteClient(const std::string& id) = 0;
  // Errors: kNotFound.
  virtual Status SetClientSecretHash(const std::string& id, const std::string& secret_hash) = 0;

  // ---- consents ----
  virtual StatusOr<std::optional<Consent>> FindConsent(const std::string& account_id,
                                                       const std::string& client_id) = 0;
  virtual Status SaveConsent(const std::string& account_id, const Consent& consent) = 0;
  virtual StatusOr<std::vector<Consent>> ListConsents(const std::string& account_id) = 0;
  // Deletes the consent and revokes every grant of the pair (with its tokens).
  virtual Status RevokeConsent(const std::string& account_id, const std::string& client_id,
                               int64_t now) = 0;

  // ---- authorization codes ----
  // Consumes the sealed code `code` (already opened and authenticated) by creating the grant
  // whose id it carries; that id is made for this code alone, so the grant's existence is the
  // record of the redemption (docs/design/0019). kRedeemed: the grant is created, its session
  // (sid) is recorded as signed in to its site, and — when the code's scope includes
  // offline_access — the grant's first refresh token (generation 1, expiring at
  // `refresh_expires_at`) is recorded, all atomically. kReplayed: the grant existed already
  // (the code is unexpired, or expired at most kCodeReplayWindowSeconds ago); it is revoked
  // now. kInvalid: expired and never redeemed, or expired longer ago than that. With
  // kRedeemed, `*account` is the code's person as the same transaction read it (nullopt when
  // the account no longer exists).
  virtual StatusOr<Redemption> RedeemCode(const AuthorizationCode& code, int64_t now,
                                          int64_t refresh_expires_at,
                                          std::optional<identity::Account>* account) = 0;

  // ---- grants and refresh tokens ----
  // Rotates the refresh token `presented` (already opened) for `client_id`: when it is its
  // grant's current generation, the grant moves on to the next one, expiring at
  // `new_expires_at`. kRedeemed: `*grant` is filled (its refresh_generation is the new
  // token's), and `*account` is the grant's person as the same transaction read it (nullopt
  // when the account no longer exists). kReplayed: an earlier generation, used before; the
  // grant is now revoked. kInvalid: unknown, expired, or its grant is revoked; or the token
  // belongs to another site (RFC 6749 §6), and then nothing is consumed and `*grant` is
  // filled, so the caller can tell. kScopeTooWide: the token is current and the site's, but
  // `requested_scope` (when given, normalised) asks for more than the grant has; nothing is
  // consumed, so the site may try again without it.
  virtual StatusOr<Redemption> RotateRefreshToken(const RefreshToken& presented,
                                                  const std::string& client_id,
                                                  const std::optional<std::string>& requested_scope,
                                                  int64_t now, int64_t new_expires_at, Grant* grant,
                                                  std::optional<identity::Account>* account) = 0;
  // Errors: kNotFound.
  virtual StatusOr<Grant> FindGrant(const std::string& id) = 0;
  // The grant of a refresh token that is current (its grant's generation, unexpired).
  // Errors: kNotFound.
  virtual StatusOr<Grant> FindGrantByRefreshToken(const RefreshToken& token, int64_t now) = 0;
  virtual Status RevokeGrant(const std::string& grant_id, int64_t now) = 0;

  // Records a client assertion's jti. True the first time, false when it was used before.
  virtual StatusOr<bool> ConsumeAssertion(const std::string& client_id, const std::string& jti,
                                          int64_t expires_at) = 0;

  // ---- sessions and sites ----
  // The sites the network session `sid` signed in to.
  virtual StatusOr<std::vector<std::string>> ListSessionSites(const std::string& sid) = 0;
  // The sites an account has signed in to (by grants or consents), most recent first.
  virtual StatusOr<std::vector<AccountSite>> ListAccountSites(const std::string& account_id) = 0;

  // ---- maintenance ----
  // Deletes revocation records of expired access tokens, grants 30 days old without a live
  // refresh token (a grant row is also the record that its code was redeemed), and site records
  // of ended sessions. Returns rows deleted.
  virtual StatusOr<int> PurgeExpired(int64_t now) = 0;

  // ---- access tokens ----
  virtual Status RevokeAccessToken(const std::string& jti, int64_t expires_at) = 0;
  // What the store knows of an access token, read at one instant: whether its `jti` was
  // revoked, its grant (none when `grant_id` is empty or names no grant), and, when
  // `with_account` is set, the grant's person (none without a grant or an account).
  struct AccessTokenState {
    bool revoked = false;
    std::optional<Grant> grant;
    std::optional<identity::Account> account;
  };
  virtual StatusOr<AccessTokenState> CheckAccessToken(const std::string& jti,
                                                      const std::string& grant_id,
                                                      bool with_account) = 0;
};

}  // namespace portico::oidc
