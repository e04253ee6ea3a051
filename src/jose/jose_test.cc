// Tests for jose/key.h and jose/jws.h: RFC known-answer vectors (RFC 8037 Appendix A, RFC 7515
// Appendices A.2 and A.3, RFC 7638 §3.1), sign/decode/verify round trips for every algorithm, and
// the refusals (algorithm confusion, "crit", tampering, malformed tokens, weak or foreign keys).
#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cstdlib>
#include <exception>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "crypto/encoding.h"
#include "jose/jws.h"
#include "jose/key.h"

namespace portico::jose {

// Readable GetParam() in failure messages.
void PrintTo(Algorithm alg, std::ostream* os) { *os << AlgorithmName(alg); }

namespace {

// ---- RFC vectors (copied from the RFC texts) ----

// RFC 8037 Appendix A.1 (private key), A.2 (public key), A.3 (thumbprint), A.4 (signature).
constexpr char kRfc8037D[] = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A";
constexpr char kRfc8037X[] = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
constexpr char kRfc8037Thumbprint[] = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k";
constexpr char kRfc8037SigningInput[] = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc";
constexpr char kRfc8037Signature[] =
    "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";

// RFC 7515 Appendix A.2 (RS256): the RSA key and the signature over header {"alg":"RS256"}.
constexpr char kRfc7515RsaN[] =
    "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-"
    "4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-"
    "SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-"
    "bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-"
    "UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_"
    "h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ";
constexpr char kRfc7515RsaE[] = "AQAB";
constexpr char kRfc7515RsaD[] =
    "Eq5xpGnNCivDflJsRQBXHx1hdR1k6Ulwe2JZD50LpXyWPEAeP88vLNO97IjlA7_GQ5sLKMgvfTeXZx9SE-"
    "7YwVol2NXOoAJe46sui395IW_"
    "GO-pWJ1O0BkTGoVEn2bKVRUCgu-GjBVaYLU6f3l9kJfFNS3E0QbVdxzubSu3Mkqzjkn439X0M_"
    "V51gfpRLI9JYanrC4D4qAdGcopV_0ZHHzQlBjudU2QvXt4ehNYTCBr6XCLQUShb1juUO1ZdiYoFaFQT5Tw8bGUl_x_"
    "jTj3ccPDVZFD9pIuhLhBOneufuBiB4cS98l2SR_RQyGWSeWjnczT0QU91p1DhOVRuOopznQ";
constexpr char kRfc7515RsaP[] =
    "4BzEEOtIpmVdVEZNCqS7baC4crd0pqnRH_5IB3jw3bcxGn6QLvnEtfdUdiYrqBdss1l58BQ3KhooKeQTa9AB0Hw_"
    "Py5PJdTJNPY8cQn7ouZ2KKDcmnPGBY5t7yLc1QlQ5xHdwW1VhvKn-nXqhJTBgIPgtldC-KDV5z-y2XDwGUc";
constexpr char kRfc7515RsaQ[] =
    "uQPEfgmVtjL0Uyyx88GZFF1fOunH3-7cepKmtH4pxhtCoHqpWmT8YAmZxaewHgHAjLYsp1ZSe7zFYHj7C6ul7TjeLQeZD_"
    "YwD66t62wDmpe_HlB-TnBA-njbglfIsRLtXlnDzQkv5dTltRJ11BKBBypeeF6689rjcJIDEz9RWdc";
// The payload of Appendices A.2 and A.3 ({"iss":"joe",\r\n "exp":1300819380,\r\n ...}).
constexpr char kRfc7515Payload[] =
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlf"
    "Q";
constexpr char kRfc7515Rs256Header[] = "eyJhbGciOiJSUzI1NiJ9";
constexpr char kRfc7515Rs256Signature[] =
    "cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_"
    "O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_"
    "nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-"
    "eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igc"
    "N_IoypGlUPQGe77Rw";

// RFC 7515 Appendix A.3 (ES256): the P-256 key and the raw R||S signature over {"alg":"ES256"}.
constexpr char kRfc7515EcX[] = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU";
constexpr char kRfc7515EcY[] = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0";
constexpr char kRfc7515EcD[] = "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI";
constexpr char kRfc7515Es256Header[] = "eyJhbGciOiJFUzI1NiJ9";
constexpr char kRfc7515Es256Signature[] =
    "DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";

// RFC 7638 §3.1: the RSA key of the example and its SHA-256 thumbprint.
constexpr char kRfc7638N[] =
    "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_"
    "BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-"
    "5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_"
    "FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-"
    "bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
constexpr char kRfc7638Thumbprint[] = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";

// ---- helpers ----

std::string B64Decode(std::string_view text) {
  auto decoded = crypto::Base64UrlDecode(text);
  EXPECT_TRUE(decoded.has_value()) << "not base64url: " << text;
  return decoded.value_or("");
}

std::string B64(std::string_view bytes) { return crypto::Base64UrlEncode(bytes); }

boost::json::object Obj(std::string_view json) { return boost::json::parse(json).as_object(); }

// A string member of a JSON object, or a marker when it is missing or not a string.
std::string Str(const boost::json::object& o, std::string_view name) {
  auto it = o.find(name);
  if (it == o.end()) return "<missing " + std::string(name) + ">";
  if (!it->value().is_string())
    return "<not a string: " + boost::json::serialize(it->value()) + ">";
  return std::string(it->value().as_string());
}

std::string Join(std::string_view a, std::string_view b) {
  return std::string(a) + "." + std::string(b);
}

using PkeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using BnPtr = std::unique_ptr<BIGNUM, decltype(&BN_free)>;

PkeyPtr OwnPkey(EVP_PKEY* key) { return PkeyPtr(key, EVP_PKEY_free); }

BnPtr BnFromB64(std::string_view b64) {
  std::string bytes = B64Decode(b64);
  return BnPtr(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                         static_cast<int>(bytes.size()), nullptr),
               BN_free);
}

std::string PemOf(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  EXPECT_EQ(PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr), 1);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(len));
  BIO_free(bio);
  return out;
}

// The big-endian bytes of a BIGNUM parameter, left-padded to `width` (0: minimal length).
std::string BnParam(EVP_PKEY* key, const char* name, int width = 0) {
  BIGNUM* bn = nullptr;
  EXPECT_EQ(EVP_PKEY_get_bn_param(key, name, &bn), 1) << name;
  if (bn == nullptr) return {};
  int len = width > 0 ? width : BN_num_bytes(bn);
  std::string out(static_cast<size_t>(len), '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), len);
  BN_free(bn);
  return out;
}

PkeyPtr FromData(const char* type, OSSL_PARAM_BLD* bld, int selection) {
  OSSL_PARAM* params = OSSL_PARAM_BLD_to_param(bld);
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr);
  EVP_PKEY* key = nullptr;
  EXPECT_EQ(EVP_PKEY_fromdata_init(ctx), 1);
  EXPECT_EQ(EVP_PKEY_fromdata(ctx, &key, selection, params), 1);
  EVP_PKEY_CTX_free(ctx);
  OSSL_PARAM_free(params);
  return OwnPkey(key);
}

