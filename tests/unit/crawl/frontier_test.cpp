#include "asyncfetch/crawl/frontier.hpp"

#include <doctest/doctest.h>

using namespace asyncfetch::crawl;
using verdict = frontier::verdict;

namespace {

// Default options with the scope `text`, which must parse.
crawl_options with_scope(const std::string& text) {
    crawl_options o;
    const auto scope = parse_scope(text, o.sort_query);
    REQUIRE(scope.problem() == "");
    o.scope = scope.value();
    return o;
}

} // namespace

TEST_CASE("frontier: dedup, depth, scope and the page cap") {
    crawl_options o;
    o.depth = 2;
    o.max_pages = 4;
    frontier f(o);
    CHECK(f.add_seed(0, "http://127.0.0.1/", "127.0.0.1") == verdict::queued);
    CHECK(f.add_seed(1, "http://127.0.0.1/", "127.0.0.1") == verdict::seen);
    CHECK(f.offer("http://127.0.0.1/", "127.0.0.1", 1, "p") == verdict::seen);
    CHECK(f.offer("http://127.0.0.2/", "127.0.0.2", 1, "p") == verdict::out_of_scope);
    CHECK(f.offer("http://127.0.0.1/a", "127.0.0.1", 3, "p") == verdict::too_deep);
    CHECK(f.offer("http://127.0.0.1/a", "127.0.0.1", 1, "http://127.0.0.1/") == verdict::queued);
    CHECK(f.offer("http://127.0.0.1/a", "127.0.0.1", 2, "p") == verdict::seen);
    CHECK(f.offer("http://127.0.0.1/b", "127.0.0.1", 2, "p") == verdict::queued);
    CHECK(f.offer("http://127.0.0.1/c", "127.0.0.1", 2, "p") == verdict::queued);
    CHECK(f.offer("http://127.0.0.1/d", "127.0.0.1", 2, "p") == verdict::capped);
    CHECK(f.accepted() == 4);

    auto seed = f.next();
    REQUIRE(seed);
    CHECK(seed->index == 0);
    CHECK(seed->depth == 0);
    auto a = f.next();
    REQUIRE(a);
    CHECK(a->index == 2); // after the seeds' indexes
    CHECK(a->parent == "http://127.0.0.1/");
    CHECK(a->depth == 1);
}

TEST_CASE("frontier: include and exclude patterns, prefix and domain scopes") {
    crawl_options o;
    o.depth = 5;
    o.include = {"/docs/"};
    o.exclude = {"\\.pdf$"};
    frontier f(o);
    f.add_seed(0, "http://127.0.0.1/", "127.0.0.1");
    CHECK(f.offer("http://127.0.0.1/blog/x", "127.0.0.1", 1, "") == verdict::filtered);
    CHECK(f.offer("http://127.0.0.1/docs/a.pdf", "127.0.0.1", 1, "") == verdict::filtered);
    CHECK(f.offer("http://127.0.0.1/docs/a.html", "127.0.0.1", 1, "") == verdict::queued);

    const auto p = with_scope("prefix:HTTP://127.0.0.1:80/docs/");
    CHECK(p.scope.prefix == "http://127.0.0.1/docs/");
    frontier g(p);
    g.add_seed(0, "http://127.0.0.1/docs/", "127.0.0.1");
    CHECK(g.offer("http://127.0.0.1/blog", "127.0.0.1", 1, "") == verdict::out_of_scope);
    CHECK(g.offer("http://127.0.0.1/docs/x", "127.0.0.1", 1, "") == verdict::queued);

    const auto d = with_scope("same-domain");
    frontier h(d);
    h.add_seed(0, "http://www.example.org/", "www.example.org");
    CHECK(h.offer("http://docs.example.org/", "docs.example.org", 1, "") == verdict::queued);
    CHECK(h.offer("http://example.net/", "example.net", 1, "") == verdict::out_of_scope);

    CHECK(parse_scope("everywhere", false).problem().find("unknown scope 'everywhere'") == 0);
    CHECK(parse_regex("(").problem().find("invalid regex '('") == 0);

    // The Public Suffix List, not the last two labels.
    frontier uk(d);
    uk.add_seed(0, "http://a.example.co.uk/", "a.example.co.uk");
    CHECK(uk.offer("http://b.example.co.uk/", "b.example.co.uk", 1, "") == verdict::queued);
    CHECK(uk.offer("http://b.other.co.uk/", "b.other.co.uk", 1, "") == verdict::out_of_scope);
    frontier ip(d);
    ip.add_seed(0, "http://127.0.0.1/", "127.0.0.1");
    CHECK(ip.offer("http://127.0.1.1/", "127.0.1.1", 1, "") == verdict::out_of_scope);
}
