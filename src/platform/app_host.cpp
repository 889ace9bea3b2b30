#include "platform/app_host.hpp"

namespace rapport::platform {

app::AppState& appState() {
    static app::AppState state;
    return state;
}

}  // namespace rapport::platform
