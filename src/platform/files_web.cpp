#include <emscripten.h>

#include <cstdlib>
#include <string>

#include "app/data_transfer.hpp"
#include "platform/app_host.hpp"
#include "platform/files.hpp"

namespace rapport::platform {

namespace {

// purpose: 1 import, 2 restore. Reads the chosen file and calls rapport_file_opened.
EM_JS(void, js_open_file_picker, (int purpose), {
    const input = document.createElement("input");
    input.type = "file";
    input.accept = purpose === 2 ? ".sqlite,.sqlite3,.db,application/vnd.sqlite3" : ".csv,.tsv,.txt,text/csv";
    input.style.display = "none";
    input.addEventListener("change", () => {
        const file = input.files && input.files[0];
        input.remove();
        if (file) Module.rapportReadFile(file, purpose);
    });
    document.body.appendChild(input);
    input.click();
});

EM_JS(void, js_install_file_drop, (), {
    Module.rapportReadFile = (file, purpose) => {
        file.arrayBuffer().then((buffer) => {
            const bytes = new Uint8Array(buffer);
            const ptr = _malloc(Math.max(1, bytes.length));
            HEAPU8.set(bytes, ptr);
            Module.ccall("rapport_file_opened", null, ["number", "string", "number", "number"], [purpose, file.name, ptr, bytes.length]);
        }, (error) => {
            Module.ccall("rapport_file_failed", null, ["string"], [String(error && error.message || error)]);
        });
    };
    const target = document.documentElement;
    target.addEventListener("dragover", (event) => { event.preventDefault(); event.dataTransfer.dropEffect = "copy"; });
    target.addEventListener("drop", (event) => {
        event.preventDefault();
        const file = event.dataTransfer && event.dataTransfer.files && event.dataTransfer.files[0];
        if (!file) return;
        const lower = file.name.toLowerCase();
        const backup = lower.endsWith(".sqlite") || lower.endsWith(".sqlite3") || lower.endsWith(".db");
        Module.rapportReadFile(file, backup ? 2 : 1);
    });
});

EM_JS(void, js_download, (const char* name, const char* type, const uint8_t* data, double size), {
    const bytes = HEAPU8.slice(data, data + size);
    const blob = new Blob([bytes], { type: UTF8ToString(type) });
    const url = URL.createObjectURL(blob);
    const link = document.createElement("a");
    link.href = url;
    link.download = UTF8ToString(name);
    link.style.display = "none";
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    if (Module.onRapportDownload) Module.onRapportDownload(link.download, bytes);
});

}  // namespace

void installFileDrop() { js_install_file_drop(); }

void updateFiles(app::AppState& app) {
    if (app.requests.openFile != app::FilePurpose::None) {
        js_open_file_picker(app.requests.openFile == app::FilePurpose::Restore ? 2 : 1);
        app.requests.openFile = app::FilePurpose::None;
    }
    for (const app::Download& d : app.requests.downloads) {
        js_download(d.fileName.c_str(), d.mimeType.c_str(), reinterpret_cast<const uint8_t*>(d.bytes.data()),
                    static_cast<double>(d.bytes.size()));
    }
    app.requests.downloads.clear();
}

}  // namespace rapport::platform

// A file the user chose or dropped; `bytes` was malloc'ed by the page and is ours now.
extern "C" EMSCRIPTEN_KEEPALIVE void rapport_file_opened(int purpose, const char* name, char* bytes, double size) {
    auto& app = rapport::platform::appState();
    std::string data(bytes, static_cast<size_t>(size));
    std::free(bytes);
    if (purpose == 2) {
        rapport::app::openRestoreFile(app, name, std::move(data));
    } else {
        rapport::app::openImportFile(app, name, std::move(data));
        app.view = rapport::app::View::Data;  // the import continues there
    }
}

extern "C" EMSCRIPTEN_KEEPALIVE void rapport_file_failed(const char* message) {
    rapport::platform::appState().lastError = std::string("The file could not be read: ") + message;
}
