#include "core/base/prometheus_text.h"

#include <cmath>
#include <cstdio>

#include "core/base/assert.h"

namespace meridian {
namespace {

void append_escaped(std::string& out, std::string_view v, bool help) {
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && !help) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

void append_number(std::string& out, double v) {
  if (std::isnan(v)) {
    out += "NaN";
  } else if (std::isinf(v)) {
    out += v > 0 ? "+Inf" : "-Inf";
  } else if (v == std::floor(v) && std::fabs(v) < 9.0e15) {
    out += std::to_string(static_cast<int64_t>(v));
  } else {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    out += buf;
  }
}

const char* type_name(PrometheusText::Type t) {
  switch (t) {
    case PrometheusText::Type::kCounter:
      return "counter";
    case PrometheusText::Type::kGauge:
      return "gauge";
    case PrometheusText::Type::kHistogram:
      return "histogram";
  }
  return "untyped";
}

}  // namespace

void PrometheusText::family(std::string_view name, Type type, std::string_view help) {
  MERIDIAN_ASSERT(seen_.count(name) == 0, "a metric family is written once");
  seen_.emplace(name);
  current_ = std::string(name);
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  append_escaped(out_, help, true);
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += type_name(type);
  out_ += '\n';
}

void PrometheusText::sample(const Labels& labels, double value, std::string_view suffix) {
  MERIDIAN_ASSERT(!current_.empty(), "a sample follows its family");
  out_ += current_;
  out_ += suffix;
  if (!labels.empty()) {
    out_ += '{';
    bool first = true;
    for (const auto& [k, v] : labels) {
      if (!first) out_ += ',';
      first = false;
      out_ += k;
      out_ += "=\"";
      append_escaped(out_, v, false);
      out_ += '"';
    }
    out_ += '}';
  }
  out_ += ' ';
  append_number(out_, value);
  out_ += '\n';
}

void PrometheusText::histogram(const Labels& labels,
                               const std::vector<std::pair<double, uint64_t>>& le, uint64_t count,
                               double sum) {
  Labels with = labels;
  with.emplace_back("le", "");
  for (const auto& [bound, n] : le) {
    std::string b;
    append_number(b, bound);
    with.back().second = b;
    sample(with, static_cast<double>(n), "_bucket");
  }
  with.back().second = "+Inf";
  sample(with, static_cast<double>(count), "_bucket");
  sample(labels, sum, "_sum");
  sample(labels, static_cast<double>(count), "_count");
}

}  // namespace meridian
