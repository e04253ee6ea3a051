// JWS Compact Serialization (RFC 7515 §7.1) with the algorithms of key.h.
//
// Sign produces "base64url(header).base64url(payload).base64url(signature)" with a header of
// {"alg", "kid", "typ"}. Verify checks the structure, refuses every algorithm but the key's
// (RFC 8725 §3.1: never trust "alg" to choose the check, never "none"), and checks the
// signature. Pure functions over immutable keys; thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"
#include "jose/key.h"

namespace portico::jose {

// Signs `payload` (a JSON object) with `key`. `typ` is the header's typ ("JWT", "at+jwt",
// "logout+jwt"). Errors: kInternal when signing fails.
StatusOr<std::string> SignCompact(const SigningKey& key, const boost::json::object& payload,
                                  std::string_view typ);

struct DecodedJws {
  boost::json::object header;
  boost::json::object payload;
  std::string signing_input;  // "header.payload" as received
  std::string signature;      // decoded bytes
};

// Splits and decodes a compact JWS without checking the signature.
// Errors: kInvalidArgument for anything but three base64url parts holding JSON objects, or more
// than 16 KiB in all.
StatusOr<DecodedJws> DecodeCompact(std::string_view token);

// A string member of a JOSE header or JWT claims object, or "" when absent or not a string.
std::string_view StringClaim(const boost::json::object& object, std::string_view name);
// An integer member (NumericDate and the like), or 0 when absent or not an integer.
int64_t IntClaim(const boost::json::object& object, std::string_view name);

// True when `jws` is signed by `key` with `key`'s algorithm (the header's alg must equal it).
bool VerifyDecoded(const DecodedJws& jws, const PublicKey& key);

}  // namespace portico::jose
