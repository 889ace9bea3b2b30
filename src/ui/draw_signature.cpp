#include "ui/draw_signature.hpp"

#include <imgui.h>

#include <cstring>

namespace rapport::ui {

namespace {

// Eight bytes at a time through splitmix64's finalizer: a frame's draw data is a few
// hundred kilobytes, hashed in well under a millisecond.
class Digest {
public:
    void add(const void* bytes, size_t size) {
        const auto* p = static_cast<const unsigned char*>(bytes);
        for (; size >= 8; p += 8, size -= 8) {
            uint64_t word = 0;
            std::memcpy(&word, p, 8);
            mix(word);
        }
        uint64_t tail = 0;
        if (size > 0) std::memcpy(&tail, p, size);
        mix(tail ^ (static_cast<uint64_t>(size) << 56));
    }
    template <typename T>
    void value(const T& v) { add(&v, sizeof v); }
    uint64_t result() const { return h_; }

private:
    void mix(uint64_t word) {
        uint64_t x = h_ ^ word;
        x ^= x >> 30;
        x *= 0xBF58476D1CE4E5B9ull;
        x ^= x >> 27;
        x *= 0x94D049BB133111EBull;
        h_ = x ^ (x >> 31);
    }
    uint64_t h_ = 0x9E3779B97F4A7C15ull;
};

}  // namespace

std::optional<uint64_t> drawSignature(const ImDrawData& data, const ImDrawList* ignored) {
    Digest d;
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
