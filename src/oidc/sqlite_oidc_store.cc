#include "oidc/sqlite_oidc_store.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "identity/sqlite_identity_store.h"
#include "oidc/protocol.h"

namespace portico::oidc {

using store::sqlite::Connection;
using store::sqlite::Statement;

namespace {

std::string ToJsonArray(const std::vector<std::string>& items) {
  boost::json::array a;
  for (const auto& i : items) a.emplace_back(i);
  return boost::json::serialize(a);
}

std::vector<std::string> FromJsonArray(const std::string& text) {
  std::vector<std::string> out;
  boost::system::error_code ec;
  auto v = boost::json::parse(text, ec);
  if (ec || !v.is_array()) return out;
  for (const auto& e : v.as_array()) {
    if (e.is_string()) out.emplace_back(e.as_string());
  }
  return out;
}

constexpr char kClientColumns[] =
    "id, name, secret_hash, auth_method, redirect_uris, post_logout_redirect_uris, first_party, "
    "subject_type, "
    "sector_id, id_token_alg, jwks, backchannel_logout_uri, logo_uri, home_uri, listed, "
    "created_at, "
    "access_token_format";

Client ReadClient(const Statement& s) {
  Client c;
  c.id = s.Text(0);
  c.name = s.Text(1);
  c.secret_hash = s.Blob(2);
  c.auth_method = s.Text(3);
  c.redirect_uris = FromJsonArray(s.Text(4));
  c.post_logout_redirect_uris = FromJsonArray(s.Text(5));
  c.first_party = s.Int(6) != 0;
  c.subject_type = s.Text(7);
  c.sector_id = s.Text(8);
  c.id_token_alg = s.Text(9);
  c.jwks = s.Text(10);
  c.backchannel_logout_uri = s.Text(11);
  c.logo_uri = s.Text(12);
  c.home_uri = s.Text(13);
  c.listed = s.Int(14) != 0;
  c.created_at = s.Int(15);
  c.access_token_format = s.Text(16);
  return c;
}

// How long a grant without a live refresh token is kept, for "sites you have signed in to".
// The grant row is also the record that its code was redeemed, so it must outlive the replay
// window (and the code, 60 s) by far.
constexpr int64_t kGrantRetentionSeconds = 30 * 86400;
static_assert(kGrantRetentionSeconds > 2 * kCodeReplayWindowSeconds);

constexpr char kGrantColumns[] =
    "id, client_id, account_id, scope, sid, auth_time, created_at, revoked_at, "
    "refresh_generation, refresh_expires_at";

Grant ReadGrant(const Statement& s) {
  Grant g;
  g.id = s.Text(0);
  g.client_id = s.Text(1);
  g.account_id = s.Text(2);
  g.scope = s.Text(3);
  g.sid = s.Text(4);
  g.auth_time = s.Int(5);
  g.created_at = s.Int(6);
  g.revoked_at = s.OptionalInt(7);
  g.refresh_generation = s.OptionalInt(8);
  g.refresh_expires_at = s.OptionalInt(9);
  return g;
}

Status RevokeGrantIn(Connection& c, const std::string& grant_id, int64_t now) {
  PORTICO_ASSIGN_OR_RETURN(
      auto g, c.Prepare("UPDATE grants SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL"));
  g.Bind(1, now).Bind(2, grant_id);
  // Its refresh tokens can never be used again: a rotation reads revoked_at first.
  return g.Run();
}

}  // namespace

// ---- keys ----

Status SqliteOidcStore::InsertKey(const StoredKey& k) {
  return db_.Write([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare("INSERT INTO signing_keys (kid, alg, sealed_key, "
                                               "public_jwk, created_at, retired_at, remove_after) "
                                               "VALUES (?,?,?,?,?,?,?)"));
    s.Bind(1, k.kid)
        .Bind(2, k.alg)
        .BindBlob(3, k.sealed_key)
        .Bind(4, k.public_jwk)
        .Bind(5, k.created_at);
    s.BindOptional(6, k.retired_at).BindOptional(7, k.remove_after);
    return s.Run();
  });
}