// The RFC 8037 A.1 Ed25519 private key as PKCS#8 PEM.
std::string Rfc8037Pem() {
  std::string d = B64Decode(kRfc8037D);
  PkeyPtr key = OwnPkey(EVP_PKEY_new_raw_private_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(d.data()), d.size()));
  EXPECT_NE(key, nullptr);
  return key ? PemOf(key.get()) : "";
}

// The RFC 7515 A.2 RSA private key as PKCS#8 PEM (CRT exponents derived from d, p, q).
std::string Rfc7515RsaPem() {
  BnPtr n = BnFromB64(kRfc7515RsaN), e = BnFromB64(kRfc7515RsaE), d = BnFromB64(kRfc7515RsaD);
  BnPtr p = BnFromB64(kRfc7515RsaP), q = BnFromB64(kRfc7515RsaQ);
  BN_CTX* bn_ctx = BN_CTX_new();
  BnPtr pq(BN_new(), BN_free), p1(BN_dup(p.get()), BN_free), q1(BN_dup(q.get()), BN_free);
  BN_mul(pq.get(), p.get(), q.get(), bn_ctx);
  EXPECT_EQ(BN_cmp(pq.get(), n.get()), 0)
      << "RFC 7515 A.2: p*q must equal n (vector copied wrong?)";
  BN_sub_word(p1.get(), 1);
  BN_sub_word(q1.get(), 1);
  BnPtr dp(BN_new(), BN_free), dq(BN_new(), BN_free);
  BN_mod(dp.get(), d.get(), p1.get(), bn_ctx);
  BN_mod(dq.get(), d.get(), q1.get(), bn_ctx);
  BnPtr qi(BN_mod_inverse(nullptr, q.get(), p.get(), bn_ctx), BN_free);
  BN_CTX_free(bn_ctx);

  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n.get());
  OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e.get());
  OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_D, d.get());
  OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR1, p.get());
  OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_FACTOR2, q.get());
  OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT1, dp.get());
  OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_EXPONENT2, dq.get());
  OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_COEFFICIENT1, qi.get());
  PkeyPtr key = FromData("RSA", bld, EVP_PKEY_KEYPAIR);
  OSSL_PARAM_BLD_free(bld);
  return key ? PemOf(key.get()) : "";
}

// The RFC 7515 A.3 P-256 private key as PKCS#8 PEM.
std::string Rfc7515EcPem() {
  BnPtr d = BnFromB64(kRfc7515EcD);
  std::string point = "\x04" + B64Decode(kRfc7515EcX) + B64Decode(kRfc7515EcY);
  OSSL_PARAM_BLD* bld = OSSL_PARAM_BLD_new();
  OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0);
  OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, d.get());
  OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size());
  PkeyPtr key = FromData("EC", bld, EVP_PKEY_KEYPAIR);
  OSSL_PARAM_BLD_free(bld);
  return key ? PemOf(key.get()) : "";
}

boost::json::object Rfc7515RsaJwk() {
  boost::json::object jwk;
  jwk["kty"] = "RSA";
  jwk["n"] = kRfc7515RsaN;
  jwk["e"] = kRfc7515RsaE;
  return jwk;
}

boost::json::object Rfc7515EcJwk() {
  boost::json::object jwk;
  jwk["kty"] = "EC";
  jwk["crv"] = "P-256";
  jwk["x"] = kRfc7515EcX;
  jwk["y"] = kRfc7515EcY;
  return jwk;
}

boost::json::object Rfc8037Jwk() {
  boost::json::object jwk;
  jwk["kty"] = "OKP";
  jwk["crv"] = "Ed25519";
  jwk["x"] = kRfc8037X;
  return jwk;
}

std::string FlipBit(std::string s, size_t byte, int bit = 0) {
  s[byte] = static_cast<char>(s[byte] ^ (1 << bit));
  return s;
}

SigningKey MustGenerate(Algorithm alg) {
  auto key = SigningKey::Generate(alg);
  if (!key.ok()) {
    ADD_FAILURE() << "Generate(" << AlgorithmName(alg) << "): " << key.status().ToString();
    std::abort();
  }
  return std::move(key).value();
}

// A compact JWS with an arbitrary header, signed by `key` (so only the header can be wrong).
std::string SignWithHeader(const SigningKey& key, std::string_view header_json,
                           std::string_view payload_json) {
  std::string input = Join(B64(header_json), B64(payload_json));
  auto sig = key.Sign(input);
  EXPECT_TRUE(sig.ok()) << sig.status().ToString();
  return Join(input, B64(sig.ok() ? *sig : std::string("x")));
}

bool DecodeAndVerify(std::string_view token, const PublicKey& key) {
  auto decoded = DecodeCompact(token);
  EXPECT_TRUE(decoded.ok()) << decoded.status().ToString();
  return decoded.ok() && VerifyDecoded(*decoded, key);
}

