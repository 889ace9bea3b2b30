// values.hpp: reading the values people put in spreadsheets: numbers with thousands
// separators, currency signs or decimal commas; yes/no flags; dates in ISO 8601 or in
// day-first or month-first order, with or without a time. Each parser returns nothing
// for text it cannot read with certainty; callers turn that into a message.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/date.hpp"

namespace rapport::core {

// Leading and trailing spaces and tabs removed.
std::string_view trim(std::string_view text);

// "1234.5", "-3", "1,234.50", "$ 1,234", "€12", "1.5e3"; with decimalComma "12,50" and
// "1.234,50". Refused: misplaced group separators ("12,50" without decimalComma is
// ambiguous), percent signs, letters.
std::optional<double> parseNumber(std::string_view text, bool decimalComma = false);
// A whole number: "42", "+7", "1,000"; "4.0" is accepted, "4.5" is not.
std::optional<int64_t> parseInteger(std::string_view text);
// 1/0, yes/no, y/n, true/false, t/f (any case).
std::optional<bool> parseFlag(std::string_view text);

enum class DateOrder { Iso, DayFirst, MonthFirst };

// ISO 8601 (YYYY-MM-DD, with T or space and HH:MM[:SS], YYYY/MM/DD too), or numeric
// dates D/M/YYYY or M/D/YYYY (separators / . -) with an optional H:MM[:SS] time, as
// `order` says. Two-digit years are refused.
std::optional<Timestamp> parseDateTime(std::string_view text, DateOrder order);

// Picks the order that reads every sample (unreadable ones skipped); ISO when all are ISO,
// day-first when a first number above 12 appears, month-first when a second does;
// day-first when undecided (the more common order worldwide).
DateOrder detectDateOrder(std::span<const std::string> samples);
const char* dateOrderName(DateOrder order);

}  // namespace rapport::core
