#pragma once

namespace asyncfetch {
inline constexpr const char* version = "0.1.0";
}
