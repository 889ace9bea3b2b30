// files.hpp: files in and out of the browser: the file picker, files dropped on the
// page, and downloads. Chosen files arrive whole in memory and go to the app (import
// or restore); downloads are handed to the browser as a Blob.
#pragma once

#include "app/app_state.hpp"

namespace rapport::platform {

// Installs the drop handler (once at start-up).
void installFileDrop();
// Per frame: opens the picker the app asked for and hands queued downloads over.
void updateFiles(app::AppState& app);

}  // namespace rapport::platform
