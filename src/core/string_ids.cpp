#include "core/string_ids.hpp"

#include <cstring>

#include "core/hash.hpp"

namespace rapport::core {

uint64_t StringIds::hashOf(std::string_view key) {
    Hash64 h;
    h.add(key.data(), key.size());
    return h.result() == 0 ? 1 : h.result();
}

size_t StringIds::slotOf(std::string_view key, uint64_t hash) const {
    const size_t mask = slots_.size() - 1;
    for (size_t i = static_cast<size_t>(hash) & mask;; i = (i + 1) & mask) {
        const Slot& s = slots_[i];
        if (s.hash == 0) return i;
        if (s.hash == hash && s.length == key.size() && std::memcmp(bytes_.data() + s.offset, key.data(), key.size()) == 0)
            return i;
    }
}

std::optional<int64_t> StringIds::find(std::string_view key) const {
    if (count_ == 0) return std::nullopt;
    const Slot& s = slots_[slotOf(key, hashOf(key))];
    if (s.hash == 0) return std::nullopt;
    return s.id;
}

bool StringIds::insert(std::string_view key, int64_t id) {
    if ((count_ + 1) * 2 > slots_.size()) rehash(slots_.empty() ? 16 : slots_.size() * 2);
    const uint64_t hash = hashOf(key);
    Slot& s = slots_[slotOf(key, hash)];
    if (s.hash != 0) return false;
    s = Slot{hash, bytes_.size(), key.size(), id};
    bytes_.append(key);
    ++count_;
    return true;
}

void StringIds::reserve(size_t keys) {
    size_t slots = 16;
    while (slots < keys * 2) slots *= 2;
    if (slots > slots_.size()) rehash(slots);
}

void StringIds::rehash(size_t slots) {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(slots, Slot{});
    const size_t mask = slots - 1;
    for (const Slot& s : old) {
        if (s.hash == 0) continue;
        size_t i = static_cast<size_t>(s.hash) & mask;
        while (slots_[i].hash != 0) i = (i + 1) & mask;
        slots_[i] = s;
    }
}

}  // namespace rapport::core
