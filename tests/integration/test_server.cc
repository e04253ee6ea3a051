#include "test_server.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "crypto/encoding.h"

namespace portico::testing {

TestServer::TestServer(network::NetworkConfig config) {
  char tmpl[] = "/tmp/portico-it-XXXXXX";
  dir_ = ::mkdtemp(tmpl);
  config.data_dir = dir_.string();
  config.listen_port = 0;
  config.access_log = false;
  auto app = network::NetworkApp::Create(config, &clock_);
  if (!app.ok()) throw std::runtime_error(app.status().ToString());
  app_ = std::move(*app);
  http::ServerOptions options;
  options.port = 0;
  options.access_log = false;
  options.io_threads = 2;
  options.worker_threads = 2;
  server_ = std::make_unique<http::Server>(options, app_->router());
  auto port = server_->Listen();
  if (!port.ok()) throw std::runtime_error(port.status().ToString());
  port_ = *port;
  app_->SetPublicUrl("http://localhost:" + std::to_string(port_));
  thread_ = std::thread([this] { server_->Run(); });
}

TestServer::~TestServer() {
  server_->Stop();
  thread_.join();
  server_.reset();
  app_.reset();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

}  // namespace portico::testing

namespace portico::testing {
namespace {

// The decoded body of the part whose Content-Type is `type` in a message our courier composed
// (multipart/alternative, base64 parts).
std::string PartBody(const std::string& mime, const std::string& type) {
  size_t at = mime.find("Content-Type: " + type);
  if (at == std::string::npos) return "";
  size_t start = mime.find("\r\n\r\n", at);
  if (start == std::string::npos) return "";
  start += 4;
  size_t end = mime.find("\r\n--", start);
  std::string encoded;
  for (char c : mime.substr(start, end - start))
    if (c != '\r' && c != '\n') encoded += c;
  return crypto::Base64Decode(encoded).value_or("");
}

std::string Header(const std::string& mime, const std::string& name) {
  size_t at = mime.find("\r\n" + name + ": ");
  if (at == std::string::npos) return "";
  at += name.size() + 4;
  return mime.substr(at, mime.find("\r\n", at) - at);
}

}  // namespace

std::string TestServer::Mail::Code() const {
  static const std::regex kCode(R"(\b([0-9]{6})\b)");
  std::smatch m;
  return std::regex_search(text, m, kCode) ? std::string(m[1]) : "";
}

std::string TestServer::Mail::Link() const {
  static const std::regex kLink(R"((https?://[^\s]+))");
  std::smatch m;
  return std::regex_search(text, m, kLink) ? std::string(m[1]) : "";
}

std::string TestServer::Mail::LinkTarget() const {
  std::string link = Link();
  size_t scheme = link.find("://");
  if (scheme == std::string::npos) return "";
  size_t path = link.find('/', scheme + 3);
  return path == std::string::npos ? "/" : link.substr(path);
}

std::vector<TestServer::Mail> TestServer::Mails() {
  auto delivered = app_->courier().DeliverDue();
  if (!delivered.ok()) throw std::runtime_error(delivered.status().ToString());
  std::vector<std::pair<long, std::filesystem::path>> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir_ / "mail", ec)) {
    std::string name = entry.path().filename().string();
    if (name.size() < 5 || name.substr(name.size() - 4) != ".eml" || name[0] == '.') continue;
    files.emplace_back(std::stol(name), entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<Mail> mails;
  for (const auto& [id, path] : files) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    std::string mime = "\r\n" + buffer.str();
    Mail mail;
    mail.to = Header(mime, "To");
    if (mail.to.size() > 2 && mail.to.front() == '<')
      mail.to = mail.to.substr(1, mail.to.size() - 2);
    mail.subject = Header(mime, "Subject");
    mail.text = PartBody(mime, "text/plain");
    mail.html = PartBody(mime, "text/html");
    mails.push_back(std::move(mail));
  }
  return mails;
}

std::optional<TestServer::Mail> TestServer::LatestMail(const std::string& to,
                                                       const std::string& subject) {
  auto mails = Mails();
  for (auto it = mails.rbegin(); it != mails.rend(); ++it) {
    if (it->to == to && it->subject.find(subject) != std::string::npos) return *it;
  }
  return std::nullopt;
}

}  // namespace portico::testing
