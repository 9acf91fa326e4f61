#pragma once
// The aclfile on disk: read whole, replaced whole (a temporary file renamed
// over it, so a crash leaves the old or the new users, never half).
#include <string>

#include "core/env/acl_file.h"

namespace meridian {

class AclFileOnDisk : public AclFile {
 public:
  explicit AclFileOnDisk(std::string path) : path_(std::move(path)) {}
  const std::string& path() const override { return path_; }
  std::optional<std::string> read(std::string* text) override;
  std::optional<std::string> write(const std::string& text) override;

 private:
  std::string path_;
};

}  // namespace meridian