boost::json::object SamplePayload() {
  return Obj(R"({"iss":"https://portico.example","sub":"acc_1","exp":1300819380})");
}

// ============================================================================
// 1. Known-answer vectors
// ============================================================================

TEST(Rfc8037Test, PrivateKeyOfA1HasPublicKeyOfA2) {
  auto key = SigningKey::FromPem(Rfc8037Pem(), Algorithm::kEdDSA);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  boost::json::object jwk = key->public_key().ToJwk();
  EXPECT_EQ(Str(jwk, "kty"), "OKP");
  EXPECT_EQ(Str(jwk, "crv"), "Ed25519");
  EXPECT_EQ(Str(jwk, "x"), kRfc8037X);
  EXPECT_FALSE(jwk.contains("d")) << "the public JWK must not carry the private key";
}

TEST(Rfc8037Test, ThumbprintOfA3IsTheKid) {
  auto signing = SigningKey::FromPem(Rfc8037Pem(), Algorithm::kEdDSA);
  ASSERT_TRUE(signing.ok()) << signing.status().ToString();
  EXPECT_EQ(signing->kid(), kRfc8037Thumbprint);

  auto imported = PublicKey::FromJwk(Rfc8037Jwk());
  ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  EXPECT_EQ(imported->algorithm(), Algorithm::kEdDSA);
  EXPECT_EQ(imported->kid(), kRfc8037Thumbprint);
}

TEST(Rfc8037Test, SignatureOfA4IsReproducedByteForByte) {
  auto key = SigningKey::FromPem(Rfc8037Pem(), Algorithm::kEdDSA);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  auto sig = key->Sign(kRfc8037SigningInput);
  ASSERT_TRUE(sig.ok()) << sig.status().ToString();
  EXPECT_EQ(sig->size(), 64u);
  EXPECT_EQ(B64(*sig), kRfc8037Signature);
}

TEST(Rfc8037Test, PublicKeyOfA2VerifiesA4) {
  auto key = PublicKey::FromJwk(Rfc8037Jwk());
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  std::string sig = B64Decode(kRfc8037Signature);
  EXPECT_TRUE(key->Verify(kRfc8037SigningInput, sig));
  EXPECT_FALSE(key->Verify(kRfc8037SigningInput, FlipBit(sig, 10)));
  EXPECT_FALSE(key->Verify(FlipBit(kRfc8037SigningInput, 30), sig));

  // The A.4 payload is the text "Example of Ed25519 signing", not a JSON object, so the compact
  // JWS of A.4 is outside what DecodeCompact accepts (jws.h: parts must hold JSON objects).
  EXPECT_FALSE(DecodeCompact(Join(kRfc8037SigningInput, kRfc8037Signature)).ok());
}

TEST(Rfc8037Test, KeyOfA1SignsJwsThatA2Verifies) {
  auto signing = SigningKey::FromPem(Rfc8037Pem(), Algorithm::kEdDSA);
  ASSERT_TRUE(signing.ok()) << signing.status().ToString();
  auto imported = PublicKey::FromJwk(Rfc8037Jwk());
  ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  auto token = SignCompact(*signing, SamplePayload(), "JWT");
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  auto decoded = DecodeCompact(*token);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(Str(decoded->header, "kid"), kRfc8037Thumbprint);
  EXPECT_TRUE(VerifyDecoded(*decoded, *imported));
}

TEST(Rfc7515Test, Rs256AppendixA2Verifies) {
  auto key = PublicKey::FromJwk(Rfc7515RsaJwk());
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->algorithm(), Algorithm::kRS256);
  std::string input = Join(kRfc7515Rs256Header, kRfc7515Payload);
  std::string sig = B64Decode(kRfc7515Rs256Signature);
  ASSERT_EQ(sig.size(), 256u);
  EXPECT_TRUE(key->Verify(input, sig));

  auto decoded = DecodeCompact(Join(input, kRfc7515Rs256Signature));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(Str(decoded->payload, "iss"), "joe");
  EXPECT_EQ(decoded->payload["exp"].as_int64(), 1300819380);
  EXPECT_TRUE(VerifyDecoded(*decoded, *key));
}

TEST(Rfc7515Test, Rs256AppendixA2FailsAfterOneBitChange) {
  auto key = PublicKey::FromJwk(Rfc7515RsaJwk());
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  std::string input = Join(kRfc7515Rs256Header, kRfc7515Payload);
  std::string sig = B64Decode(kRfc7515Rs256Signature);
  ASSERT_TRUE(key->Verify(input, sig));
  EXPECT_FALSE(key->Verify(input, FlipBit(sig, 0)));
  EXPECT_FALSE(key->Verify(input, FlipBit(sig, 128, 3)));
  EXPECT_FALSE(key->Verify(input, FlipBit(sig, 255, 7)));
  EXPECT_FALSE(key->Verify(FlipBit(input, 0), sig));
  EXPECT_FALSE(key->Verify(FlipBit(input, input.size() - 1), sig));
  EXPECT_FALSE(key->Verify(input, sig.substr(0, 255)));
  EXPECT_FALSE(key->Verify(input, ""));
}

TEST(Rfc7515Test, Rs256AppendixA2PrivateKeySignsTheSameBytes) {
  // RSASSA-PKCS1-v1_5 is deterministic: the A.2 private key must reproduce the A.2 signature.
  auto key = SigningKey::FromPem(Rfc7515RsaPem(), Algorithm::kRS256);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  auto sig = key->Sign(Join(kRfc7515Rs256Header, kRfc7515Payload));
  ASSERT_TRUE(sig.ok()) << sig.status().ToString();
  EXPECT_EQ(B64(*sig), kRfc7515Rs256Signature);
  boost::json::object jwk = key->public_key().ToJwk();
  EXPECT_EQ(Str(jwk, "n"), kRfc7515RsaN);
  EXPECT_EQ(Str(jwk, "e"), kRfc7515RsaE);
  for (const char* member : {"d", "p", "q", "dp", "dq", "qi"}) {
    EXPECT_FALSE(jwk.contains(member)) << "the public JWK leaks " << member;
  }
}

TEST(Rfc7515Test, Es256AppendixA3Verifies) {
  auto key = PublicKey::FromJwk(Rfc7515EcJwk());
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->algorithm(), Algorithm::kES256);
  std::string input = Join(kRfc7515Es256Header, kRfc7515Payload);
  std::string sig = B64Decode(kRfc7515Es256Signature);
  ASSERT_EQ(sig.size(), 64u);  // raw R||S
  EXPECT_TRUE(key->Verify(input, sig));

  auto decoded = DecodeCompact(Join(input, kRfc7515Es256Signature));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_TRUE(VerifyDecoded(*decoded, *key));
}

TEST(Rfc7515Test, Es256AppendixA3FailsWhenTampered) {
  auto key = PublicKey::FromJwk(Rfc7515EcJwk());
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  std::string input = Join(kRfc7515Es256Header, kRfc7515Payload);
  std::string sig = B64Decode(kRfc7515Es256Signature);
  ASSERT_TRUE(key->Verify(input, sig));
  EXPECT_FALSE(key->Verify(input, FlipBit(sig, 0)));   // R
  EXPECT_FALSE(key->Verify(input, FlipBit(sig, 40)));  // S
  EXPECT_FALSE(key->Verify(input, FlipBit(sig, 63, 7)));
  EXPECT_FALSE(key->Verify(FlipBit(input, 25), sig));
  // R and S swapped, truncated, extended: not the JWS form.
  EXPECT_FALSE(key->Verify(input, sig.substr(32) + sig.substr(0, 32)));
  EXPECT_FALSE(key->Verify(input, sig.substr(0, 63)));
  EXPECT_FALSE(key->Verify(input, sig + std::string(1, '\0')));
  EXPECT_FALSE(key->Verify(input, std::string(64, '\0')));
}

