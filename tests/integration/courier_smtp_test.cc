// The courier against a real SMTP server (Debian's aiosmtpd, writing a Maildir): delivery, the
// server down and back, dead letters after too many failures, nothing lost across a restart of
// the courier, and the worker woken by a new message.
#include <arpa/inet.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "core/clock.h"
#include "courier/courier.h"
#include "courier/sqlite_outbox.h"
#include "crypto/random.h"
#include "store/testing/network_database.h"

namespace portico::courier {
namespace {

using ::testing::HasSubstr;

int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

bool Accepts(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

// aiosmtpd on 127.0.0.1:`port`, storing what it receives in `maildir`.
class SmtpSink {
 public:
  SmtpSink(int port, std::filesystem::path maildir) : port_(port), maildir_(std::move(maildir)) {}
  ~SmtpSink() { Stop(); }

  void Start() {
    pid_ = ::fork();
    if (pid_ == 0) {
      std::string listen = "127.0.0.1:" + std::to_string(port_);
      ::execl("/usr/bin/python3", "python3", "-m", "aiosmtpd", "-n", "-l", listen.c_str(), "-c",
              "aiosmtpd.handlers.Mailbox", maildir_.c_str(), static_cast<char*>(nullptr));
      ::_exit(127);
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    while (!Accepts(port_)) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        FAIL() << "the SMTP server exited (is python3-aiosmtpd installed?)";
      }
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the SMTP server did not start";
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  void Stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  // The messages received so far, as raw text.
  std::vector<std::string> Received() const {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(maildir_ / "new", ec)) {
      std::ifstream in(entry.path(), std::ios::binary);
      std::stringstream text;
      text << in.rdbuf();
      out.push_back(text.str());
    }
    return out;
  }

 private:
  int port_;
  std::filesystem::path maildir_;
  pid_t pid_ = -1;
};

Message Letter(const std::string& to) {
  Message m;
  m.to = to;
  m.subject = "Choose a new password";
  m.text = "Hello,\nhttps://network.example/password/reset?token=abc\n";
  m.html = "<p>Hello</p>";
  m.kind = "password-reset";
  return m;
}

class CourierSmtpTest : public ::testing::Test {
 protected:
  CourierSmtpTest()
      : port_(FreePort()),
        sink_(port_, database_.dir() / "maildir"),
        transport_(MakeSmtpTransport(LocalServer(port_))) {}

  static SmtpSettings LocalServer(int port) {
    SmtpSettings settings;
    settings.url = "smtp://127.0.0.1:" + std::to_string(port);
    settings.connect_timeout_seconds = 2;
    return settings;
  }

  std::unique_ptr<Courier> NewCourier(int max_attempts = 8) {
    CourierOptions options;
    options.from = "Portico <no-reply@network.example>";
    options.max_attempts = max_attempts;
    options.first_retry_seconds = 30;
    options.poll_seconds = 1;
    return std::make_unique<Courier>(outbox_, *transport_, clock_, crypto::SecureRandom::Get(),
                                     options);
  }

  store::testing::NetworkDatabase database_;
  SqliteOutbox outbox_{database_.db()};
  FakeClock clock_{1'800'000'000};
  int port_;
  SmtpSink sink_;
  std::unique_ptr<Transport> transport_;
};

TEST_F(CourierSmtpTest, AQueuedMessageReachesTheServerIntact) {
  ASSERT_NO_FATAL_FAILURE(sink_.Start());
  auto courier = NewCourier();
  ASSERT_TRUE(courier->Submit(Letter("ada@example.org")).ok());
  auto delivered = courier->DeliverDue();
  ASSERT_TRUE(delivered.ok()) << delivered.status().ToString();
  EXPECT_EQ(*delivered, 1);
  auto received = sink_.Received();
  ASSERT_EQ(received.size(), 1u);
  EXPECT_THAT(received[0], HasSubstr("To: <ada@example.org>"));
  EXPECT_THAT(received[0], HasSubstr("Subject: Choose a new password"));
  EXPECT_THAT(received[0], HasSubstr("From: Portico <no-reply@network.example>"));
  EXPECT_THAT(received[0], HasSubstr("multipart/alternative"));
  EXPECT_EQ(outbox_.Counts()->sent, 1);
}

TEST_F(CourierSmtpTest, AMessageWaitsWhileTheServerIsDownAndGoesWhenItReturns) {
  auto courier = NewCourier();
  ASSERT_TRUE(courier->Submit(Letter("ada@example.org")).ok());
  EXPECT_EQ(*courier->DeliverDue(), 0);
  auto listed = outbox_.List(1);
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].state, MessageState::kPending);
  EXPECT_EQ((*listed)[0].attempts, 1);
  EXPECT_EQ((*listed)[0].next_attempt_at, clock_.NowSeconds() + 30);
  EXPECT_FALSE((*listed)[0].last_error.empty());

  ASSERT_NO_FATAL_FAILURE(sink_.Start());
  EXPECT_EQ(*courier->DeliverDue(), 0);  // not before its retry time
  clock_.Advance(30);
  EXPECT_EQ(*courier->DeliverDue(), 1);
  EXPECT_EQ(sink_.Received().size(), 1u);
}

TEST_F(CourierSmtpTest, NothingIsLostWhenTheCourierRestarts) {
  {
    auto before = NewCourier();
    ASSERT_TRUE(before->Submit(Letter("ada@example.org")).ok());
    ASSERT_TRUE(before->Submit(Letter("grace@example.org")).ok());
    EXPECT_EQ(*before->DeliverDue(), 0);  // the server is down
  }
  ASSERT_NO_FATAL_FAILURE(sink_.Start());
  clock_.Advance(30);
  SqliteOutbox reopened(database_.db());
  CourierOptions options;
  Courier after(reopened, *transport_, clock_, crypto::SecureRandom::Get(), options);
  EXPECT_EQ(*after.DeliverDue(), 2);
  EXPECT_EQ(sink_.Received().size(), 2u);
}

TEST_F(CourierSmtpTest, TooManyFailuresDeadLetterTheMessage) {
  auto courier = NewCourier(/*max_attempts=*/3);
  ASSERT_TRUE(courier->Submit(Letter("ada@example.org")).ok());
  for (int attempt = 1; attempt <= 3; ++attempt) {
    EXPECT_EQ(*courier->DeliverDue(), 0);
    clock_.Advance(courier->RetryDelay(attempt));
  }
  EXPECT_EQ(outbox_.Counts()->dead, 1);
  ASSERT_NO_FATAL_FAILURE(sink_.Start());
  clock_.Advance(86400);
  EXPECT_EQ(*courier->DeliverDue(), 0);
  EXPECT_TRUE(sink_.Received().empty());
}

TEST_F(CourierSmtpTest, RetriesBackOffAndStopGrowingAtTheCeiling) {
  auto courier = NewCourier();
  EXPECT_EQ(courier->RetryDelay(1), 30);
  EXPECT_EQ(courier->RetryDelay(2), 60);
  EXPECT_EQ(courier->RetryDelay(3), 120);
  EXPECT_EQ(courier->RetryDelay(20), 3600);
}

TEST_F(CourierSmtpTest, TheWorkerDeliversAsSoonAsAMessageIsQueued) {
  ASSERT_NO_FATAL_FAILURE(sink_.Start());
  auto courier = NewCourier();
  courier->Start();
  ASSERT_TRUE(courier->Submit(Letter("ada@example.org")).ok());
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (sink_.Received().empty() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(sink_.Received().size(), 1u);
  courier->Stop();
}

}  // namespace
}  // namespace portico::courier
