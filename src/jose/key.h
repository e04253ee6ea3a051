// SigningKey and PublicKey: asymmetric keys for JWS (RFC 7515) in the three algorithms the
// Network signs with — RS256 (RSA-2048 PKCS#1 v1.5, mandatory in OpenID Connect), ES256 (ECDSA
// P-256) and EdDSA (Ed25519, RFC 8037) — over OpenSSL 3 EVP.
//
// A SigningKey holds a private key and its key id (the RFC 7638 thumbprint of its public JWK).
// PublicKey holds a public key imported from a JWK (a site's private_key_jwt keys, the
// relying-party side's view of the Network's JWKS). Both are immutable and thread-safe once
// built; copies share the underlying EVP_PKEY.
#pragma once

#include <boost/json/object.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

typedef struct evp_pkey_st EVP_PKEY;
typedef struct evp_pkey_ctx_st EVP_PKEY_CTX;

namespace portico::jose {

enum class Algorithm { kRS256, kES256, kEdDSA };

// "RS256", "ES256", "EdDSA" (RFC 7518 §3.1, RFC 8037 §3.1).
std::string_view AlgorithmName(Algorithm alg);
// Errors: kInvalidArgument for any other name (including "none" and "HS256").
StatusOr<Algorithm> ParseAlgorithm(std::string_view name);

class PublicKey {
 public:
  // Imports a public JWK (RFC 7517 §4): kty RSA (n, e; ≥ 2048 bits), EC (crv P-256, x, y) or
  // OKP (crv Ed25519, x). `alg`, when present, must match the key type. Errors: kInvalidArgument.
  static StatusOr<PublicKey> FromJwk(const boost::json::object& jwk);

  Algorithm algorithm() const { return alg_; }
  const std::string& kid() const { return kid_; }
  // The public JWK with kty, use=sig, alg, kid and the key's members.
  boost::json::object ToJwk() const;

  // True when `signature` (JWS form: raw R||S for ES256) is valid for `signing_input`.
  bool Verify(std::string_view signing_input, std::string_view signature) const;

 private:
  friend class SigningKey;
  PublicKey(std::shared_ptr<EVP_PKEY> key, Algorithm alg, std::string kid)
      : key_(std::move(key)), alg_(alg), kid_(std::move(kid)) {}
  std::shared_ptr<EVP_PKEY> key_;
  Algorithm alg_;
  std::string kid_;
};

class SigningKey {
 public:
  // A new random key. Errors: kInternal when OpenSSL fails.
  static StatusOr<SigningKey> Generate(Algorithm alg);
  // Loads an unencrypted PKCS#8 PEM private key. Errors: kInvalidArgument (not a key of `alg`).
  static StatusOr<SigningKey> FromPem(std::string_view pem, Algorithm alg);

  // The PKCS#8 PEM of the private key (encrypt it before storing it: oidc/keys).
  StatusOr<std::string> ToPem() const;

  Algorithm algorithm() const { return alg_; }
  const std::string& kid() const { return kid_; }
  PublicKey public_key() const { return PublicKey(key_, alg_, kid_); }

  // The JWS signature of `signing_input` (raw R||S for ES256, RFC 7518 §3.4).
  // Errors: kInternal when OpenSSL fails. Thread-safe.
  StatusOr<std::string> Sign(std::string_view signing_input) const;

 private:
  SigningKey(std::shared_ptr<EVP_PKEY> key, Algorithm alg);
  std::shared_ptr<EVP_PKEY> key_;
  Algorithm alg_;
  std::string kid_;
  // RS256 and ES256: a signing context set up once (key, SHA-256, padding) and copied for each
  // signature, which saves OpenSSL's per-call set-up; null for EdDSA (no prehash).
  std::shared_ptr<EVP_PKEY_CTX> prepared_;
};

// The RFC 7638 JWK thumbprint (base64url SHA-256) of a public key.
std::string Thumbprint(EVP_PKEY* key, Algorithm alg);

}  // namespace portico::jose
