#pragma once
// The file ACL SAVE writes and ACL LOAD reads (Redis' aclfile). The real
// runtime reads and replaces it on disk; the core never opens files.
#include <optional>
#include <string>

namespace meridian {

class AclFile {
 public:
  virtual ~AclFile() = default;
  virtual const std::string& path() const = 0;
  // The file's text, or why it could not be read.
  virtual std::optional<std::string> read(std::string* text) = 0;
  // Replaces the file with `text` (whole or not at all), or says why not.
  virtual std::optional<std::string> write(const std::string& text) = 0;
};

}  // namespace meridian
