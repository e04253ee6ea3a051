// Clock: the one source of "now" for everything that expires (sessions, throttles, tokens).
//
// Production code takes a `Clock&` and never calls std::chrono directly, so tests can move time
// with FakeClock instead of sleeping. Times are Unix seconds (int64), the unit stored in the
// database. Implementations are thread-safe.
#pragma once

#include <atomic>
#include <cstdint>

namespace portico {

class Clock {
 public:
  virtual ~Clock() = default;
  // Seconds since the Unix epoch.
  virtual int64_t NowSeconds() const = 0;
};

// Wall-clock time from the operating system.
class SystemClock final : public Clock {
 public:
  int64_t NowSeconds() const override;
  // The process-wide instance.
  static SystemClock& Get();
};

// A clock that moves only when a test says so.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t start = 1'700'000'000) : now_(start) {}
  int64_t NowSeconds() const override { return now_.load(); }
  void Advance(int64_t seconds) { now_ += seconds; }
  void Set(int64_t seconds) { now_ = seconds; }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace portico
