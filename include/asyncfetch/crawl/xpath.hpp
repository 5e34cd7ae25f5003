// XPath 1.0 (libxml2) over the HTML5 tree gumbo builds: the tree is copied
// into a libxml2 document once per page (libxml2's own HTML parser builds a
// different, HTML4-style tree), element names in lower case and in no
// namespace, so "//title" and "//a/@href" read as they look.
#pragma once

#include "asyncfetch/core/parsed.hpp"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>

struct GumboInternalNode;

namespace asyncfetch::crawl {

// Whether `expression` compiles as XPath 1.0 ("" when it does).
std::string xpath_problem(const std::string& expression);

class xpath_document {
public:
    explicit xpath_document(const GumboInternalNode* root);
    ~xpath_document();
    xpath_document(const xpath_document&) = delete;
    xpath_document& operator=(const xpath_document&) = delete;

    // A node set gives the text of each node (an array); a string, number
    // or boolean gives itself; null when the expression fails here.
    nlohmann::ordered_json evaluate(const std::string& expression) const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace asyncfetch::crawl
