// hash.hpp: a fast 64-bit hash of bytes (not for security): eight bytes at a time through
// splitmix64's finalizer. Used for keys looked up once per imported row (StringIds) and
// for the digest of a frame's draw data (ui::drawSignature).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace rapport::core {

class Hash64 {
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
    // The bytes of a plain value (no padding in it).
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

}  // namespace rapport::core
