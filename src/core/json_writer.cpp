#include "core/json_writer.hpp"

#include <cassert>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace rapport::core {

void appendJsonString(std::string& out, std::string_view text) {
    out.push_back('"');
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            default:
                if (c < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", c);
                    out += buf;
                } else {
                    out.push_back(ch);
                }
        }
    }
    out.push_back('"');
}

void JsonWriter::separate() {
    if (afterKey_) { afterKey_ = false; return; }
    if (!first_.empty()) {
        if (!first_.back()) out_.push_back(',');
        first_.back() = false;
    }
}

JsonWriter& JsonWriter::beginObject() { separate(); out_.push_back('{'); first_.push_back(true); return *this; }
JsonWriter& JsonWriter::beginArray() { separate(); out_.push_back('['); first_.push_back(true); return *this; }

JsonWriter& JsonWriter::endObject() {
    assert(!first_.empty() && !afterKey_);
    first_.pop_back();
    out_.push_back('}');
    return *this;
}

JsonWriter& JsonWriter::endArray() {
    assert(!first_.empty() && !afterKey_);
    first_.pop_back();
    out_.push_back(']');
    return *this;
}

JsonWriter& JsonWriter::key(std::string_view name) {
    assert(!afterKey_);
    separate();
    appendJsonString(out_, name);
    out_.push_back(':');
    afterKey_ = true;
    return *this;
}

JsonWriter& JsonWriter::value(std::string_view text) { separate(); appendJsonString(out_, text); return *this; }
JsonWriter& JsonWriter::value(bool flag) { separate(); out_ += flag ? "true" : "false"; return *this; }
JsonWriter& JsonWriter::null() { separate(); out_ += "null"; return *this; }

JsonWriter& JsonWriter::raw(std::string_view json) {
    separate();
    out_ += json;
    return *this;
}

JsonWriter& JsonWriter::value(int64_t number) {
    separate();
    out_ += std::to_string(number);
    return *this;
}

JsonWriter& JsonWriter::value(double number) {
    separate();
    if (!std::isfinite(number)) { out_ += "null"; return *this; }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", number);
    // Prefer the shortest form that reads back to the same double.
    for (int precision = 1; precision < 17; ++precision) {
        char shorter[32];
        std::snprintf(shorter, sizeof shorter, "%.*g", precision, number);
        if (std::strtod(shorter, nullptr) == number) { out_ += shorter; return *this; }
    }
    out_ += buf;
    return *this;
}

}  // namespace rapport::core
