// app: what the screens need: app state, the list of views, jobs, feature extraction
// from the store. May use: core, store, analytics.
//
// views.hpp: the app's screens, in navigation order, with their labels and URL slugs.
#pragma once

#include <optional>
#include <span>
#include <string_view>

namespace rapport::app {

enum class View { Overview, Customers, Segments, Nps, Churn, Value, Data, Learn };

struct ViewInfo {
    View view;
    std::string_view label;  // as shown in the navigation and used by rapport.navigate()
    std::string_view slug;   // the URL hash: #/<slug>
};

std::span<const ViewInfo> allViews();
const ViewInfo& viewInfo(View view);

// Case-insensitive; also accepts the slug ("nps", "#/nps", "/nps").
std::optional<View> viewFromName(std::string_view name);

}  // namespace rapport::app
