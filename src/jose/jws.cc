#include "jose/jws.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "crypto/encoding.h"

namespace portico::jose {
namespace {

constexpr size_t kMaxTokenBytes = 16 * 1024;

std::optional<boost::json::object> ParseObject(std::string_view encoded) {
  auto bytes = crypto::Base64UrlDecode(encoded);
  if (!bytes) return std::nullopt;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(*bytes, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

}  // namespace

StatusOr<std::string> SignCompact(const SigningKey& key, const boost::json::object& payload,
                                  std::string_view typ) {
  boost::json::object header;
  header["alg"] = AlgorithmName(key.algorithm());
  header["kid"] = key.kid();
  header["typ"] = typ;
  std::string input = crypto::Base64UrlEncode(boost::json::serialize(header));
  input += '.';
  input += crypto::Base64UrlEncode(boost::json::serialize(payload));
  PORTICO_ASSIGN_OR_RETURN(std::string signature, key.Sign(input));
  input += '.';
  input += crypto::Base64UrlEncode(signature);
  return input;
}

StatusOr<DecodedJws> DecodeCompact(std::string_view token) {
  if (token.size() > kMaxTokenBytes) return InvalidArgumentError("token too large");
  size_t first = token.find('.');
  if (first == std::string_view::npos) return InvalidArgumentError("not a compact JWS");
  size_t second = token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    return InvalidArgumentError("not a compact JWS");
  }
  DecodedJws out;
  auto header = ParseObject(token.substr(0, first));
  auto payload = ParseObject(token.substr(first + 1, second - first - 1));
  auto signature = crypto::Base64UrlDecode(token.substr(second + 1));
  if (!header || !payload || !signature || signature->empty())
    return InvalidArgumentError("malformed JWS part");
  out.header = std::move(*header);
  out.payload = std::move(*payload);
  out.signing_input = std::string(token.substr(0, second));
  out.signature = std::move(*signature);
  return out;
}

std::string_view StringClaim(const boost::json::object& object, std::string_view name) {
  auto it = object.find(name);
  return it != object.end() && it->value().is_string() ? std::string_view(it->value().as_string())
                                                       : std::string_view();
}

int64_t IntClaim(const boost::json::object& object, std::string_view name) {
  auto it = object.find(name);
  return it != object.end() && it->value().is_int64() ? it->value().as_int64() : 0;
}

bool VerifyDecoded(const DecodedJws& jws, const PublicKey& key) {
  auto alg = jws.header.find("alg");
  if (alg == jws.header.end() || !alg->value().is_string()) return false;
  if (std::string_view(alg->value().as_string()) != AlgorithmName(key.algorithm())) return false;
  // RFC 7515 §4.1.11: a critical extension we do not understand makes the JWS invalid.
  if (jws.header.contains("crit")) return false;
  return key.Verify(jws.signing_input, jws.signature);
}

}  // namespace portico::jose
