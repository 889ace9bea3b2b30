// json_writer.hpp: a small streaming JSON writer, used to hand plain objects to the
// browser (the automation hook) and to write model parameters. It checks nesting in
// debug builds; strings are escaped per RFC 8259; non-finite numbers become null.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rapport::core {

class JsonWriter {
public:
    JsonWriter& beginObject();
    JsonWriter& endObject();
    JsonWriter& beginArray();
    JsonWriter& endArray();
    JsonWriter& key(std::string_view name);

    JsonWriter& value(std::string_view text);
    JsonWriter& value(const char* text) { return value(std::string_view(text)); }
    JsonWriter& value(double number);
    JsonWriter& value(int64_t number);
    JsonWriter& value(int number) { return value(static_cast<int64_t>(number)); }
    JsonWriter& value(bool flag);
    JsonWriter& null();
    // A value that is already JSON text (e.g. a parsed and checked saved document).
    JsonWriter& raw(std::string_view json);

    // key(name).value(v) in one call.
    template <class T>
    JsonWriter& field(std::string_view name, const T& v) { key(name); return value(v); }

    const std::string& str() const { return out_; }

private:
    void separate();
    std::string out_;
    std::vector<bool> first_;   // per open container: no element written yet
    bool afterKey_ = false;
};

// Appends `text` to `out` as a quoted, escaped JSON string.
void appendJsonString(std::string& out, std::string_view text);

}  // namespace rapport::core
