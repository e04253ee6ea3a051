#include "courier/courier.h"

#include <algorithm>
#include <chrono>

#include "core/log.h"
#include "courier/mime.h"

namespace portico::courier {

Courier::Courier(Outbox& outbox, Transport& transport, Clock& clock, crypto::Random& random,
                 CourierOptions options)
    : outbox_(outbox),
      transport_(transport),
      clock_(clock),
      random_(random),
      options_(std::move(options)) {
  from_address_ = AddressOf(options_.from);
  size_t at = from_address_.rfind('@');
  domain_ = at == std::string::npos ? "localhost" : from_address_.substr(at + 1);
}

Courier::~Courier() { Stop(); }

StatusOr<int64_t> Courier::Submit(const Message& message, const std::vector<RateLimit>& limits) {
  PORTICO_ASSIGN_OR_RETURN(int64_t id, outbox_.Submit(message, limits, clock_.NowSeconds()));
  log::Info("mail_queued", {{"id", id}, {"kind", message.kind}});
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wake_.notify_all();
  return id;
}

Status Courier::Charge(const std::vector<RateLimit>& limits) {
  return outbox_.Charge(limits, clock_.NowSeconds());
}

int64_t Courier::RetryDelay(int attempts) const {
  int64_t delay = options_.first_retry_seconds;
  for (int i = 1; i < attempts && delay < options_.max_retry_seconds; ++i) delay *= 2;
  return std::min(delay, options_.max_retry_seconds);
}

StatusOr<int> Courier::DeliverDue() {
  int delivered = 0;
  while (true) {
    PORTICO_ASSIGN_OR_RETURN(
        auto batch, outbox_.ClaimDue(clock_.NowSeconds(), options_.batch, options_.lease_seconds));
    if (batch.empty()) return delivered;
    for (const StoredMessage& m : batch) {
      Envelope envelope;
      envelope.from = options_.from;
      envelope.message_id = "<" + crypto::RandomToken(random_, 16) + "@" + domain_ + ">";
      envelope.boundary = "=_" + crypto::RandomToken(random_, 18);
      envelope.date = m.created_at;
      auto mime = ComposeMime(m.message, envelope);
      Status sent = mime.ok() ? transport_.Deliver(m, from_address_, *mime)
                              : FailedPreconditionError(mime.status().message());
      int64_t now = clock_.NowSeconds();
      if (sent.ok()) {
        PORTICO_RETURN_IF_ERROR(outbox_.MarkSent(m.id, now));
        log::Info("mail_sent", {{"id", m.id}, {"kind", m.message.kind}});
        ++delivered;
        continue;
      }
      int attempts = m.attempts + 1;
      bool dead = sent.code() != StatusCode::kUnavailable || attempts >= options_.max_attempts;
      PORTICO_RETURN_IF_ERROR(
          outbox_.MarkFailed(m.id, sent.message(), now + RetryDelay(attempts), dead));
      log::Warn(dead ? "mail_dead" : "mail_retry", {{"id", m.id},
                                                    {"kind", m.message.kind},
                                                    {"attempts", attempts},
                                                    {"error", sent.message()}});
    }
  }
}

void Courier::Start() {
  std::lock_guard lock(mutex_);
  if (worker_.joinable()) return;
  stopping_ = false;
  worker_ = std::thread([this] { Run(); });
}

void Courier::Stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (worker_.joinable()) worker_.join();
}

void Courier::Run() {
  log::Info("courier_started", {{"transport", transport_.Describe()}});
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    woken_ = false;
    lock.unlock();
    auto delivered = DeliverDue();
    if (!delivered.ok())
      log::Warn("courier_pass_failed", {{"status", delivered.status().ToString()}});
    int64_t wait = options_.poll_seconds;
    auto next = outbox_.NextDue();
    if (next.ok() && *next > 0)
      wait = std::clamp<int64_t>(*next - clock_.NowSeconds(), 1, options_.poll_seconds);
    lock.lock();
    wake_.wait_for(lock, std::chrono::seconds(wait), [this] { return stopping_ || woken_; });
  }
}

}  // namespace portico::courier
