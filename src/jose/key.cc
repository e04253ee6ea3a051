#include "jose/key.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <boost/json/serialize.hpp>

#include "crypto/digest.h"
#include "crypto/encoding.h"

namespace portico::jose {
namespace {

std::shared_ptr<EVP_PKEY> Own(EVP_PKEY* key) {
  return std::shared_ptr<EVP_PKEY>(key, EVP_PKEY_free);
}

std::string BigNumBytes(EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) return {};
  std::string out(static_cast<size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
  BN_free(bn);
  return out;
}

// A P-256 coordinate (OSSL_PKEY_PARAM_EC_PUB_X or _Y) as 32 big-endian bytes, whatever
// encoding (compressed or not) the key was stored with.
std::string EcCoordinate(EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) return std::string(32, '\0');
  std::string out(32, '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), 32);
  BN_free(bn);
  return out;
}

std::string RawPublic(EVP_PKEY* key) {
  unsigned char buf[32];
  size_t len = sizeof buf;
  if (EVP_PKEY_get_raw_public_key(key, buf, &len) != 1) return {};
  return std::string(reinterpret_cast<char*>(buf), len);
}

// The required members of the public JWK, in RFC 7638 §3.2 lexicographic order.
boost::json::object RequiredMembers(EVP_PKEY* key, Algorithm alg) {
  boost::json::object o;
  switch (alg) {
    case Algorithm::kRS256:
      o["e"] = crypto::Base64UrlEncode(BigNumBytes(key, OSSL_PKEY_PARAM_RSA_E));
      o["kty"] = "RSA";
      o["n"] = crypto::Base64UrlEncode(BigNumBytes(key, OSSL_PKEY_PARAM_RSA_N));
      break;
    case Algorithm::kES256:
      o["crv"] = "P-256";
      o["kty"] = "EC";
      o["x"] = crypto::Base64UrlEncode(EcCoordinate(key, OSSL_PKEY_PARAM_EC_PUB_X));
      o["y"] = crypto::Base64UrlEncode(EcCoordinate(key, OSSL_PKEY_PARAM_EC_PUB_Y));
      break;
    case Algorithm::kEdDSA:
      o["crv"] = "Ed25519";
      o["kty"] = "OKP";
      o["x"] = crypto::Base64UrlEncode(RawPublic(key));
      break;
  }
  return o;
}

bool KeyMatches(EVP_PKEY* key, Algorithm alg) {
  switch (alg) {
    case Algorithm::kRS256:
      return EVP_PKEY_is_a(key, "RSA") && EVP_PKEY_get_bits(key) >= 2048;
    case Algorithm::kES256: {
      if (!EVP_PKEY_is_a(key, "EC")) return false;
      char group[32];
      size_t len = 0;
      return EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                            &len) == 1 &&
             std::string_view(group, len) == "prime256v1";
    }
    case Algorithm::kEdDSA:
      return EVP_PKEY_is_a(key, "ED25519");
  }
  return false;
}

const EVP_MD* DigestFor(Algorithm alg) { return alg == Algorithm::kEdDSA ? nullptr : EVP_sha256(); }

// ECDSA: DER (OpenSSL) ↔ raw R||S (JWS).
std::string DerToRaw(std::string_view der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size()));
  if (sig == nullptr) return {};
  std::string out(64, '\0');
  BN_bn2binpad(ECDSA_SIG_get0_r(sig), reinterpret_cast<unsigned char*>(out.data()), 32);
  BN_bn2binpad(ECDSA_SIG_get0_s(sig), reinterpret_cast<unsigned char*>(out.data()) + 32, 32);
  ECDSA_SIG_free(sig);
  return out;
}

std::string RawToDer(std::string_view raw) {
  if (raw.size() != 64) return {};
  ECDSA_SIG* sig = ECDSA_SIG_new();
  BIGNUM* r = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()), 32, nullptr);
  BIGNUM* s = BN_bin2bn(reinterpret_cast<const unsigned char*>(raw.data()) + 32, 32, nullptr);
  ECDSA_SIG_set0(sig, r, s);
  unsigned char* der = nullptr;
  int len = i2d_ECDSA_SIG(sig, &der);
  std::string out;
  if (len > 0) out.assign(reinterpret_cast<char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  ECDSA_SIG_free(sig);
  return out;
}

std::optional<std::string> Member(const boost::json::object& jwk, std::string_view name) {
  auto it = jwk.find(name);
  if (it == jwk.end() || !it->value().is_string()) return std::nullopt;
  auto decoded = crypto::Base64UrlDecode(std::string_view(it->value().as_string()));
  if (!decoded || decoded->empty()) return std::nullopt;
  return decoded;
}