StatusOr<std::vector<StoredKey>> SqliteOidcStore::ListKeys(int64_t now) {
  std::vector<StoredKey> out;
  PORTICO_RETURN_IF_ERROR(db_.Read([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(
        auto s,
        c.Prepare("SELECT kid, alg, sealed_key, public_jwk, created_at, retired_at, remove_after "
                  "FROM signing_keys "
                  "WHERE remove_after IS NULL OR remove_after > ? ORDER BY created_at DESC, kid"));
    s.Bind(1, now);
    for (;;) {
      PORTICO_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      StoredKey k;
      k.kid = s.Text(0);
      k.alg = s.Text(1);
      k.sealed_key = s.Blob(2);
      k.public_jwk = s.Text(3);
      k.created_at = s.Int(4);
      k.retired_at = s.OptionalInt(5);
      k.remove_after = s.OptionalInt(6);
      out.push_back(std::move(k));
    }
    return OkStatus();
  }));
  return out;
}

Status SqliteOidcStore::RetireKeys(const std::string& alg, const std::string& keep_kid, int64_t now,
                                   int64_t remove_after) {
  return db_.Write([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(auto s,
                             c.Prepare("UPDATE signing_keys SET retired_at = ?, remove_after = ? "
                                       "WHERE alg = ? AND kid <> ? AND retired_at IS NULL"));
    s.Bind(1, now).Bind(2, remove_after).Bind(3, alg).Bind(4, keep_kid);
    return s.Run();
  });
}

// ---- clients ----

Status SqliteOidcStore::InsertClient(const Client& x) {
  return db_.Write([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(auto s,
                             c.Prepare(std::string("INSERT INTO clients (") + kClientColumns +
                                       ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
    s.Bind(1, x.id).Bind(2, x.name);
    if (x.secret_hash.empty())
      s.BindNull(3);
    else
      s.BindBlob(3, x.secret_hash);
    s.Bind(4, x.auth_method)
        .Bind(5, ToJsonArray(x.redirect_uris))
        .Bind(6, ToJsonArray(x.post_logout_redirect_uris));
    s.Bind(7, int64_t{x.first_party})
        .Bind(8, x.subject_type)
        .Bind(9, x.sector_id)
        .Bind(10, x.id_token_alg);
    s.Bind(11, x.jwks).Bind(12, x.backchannel_logout_uri).Bind(13, x.logo_uri).Bind(14, x.home_uri);
    s.Bind(15, int64_t{x.listed}).Bind(16, x.created_at).Bind(17, x.access_token_format);
    return s.Run();
  });
}

StatusOr<Client> SqliteOidcStore::FindClient(const std::string& id) {
  std::optional<Client> found;
  PORTICO_RETURN_IF_ERROR(db_.Read([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(
        auto s, c.Prepare(std::string("SELECT ") + kClientColumns + " FROM clients WHERE id = ?"));
    s.Bind(1, id);
    PORTICO_ASSIGN_OR_RETURN(bool row, s.Step());
    if (row) found = ReadClient(s);
    return OkStatus();
  }));
  if (!found) return NotFoundError("no such client");
  return std::move(*found);
}

StatusOr<std::vector<Client>> SqliteOidcStore::ListClients() {
  std::vector<Client> out;
  PORTICO_RETURN_IF_ERROR(db_.Read([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare(std::string("SELECT ") + kClientColumns +
                                               " FROM clients ORDER BY created_at, id"));
    for (;;) {
      PORTICO_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      out.push_back(ReadClient(s));
    }
    return OkStatus();
  }));
  return out;
}

Status SqliteOidcStore::DeleteClient(const std::string& id) {
  return db_.Write([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare("DELETE FROM clients WHERE id = ?"));
    s.Bind(1, id);
    PORTICO_RETURN_IF_ERROR(s.Run());
    if (c.Changes() != 1) return NotFoundError("no such client");
    return OkStatus();
  });
}

Status SqliteOidcStore::SetClientSecretHash(const std::string& id, const std::string& secret_hash) {
  return db_.Write([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare("UPDATE clients SET secret_hash = ? WHERE id = ?"));
    s.BindBlob(1, secret_hash).Bind(2, id);
    PORTICO_RETURN_IF_ERROR(s.Run());
    if (c.Changes() != 1) return NotFoundError("no such client");
    return OkStatus();
  });
}