TEST(Rfc7515Test, Es256AppendixA3PrivateKeyMatchesItsPublicJwk) {
  auto key = SigningKey::FromPem(Rfc7515EcPem(), Algorithm::kES256);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  boost::json::object jwk = key->public_key().ToJwk();
  EXPECT_EQ(Str(jwk, "crv"), "P-256");
  EXPECT_EQ(Str(jwk, "x"), kRfc7515EcX);
  EXPECT_EQ(Str(jwk, "y"), kRfc7515EcY);
  EXPECT_FALSE(jwk.contains("d"));
  auto imported = PublicKey::FromJwk(Rfc7515EcJwk());
  ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  EXPECT_EQ(imported->kid(), key->kid());
  // ECDSA is randomized: check the signature against the RFC's public key instead of bytes.
  std::string input = Join(kRfc7515Es256Header, kRfc7515Payload);
  auto sig = key->Sign(input);
  ASSERT_TRUE(sig.ok()) << sig.status().ToString();
  EXPECT_EQ(sig->size(), 64u);
  EXPECT_TRUE(imported->Verify(input, *sig));
}

TEST(Rfc7638Test, ThumbprintExampleBecomesTheKid) {
  boost::json::object jwk;
  jwk["kty"] = "RSA";
  jwk["n"] = kRfc7638N;
  jwk["e"] = "AQAB";
  jwk["alg"] = "RS256";
  auto key = PublicKey::FromJwk(jwk);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->kid(), kRfc7638Thumbprint);
  EXPECT_EQ(Str(key->ToJwk(), "kid"), kRfc7638Thumbprint);

  // Members outside the thumbprint input do not change it.
  jwk["use"] = "sig";
  auto with_use = PublicKey::FromJwk(jwk);
  ASSERT_TRUE(with_use.ok()) << with_use.status().ToString();
  EXPECT_EQ(with_use->kid(), kRfc7638Thumbprint);

  // A kid given in the JWK (the RFC's example has "2011-04-29") is kept as is.
  jwk["kid"] = "2011-04-29";
  auto with_kid = PublicKey::FromJwk(jwk);
  ASSERT_TRUE(with_kid.ok()) << with_kid.status().ToString();
  EXPECT_EQ(with_kid->kid(), "2011-04-29");
}

// RFC 7638 §3.2-3.3 computed independently: SHA-256 of the required members, lexicographic,
// no whitespace, base64url.
std::string ThumbprintOf(std::string_view canonical_json) {
  unsigned char digest[32];
  unsigned int len = 0;
  EXPECT_EQ(
      EVP_Digest(canonical_json.data(), canonical_json.size(), digest, &len, EVP_sha256(), nullptr),
      1);
  return B64(std::string_view(reinterpret_cast<char*>(digest), len));
}

TEST(Rfc7638Test, ThumbprintsHashTheCanonicalRequiredMembers) {
  // The independent computation reproduces the RFCs' published thumbprints ...
  EXPECT_EQ(ThumbprintOf(std::string(R"({"e":"AQAB","kty":"RSA","n":")") + kRfc7638N + R"("})"),
            kRfc7638Thumbprint);
  EXPECT_EQ(
      ThumbprintOf(std::string(R"({"crv":"Ed25519","kty":"OKP","x":")") + kRfc8037X + R"("})"),
      kRfc8037Thumbprint);
  // ... and gives the expected kid of an EC key (no RFC publishes a P-256 thumbprint).
  std::string ec_canonical = std::string(R"({"crv":"P-256","kty":"EC","x":")") + kRfc7515EcX +
                             R"(","y":")" + kRfc7515EcY + R"("})";
  boost::json::object jwk = Rfc7515EcJwk();
  jwk["alg"] = "ES256";
  jwk["use"] = "sig";
  auto key = PublicKey::FromJwk(jwk);
  ASSERT_TRUE(key.ok()) << key.status().ToString();
  EXPECT_EQ(key->kid(), ThumbprintOf(ec_canonical));
  auto signing = SigningKey::FromPem(Rfc7515EcPem(), Algorithm::kES256);
  ASSERT_TRUE(signing.ok()) << signing.status().ToString();
  EXPECT_EQ(signing->kid(), ThumbprintOf(ec_canonical));
  // And of the RFC 7515 A.2 RSA key.
  auto rsa = PublicKey::FromJwk(Rfc7515RsaJwk());
  ASSERT_TRUE(rsa.ok()) << rsa.status().ToString();
  EXPECT_EQ(rsa->kid(),
            ThumbprintOf(std::string(R"({"e":"AQAB","kty":"RSA","n":")") + kRfc7515RsaN + R"("})"));
}

// ============================================================================
// 2. Round trips, for every algorithm
// ============================================================================

class JwsRoundTripTest : public testing::TestWithParam<Algorithm> {};

INSTANTIATE_TEST_SUITE_P(AllAlgorithms, JwsRoundTripTest,
                         testing::Values(Algorithm::kRS256, Algorithm::kES256, Algorithm::kEdDSA),
                         [](const testing::TestParamInfo<Algorithm>& info) {
                           return std::string(AlgorithmName(info.param));
                         });

TEST_P(JwsRoundTripTest, SignCompactDecodesAndVerifies) {
  SigningKey key = MustGenerate(GetParam());
  EXPECT_EQ(key.algorithm(), GetParam());
  boost::json::object payload = SamplePayload();
  auto token = SignCompact(key, payload, "JWT");
  ASSERT_TRUE(token.ok()) << token.status().ToString();

  auto decoded = DecodeCompact(*token);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->payload, payload);
  EXPECT_EQ(decoded->signing_input, token->substr(0, token->rfind('.')));
  EXPECT_TRUE(VerifyDecoded(*decoded, key.public_key()));
}

TEST_P(JwsRoundTripTest, HeaderHasAlgKidAndTyp) {
  SigningKey key = MustGenerate(GetParam());
  auto token = SignCompact(key, SamplePayload(), "at+jwt");
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  auto decoded = DecodeCompact(*token);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(Str(decoded->header, "alg"), AlgorithmName(GetParam()));
  EXPECT_EQ(Str(decoded->header, "kid"), key.kid());
  EXPECT_EQ(Str(decoded->header, "typ"), "at+jwt");
  EXPECT_EQ(decoded->header.size(), 3u) << boost::json::serialize(decoded->header);
}

TEST_P(JwsRoundTripTest, SignatureHasTheJwsLength) {
  SigningKey key = MustGenerate(GetParam());
  auto sig = key.Sign("input");
  ASSERT_TRUE(sig.ok()) << sig.status().ToString();
  size_t expected = GetParam() == Algorithm::kRS256 ? 256 : 64;  // ES256: raw R||S, not DER
  EXPECT_EQ(sig->size(), expected);
  EXPECT_TRUE(key.public_key().Verify("input", *sig));
  EXPECT_FALSE(key.public_key().Verify("inpuT", *sig));
}

