// oidc_flow_bench: the load generator of bench/oidc.sh for the OpenID Connect flows that take
// more than one request, so that wrk (one request shape per connection) cannot drive them.
// One thread, epoll, plain HTTP/1.1 keep-alive sockets: a connection runs its flow step after
// step with no think time, which keeps the generator far from being the bottleneck.
//
//   oidc_flow_bench --port P --mode code|exchange|refresh|once --client-id ID --client-secret S
//                   --cookie 'name=value; ...' [--connections 32] [--duration 10] [--warmup 1]
//                   [--server-pid PID] [--redirect-uri https://rp.example/cb] [--host-header H]
//
// Modes:
//   code     GET /authorize with the session cookie (-> 302/303 with a code), then POST /token
//            (authorization_code, Basic auth, PKCE S256); counted per completed exchange.
//   exchange the two steps of `code` measured apart, one after the other. First every connection
//            runs GET /authorize for warm-up + duration and keeps the codes (the authorize row);
//            then the connections redeem the kept codes, oldest first, with POST /token for
//            warm-up + duration or until the codes run out (the exchange row). Codes live 60 s,
//            so warm-up + duration stays under 25 s. Prints one line per step, the first
//            starting with step=authorize and the second with step=exchange.
//   refresh  each connection gets its own refresh token through one code flow (not counted),
//            then POST /token (refresh_token) with the token the previous answer rotated to:
//            every refresh token is used exactly once.
//   once     one code flow; prints the token response's body (for the fixed bearer token).
//
// Prints one line of key=value: completed, seconds, rate, p50_ms, p99_ms (per completed flow),
// step p99s, errors, and the CPU seconds of the generator and (with --server-pid) the server
// during the measured window.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

// RFC 7636 Appendix B.
constexpr char kVerifier[] = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
constexpr char kChallenge[] = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

struct Options {
  std::string host = "127.0.0.1";
  int port = 0;
  std::string host_header;
  std::string mode = "code";
  std::string client_id;
  std::string client_secret;
  std::string cookie;
  std::string redirect_uri = "https://rp.example/cb";
  std::string scope = "openid email profile offline_access";
  int connections = 32;
  double duration = 10;
  double warmup = 1;
  int server_pid = 0;
};

