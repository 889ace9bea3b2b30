#include "store/page_store.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>

namespace rapport::store {

PageStore::PageStore(uint32_t chunkSize) : chunkSize_(chunkSize) {
    assert(chunkSize >= 512 && chunkSize <= 65536);  // save() pads missing chunks from a 64 KiB zero block
}

const uint8_t* PageStore::chunk(uint32_t index) const {
    return index < chunks_.size() ? chunks_[index].get() : nullptr;
}

uint8_t* PageStore::writableChunk(uint32_t index) {
    if (index >= chunks_.size()) chunks_.resize(index + 1);
    if (!chunks_[index]) chunks_[index] = std::make_unique<uint8_t[]>(chunkSize_);  // zeroed
    return chunks_[index].get();
}

uint64_t PageStore::read(uint64_t offset, void* out, uint64_t n) const {
    auto* dst = static_cast<uint8_t*>(out);
    const uint64_t available = offset >= size_ ? 0 : std::min<uint64_t>(n, size_ - offset);
    uint64_t done = 0;
    while (done < available) {
        const uint64_t at = offset + done;
        const auto index = static_cast<uint32_t>(at / chunkSize_);
        const uint64_t within = at % chunkSize_;
        const uint64_t take = std::min<uint64_t>(available - done, chunkSize_ - within);
        const uint8_t* src = chunk(index);
        if (src != nullptr) std::memcpy(dst + done, src + within, take);
        else std::memset(dst + done, 0, take);
        done += take;
    }
    if (available < n) std::memset(dst + available, 0, n - available);
    return available;
}

void PageStore::write(uint64_t offset, const void* data, uint64_t n) {
    beforeChange();
    const auto* src = static_cast<const uint8_t*>(data);
    uint64_t done = 0;
    while (done < n) {
        const uint64_t at = offset + done;
        const auto index = static_cast<uint32_t>(at / chunkSize_);
        const uint64_t within = at % chunkSize_;
        const uint64_t take = std::min<uint64_t>(n - done, chunkSize_ - within);
        std::memcpy(writableChunk(index) + within, src + done, take);
        unsaved_.insert(index);
        done += take;
    }
    if (offset + n > size_) {
        size_ = offset + n;
        sizeUnsaved_ = true;
    }
}

void PageStore::truncate(uint64_t size) {
    if (size == size_) return;
    beforeChange();
    if (size < size_) {
        const auto keep = static_cast<uint32_t>((size + chunkSize_ - 1) / chunkSize_);
        if (keep < chunks_.size()) chunks_.resize(keep);
        unsaved_.erase(unsaved_.lower_bound(keep), unsaved_.end());
        // The tail of a partly kept last chunk reads as zero again.
        if (size % chunkSize_ != 0 && keep > 0 && chunks_[keep - 1]) {
            std::memset(chunks_[keep - 1].get() + size % chunkSize_, 0, chunkSize_ - size % chunkSize_);
            unsaved_.insert(keep - 1);
        }
    }
    size_ = size;
    sizeUnsaved_ = true;
}

uint8_t* PageStore::loadChunk(uint32_t index) {
    // Not zeroed first: the caller writes every byte (a large database's load would
    // otherwise go over hundreds of megabytes one time more).
    if (index >= chunks_.size()) chunks_.resize(index + 1);
    chunks_[index].reset(new uint8_t[chunkSize_]);
    return chunks_[index].get();
}

void PageStore::setLoadedSize(uint64_t size) {
    beforeChange();
    size_ = size;
    const auto keep = static_cast<uint32_t>((size + chunkSize_ - 1) / chunkSize_);
    if (keep < chunks_.size()) chunks_.resize(keep);
    unsaved_.clear();
    sizeUnsaved_ = false;
}

void PageStore::save() {
    if (backend_ == nullptr || !hasUnsaved()) return;
    SaveRequest request;
    request.sequence = nextSequence_++;
    request.chunkSize = chunkSize_;
    request.fileSize = size_;
    request.chunks.assign(unsaved_.begin(), unsaved_.end());
    static const std::vector<uint8_t> zeros(1 << 16, 0);
    for (const uint32_t index : request.chunks) {
        const uint8_t* data = chunk(index);
        request.data.push_back(data != nullptr ? data : zeros.data());
    }
    inFlight_[request.sequence] = request.chunks;
    unsaved_.clear();
    sizeUnsaved_ = false;
    backend_->save(request);
}

void PageStore::finishSave(uint64_t sequence, bool ok, const std::string& error) {
    auto it = inFlight_.find(sequence);
    if (it == inFlight_.end()) return;
    if (ok) {
        ++savesCompleted_;
        lastFailed_ = false;
        lastError_.clear();
    } else {
        // Not saved: these chunks (and the size) go with the next save. Chunks past the
        // current end were truncated away and need no saving.
        const auto count = static_cast<uint32_t>(chunks_.size());
        for (const uint32_t index : it->second) {
            if (index < count) unsaved_.insert(index);
        }
        sizeUnsaved_ = true;
        lastFailed_ = true;
        lastError_ = error.empty() ? "The browser could not save the latest change." : error;
    }
    inFlight_.erase(it);
}

SaveState PageStore::saveState() const {
    if (!inFlight_.empty()) return SaveState::Saving;
    if (lastFailed_) return SaveState::Failed;
    return SaveState::Idle;
}

}  // namespace rapport::store