TEST_P(JwsRoundTripTest, KidIsTheThumbprintOfThePublicJwk) {
  SigningKey key = MustGenerate(GetParam());
  EXPECT_EQ(key.kid().size(), 43u);  // base64url SHA-256
  EXPECT_EQ(key.public_key().kid(), key.kid());
  // Importing the public JWK without its kid recomputes the same RFC 7638 thumbprint.
  boost::json::object jwk = key.public_key().ToJwk();
  jwk.erase("kid");
  auto imported = PublicKey::FromJwk(jwk);
  ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  EXPECT_EQ(imported->kid(), key.kid());
}

TEST_P(JwsRoundTripTest, PemRoundTripKeepsTheKey) {
  SigningKey key = MustGenerate(GetParam());
  auto pem = key.ToPem();
  ASSERT_TRUE(pem.ok()) << pem.status().ToString();
  EXPECT_EQ(pem->rfind("-----BEGIN PRIVATE KEY-----", 0), 0u) << "not PKCS#8: " << *pem;
  auto loaded = SigningKey::FromPem(*pem, GetParam());
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->kid(), key.kid());
  EXPECT_EQ(loaded->algorithm(), GetParam());
  // The reloaded key signs what the original public key accepts.
  auto token = SignCompact(*loaded, SamplePayload(), "JWT");
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  EXPECT_TRUE(DecodeAndVerify(*token, key.public_key()));
}

TEST_P(JwsRoundTripTest, PublicJwkReimportsAndVerifies) {
  SigningKey key = MustGenerate(GetParam());
  boost::json::object jwk = key.public_key().ToJwk();
  EXPECT_EQ(Str(jwk, "use"), "sig");
  EXPECT_EQ(Str(jwk, "alg"), AlgorithmName(GetParam()));
  EXPECT_EQ(Str(jwk, "kid"), key.kid());
  for (const char* member : {"d", "p", "q", "dp", "dq", "qi"}) {
    EXPECT_FALSE(jwk.contains(member)) << "the public JWK leaks " << member;
  }
  // Through text, as a JWKS would carry it.
  auto imported = PublicKey::FromJwk(Obj(boost::json::serialize(jwk)));
  ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  EXPECT_EQ(imported->algorithm(), GetParam());
  EXPECT_EQ(imported->kid(), key.kid());
  EXPECT_EQ(imported->ToJwk(), jwk);
  auto token = SignCompact(key, SamplePayload(), "JWT");
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  EXPECT_TRUE(DecodeAndVerify(*token, *imported));
}

TEST_P(JwsRoundTripTest, AnotherKeyOfTheSameAlgorithmDoesNotVerify) {
  SigningKey a = MustGenerate(GetParam());
  SigningKey b = MustGenerate(GetParam());
  EXPECT_NE(a.kid(), b.kid());
  auto token = SignCompact(a, SamplePayload(), "JWT");
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  EXPECT_TRUE(DecodeAndVerify(*token, a.public_key()));
  EXPECT_FALSE(DecodeAndVerify(*token, b.public_key()));
}

TEST_P(JwsRoundTripTest, TamperedPayloadOrSignatureFails) {
  SigningKey key = MustGenerate(GetParam());
  auto token = SignCompact(key, SamplePayload(), "JWT");
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  size_t first = token->find('.');
  size_t second = token->find('.', first + 1);
  std::string header = token->substr(0, first);
  std::string signature = token->substr(second + 1);
  ASSERT_TRUE(DecodeAndVerify(*token, key.public_key()));

  boost::json::object other = SamplePayload();
  other["sub"] = "acc_2";
  std::string swapped = header + "." + B64(boost::json::serialize(other)) + "." + signature;
  EXPECT_FALSE(DecodeAndVerify(swapped, key.public_key()));

  std::string sig_bytes = B64Decode(signature);
  std::string bad_sig = header + "." + token->substr(first + 1, second - first - 1) + "." +
                        B64(FlipBit(sig_bytes, sig_bytes.size() / 2));
  EXPECT_FALSE(DecodeAndVerify(bad_sig, key.public_key()));
}

TEST_P(JwsRoundTripTest, FromPemRefusesAKeyOfAnotherAlgorithm) {
  SigningKey key = MustGenerate(GetParam());
  auto pem = key.ToPem();
  ASSERT_TRUE(pem.ok()) << pem.status().ToString();
  for (Algorithm other : {Algorithm::kRS256, Algorithm::kES256, Algorithm::kEdDSA}) {
    if (other == GetParam()) continue;
    auto loaded = SigningKey::FromPem(*pem, other);
    ASSERT_FALSE(loaded.ok()) << AlgorithmName(GetParam()) << " PEM accepted as "
                              << AlgorithmName(other);
    EXPECT_EQ(loaded.status().code(), StatusCode::kInvalidArgument);
  }
}

// ============================================================================
// 3. Refusals
// ============================================================================

TEST(AlgorithmTest, ParsesTheThreeNamesAndTheirInverse) {
  for (Algorithm alg : {Algorithm::kRS256, Algorithm::kES256, Algorithm::kEdDSA}) {
    auto parsed = ParseAlgorithm(AlgorithmName(alg));
    ASSERT_TRUE(parsed.ok()) << AlgorithmName(alg);
    EXPECT_EQ(*parsed, alg);
  }
  EXPECT_EQ(AlgorithmName(Algorithm::kRS256), "RS256");
  EXPECT_EQ(AlgorithmName(Algorithm::kES256), "ES256");
  EXPECT_EQ(AlgorithmName(Algorithm::kEdDSA), "EdDSA");
}

TEST(AlgorithmTest, ParseRefusesOtherNames) {
  for (const char* name :
       {"none", "None", "NONE", "HS256", "rs256", "es256", "eddsa", "EDDSA", "Ed25519", "RS384",
        "RS512", "PS256", "ES384", "ES512", "", " RS256", "RS256 "}) {
    auto parsed = ParseAlgorithm(name);
    ASSERT_FALSE(parsed.ok()) << "accepted '" << name << "'";
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument) << name;
  }
  EXPECT_FALSE(ParseAlgorithm(std::string_view("RS256\0", 6)).ok());
}

TEST(JwsVerifyTest, RefusesAnRs256TokenCheckedWithAnEs256Key) {
  SigningKey rsa = MustGenerate(Algorithm::kRS256);
  SigningKey ec = MustGenerate(Algorithm::kES256);
  auto token = SignCompact(rsa, SamplePayload(), "JWT");
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  EXPECT_TRUE(DecodeAndVerify(*token, rsa.public_key()));
  EXPECT_FALSE(DecodeAndVerify(*token, ec.public_key()));
}

