// persistence.hpp: durable storage for the app's database. In the browser: a page store
// loaded from IndexedDB as the page starts and saved back per commit (persistence.js); the
// tab that holds the writer lock saves, others are read-only.
#pragma once

#include "app/app_state.hpp"

namespace rapport::platform {

// Opens the app's database (the saved copy) into app.store and sets the storage state.
// Called each frame while the storage is opening: the saved chunks arrive while the page
// starts, and each call copies those that have come; returns true once the database is
// open. Never fails hard: on any problem the app runs on an in-memory database and says
// why in app.storageMessage.
bool openPersistentStorage(app::AppState& app);

// Per frame: mirrors save progress and failures into the app state, refreshes usage
// and quota now and then, and carries out the user's storage requests (take over).
void updatePersistentStorage(app::AppState& app);

// Whether a save is on its way to IndexedDB: work between frames then runs in short
// slices, so the save's callbacks are not held up (main_web.cpp).
bool saveInFlight();

}  // namespace rapport::platform