// ---- consents ----

StatusOr<std::optional<Consent>> SqliteOidcStore::FindConsent(const std::string& account_id,
                                                              const std::string& client_id) {
  std::optional<Consent> found;
  PORTICO_RETURN_IF_ERROR(db_.Read([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare("SELECT client_id, scope, granted_at FROM consents "
                                               "WHERE account_id = ? AND client_id = ?"));
    s.Bind(1, account_id).Bind(2, client_id);
    PORTICO_ASSIGN_OR_RETURN(bool row, s.Step());
    if (row) found = Consent{s.Text(0), s.Text(1), s.Int(2)};
    return OkStatus();
  }));
  return found;
}

Status SqliteOidcStore::SaveConsent(const std::string& account_id, const Consent& consent) {
  return db_.Write([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(
        auto s,
        c.Prepare(
            "INSERT INTO consents (account_id, client_id, scope, granted_at) VALUES (?,?,?,?) "
            "ON CONFLICT(account_id, client_id) DO UPDATE SET scope = excluded.scope, granted_at = "
            "excluded.granted_at"));
    s.Bind(1, account_id)
        .Bind(2, consent.client_id)
        .Bind(3, consent.scope)
        .Bind(4, consent.granted_at);
    return s.Run();
  });
}

StatusOr<std::vector<Consent>> SqliteOidcStore::ListConsents(const std::string& account_id) {
  std::vector<Consent> out;
  PORTICO_RETURN_IF_ERROR(db_.Read([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare("SELECT client_id, scope, granted_at FROM consents "
                                               "WHERE account_id = ? ORDER BY granted_at DESC"));
    s.Bind(1, account_id);
    for (;;) {
      PORTICO_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      out.push_back(Consent{s.Text(0), s.Text(1), s.Int(2)});
    }
    return OkStatus();
  }));
  return out;
}

Status SqliteOidcStore::RevokeConsent(const std::string& account_id, const std::string& client_id,
                                      int64_t now) {
  return db_.Write([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(
        auto d, c.Prepare("DELETE FROM consents WHERE account_id = ? AND client_id = ?"));
    d.Bind(1, account_id).Bind(2, client_id);
    PORTICO_RETURN_IF_ERROR(d.Run());
    std::vector<std::string> grants;
    {
      PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare("SELECT id FROM grants WHERE account_id = ? AND "
                                                 "client_id = ? AND revoked_at IS NULL"));
      s.Bind(1, account_id).Bind(2, client_id);
      for (;;) {
        PORTICO_ASSIGN_OR_RETURN(bool row, s.Step());
        if (!row) break;
        grants.push_back(s.Text(0));
      }
    }
    for (const auto& g : grants) PORTICO_RETURN_IF_ERROR(RevokeGrantIn(c, g, now));
    return OkStatus();
  });
}

// ---- codes ----