TEST(JwsVerifyTest, RefusesAHeaderAlgOtherThanTheKeysEvenWithAValidSignature) {
  // The signature is valid for the key in every case; only the header's alg is wrong.
  const std::string payload = boost::json::serialize(SamplePayload());
  struct Case {
    Algorithm key_alg;
    const char* header;
  };
  const Case cases[] = {
      {Algorithm::kRS256, R"({"alg":"none"})"},  {Algorithm::kRS256, R"({"alg":"HS256"})"},
      {Algorithm::kRS256, R"({"alg":"ES256"})"}, {Algorithm::kRS256, R"({"alg":"rs256"})"},
      {Algorithm::kRS256, R"({"alg":"PS256"})"}, {Algorithm::kES256, R"({"alg":"RS256"})"},
      {Algorithm::kES256, R"({"alg":"none"})"},  {Algorithm::kES256, R"({"alg":"HS256"})"},
      {Algorithm::kEdDSA, R"({"alg":"ES256"})"}, {Algorithm::kEdDSA, R"({"alg":"Ed25519"})"},
      {Algorithm::kEdDSA, R"({"alg":"none"})"},  {Algorithm::kRS256, R"({"typ":"JWT"})"},
      {Algorithm::kRS256, R"({"alg":null})"},    {Algorithm::kRS256, R"({"alg":["RS256"]})"},
      {Algorithm::kRS256, R"({"alg":""})"},
  };
  SigningKey keys[] = {MustGenerate(Algorithm::kRS256), MustGenerate(Algorithm::kES256),
                       MustGenerate(Algorithm::kEdDSA)};
  for (const Case& c : cases) {
    const SigningKey& key = keys[static_cast<int>(c.key_alg)];
    ASSERT_EQ(key.algorithm(), c.key_alg);
    // Control: the same construction with the right alg verifies.
    std::string good = SignWithHeader(
        key, R"({"alg":")" + std::string(AlgorithmName(c.key_alg)) + R"("})", payload);
    EXPECT_TRUE(DecodeAndVerify(good, key.public_key()));
    std::string bad = SignWithHeader(key, c.header, payload);
    EXPECT_FALSE(DecodeAndVerify(bad, key.public_key()))
        << AlgorithmName(c.key_alg) << " key, header " << c.header;
  }
}

TEST(JwsVerifyTest, RefusesACritHeader) {
  SigningKey key = MustGenerate(Algorithm::kEdDSA);
  const std::string payload = boost::json::serialize(SamplePayload());
  std::string good = SignWithHeader(key, R"({"alg":"EdDSA","kid":"k"})", payload);
  ASSERT_TRUE(DecodeAndVerify(good, key.public_key()));
  for (const char* header :
       {R"({"alg":"EdDSA","crit":["exp"],"exp":1})", R"({"alg":"EdDSA","crit":[]})",
        R"({"crit":["b64"],"b64":false,"alg":"EdDSA"})"}) {
    std::string token = SignWithHeader(key, header, payload);
    EXPECT_FALSE(DecodeAndVerify(token, key.public_key())) << header;
  }
}

TEST(JwsVerifyTest, RefusesATamperedPayload) {
  SigningKey key = MustGenerate(Algorithm::kES256);
  auto token = SignCompact(key, SamplePayload(), "JWT");
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  auto decoded = DecodeCompact(*token);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  ASSERT_TRUE(VerifyDecoded(*decoded, key.public_key()));
  // Changing the decoded payload does not matter (the signing input is what is checked) ...
  DecodedJws changed_input = *decoded;
  changed_input.signing_input[changed_input.signing_input.size() - 2] ^= 1;
  EXPECT_FALSE(VerifyDecoded(changed_input, key.public_key()));
  // ... and a re-encoded payload with the original signature fails.
  boost::json::object admin = SamplePayload();
  admin["sub"] = "acc_admin";
  size_t first = token->find('.');
  size_t second = token->find('.', first + 1);
  std::string forged =
      token->substr(0, first) + "." + B64(boost::json::serialize(admin)) + token->substr(second);
  EXPECT_FALSE(DecodeAndVerify(forged, key.public_key()));
}

TEST(JwsVerifyTest, RefusesATokenWhoseSignatureIsFromAnotherAlgorithmKey) {
  // An ES256 signature relabelled as RS256 and checked with an RS256 key.
  SigningKey ec = MustGenerate(Algorithm::kES256);
  SigningKey rsa = MustGenerate(Algorithm::kRS256);
  std::string token =
      SignWithHeader(ec, R"({"alg":"RS256"})", boost::json::serialize(SamplePayload()));
  EXPECT_FALSE(DecodeAndVerify(token, rsa.public_key()));
  EXPECT_FALSE(DecodeAndVerify(token, ec.public_key()));
}

// A structurally valid compact JWS (header {"alg":"EdDSA"}) of exactly `size` characters.
std::string CompactOfSize(size_t size) {
  std::string header = B64(R"({"alg":"EdDSA"})");
  for (int pad = 0; pad < 4; ++pad) {
    std::string payload = B64(R"({"sub":")" + std::string(static_cast<size_t>(pad), 'x') + R"("})");
    size_t prefix = header.size() + 1 + payload.size() + 1;
    if (prefix >= size) break;
    size_t rest = size - prefix;
    if (rest % 4 == 1) continue;  // not a base64url length
    return header + "." + payload + "." + std::string(rest, 'A');
  }
  ADD_FAILURE() << "cannot build a token of " << size << " characters";
  return {};
}

