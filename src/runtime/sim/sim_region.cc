#include "runtime/sim/sim_region.h"

namespace meridian::sim {

SimClient::~SimClient() {
  std::erase(region_.clients_, this);
}

std::string SimClient::send_raw(std::string_view bytes) {
  std::string out;
  if (!open_) return out;
  open_ = session_->feed(bytes, out);
  region_.region().end_pass();
  return out;
}

SimRegion::SimRegion(RegionSettings settings, uint64_t seed, int64_t start_ms)
    : settings_(std::move(settings)), clock_(start_ms), random_(seed) {
  start_region();
}

SimRegion::~SimRegion() = default;

void SimRegion::start_region() {
  // The old incarnation's timers (each holds a weak reference) end no pass
  // of the new one.
  region_.reset();
  passes_ = std::make_unique<PassScheduler>(scheduler_, [this] { region_->end_pass(); });
  region_ = std::make_unique<Region>(settings_, Env{clock_, random_, *passes_, storage_});
  Session::serve_forwarded_writes(*region_);
  region_->start();
  region_->end_pass();  // starting is an event too: its first expiry cycle may write
}

std::unique_ptr<SimClient> SimRegion::connect(std::string* refusal) {
  std::string why;
  auto session = Session::connect(*region_, "sim:0", &why);
  if (!session) {
    if (refusal) *refusal = why;
    return nullptr;
  }
  auto client = std::unique_ptr<SimClient>(new SimClient(*this, std::move(session)));
  clients_.push_back(client.get());
  return client;
}

void SimRegion::crash_and_restart() {
  for (auto* c : clients_) c->drop();
  storage_.crash();
  start_region();
}

}  // namespace meridian::sim