StatusOr<Redemption> SqliteOidcStore::RedeemCode(const AuthorizationCode& x, int64_t now,
                                                 int64_t refresh_expires_at,
                                                 std::optional<identity::Account>* account) {
  Redemption result = Redemption::kInvalid;
  PORTICO_RETURN_IF_ERROR(db_.Write(
      [&](Connection& c) {
        result = Redemption::kInvalid;
        account->reset();
        if (x.expires_at <= now) {
          // Expired: only a replay of a code that was redeemed in time still means something,
          // and only for a day after the code's expiry (sealed in it, so no row is needed).
          if (now - x.expires_at > kCodeReplayWindowSeconds) return OkStatus();
          PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare("SELECT 1 FROM grants WHERE id = ?"));
          s.Bind(1, x.grant_id);
          PORTICO_ASSIGN_OR_RETURN(bool seen, s.Step());
          if (seen) result = Redemption::kReplayed;
          return OkStatus();
        }
        // Promise 2: consume first. The grant's id is sealed in the code and made for it alone
        // (docs/design/0019), so inserting the grant is the redemption: act only when exactly
        // this statement added the row. With offline_access, the grant's first refresh token
        // (generation 1) is its record.
        const bool offline = HasScope(x.scope, "offline_access");
        PORTICO_ASSIGN_OR_RETURN(auto g,
                                 c.Prepare(std::string("INSERT INTO grants (") + kGrantColumns +
                                           ") VALUES (?,?,?,?,?,?,?,NULL,?,?) "
                                           "ON CONFLICT(id) DO NOTHING"));
        g.Bind(1, x.grant_id)
            .Bind(2, x.client_id)
            .Bind(3, x.account_id)
            .Bind(4, x.scope)
            .Bind(5, x.sid);
        g.Bind(6, x.auth_time).Bind(7, now);
        g.BindOptional(8, offline ? std::optional<int64_t>(1) : std::nullopt)
            .BindOptional(9, offline ? std::optional<int64_t>(refresh_expires_at) : std::nullopt);
        PORTICO_RETURN_IF_ERROR(g.Run());
        if (c.Changes() != 1) {
          // RFC 6749 §4.1.2: a second redemption revokes what the first issued (below, durably).
          result = Redemption::kReplayed;
          return OkStatus();
        }
        PORTICO_ASSIGN_OR_RETURN(
            auto t,
            c.Prepare(
                "INSERT INTO session_sites (sid, client_id, account_id, first_at) VALUES (?,?,?,?) "
                "ON CONFLICT(sid, client_id) DO NOTHING"));
        t.Bind(1, x.sid).Bind(2, x.client_id).Bind(3, x.account_id).Bind(4, now);
        PORTICO_RETURN_IF_ERROR(t.Run());
        PORTICO_ASSIGN_OR_RETURN(*account, identity::ReadAccountById(c, x.account_id));
        result = Redemption::kRedeemed;
        return OkStatus();
      },
      store::sqlite::Durability::kRelaxed));
  // A revocation is written with full durability (promise 7), apart from the relaxed redemption.
  if (result == Redemption::kReplayed) PORTICO_RETURN_IF_ERROR(RevokeGrant(x.grant_id, now));
  return result;
}

// ---- grants and refresh tokens ----

StatusOr<Redemption> SqliteOidcStore::RotateRefreshToken(
    const RefreshToken& presented, const std::string& client_id,
    const std::optional<std::string>& requested_scope, int64_t now, int64_t new_expires_at,
    Grant* grant, std::optional<identity::Account>* account) {
  Redemption result = Redemption::kInvalid;
  PORTICO_RETURN_IF_ERROR(db_.Write(
      [&](Connection& c) {
        result = Redemption::kInvalid;
        *grant = Grant{};
        account->reset();
        {  // the statement resets at the end of this block, before the writes below
          PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare(std::string("SELECT ") + kGrantColumns +
                                                     " FROM grants WHERE id = ?"));
          s.Bind(1, presented.grant_id);
          PORTICO_ASSIGN_OR_RETURN(bool row, s.Step());
          if (!row) return OkStatus();
          *grant = ReadGrant(s);
        }
        // Only a token the grant has issued counts: one of a later generation cannot exist.
        if (grant->revoked_at || !grant->refresh_generation || presented.generation < 1 ||
            presented.generation > *grant->refresh_generation)
          return OkStatus();
        const bool used = presented.generation < *grant->refresh_generation;
        const bool expired = grant->refresh_expires_at.value_or(0) <= now;
        if (used) {
          // RFC 9700 §4.14.2: a rotated token presented again means theft; the whole grant ends
          // (below, durably), whichever site presents it.
          result = Redemption::kReplayed;
          return OkStatus();
        }
        // RFC 6749 §6: a current token of another site is refused before it is consumed, so
        // that no site can burn another's token.
        if (grant->client_id != client_id || expired) return OkStatus();
        // RFC 6749 §6: never wider than the grant. Refused before the token is consumed, so
        // the site's next try without the scope is no reuse.
        if (requested_scope && !ScopeWithin(*requested_scope, grant->scope)) {
          result = Redemption::kScopeTooWide;
          return OkStatus();
        }
        // Promise 2: consume first, act only when exactly this statement moved the grant on
        // from the presented generation.
        PORTICO_ASSIGN_OR_RETURN(
            auto u, c.Prepare("UPDATE grants SET refresh_generation = refresh_generation + 1, "
                              "refresh_expires_at = ? WHERE id = ? AND refresh_generation = ? "
                              "AND refresh_expires_at > ? AND revoked_at IS NULL"));
        u.Bind(1, new_expires_at).Bind(2, grant->id).Bind(3, presented.generation).Bind(4, now);
        PORTICO_RETURN_IF_ERROR(u.Run());
        if (c.Changes() != 1) return OkStatus();
        grant->refresh_generation = presented.generation + 1;
        grant->refresh_expires_at = new_expires_at;
        PORTICO_ASSIGN_OR_RETURN(*account, identity::ReadAccountById(c, grant->account_id));
        result = Redemption::kRedeemed;
        return OkStatus();
      },
      store::sqlite::Durability::kRelaxed));
  if (result == Redemption::kReplayed) PORTICO_RETURN_IF_ERROR(RevokeGrant(grant->id, now));
  return result;
}