TEST(JwsDecodeTest, DecodesThreeParts) {
  std::string input = Join(kRfc7515Es256Header, kRfc7515Payload);
  auto decoded = DecodeCompact(Join(input, kRfc7515Es256Signature));
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->header, Obj(R"({"alg":"ES256"})"));
  EXPECT_EQ(decoded->payload,
            Obj(R"({"iss":"joe","exp":1300819380,"http://example.com/is_root":true})"));
  EXPECT_EQ(decoded->signing_input, input);
  EXPECT_EQ(decoded->signature, B64Decode(kRfc7515Es256Signature));
}

TEST(JwsDecodeTest, RefusesTwoOrFourParts) {
  const std::string h = B64(R"({"alg":"EdDSA"})");
  const std::string p = B64(R"({"sub":"x"})");
  const std::string s = B64("signature");
  ASSERT_TRUE(DecodeCompact(h + "." + p + "." + s).ok());
  for (const std::string& token :
       {h, h + "." + p, h + "." + p + "." + s + "." + s, h + "." + p + "." + s + ".",
        "." + h + "." + p + "." + s, h + ".." + p + "." + s, std::string(), std::string(".."),
        std::string("...")}) {
    auto decoded = DecodeCompact(token);
    ASSERT_FALSE(decoded.ok()) << "accepted: " << token;
    EXPECT_EQ(decoded.status().code(), StatusCode::kInvalidArgument) << token;
  }
}

TEST(JwsDecodeTest, RefusesBadBase64Url) {
  const std::string h = B64(R"({"alg":"EdDSA"})");
  const std::string p = B64(R"({"sub":"x"})");
  const std::string s = kRfc8037Signature;
  ASSERT_TRUE(DecodeCompact(h + "." + p + "." + s).ok());
  const std::vector<std::string> tokens = {
      h + "=." + p + "." + s,        // padding
      h + "." + p + "." + s + "==",  // padding on the signature
      h + "." + p + "+." + s,        // standard-alphabet character
      "eyJhbGciOiJFZERTQSJ9/." + p + "." + s,
      h + "." + p + "." + s.substr(0, 10) + "*" + s.substr(11),
      h + "." + p + "." + s.substr(0, 10) + " " + s.substr(11),
      h + "." + p + "." + s + "AAA",                        // length ≡ 1 (mod 4)
      h + "." + p + "." + s.substr(0, s.size() - 1) + "h",  // non-zero unused trailing bits
      h + "." + p + "." + s + "\n",
      h + "." + p + "." + "",  // empty signature
  };
  for (const std::string& token : tokens) {
    auto decoded = DecodeCompact(token);
    ASSERT_FALSE(decoded.ok()) << "accepted: " << token;
    EXPECT_EQ(decoded.status().code(), StatusCode::kInvalidArgument) << token;
  }
}

TEST(JwsDecodeTest, RefusesPartsThatAreNotJsonObjects) {
  const std::string h = B64(R"({"alg":"EdDSA"})");
  const std::string p = B64(R"({"sub":"x"})");
  const std::string s = kRfc8037Signature;
  for (const char* json : {R"(["alg","EdDSA"])", R"("EdDSA")", "42", "null", "true",
                           R"({"alg":"EdDSA")", "", R"({"alg":"EdDSA"} {})", "not json"}) {
    auto as_header = DecodeCompact(B64(json) + "." + p + "." + s);
    EXPECT_FALSE(as_header.ok()) << "header accepted: " << json;
    auto as_payload = DecodeCompact(h + "." + B64(json) + "." + s);
    EXPECT_FALSE(as_payload.ok()) << "payload accepted: " << json;
    if (!as_payload.ok()) {
      EXPECT_EQ(as_payload.status().code(), StatusCode::kInvalidArgument);
    }
  }
}

TEST(JwsDecodeTest, RefusesTokensOver16KiB) {
  std::string at_limit = CompactOfSize(16 * 1024);
  ASSERT_EQ(at_limit.size(), 16384u);
  EXPECT_TRUE(DecodeCompact(at_limit).ok()) << "a 16 KiB token is within the limit";
  for (size_t size : {size_t{16 * 1024 + 1}, size_t{16 * 1024 + 2}, size_t{64 * 1024}}) {
    std::string token = CompactOfSize(size);
    ASSERT_EQ(token.size(), size);
    auto decoded = DecodeCompact(token);
    ASSERT_FALSE(decoded.ok()) << "accepted a token of " << size << " characters";
    EXPECT_EQ(decoded.status().code(), StatusCode::kInvalidArgument);
  }
}

// ---- FromJwk refusals ----

void ExpectRefused(const boost::json::object& jwk) {
  auto key = PublicKey::FromJwk(jwk);
  ASSERT_FALSE(key.ok()) << "accepted " << boost::json::serialize(jwk);
  EXPECT_EQ(key.status().code(), StatusCode::kInvalidArgument) << boost::json::serialize(jwk);
}

TEST(PublicKeyTest, FromJwkRefusesRsaUnder2048Bits) {
  PkeyPtr small = OwnPkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{1024}));
  ASSERT_NE(small, nullptr);
  ASSERT_EQ(EVP_PKEY_get_bits(small.get()), 1024);
  boost::json::object jwk;
  jwk["kty"] = "RSA";
  jwk["n"] = B64(BnParam(small.get(), OSSL_PKEY_PARAM_RSA_N));
  jwk["e"] = B64(BnParam(small.get(), OSSL_PKEY_PARAM_RSA_E));
  ExpectRefused(jwk);
  jwk["alg"] = "RS256";
  ExpectRefused(jwk);

  // Just under the floor: 2040 bits.
  PkeyPtr almost = OwnPkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2040}));
  ASSERT_NE(almost, nullptr);
  jwk["n"] = B64(BnParam(almost.get(), OSSL_PKEY_PARAM_RSA_N));
  jwk["e"] = B64(BnParam(almost.get(), OSSL_PKEY_PARAM_RSA_E));
  ExpectRefused(jwk);
}

TEST(PublicKeyTest, FromPemRefusesRsaUnder2048Bits) {
  PkeyPtr small = OwnPkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{1024}));
  ASSERT_NE(small, nullptr);
  auto key = SigningKey::FromPem(PemOf(small.get()), Algorithm::kRS256);
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().code(), StatusCode::kInvalidArgument);
}

TEST(PublicKeyTest, FromJwkRefusesP384) {
  PkeyPtr p384 = OwnPkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-384"));
  ASSERT_NE(p384, nullptr);
  std::string x = BnParam(p384.get(), OSSL_PKEY_PARAM_EC_PUB_X, 48);
  std::string y = BnParam(p384.get(), OSSL_PKEY_PARAM_EC_PUB_Y, 48);
  boost::json::object jwk;
  jwk["kty"] = "EC";
  jwk["crv"] = "P-384";
  jwk["x"] = B64(x);
  jwk["y"] = B64(y);
  ExpectRefused(jwk);
  jwk["alg"] = "ES384";
  ExpectRefused(jwk);
  // Mislabelled as P-256.
  jwk["crv"] = "P-256";
  jwk.erase("alg");
  ExpectRefused(jwk);
  // And the private key is refused for ES256.
  auto signing = SigningKey::FromPem(PemOf(p384.get()), Algorithm::kES256);
  ASSERT_FALSE(signing.ok());
  EXPECT_EQ(signing.status().code(), StatusCode::kInvalidArgument);
}

TEST(PublicKeyTest, FromJwkRefusesAnAlgThatDoesNotMatchTheKeyType) {
  struct Case {
    boost::json::object jwk;
    std::vector<const char*> wrong;
    const char* right;
  };
  const Case cases[] = {
      {Rfc7515RsaJwk(), {"ES256", "EdDSA", "PS256", "RS384", "HS256", "none", "rs256"}, "RS256"},
      {Rfc7515EcJwk(), {"RS256", "EdDSA", "ES384", "HS256", "none", "es256"}, "ES256"},
      {Rfc8037Jwk(), {"RS256", "ES256", "Ed25519", "HS256", "none", "eddsa"}, "EdDSA"},
  };
  for (const Case& c : cases) {
    boost::json::object jwk = c.jwk;
    jwk["alg"] = c.right;
    EXPECT_TRUE(PublicKey::FromJwk(jwk).ok()) << boost::json::serialize(jwk);
    for (const char* alg : c.wrong) {
      jwk["alg"] = alg;
      ExpectRefused(jwk);
    }
  }
}

