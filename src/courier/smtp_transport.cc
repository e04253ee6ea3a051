// SMTP delivery through libcurl's smtp:// and smtps:// support (RFC 5321; STARTTLS RFC 3207).
#include <curl/curl.h>

#include <cstring>
#include <mutex>

#include "courier/mime.h"
#include "courier/transport.h"

namespace portico::courier {
namespace {

struct Upload {
  const std::string* data;
  size_t offset = 0;
};

size_t ReadUpload(char* buffer, size_t size, size_t count, void* user) {
  auto* upload = static_cast<Upload*>(user);
  size_t room = size * count;
  size_t left = upload->data->size() - upload->offset;
  size_t n = std::min(room, left);
  std::memcpy(buffer, upload->data->data() + upload->offset, n);
  upload->offset += n;
  return n;
}

class SmtpTransport final : public Transport {
 public:
  explicit SmtpTransport(SmtpSettings settings) : settings_(std::move(settings)) {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  }

  Status Deliver(const StoredMessage& message, const std::string& from_address,
                 const std::string& mime) override {
    CURL* curl = curl_easy_init();
    if (!curl) return UnavailableError("libcurl could not start a transfer");
    curl_slist* recipients =
        curl_slist_append(nullptr, ("<" + AddressOf(message.message.to) + ">").c_str());
    Upload upload{&mime};
    std::string from = "<" + from_address + ">";
    curl_easy_setopt(curl, CURLOPT_URL, settings_.url.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from.c_str());
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, ReadUpload);
    curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, settings_.connect_timeout_seconds);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, settings_.timeout_seconds);
    if (settings_.require_starttls)
      curl_easy_setopt(curl, CURLOPT_USE_SSL, CURLUSESSL_ALL);
    else
      curl_easy_setopt(curl, CURLOPT_USE_SSL, CURLUSESSL_TRY);
    if (!settings_.username.empty()) {
      curl_easy_setopt(curl, CURLOPT_USERNAME, settings_.username.c_str());
      curl_easy_setopt(curl, CURLOPT_PASSWORD, settings_.password.c_str());
    }
    char error[CURL_ERROR_SIZE] = {0};
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
    CURLcode code = curl_easy_perform(curl);
    long reply = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply);
    curl_slist_free_all(recipients);
    curl_easy_cleanup(curl);
    if (code == CURLE_OK) return OkStatus();
    std::string why =
        std::string(curl_easy_strerror(code)) + (error[0] ? ": " + std::string(error) : "");
    if (reply > 0) why += " (reply " + std::to_string(reply) + ")";
    // RFC 5321 §4.2.1: 5yz is a permanent refusal, 4yz (and no answer at all) is worth a retry.
    if (reply >= 500 && reply < 600) return FailedPreconditionError(why);
    return UnavailableError(why);
  }

  std::string Describe() const override {
    return settings_.url + (settings_.require_starttls ? " (STARTTLS required)" : "");
  }

 private:
  SmtpSettings settings_;
};

}  // namespace

std::unique_ptr<Transport> MakeSmtpTransport(SmtpSettings settings) {
  return std::make_unique<SmtpTransport>(std::move(settings));
}

}  // namespace portico::courier