std::string_view StringMember(const boost::json::object& jwk, std::string_view name) {
  auto it = jwk.find(name);
  if (it == jwk.end() || !it->value().is_string()) return {};
  return it->value().as_string();
}

EVP_PKEY* FromParams(const char* type, OSSL_PARAM_BLD* bld) {
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr);
  EVP_PKEY* key = nullptr;
  if (ctx != nullptr && params != nullptr && EVP_PKEY_fromdata_init(ctx) == 1) {
    if (EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) != 1) key = nullptr;
  }
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  return key;
}

}  // namespace

std::string_view AlgorithmName(Algorithm alg) {
  switch (alg) {
    case Algorithm::kRS256:
      return "RS256";
    case Algorithm::kES256:
      return "ES256";
    case Algorithm::kEdDSA:
      return "EdDSA";
  }
  return "";
}

StatusOr<Algorithm> ParseAlgorithm(std::string_view name) {
  if (name == "RS256") return Algorithm::kRS256;
  if (name == "ES256") return Algorithm::kES256;
  if (name == "EdDSA") return Algorithm::kEdDSA;
  return InvalidArgumentError("unsupported JWS algorithm '" + std::string(name) + "'");
}

std::string Thumbprint(EVP_PKEY* key, Algorithm alg) {
  // boost::json keeps insertion order, which RequiredMembers makes lexicographic.
  return crypto::Base64UrlEncode(crypto::Sha256(boost::json::serialize(RequiredMembers(key, alg))));
}

// ---- PublicKey ----

StatusOr<PublicKey> PublicKey::FromJwk(const boost::json::object& jwk) {
  std::string_view kty = StringMember(jwk, "kty");
  std::string_view crv = StringMember(jwk, "crv");
  Algorithm alg;
  EVP_PKEY* key = nullptr;
  if (kty == "RSA") {
    alg = Algorithm::kRS256;
    auto n = Member(jwk, "n");
    auto e = Member(jwk, "e");
    if (!n || !e) return InvalidArgumentError("RSA JWK needs n and e");
    OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
    BIGNUM* bn_n = BN_bin2bn(reinterpret_cast<const unsigned char*>(n->data()),
                             static_cast<int>(n->size()), nullptr);
    BIGNUM* bn_e = BN_bin2bn(reinterpret_cast<const unsigned char*>(e->data()),
                             static_cast<int>(e->size()), nullptr);
    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, bn_n);
    OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, bn_e);
    key = FromParams("RSA", bld);
    OSSL_PARAM_BLD_free(bld);
    BN_free(bn_n);
    BN_free(bn_e);
  } else if (kty == "EC" && crv == "P-256") {
    alg = Algorithm::kES256;
    auto x = Member(jwk, "x");
    auto y = Member(jwk, "y");
    if (!x || !y || x->size() != 32 || y->size() != 32)
      return InvalidArgumentError("P-256 JWK needs 32-byte x and y");
    std::string point = "\x04" + *x + *y;
    OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
    key = FromParams("EC", bld);
    OSSL_PARAM_BLD_free(bld);
  } else if (kty == "OKP" && crv == "Ed25519") {
    alg = Algorithm::kEdDSA;
    auto x = Member(jwk, "x");
    if (!x || x->size() != 32) return InvalidArgumentError("Ed25519 JWK needs a 32-byte x");
    key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr,
                                      reinterpret_cast<const unsigned char*>(x->data()), x->size());
  } else {
    return InvalidArgumentError("unsupported JWK key type");
  }
  if (key == nullptr) return InvalidArgumentError("the JWK does not hold a valid public key");
  auto owned = Own(key);
  if (!KeyMatches(key, alg))
    return InvalidArgumentError("the JWK's key is too weak or of the wrong curve");
  std::string_view declared = StringMember(jwk, "alg");
  if (!declared.empty() && declared != AlgorithmName(alg)) {
    return InvalidArgumentError("the JWK's alg does not match its key type");
  }
  std::string kid(StringMember(jwk, "kid"));
  if (kid.empty()) kid = Thumbprint(key, alg);
  return PublicKey(owned, alg, kid);
}

boost::json::object PublicKey::ToJwk() const {
  boost::json::object o = RequiredMembers(key_.get(), alg_);
  o["use"] = "sig";
  o["alg"] = AlgorithmName(alg_);
  o["kid"] = kid_;
  return o;
}

