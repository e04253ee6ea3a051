// Status and StatusOr: how every fallible operation in Portico reports its result.
//
// A Status is either OK or carries a canonical code and a message meant for logs (never shown
// to a person verbatim; pages use message ids from the UI catalogue). StatusOr<T> holds either a
// value or a non-OK Status. Both are cheap to move and [[nodiscard]]: ignoring a result is a bug.
// Thread safety: plain values, no shared state.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace portico {

// Canonical codes, a subset of the gRPC/Abseil set that Portico needs.
enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // the caller's input is malformed or violates a rule
  kNotFound,            // the thing asked for does not exist
  kAlreadyExists,       // a unique thing (an e-mail address) is taken
  kPermissionDenied,    // the caller may not do this
  kUnauthenticated,     // credentials missing or wrong
  kResourceExhausted,   // throttled or over a limit
  kFailedPrecondition,  // the system is not in a state where this can happen
  kAborted,             // a concurrent change won; the caller may retry
  kUnavailable,         // a dependency (the database) is temporarily unavailable
  kInternal,            // a broken invariant or an unexpected library failure
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "NOT_FOUND: account acc_x" — for logs and test failure output.
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status OkStatus() { return Status(); }
inline Status InvalidArgumentError(std::string m) {
  return {StatusCode::kInvalidArgument, std::move(m)};
}
inline Status NotFoundError(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status AlreadyExistsError(std::string m) {
  return {StatusCode::kAlreadyExists, std::move(m)};
}
inline Status PermissionDeniedError(std::string m) {
  return {StatusCode::kPermissionDenied, std::move(m)};
}
inline Status UnauthenticatedError(std::string m) {
  return {StatusCode::kUnauthenticated, std::move(m)};
}
inline Status ResourceExhaustedError(std::string m) {
  return {StatusCode::kResourceExhausted, std::move(m)};
}
inline Status FailedPreconditionError(std::string m) {
  return {StatusCode::kFailedPrecondition, std::move(m)};
}
inline Status AbortedError(std::string m) { return {StatusCode::kAborted, std::move(m)}; }
inline Status UnavailableError(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status InternalError(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

// Holds a T or an error Status. Constructing from an OK Status is a programming error.
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(Status status) : status_(std::move(status)) { assert(!status_.ok()); }  // NOLINT
  StatusOr(T value) : value_(std::move(value)) {}                                  // NOLINT

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }

  T& value() & {
    assert(ok());
    return *value_;
  }
  const T& value() const& {
    assert(ok());
    return *value_;
  }
  T&& value() && {
    assert(ok());
    return std::move(*value_);
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace portico

// Returns the Status of `expr` from the enclosing function when it is not OK.
#define PORTICO_RETURN_IF_ERROR(expr)                  \
  do {                                                 \
    ::portico::Status portico_status_ = (expr);        \
    if (!portico_status_.ok()) return portico_status_; \
  } while (0)

#define PORTICO_CONCAT_INNER(a, b) a##b
#define PORTICO_CONCAT(a, b) PORTICO_CONCAT_INNER(a, b)
// `PORTICO_ASSIGN_OR_RETURN(auto x, Foo());` declares x from a StatusOr or returns its error.
#define PORTICO_ASSIGN_OR_RETURN(lhs, expr)                \
  auto PORTICO_CONCAT(portico_or_, __LINE__) = (expr);     \
  if (!PORTICO_CONCAT(portico_or_, __LINE__).ok())         \
    return PORTICO_CONCAT(portico_or_, __LINE__).status(); \
  lhs = std::move(PORTICO_CONCAT(portico_or_, __LINE__)).value()
