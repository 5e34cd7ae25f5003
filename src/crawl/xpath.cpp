#include "asyncfetch/crawl/xpath.hpp"

#include "asyncfetch/core/text.hpp"

#include <gumbo.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xpath.h>

#include <cmath>
#include <vector>

namespace asyncfetch::crawl {
namespace {

const xmlChar* xml(const char* s) {
    return reinterpret_cast<const xmlChar*>(s);
}

// libxml2 prints its errors to stderr unless told otherwise; ours are in
// records and messages.
void ignore_generic(void*, const char*, ...) {}

void quiet_errors() {
    xmlSetGenericErrorFunc(nullptr, ignore_generic);
    xmlSetStructuredErrorFunc(nullptr, [](void*, xmlErrorPtr) {});
}

std::string element_name(const GumboElement& e) {
    if (e.tag != GUMBO_TAG_UNKNOWN) return gumbo_normalized_tagname(e.tag);
    GumboStringPiece piece = e.original_tag;
    gumbo_tag_from_original_text(&piece);
    auto name = lower(std::string_view(piece.data, piece.length));
    return name.empty() ? "unknown" : name;
}

// Copies gumbo's tree below `root` (an explicit stack: deep documents must
// not overflow ours).
xmlDocPtr copy_tree(const GumboNode* root) {
    xmlDocPtr doc = xmlNewDoc(xml("1.0"));
    std::vector<std::pair<const GumboNode*, xmlNodePtr>> stack{{root, nullptr}};
    while (!stack.empty()) {
        const auto [node, parent] = stack.back();
        stack.pop_back();
        xmlNodePtr made = nullptr;
        switch (node->type) {
        case GUMBO_NODE_ELEMENT:
        case GUMBO_NODE_TEMPLATE: {
            const GumboElement& e = node->v.element;
            made = xmlNewDocNode(doc, nullptr, xml(element_name(e).c_str()), nullptr);
            for (unsigned i = 0; i < e.attributes.length; ++i) {
                const auto* a = static_cast<const GumboAttribute*>(e.attributes.data[i]);
                if (a->name[0] != '\0') xmlNewProp(made, xml(a->name), xml(a->value));
            }
            for (unsigned i = e.children.length; i > 0; --i)
                stack.emplace_back(static_cast<const GumboNode*>(e.children.data[i - 1]), made);
            break;
        }
        case GUMBO_NODE_TEXT:
        case GUMBO_NODE_CDATA:
        case GUMBO_NODE_WHITESPACE:
            made = xmlNewDocText(doc, xml(node->v.text.text));
            break;
        case GUMBO_NODE_COMMENT:
            made = xmlNewDocComment(doc, xml(node->v.text.text));
            break;
        default:
            break;
        }
        if (!made) continue;
        if (parent)
            xmlAddChild(parent, made);
        else
            xmlDocSetRootElement(doc, made);
    }
    return doc;
}

std::string text_of(xmlNodePtr node) {
    xmlChar* content = xmlNodeGetContent(node);
    std::string out = content ? reinterpret_cast<const char*>(content) : "";
    xmlFree(content);
    return out;
}

} // namespace

std::string xpath_problem(const std::string& expression) {
    quiet_errors();
    xmlXPathCompExprPtr compiled = xmlXPathCompile(xml(expression.c_str()));
    if (!compiled) return "invalid XPath '" + expression + "'";
    xmlXPathFreeCompExpr(compiled);
    return "";
}

struct xpath_document::impl {
    xmlDocPtr doc = nullptr;
};

xpath_document::xpath_document(const GumboNode* root) : impl_(std::make_unique<impl>()) {
    impl_->doc = copy_tree(root);
}

xpath_document::~xpath_document() {
    xmlFreeDoc(impl_->doc);
}

nlohmann::ordered_json xpath_document::evaluate(const std::string& expression) const {
    quiet_errors();
    std::unique_ptr<xmlXPathContext, void (*)(xmlXPathContextPtr)> context(
        xmlXPathNewContext(impl_->doc), xmlXPathFreeContext);
    if (!context) return nullptr;
    std::unique_ptr<xmlXPathObject, void (*)(xmlXPathObjectPtr)> result(
        xmlXPathEvalExpression(xml(expression.c_str()), context.get()), xmlXPathFreeObject);
    if (!result) return nullptr;
    switch (result->type) {
    case XPATH_NODESET: {
        nlohmann::ordered_json texts = nlohmann::ordered_json::array();
        if (const auto* set = result->nodesetval)
            for (int i = 0; i < set->nodeNr; ++i)
                texts.push_back(text_of(set->nodeTab[i]));
        return texts;
    }
    case XPATH_STRING:
        return result->stringval ? reinterpret_cast<const char*>(result->stringval) : "";
    case XPATH_NUMBER:
        return std::isfinite(result->floatval) ? nlohmann::ordered_json(result->floatval)
                                               : nlohmann::ordered_json(nullptr);
    case XPATH_BOOLEAN:
        return result->boolval != 0;
    default:
        return nullptr;
    }
}

} // namespace asyncfetch::crawl
