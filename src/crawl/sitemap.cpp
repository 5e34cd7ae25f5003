#include "asyncfetch/crawl/sitemap.hpp"

#include "asyncfetch/core/text.hpp"
#include "asyncfetch/http/decode.hpp"

#include <libxml/parser.h>
#include <libxml/xmlreader.h>

#include <limits>
#include <memory>

namespace asyncfetch::crawl {
namespace {

// Every external entity, DTD or XInclude libxml2 might load: none.
xmlParserInputPtr load_nothing(const char*, const char*, xmlParserCtxtPtr) {
    return nullptr;
}

void refuse_external_entities() {
    static const bool once = [] {
        xmlInitParser();
        xmlSetExternalEntityLoader(load_nothing);
        return true;
    }();
    (void)once;
}

std::string local_name(xmlTextReaderPtr reader) {
    const xmlChar* name = xmlTextReaderConstLocalName(reader);
    return name ? reinterpret_cast<const char*>(name) : "";
}

} // namespace

parsed<sitemap> parse_sitemap(std::string body) {
    if (body.size() > max_sitemap_bytes) return problem("sitemap larger than 50 MB");
    if (body.size() >= 2 && static_cast<unsigned char>(body[0]) == 0x1f &&
        static_cast<unsigned char>(body[1]) == 0x8b) {
        if (const auto ec = http::decode_body("gzip", body, max_sitemap_bytes))
            return problem("gzipped sitemap: " + ec.message());
    }
    if (body.size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
        return problem("sitemap too large");
    refuse_external_entities();
    // Never NOENT, DTDLOAD, DTDATTR nor HUGE.
    const int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                        XML_PARSE_NOXINCNODE | XML_PARSE_NOCDATA;
    std::unique_ptr<xmlTextReader, void (*)(xmlTextReaderPtr)> reader(
        xmlReaderForMemory(body.data(), static_cast<int>(body.size()), nullptr, nullptr, options),
        xmlFreeTextReader);
    if (!reader) return problem("sitemap: not XML");

    sitemap out;
    bool root_seen = false;
    sitemap_url current;
    std::string field; // "loc" or "lastmod" while inside one
    int rc = 0;
    while ((rc = xmlTextReaderRead(reader.get())) == 1) {
        const int type = xmlTextReaderNodeType(reader.get());
        if (type == XML_READER_TYPE_DOCUMENT_TYPE)
            return problem("sitemap with a DOCTYPE refused (entities are not for sitemaps)");
        if (type == XML_READER_TYPE_ENTITY_REFERENCE)
            return problem("sitemap with an entity reference refused");
        const auto name = local_name(reader.get());
        if (type == XML_READER_TYPE_ELEMENT) {
            if (!root_seen) {
                root_seen = true;
                if (name == "sitemapindex")
                    out.index = true;
                else if (name != "urlset")
                    return problem("not a sitemap: the root element is <" + name + ">");
            } else if (name == (out.index ? "sitemap" : "url")) {
                current = {};
            } else if (name == "loc" || name == "lastmod") {
                field = name;
            }
            if (xmlTextReaderIsEmptyElement(reader.get()) && name == field) field.clear();
        } else if (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA) {
            const xmlChar* value = xmlTextReaderConstValue(reader.get());
            if (!value) continue;
            if (field == "loc")
                current.loc += reinterpret_cast<const char*>(value);
            else if (field == "lastmod")
                current.lastmod += reinterpret_cast<const char*>(value);
        } else if (type == XML_READER_TYPE_END_ELEMENT) {
            if (name == field) {
                field.clear();
            } else if (name == (out.index ? "sitemap" : "url")) {
                current.loc = std::string(trim(current.loc));
                current.lastmod = std::string(trim(current.lastmod));
                if (!current.loc.empty()) {
                    if (out.urls.size() == max_sitemap_urls)
                        return problem("sitemap with more than 50,000 URLs");
                    out.urls.push_back(std::move(current));
                }
                current = {};
            }
        }
    }
    if (rc != 0) {
        const xmlError* e = xmlGetLastError();
        const std::string why = e && e->message ? e->message : "malformed XML";
        return problem("sitemap: " + std::string(trim(why)));
    }
    if (!root_seen) return problem("sitemap: empty document");
    return out;
}

} // namespace asyncfetch::crawl
