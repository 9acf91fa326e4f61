#include "runtime/real/acl_file_on_disk.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace meridian {

std::optional<std::string> AclFileOnDisk::read(std::string* text) {
  std::ifstream in(path_, std::ios::binary);
  if (!in) return "Error loading ACLs, opening file '" + path_ + "': " + std::strerror(errno);
  std::ostringstream ss;
  ss << in.rdbuf();
  *text = ss.str();
  return std::nullopt;
}

std::optional<std::string> AclFileOnDisk::write(const std::string& text) {
  const std::string tmp = path_ + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return "opening " + tmp + ": " + std::strerror(errno);
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      std::string err = "writing " + tmp + ": " + std::strerror(errno);
      ::close(fd);
      return err;
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) return "syncing " + tmp + ": " + std::strerror(errno);
  if (std::rename(tmp.c_str(), path_.c_str()) != 0) {
    return "renaming " + tmp + " to " + path_ + ": " + std::strerror(errno);
  }
  return std::nullopt;
}

}  // namespace meridian
