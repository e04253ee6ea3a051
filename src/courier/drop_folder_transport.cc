// Delivery into a folder of .eml files: what ./run uses when no SMTP server is configured.
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>

#include "core/log.h"
#include "courier/transport.h"

namespace portico::courier {
namespace {

class DropFolderTransport final : public Transport {
 public:
  explicit DropFolderTransport(std::string directory) : directory_(std::move(directory)) {}

  Status Deliver(const StoredMessage& message, const std::string&,
                 const std::string& mime) override {
    std::error_code ec;
    std::filesystem::create_directories(directory_, ec);
    if (ec) return UnavailableError("cannot create " + directory_ + ": " + ec.message());
    std::string kind;
    for (char c : message.message.kind)
      kind += (std::isalnum(static_cast<unsigned char>(c)) || c == '-') ? c : '_';
    std::string name = std::to_string(message.id) + "-" + kind + ".eml";
    std::string path = directory_ + "/" + name;
    std::string temporary = directory_ + "/." + name + ".tmp";
    // Written to a temporary name and renamed, so a reader never sees half a message.
    int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return UnavailableError("cannot write " + temporary);
    size_t written = 0;
    while (written < mime.size()) {
      ssize_t n = ::write(fd, mime.data() + written, mime.size() - written);
      if (n <= 0) {
        ::close(fd);
        return UnavailableError("cannot write " + temporary);
      }
      written += static_cast<size_t>(n);
    }
    bool synced = ::fsync(fd) == 0;
    ::close(fd);
    if (!synced || ::rename(temporary.c_str(), path.c_str()) != 0)
      return UnavailableError("cannot store " + path);
    log::Info("mail_written", {{"path", path}, {"kind", message.message.kind}});
    return OkStatus();
  }

  std::string Describe() const override { return "files in " + directory_; }

 private:
  std::string directory_;
};

}  // namespace

std::unique_ptr<Transport> MakeDropFolderTransport(std::string directory) {
  return std::make_unique<DropFolderTransport>(std::move(directory));
}

}  // namespace portico::courier