std::string PercentEncode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string Base64(std::string_view in) {
  static const char* t = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned v =
        (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8 | (unsigned char)in[i + 2];
    out += t[v >> 18 & 63];
    out += t[v >> 12 & 63];
    out += t[v >> 6 & 63];
    out += t[v & 63];
  }
  if (i + 1 == in.size()) {
    unsigned v = (unsigned char)in[i] << 16;
    out += t[v >> 18 & 63];
    out += t[v >> 12 & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    unsigned v = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8;
    out += t[v >> 18 & 63];
    out += t[v >> 12 & 63];
    out += t[v >> 6 & 63];
    out += '=';
  }
  return out;
}

// The string value of "name" in a flat JSON object (token responses hold no escapes in tokens).
std::string JsonString(std::string_view body, std::string_view name) {
  std::string key = "\"" + std::string(name) + "\"";
  size_t k = body.find(key);
  if (k == std::string_view::npos) return "";
  size_t colon = body.find(':', k + key.size());
  if (colon == std::string_view::npos) return "";
  size_t open = body.find('"', colon + 1);
  if (open == std::string_view::npos) return "";
  size_t close = body.find('"', open + 1);
  if (close == std::string_view::npos) return "";
  return std::string(body.substr(open + 1, close - open - 1));
}

std::string QueryValue(std::string_view url, std::string_view name) {
  size_t q = url.find('?');
  if (q == std::string_view::npos) return "";
  std::string_view rest = url.substr(q + 1);
  while (!rest.empty()) {
    size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    if (pair.size() > name.size() && pair.substr(0, name.size()) == name &&
        pair[name.size()] == '=') {
      return std::string(pair.substr(name.size() + 1));
    }
    if (amp == std::string_view::npos) break;
    rest = rest.substr(amp + 1);
  }
  return "";
}

struct Response {
  int status = 0;
  std::string location;
  std::string body;
  bool close = false;
};

// Parses one complete response from the front of `in`; returns the bytes it took, 0 when the
// response is not complete yet, or -1 when it cannot be parsed.
long ParseResponse(const std::string& in, Response* r) {
  size_t end = in.find("\r\n\r\n");
  if (end == std::string::npos) return in.size() > 65536 ? -1 : 0;
  if (in.compare(0, 5, "HTTP/") != 0) return -1;
  size_t sp = in.find(' ');
  if (sp == std::string::npos || sp > end) return -1;
  r->status = std::atoi(in.c_str() + sp + 1);
  long content_length = -1;
  bool chunked = false;
  r->close = false;
  r->location.clear();
  size_t line = in.find("\r\n") + 2;
  while (line < end) {
    size_t eol = in.find("\r\n", line);
    size_t colon = in.find(':', line);
    if (colon != std::string::npos && colon < eol) {
      std::string name = in.substr(line, colon - line);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      size_t v = colon + 1;
      while (v < eol && in[v] == ' ') ++v;
      std::string value = in.substr(v, eol - v);
      if (name == "content-length")
        content_length = std::atol(value.c_str());
      else if (name == "location")
        r->location = value;
      else if (name == "transfer-encoding")
        chunked = value.find("chunked") != std::string::npos;
      else if (name == "connection")
        r->close = value.find("close") != std::string::npos;
    }
    line = eol + 2;
  }
  size_t body = end + 4;
  if (chunked) {
    r->body.clear();
    size_t p = body;
    while (true) {
      size_t eol = in.find("\r\n", p);
      if (eol == std::string::npos) return 0;
      long size = std::strtol(in.c_str() + p, nullptr, 16);
      if (size == 0) {
        if (in.size() < eol + 4) return 0;
        return static_cast<long>(eol + 4);
      }
      if (in.size() < eol + 2 + size + 2) return 0;
      r->body.append(in, eol + 2, size);
      p = eol + 2 + size + 2;
    }
  }
  if (content_length < 0) content_length = 0;
  if (in.size() < body + content_length) return 0;
  r->body.assign(in, body, content_length);
  return static_cast<long>(body + content_length);
}

double CpuSecondsOfPid(int pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string s((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  size_t paren = s.rfind(')');
  if (paren == std::string::npos) return 0;
  std::istringstream rest(s.substr(paren + 2));
  std::string field;
  double ticks = 0;
  // Fields after the command: state(3) ... utime(14) stime(15).
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14 || i == 15) ticks += std::atof(field.c_str());
  }
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double OwnCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_utime.tv_usec / 1e6 + u.ru_stime.tv_sec +
         u.ru_stime.tv_usec / 1e6;
}

enum class Step { kAuthorize, kToken, kRefresh, kIdle };

struct Conn {
  int fd = -1;
  Step step = Step::kAuthorize;
  std::string out;
  size_t out_off = 0;
  std::string in;
  Clock::time_point flow_start;
  Clock::time_point step_start;
  std::string refresh_token;
  bool have_refresh = false;
};

class Bench {
 public:
  explicit Bench(Options o) : o_(std::move(o)) {
    if (o_.host_header.empty()) o_.host_header = "localhost:" + std::to_string(o_.port);
    basic_ = "Basic " + Base64(PercentEncode(o_.client_id) + ":" + PercentEncode(o_.client_secret));
    authorize_ = "GET /authorize?response_type=code&client_id=" + PercentEncode(o_.client_id) +
                 "&redirect_uri=" + PercentEncode(o_.redirect_uri) +
                 "&scope=" + PercentEncode(o_.scope) +
                 "&state=bench-state&nonce=bench-nonce&code_challenge=" + kChallenge +
                 "&code_challenge_method=S256 HTTP/1.1\r\nHost: " + o_.host_header +
                 "\r\nCookie: " + o_.cookie + "\r\nAccept: text/html\r\n\r\n";
  }

  int Run() {
    epoll_ = epoll_create1(0);
    int n = o_.mode == "once" ? 1 : o_.connections;
    conns_.resize(n);
    for (auto& c : conns_) {
      if (!Connect(c)) return 1;
      StartFlow(c);
    }
    auto begin = Clock::now();
    window_start_ = begin + ToDuration(o_.warmup);
    window_end_ = window_start_ + ToDuration(o_.duration);
    bool in_window = false;
    std::vector<epoll_event> events(n);
    while (!done_) {
      auto now = Clock::now();
      if (!in_window && now >= window_start_) {
        in_window = true;
        gen_cpu_start_ = OwnCpuSeconds();
        if (o_.server_pid) server_cpu_start_ = CpuSecondsOfPid(o_.server_pid);
      }
      if (o_.mode == "exchange" && !exchanging_ && now >= window_end_) {
        std::vector<float> none;
        PrintWindow("step=authorize ", window_end_, step1_, step1_, none);
        StartExchanges();
        in_window = false;
        continue;
      }
      if (exchanging_ && idle_ == conns_.size()) {  // the kept codes ran out
        if (!in_window) window_start_ = now;
        window_end_ = now;
        break;
      }
      if (o_.mode != "once" && now >= window_end_) break;
      if (o_.mode == "once" && now - begin > std::chrono::seconds(10)) {
        std::fprintf(stderr, "oidc_flow_bench: no answer in 10 s\n");
        return 1;
      }
      int ready = epoll_wait(epoll_, events.data(), n, 5);
      for (int i = 0; i < ready; ++i) {
        Conn& c = conns_[events[i].data.u32];
        if (events[i].events & EPOLLOUT) Flush(c);
        if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) Read(c);
      }
    }
    if (o_.mode == "once") return once_ok_ ? 0 : 1;
    if (o_.mode == "exchange")
      PrintWindow("step=exchange ", window_end_, step2_, step1_, step2_);
    else
      PrintWindow("", window_end_, flows_, step1_, step2_);
    if (!first_error_.empty()) std::fprintf(stderr, "first error: %s\n", first_error_.c_str());
    return 0;
  }

 private:
  // Prints the measured window's line: `done` holds one latency per completed flow (or step, in
  // exchange mode), `step1` and `step2` those of each step.
  void PrintWindow(const char* prefix, Clock::time_point end, std::vector<float>& done,
                   std::vector<float>& step1, std::vector<float>& step2) {
    double gen_cpu = OwnCpuSeconds() - gen_cpu_start_;
    double server_cpu = o_.server_pid ? CpuSecondsOfPid(o_.server_pid) - server_cpu_start_ : 0;
    double secs = std::chrono::duration<double>(end - window_start_).count();
    std::printf(
        "%scompleted=%zu seconds=%.2f rate=%.1f p50_ms=%.2f p99_ms=%.2f step1_p99_ms=%.2f "
        "step2_p99_ms=%.2f errors=%ld gen_cpu_s=%.2f server_cpu_s=%.2f\n",
        prefix, done.size(), secs, secs > 0 ? done.size() / secs : 0.0, Percentile(done, 0.50),
        Percentile(done, 0.99), Percentile(step1, 0.99), Percentile(step2, 0.99), errors_, gen_cpu,
        server_cpu);
    std::fflush(stdout);
    errors_ = 0;
  }

  // Exchange mode, second step: a new window. Every connection is waiting for an authorize
  // answer; when it arrives, the connection keeps that code and goes on redeeming kept codes.
  void StartExchanges() {
    exchanging_ = true;
    step1_.clear();
    window_start_ = Clock::now() + ToDuration(o_.warmup);
    window_end_ = window_start_ + ToDuration(o_.duration);
  }

  static Clock::duration ToDuration(double s) {
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
  }

  static double Percentile(std::vector<float>& v, double q) {
    if (v.empty()) return 0;
    size_t k = std::min(v.size() - 1, static_cast<size_t>(q * v.size()));
    std::nth_element(v.begin(), v.begin() + k, v.end());
    return v[k];
  }

  bool Connect(Conn& c) {
    if (c.fd >= 0) {
      epoll_ctl(epoll_, EPOLL_CTL_DEL, c.fd, nullptr);
      close(c.fd);
    }
    c.fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(o_.port));
    inet_pton(AF_INET, o_.host.c_str(), &a.sin_addr);
    if (connect(c.fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      std::fprintf(stderr, "oidc_flow_bench: connect %s:%d: %s\n", o_.host.c_str(), o_.port,
                   std::strerror(errno));
      return false;
    }
    int one = 1;
    setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u32 = static_cast<uint32_t>(&c - conns_.data());
    epoll_ctl(epoll_, EPOLL_CTL_ADD, c.fd, &ev);
    c.in.clear();
    c.out.clear();
    c.out_off = 0;
    return true;
  }

  void StartFlow(Conn& c) {
    c.flow_start = Clock::now();
    if (exchanging_) {
      if (codes_.empty()) {
        c.step = Step::kIdle;
        ++idle_;
        return;
      }
      std::string code = std::move(codes_.front());
      codes_.pop_front();
      return SendExchange(c, code);
    }
    if (o_.mode == "refresh" && c.have_refresh) {
      Send(
          c, Step::kRefresh,
          TokenRequest("grant_type=refresh_token&refresh_token=" + PercentEncode(c.refresh_token)));
    } else {
      Send(c, Step::kAuthorize, authorize_);
    }
  }

  void SendExchange(Conn& c, const std::string& code) {
    Send(c, Step::kToken,
         TokenRequest("grant_type=authorization_code&code=" + PercentEncode(code) +
                      "&redirect_uri=" + PercentEncode(o_.redirect_uri) +
                      "&code_verifier=" + kVerifier));
  }

  std::string TokenRequest(const std::string& body) {
    return "POST /token HTTP/1.1\r\nHost: " + o_.host_header + "\r\nAuthorization: " + basic_ +
           "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
  }

  void Send(Conn& c, Step step, std::string request) {
    c.step = step;
    c.step_start = Clock::now();
    c.out = std::move(request);
    c.out_off = 0;
    Flush(c);
  }

  void Flush(Conn& c) {
    while (c.out_off < c.out.size()) {
      ssize_t w = ::send(c.fd, c.out.data() + c.out_off, c.out.size() - c.out_off, MSG_NOSIGNAL);
      if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        epoll_event ev{};
        ev.events = EPOLLIN | EPOLLOUT;
        ev.data.u32 = static_cast<uint32_t>(&c - conns_.data());
        epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &ev);
        return;
      }
      if (w <= 0) {
        Fail(c, "send failed");
        return;
      }
      c.out_off += static_cast<size_t>(w);
    }
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u32 = static_cast<uint32_t>(&c - conns_.data());
    epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &ev);
  }

  void Read(Conn& c) {
    char buf[16384];
    ssize_t r = ::recv(c.fd, buf, sizeof buf, MSG_DONTWAIT);
    if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
      Fail(c, "connection closed by the server");
      return;
    }
    if (r < 0) return;
    c.in.append(buf, static_cast<size_t>(r));
    Response resp;
    long used = ParseResponse(c.in, &resp);
    if (used < 0) {
      Fail(c, "unparsable response");
      return;
    }
    if (used == 0) return;
    c.in.erase(0, static_cast<size_t>(used));
    Handle(c, resp);
  }

  bool InWindow(Clock::time_point t) const { return t >= window_start_ && t < window_end_; }

  void Handle(Conn& c, const Response& r) {
    auto now = Clock::now();
    float step_ms = std::chrono::duration<float, std::milli>(now - c.step_start).count();
    bool counted = InWindow(now);
    if (c.step == Step::kAuthorize) {
      std::string code = QueryValue(r.location, "code");
      if ((r.status != 302 && r.status != 303) || code.empty()) {
        return Error(c, r,
                     "authorize: status " + std::to_string(r.status) + " location " + r.location);
      }
      if (counted && !exchanging_) step1_.push_back(step_ms);
      if (o_.mode == "exchange") {  // keep the code for the second step
        codes_.push_back(std::move(code));
        if (r.close) Connect(c);
        return StartFlow(c);
      }
      return SendExchange(c, code);
    }
    if (r.status != 200 || JsonString(r.body, "access_token").empty()) {
      return Error(c, r,
                   std::string(c.step == Step::kToken ? "token" : "refresh") + ": status " +
                       std::to_string(r.status) + " " + r.body.substr(0, 200));
    }
    if (o_.mode == "once") {
      std::printf("%s\n", r.body.c_str());
      once_ok_ = true;
      done_ = true;
      return;
    }
    if (o_.mode == "refresh") {
      c.refresh_token = JsonString(r.body, "refresh_token");
      if (c.refresh_token.empty()) return Error(c, r, "no refresh_token in the token response");
      bool first = !c.have_refresh;
      c.have_refresh = true;
      if (first) {  // the code flow that fetched the connection's first refresh token: not counted
        if (r.close) Connect(c);
        return StartFlow(c);
      }
      if (counted) {
        step2_.push_back(step_ms);
        flows_.push_back(std::chrono::duration<float, std::milli>(now - c.flow_start).count());
      }
    } else if (counted) {
      step2_.push_back(step_ms);
      flows_.push_back(std::chrono::duration<float, std::milli>(now - c.flow_start).count());
    }
    if (r.close) Connect(c);
    StartFlow(c);
  }

  void Error(Conn& c, const Response& r, const std::string& what) {
    if (InWindow(Clock::now())) ++errors_;
    if (first_error_.empty()) first_error_ = what;
    if (o_.mode == "once") {
      std::fprintf(stderr, "oidc_flow_bench: %s\n", what.c_str());
      done_ = true;
      return;
    }
    c.have_refresh = false;  // a broken refresh chain starts again from a code flow
    if (r.close) Connect(c);
    StartFlow(c);
  }

  void Fail(Conn& c, const std::string& what) {
    if (InWindow(Clock::now())) ++errors_;
    if (first_error_.empty()) first_error_ = what;
    if (o_.mode == "once") {
      std::fprintf(stderr, "oidc_flow_bench: %s\n", what.c_str());
      done_ = true;
      return;
    }
    c.have_refresh = false;
    if (!Connect(c)) {
      done_ = true;
      return;
    }
    StartFlow(c);
  }

  Options o_;
  std::string basic_;
  std::string authorize_;
  int epoll_ = -1;
  std::vector<Conn> conns_;
  Clock::time_point window_start_, window_end_;
  std::vector<float> flows_, step1_, step2_;
  long errors_ = 0;
  std::string first_error_;
  double gen_cpu_start_ = 0, server_cpu_start_ = 0;
  bool done_ = false;
  bool once_ok_ = false;
  std::deque<std::string> codes_;  // exchange mode: the codes kept, oldest first
  bool exchanging_ = false;
  size_t idle_ = 0;  // connections with no code left to redeem
};

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--host")
      o.host = v;
    else if (k == "--port")
      o.port = std::atoi(v.c_str());
    else if (k == "--host-header")
      o.host_header = v;
    else if (k == "--mode")
      o.mode = v;
    else if (k == "--client-id")
      o.client_id = v;
    else if (k == "--client-secret")
      o.client_secret = v;
    else if (k == "--cookie")
      o.cookie = v;
    else if (k == "--redirect-uri")
      o.redirect_uri = v;
    else if (k == "--scope")
      o.scope = v;
    else if (k == "--connections")
      o.connections = std::atoi(v.c_str());
    else if (k == "--duration")
      o.duration = std::atof(v.c_str());
    else if (k == "--warmup")
      o.warmup = std::atof(v.c_str());
    else if (k == "--server-pid")
      o.server_pid = std::atoi(v.c_str());
    else {
      std::fprintf(stderr, "oidc_flow_bench: unknown option %s\n", k.c_str());
      return 2;
    }
  }
  if (o.port <= 0 || o.client_id.empty() ||
      (o.mode != "code" && o.mode != "exchange" && o.mode != "refresh" && o.mode != "once") ||
      o.connections <= 0 || (o.mode == "exchange" && o.warmup + o.duration > 25)) {
    std::fprintf(stderr,
                 "usage: oidc_flow_bench --port P --mode code|exchange|refresh|once --client-id ID "
                 "--client-secret S "
                 "--cookie C [--connections N] [--duration S] [--warmup S] [--server-pid PID]\n");
    return 2;
  }
  return Bench(std::move(o)).Run();
}
