#pragma once

namespace meridian {

inline constexpr const char* kMeridianVersion = "0.1.0";
// The Redis version whose commands and replies Meridian follows; clients that
// check the server version see this one.
inline constexpr const char* kRedisCompatVersion = "7.0.15";

}  // namespace meridian
