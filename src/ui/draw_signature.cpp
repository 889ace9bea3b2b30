#include "ui/draw_signature.hpp"

#include <imgui.h>

#include "core/hash.hpp"

namespace rapport::ui {

std::optional<uint64_t> drawSignature(const ImDrawData& data, const ImDrawList* ignored) {
    core::Hash64 d;
    d.value(data.DisplayPos);
    d.value(data.DisplaySize);
    d.value(data.FramebufferScale);
    for (int n = 0; n < data.CmdListsCount; ++n) {
        const ImDrawList* list = data.CmdLists[n];
        if (list == ignored) continue;
        d.value(list->VtxBuffer.Size);
        d.add(list->VtxBuffer.Data, static_cast<size_t>(list->VtxBuffer.Size) * sizeof(ImDrawVert));
        d.value(list->IdxBuffer.Size);
        d.add(list->IdxBuffer.Data, static_cast<size_t>(list->IdxBuffer.Size) * sizeof(ImDrawIdx));
        d.value(list->CmdBuffer.Size);
        for (const ImDrawCmd& cmd : list->CmdBuffer) {
            if (cmd.UserCallback != nullptr && cmd.UserCallback != ImDrawCallback_ResetRenderState) return std::nullopt;
            d.value(cmd.ClipRect);
            d.value(cmd.TextureId);
            d.value(cmd.VtxOffset);
            d.value(cmd.IdxOffset);
            d.value(cmd.ElemCount);
            d.value(cmd.UserCallback != nullptr);
        }
    }
    return d.result();
}

}  // namespace rapport::ui
