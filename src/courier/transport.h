// Transport: how the courier hands a composed message to the world. SmtpTransport speaks SMTP
// to the configured server; DropFolderTransport writes .eml files (the default when no server is
// configured, so that a newcomer can follow every flow by reading files).
#pragma once

#include <memory>
#include <string>

#include "core/status.h"
#include "courier/message.h"

namespace portico::courier {

class Transport {
 public:
  virtual ~Transport() = default;
  // Delivers `mime` (the whole RFC 5322 message) for `message` from the envelope sender
  // `from_address`. OK means the server accepted it (or the file is on disk).
  // Errors: kUnavailable for a failure worth retrying (no connection, a 4xx reply);
  // kFailedPrecondition for a permanent refusal (a 5xx reply): the message is dead-lettered.
  virtual Status Deliver(const StoredMessage& message, const std::string& from_address,
                         const std::string& mime) = 0;
  // What the operator sees in the start-up log ("smtp://mail:587 (STARTTLS)", "files in …").
  virtual std::string Describe() const = 0;
};

struct SmtpSettings {
  std::string url;  // "smtp://host:587" (plain or STARTTLS) or "smtps://host:465" (TLS)
  bool require_starttls = false;  // refuse to send over an unencrypted smtp:// connection
  std::string username;           // empty: no authentication
  std::string password;
  long connect_timeout_seconds = 10;
  long timeout_seconds = 30;
};

// SMTP over libcurl. Errors from the constructor's settings surface on the first Deliver.
std::unique_ptr<Transport> MakeSmtpTransport(SmtpSettings settings);

// Writes each message to `directory`/<id>-<kind>.eml (created when missing), logging the path.
std::unique_ptr<Transport> MakeDropFolderTransport(std::string directory);

}  // namespace portico::courier
