// string_ids.hpp: text keys to integer ids, for lookups done once per imported row (the
// customer an order names, among a million). std::unordered_map costs a node per key, a
// division per lookup and a std::string to look up with; this is one flat table with open
// addressing (linear probing, at most half full), the keys' bytes in one buffer, and
// lookups by string_view.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rapport::core {

class StringIds {
public:
    std::optional<int64_t> find(std::string_view key) const;
    // Adds `key` with `id` unless it is there already; returns whether it was added.
    bool insert(std::string_view key, int64_t id);
    size_t size() const { return count_; }
    void reserve(size_t keys);

private:
    struct Slot {
        uint64_t hash = 0;  // 0: empty (a key's hash is never 0)
        size_t offset = 0, length = 0;
        int64_t id = 0;
    };
    static uint64_t hashOf(std::string_view key);
    size_t slotOf(std::string_view key, uint64_t hash) const;  // the key's slot, or the empty one it would take
    void rehash(size_t slots);

    std::vector<Slot> slots_;  // a power of two in size
    std::string bytes_;        // every key, one after another
    size_t count_ = 0;
};

}  // namespace rapport::core
