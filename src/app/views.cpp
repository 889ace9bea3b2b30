#include "app/views.hpp"

#include <array>

namespace rapport::app {

namespace {
constexpr std::array<ViewInfo, 8> kViews = {{
    {View::Overview, "Overview", "overview"},
    {View::Customers, "Customers", "customers"},
    {View::Segments, "Segments", "segments"},
    {View::Nps, "NPS", "nps"},
    {View::Churn, "Churn", "churn"},
    {View::Value, "Value", "value"},
    {View::Data, "Data", "data"},
    {View::Learn, "Learn", "learn"},
}};

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
        auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}
}  // namespace

std::span<const ViewInfo> allViews() { return kViews; }

const ViewInfo& viewInfo(View view) { return kViews[static_cast<size_t>(view)]; }

std::optional<View> viewFromName(std::string_view name) {
    if (name.starts_with("#")) name.remove_prefix(1);
    if (name.starts_with("/")) name.remove_prefix(1);
    for (const ViewInfo& info : kViews) {
        if (equalsIgnoreCase(name, info.label) || equalsIgnoreCase(name, info.slug)) return info.view;
    }
    return std::nullopt;
}

}  // namespace rapport::app
