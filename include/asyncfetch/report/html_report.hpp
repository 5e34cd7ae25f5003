// The report page: one self-contained HTML file (inline CSS and SVG charts,
// no script, nothing fetched), drawn from aggregated records.
#pragma once

#include "asyncfetch/report/report_data.hpp"

#include <string>
#include <string_view>

namespace asyncfetch::report {

// Text made inert in HTML, in element content and in quoted attributes alike.
std::string html_escape(std::string_view text);

// The whole page; `source` names the records file in the title.
std::string render_html(const report_data& data, std::string_view source);

} // namespace asyncfetch::report
