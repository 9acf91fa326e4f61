#pragma once
// Writes metrics in the Prometheus text exposition format (version 0.0.4,
// what `promtool check metrics` and every scraper read): each family once,
// with its HELP and TYPE lines, then its samples. Label values are escaped;
// names are the caller's (snake_case, units in the name, `_total` on
// counters, as Prometheus' conventions ask). No I/O: the text is returned.
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace meridian {

class PrometheusText {
 public:
  using Labels = std::vector<std::pair<std::string, std::string>>;
  enum class Type { kCounter, kGauge, kHistogram };

  // Starts a family. A family's samples must follow its start; starting a
  // name twice is a bug (asserted).
  void family(std::string_view name, Type type, std::string_view help);
  // One sample of the current family: `suffix` is appended to its name
  // ("_bucket", "_sum", "_count" for histograms; empty otherwise).
  void sample(const Labels& labels, double value, std::string_view suffix = {});
  // A family of one unlabelled sample.
  void single(std::string_view name, Type type, std::string_view help, double value) {
    family(name, type, help);
    sample({}, value);
  }
  // A histogram's samples from cumulative counts at upper bounds `le`
  // (ascending; +Inf is added with `count`).
  void histogram(const Labels& labels, const std::vector<std::pair<double, uint64_t>>& le,
                 uint64_t count, double sum);

  const std::string& text() const { return out_; }

 private:
  std::string out_;
  std::string current_;
  std::set<std::string, std::less<>> seen_;
};

}  // namespace meridian