bool PublicKey::Verify(std::string_view signing_input, std::string_view signature) const {
  std::string der;
  if (alg_ == Algorithm::kES256) {
    der = RawToDer(signature);
    if (der.empty()) return false;
    signature = der;
  }
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = EVP_DigestVerifyInit(ctx, nullptr, DigestFor(alg_), nullptr, key_.get()) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()),
                             signature.size(),
                             reinterpret_cast<const unsigned char*>(signing_input.data()),
                             signing_input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

// ---- SigningKey ----

namespace {

// SHA-256, fetched from the default provider once (an implicit fetch per call costs a lock and
// a lookup).
const EVP_MD* FetchedSha256() {
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

// A context ready to sign SHA-256 digests with `key` (RSASSA-PKCS1-v1_5 or ECDSA), or null.
std::shared_ptr<EVP_PKEY_CTX> PrepareSigning(EVP_PKEY* key, Algorithm alg) {
  if (alg == Algorithm::kEdDSA || FetchedSha256() == nullptr) return nullptr;
  std::shared_ptr<EVP_PKEY_CTX> ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr),
                                    EVP_PKEY_CTX_free);
  if (!ctx || EVP_PKEY_sign_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_signature_md(ctx.get(), FetchedSha256()) != 1)
    return nullptr;
  if (alg == Algorithm::kRS256 && EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_PADDING) != 1)
    return nullptr;
  return ctx;
}

}  // namespace

SigningKey::SigningKey(std::shared_ptr<EVP_PKEY> key, Algorithm alg)
    : key_(std::move(key)),
      alg_(alg),
      kid_(Thumbprint(key_.get(), alg)),
      prepared_(PrepareSigning(key_.get(), alg)) {}

StatusOr<SigningKey> SigningKey::Generate(Algorithm alg) {
  EVP_PKEY* key = nullptr;
  switch (alg) {
    case Algorithm::kRS256:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048});
      break;
    case Algorithm::kES256:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
      break;
    case Algorithm::kEdDSA:
      key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
      break;
  }
  if (key == nullptr) return InternalError("key generation failed");
  return SigningKey(Own(key), alg);
}

StatusOr<SigningKey> SigningKey::FromPem(std::string_view pem, Algorithm alg) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (key == nullptr) return InvalidArgumentError("not a PEM private key");
  auto owned = Own(key);
  if (!KeyMatches(key, alg))
    return InvalidArgumentError("the private key does not fit " + std::string(AlgorithmName(alg)));
  return SigningKey(owned, alg);
}

StatusOr<std::string> SigningKey::ToPem() const {
  BIO* bio = BIO_new(BIO_s_mem());
  if (PEM_write_bio_PrivateKey(bio, key_.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    BIO_free(bio);
    return InternalError("cannot serialize the private key");
  }
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(len));
  BIO_free(bio);
  return out;
}

StatusOr<std::string> SigningKey::Sign(std::string_view signing_input) const {
  if (prepared_) {
    // Hash, then sign the digest with a copy of the prepared context (copies are independent,
    // so concurrent signatures never share state).
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_len = 0;
    if (EVP_Digest(signing_input.data(), signing_input.size(), digest, &digest_len, FetchedSha256(),
                   nullptr) != 1)
      return InternalError("hashing failed");
    std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
        EVP_PKEY_CTX_dup(prepared_.get()), EVP_PKEY_CTX_free);
    size_t len = 0;
    if (!ctx || EVP_PKEY_sign(ctx.get(), nullptr, &len, digest, digest_len) != 1)
      return InternalError("signing failed");
    std::string sig(len, '\0');
    if (EVP_PKEY_sign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, digest,
                      digest_len) != 1)
      return InternalError("signing failed");
    sig.resize(len);
    if (alg_ == Algorithm::kES256) {
      sig = DerToRaw(sig);
      if (sig.empty()) return InternalError("ECDSA signature conversion failed");
    }
    return sig;
  }
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  std::string sig;
  size_t len = 0;
  bool ok = EVP_DigestSignInit(ctx, nullptr, DigestFor(alg_), nullptr, key_.get()) == 1 &&
            EVP_DigestSign(ctx, nullptr, &len,
                           reinterpret_cast<const unsigned char*>(signing_input.data()),
                           signing_input.size()) == 1;
  if (ok) {
    sig.resize(len);
    ok = EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                        reinterpret_cast<const unsigned char*>(signing_input.data()),
                        signing_input.size()) == 1;
    sig.resize(len);
  }
  EVP_MD_CTX_free(ctx);
  if (!ok) return InternalError("signing failed");
  if (alg_ == Algorithm::kES256) {
    sig = DerToRaw(sig);
    if (sig.empty()) return InternalError("ECDSA signature conversion failed");
  }
  return sig;
}

}  // namespace portico::jose
