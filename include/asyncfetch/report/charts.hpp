// The report's charts as inline SVG (no script): every text in them is
// made by the report itself, never copied from a record.
#pragma once

#include "asyncfetch/report/report_data.hpp"

#include <cstdint>
#include <string>

namespace asyncfetch::report {

std::string format_ms(double ms);          // "850 us", "12.3 ms", "4.20 s"
std::string format_bytes(std::uint64_t n); // "512 B", "1.5 MB"

std::string histogram_svg(const latency_histogram& h); // latency, log-scale x
std::string cdf_svg(const latency_histogram& h);       // share of targets done by a latency
std::string timeline_svg(const report_data& d);        // one bar per (sampled) target

} // namespace asyncfetch::report
