// core: the standard-library-only base of Rapport (dates, money, ids, results, CSV, JSON).
// May use: the C++ standard library only.
//
// result.hpp: errors users can cause travel up as values. A Result<T> holds either a
// value or an Error whose message is written for the user who will read it in the UI.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace rapport::core {

struct Error {
    std::string message;  // shown to users as is: say what happened and what to do
    std::string detail;   // technical context for logs and bug reports (may be empty)
};

template <class T>
class [[nodiscard]] Result {
public:
    Result(T value) : data_(std::move(value)) {}
    Result(Error error) : data_(std::move(error)) {}

    bool ok() const { return data_.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() & { assert(ok()); return std::get<0>(data_); }
    const T& value() const& { assert(ok()); return std::get<0>(data_); }
    // By value: a reference into a temporary Result would dangle (for (x : f().value())).
    T value() && { assert(ok()); return std::get<0>(std::move(data_)); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }

    const Error& error() const { assert(!ok()); return std::get<1>(data_); }

    // The value, or a default-constructed T when there is an error (for lists that may
    // simply show nothing).
    T value_or_empty() && { return ok() ? std::get<0>(std::move(data_)) : T{}; }

private:
    std::variant<T, Error> data_;
};

// Result<void>: success or an Error.
template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : error_(std::move(error)), failed_(true) {}

    bool ok() const { return !failed_; }
    explicit operator bool() const { return ok(); }
    const Error& error() const { assert(failed_); return error_; }

private:
    Error error_;
    bool failed_ = false;
};

using Status = Result<void>;

inline Error makeError(std::string message, std::string detail = {}) {
    return Error{std::move(message), std::move(detail)};
}

}  // namespace rapport::core
