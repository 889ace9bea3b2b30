// app_host.hpp: the one running instance of the app that the main loop drives and the
// automation hook reads. Both the web and the native main loop fill it in.
#pragma once

#include "app/app_state.hpp"

namespace rapport::platform {

app::AppState& appState();

}  // namespace rapport::platform