TEST(PublicKeyTest, FromJwkRefusesMissingOrMalformedMembers) {
  ASSERT_TRUE(PublicKey::FromJwk(Rfc7515RsaJwk()).ok());
  ASSERT_TRUE(PublicKey::FromJwk(Rfc7515EcJwk()).ok());
  ASSERT_TRUE(PublicKey::FromJwk(Rfc8037Jwk()).ok());

  ExpectRefused(boost::json::object{});
  for (const char* member : {"kty", "n", "e"}) {
    boost::json::object jwk = Rfc7515RsaJwk();
    jwk.erase(member);
    ExpectRefused(jwk);
  }
  for (const char* member : {"kty", "crv", "x", "y"}) {
    boost::json::object jwk = Rfc7515EcJwk();
    jwk.erase(member);
    ExpectRefused(jwk);
  }
  for (const char* member : {"kty", "crv", "x"}) {
    boost::json::object jwk = Rfc8037Jwk();
    jwk.erase(member);
    ExpectRefused(jwk);
  }
  {
    boost::json::object jwk = Rfc7515RsaJwk();
    jwk["n"] = 12345;
    ExpectRefused(jwk);
    jwk = Rfc7515RsaJwk();
    jwk["e"] = "";
    ExpectRefused(jwk);
    jwk = Rfc7515RsaJwk();
    jwk["n"] = std::string(kRfc7515RsaN) + "=";  // not base64url
    ExpectRefused(jwk);
    jwk = Rfc7515RsaJwk();
    jwk["kty"] = "rsa";
    ExpectRefused(jwk);
  }
  {
    boost::json::object jwk = Rfc7515EcJwk();
    jwk["x"] = B64(B64Decode(kRfc7515EcX).substr(1));  // 31 bytes
    ExpectRefused(jwk);
    jwk = Rfc7515EcJwk();
    jwk["y"] = B64(B64Decode(kRfc7515EcY) + "\x01");  // 33 bytes
    ExpectRefused(jwk);
    // x one byte too long and y one byte too short: "\x04" || x || y is still the 65-byte point,
    // but RFC 7518 §6.2.1.2 requires each coordinate at the full 32 bytes.
    std::string x = B64Decode(kRfc7515EcX), y = B64Decode(kRfc7515EcY);
    jwk = Rfc7515EcJwk();
    jwk["x"] = B64(x + y.substr(0, 1));
    jwk["y"] = B64(y.substr(1));
    ExpectRefused(jwk);
    jwk = Rfc7515EcJwk();
    jwk["crv"] = "secp256k1";
    ExpectRefused(jwk);
  }
  {
    boost::json::object jwk = Rfc8037Jwk();
    jwk["x"] = B64(B64Decode(kRfc8037X).substr(0, 31));
    ExpectRefused(jwk);
    jwk = Rfc8037Jwk();
    jwk["crv"] = "Ed448";
    ExpectRefused(jwk);
    jwk = Rfc8037Jwk();
    jwk["crv"] = "X25519";
    ExpectRefused(jwk);
  }
  {
    boost::json::object oct;
    oct["kty"] = "oct";
    oct["k"] =
        "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";
    ExpectRefused(oct);
  }
}

TEST(PublicKeyTest, FromJwkRefusesAPointOffTheCurve) {
  // An invalid-curve point must never become a verification key.
  boost::json::object jwk = Rfc7515EcJwk();
  jwk["y"] = B64(FlipBit(B64Decode(kRfc7515EcY), 31));
  ExpectRefused(jwk);
  jwk["x"] = B64(std::string(32, '\0'));
  jwk["y"] = B64(std::string(32, '\0'));
  ExpectRefused(jwk);
}

TEST(SigningKeyTest, FromPemRefusesWhatIsNotAPrivateKey) {
  for (const std::string& pem :
       {std::string(), std::string("not a pem"),
        std::string("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")}) {
    auto key = SigningKey::FromPem(pem, Algorithm::kEdDSA);
    ASSERT_FALSE(key.ok());
    EXPECT_EQ(key.status().code(), StatusCode::kInvalidArgument);
  }
}

TEST(SigningKeyTest, FromPemAcceptsAP256KeyWithACompressedPublicPoint) {
  // A PKCS#8 P-256 key may carry its public point in compressed form (openssl ec -conv_form
  // compressed). It is still a P-256 key: FromPem must load it with the RFC 7638 kid of (x, y),
  // or refuse it with kInvalidArgument — never throw or compute a kid from missing bytes.
  PkeyPtr ec = OwnPkey(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  ASSERT_NE(ec, nullptr);
  ASSERT_EQ(EVP_PKEY_set_utf8_string_param(ec.get(), OSSL_PKEY_PARAM_EC_POINT_CONVERSION_FORMAT,
                                           "compressed"),
            1);
  std::string pem = PemOf(ec.get());
  boost::json::object jwk;
  jwk["kty"] = "EC";
  jwk["crv"] = "P-256";
  jwk["x"] = B64(BnParam(ec.get(), OSSL_PKEY_PARAM_EC_PUB_X, 32));
  jwk["y"] = B64(BnParam(ec.get(), OSSL_PKEY_PARAM_EC_PUB_Y, 32));
  auto expected = PublicKey::FromJwk(jwk);
  ASSERT_TRUE(expected.ok()) << expected.status().ToString();

  StatusOr<SigningKey> key = InternalError("not run");
  try {
    key = SigningKey::FromPem(pem, Algorithm::kES256);
  } catch (const std::exception& e) {
    FAIL() << "SigningKey::FromPem threw " << e.what();
  }
  if (!key.ok()) {
    EXPECT_EQ(key.status().code(), StatusCode::kInvalidArgument);
    return;
  }
  EXPECT_EQ(key->kid(), expected->kid());
  boost::json::object published = key->public_key().ToJwk();
  EXPECT_EQ(Str(published, "x"), Str(jwk, "x"));
  EXPECT_EQ(Str(published, "y"), Str(jwk, "y"));
  auto token = SignCompact(*key, SamplePayload(), "JWT");
  ASSERT_TRUE(token.ok()) << token.status().ToString();
  EXPECT_TRUE(DecodeAndVerify(*token, *expected));
}

}  // namespace
}  // namespace portico::jose