StatusOr<Grant> SqliteOidcStore::FindGrant(const std::string& id) {
  std::optional<Grant> found;
  PORTICO_RETURN_IF_ERROR(db_.Read([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(
        auto s, c.Prepare(std::string("SELECT ") + kGrantColumns + " FROM grants WHERE id = ?"));
    s.Bind(1, id);
    PORTICO_ASSIGN_OR_RETURN(bool row, s.Step());
    if (row) found = ReadGrant(s);
    return OkStatus();
  }));
  if (!found) return NotFoundError("no such grant");
  return std::move(*found);
}

StatusOr<Grant> SqliteOidcStore::FindGrantByRefreshToken(const RefreshToken& token, int64_t now) {
  std::optional<Grant> found;
  PORTICO_RETURN_IF_ERROR(db_.Read([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(auto s,
                             c.Prepare(std::string("SELECT ") + kGrantColumns +
                                       " FROM grants WHERE id = ? AND refresh_generation = ? "
                                       "AND refresh_expires_at > ?"));
    s.Bind(1, token.grant_id).Bind(2, token.generation).Bind(3, now);
    PORTICO_ASSIGN_OR_RETURN(bool row, s.Step());
    if (row) found = ReadGrant(s);
    return OkStatus();
  }));
  if (!found) return NotFoundError("no such refresh token");
  return std::move(*found);
}

Status SqliteOidcStore::RevokeGrant(const std::string& grant_id, int64_t now) {
  return db_.Write([&](Connection& c) { return RevokeGrantIn(c, grant_id, now); });
}

StatusOr<bool> SqliteOidcStore::ConsumeAssertion(const std::string& client_id,
                                                 const std::string& jti, int64_t expires_at) {
  bool first = false;
  PORTICO_RETURN_IF_ERROR(db_.Write(
      [&](Connection& c) {
        PORTICO_ASSIGN_OR_RETURN(auto s,
                                 c.Prepare("INSERT INTO client_assertions (client_id, jti, "
                                           "expires_at) VALUES (?,?,?) ON CONFLICT DO NOTHING"));
        s.Bind(1, client_id).Bind(2, jti).Bind(3, expires_at);
        PORTICO_RETURN_IF_ERROR(s.Run());
        first = c.Changes() == 1;
        return OkStatus();
      },
      store::sqlite::Durability::kRelaxed));
  return first;
}

StatusOr<std::vector<std::string>> SqliteOidcStore::ListSessionSites(const std::string& sid) {
  std::vector<std::string> out;
  PORTICO_RETURN_IF_ERROR(db_.Read([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(
        auto s, c.Prepare("SELECT client_id FROM session_sites WHERE sid = ? ORDER BY first_at"));
    s.Bind(1, sid);
    for (;;) {
      PORTICO_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      out.push_back(s.Text(0));
    }
    return OkStatus();
  }));
  return out;
}

StatusOr<std::vector<AccountSite>> SqliteOidcStore::ListAccountSites(
    const std::string& account_id) {
  std::vector<AccountSite> out;
  PORTICO_RETURN_IF_ERROR(db_.Read([&](Connection& c) {
    // Live grants and remembered consents, one row per site, the most recent first.
    PORTICO_ASSIGN_OR_RETURN(
        auto s, c.Prepare("SELECT client_id, scope, MAX(at), MAX(consented) FROM ("
                          "  SELECT client_id, scope, created_at AS at, 0 AS consented FROM grants "
                          "    WHERE account_id = ?1 AND revoked_at IS NULL "
                          "  UNION ALL SELECT client_id, scope, granted_at AS at, 1 AS consented "
                          "FROM consents WHERE account_id = ?1"
                          ") GROUP BY client_id ORDER BY MAX(at) DESC"));
    s.Bind(1, account_id);
    for (;;) {
      PORTICO_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      out.push_back(AccountSite{s.Text(0), s.Text(1), s.Int(2), s.Int(3) != 0});
    }
    return OkStatus();
  }));
  return out;
}

StatusOr<int> SqliteOidcStore::PurgeExpired(int64_t now) {
  int deleted = 0;
  PORTICO_RETURN_IF_ERROR(db_.Write([&](Connection& c) {
    deleted = 0;
    const std::pair<const char*, int64_t> statements[] = {
        {"DELETE FROM revoked_access_tokens WHERE expires_at < ?", now},
        {"DELETE FROM client_assertions WHERE expires_at < ?", now},
        {"DELETE FROM session_sites WHERE first_at < ? AND sid NOT IN (SELECT public_id FROM "
         "sessions)",
         now - 3600},
    };
    for (const auto& [sql, bound] : statements) {
      PORTICO_ASSIGN_OR_RETURN(auto s, c.Prepare(sql));
      s.Bind(1, bound);
      PORTICO_RETURN_IF_ERROR(s.Run());
      deleted += c.Changes();
    }
    // A grant without a live refresh token is kept 30 days, for "sites you have signed in to".
    PORTICO_ASSIGN_OR_RETURN(
        auto g, c.Prepare("DELETE FROM grants WHERE created_at < ? AND (revoked_at IS NOT NULL "
                          "OR refresh_expires_at IS NULL OR refresh_expires_at <= ?)"));
    g.Bind(1, now - kGrantRetentionSeconds).Bind(2, now);
    PORTICO_RETURN_IF_ERROR(g.Run());
    deleted += c.Changes();
    return OkStatus();
  }));
  return deleted;
}

Status SqliteOidcStore::RevokeAccessToken(const std::string& jti, int64_t expires_at) {
  return db_.Write([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(auto s,
                             c.Prepare("INSERT INTO revoked_access_tokens (jti, expires_at) VALUES "
                                       "(?,?) ON CONFLICT(jti) DO NOTHING"));
    s.Bind(1, jti).Bind(2, expires_at);
    return s.Run();
  });
}

StatusOr<OidcStore::AccessTokenState> SqliteOidcStore::CheckAccessToken(const std::string& jti,
                                                                        const std::string& grant_id,
                                                                        bool with_account) {
  AccessTokenState state;
  // One read transaction for all three: every use of an access token asks this (userinfo,
  // introspection), and a read's fixed cost is most of the work.
  PORTICO_RETURN_IF_ERROR(db_.Read([&](Connection& c) {
    PORTICO_ASSIGN_OR_RETURN(auto s,
                             c.Prepare("SELECT 1 FROM revoked_access_tokens WHERE jti = ?"));
    s.Bind(1, jti);
    PORTICO_ASSIGN_OR_RETURN(state.revoked, s.Step());
    if (grant_id.empty()) return OkStatus();
    PORTICO_ASSIGN_OR_RETURN(
        auto g, c.Prepare(std::string("SELECT ") + kGrantColumns + " FROM grants WHERE id = ?"));
    g.Bind(1, grant_id);
    PORTICO_ASSIGN_OR_RETURN(bool row, g.Step());
    if (!row) return OkStatus();
    state.grant = ReadGrant(g);
    if (with_account) {
      PORTICO_ASSIGN_OR_RETURN(state.account,
                               identity::ReadAccountById(c, state.grant->account_id));
    }
    return OkStatus();
  }));
  return state;
}

}  // namespace portico::oidc
