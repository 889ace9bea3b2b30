// customer_facts.cpp: reading CustomerFacts from the store, step by step.
//   1. Small pieces     the ISO date fast path, a string dictionary, the customer-id index
//   2. Grouping         records read in rowid order, placed per customer (counting sort),
//                       sorted by day and copied out, in bounded chunks
//   3. The reader       stages, begin / step / take
//   4. CustomerFacts    indexOf, bytes
//
// Work is counted in units so that one step stays small whatever stage it is in: reading
// a row costs kRowCost units, placing or copying out a record one unit, finishing a
// column (ordering its categories) one unit per customer. step(maxRows) spends at most
// maxRows * kRowCost units (plus one column's finishing), so it reads at most maxRows rows.
#include "store/customer_facts.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <utility>

#include "core/date.hpp"
#include "core/values.hpp"

namespace rapport::store {

namespace {

constexpr int64_t kRowCost = 8;  // a row from SQLite costs about as much as 8 grouping moves

double missing() { return std::numeric_limits<double>::quiet_NaN(); }

// ---- 1. Small pieces -------------------------------------------------------------------

bool isDigit(char c) { return c >= '0' && c <= '9'; }

int digitsAt(std::string_view t, size_t at, size_t width) {
    int value = 0;
    for (size_t i = at; i < at + width; ++i) value = value * 10 + (t[i] - '0');
    return value;
}

// Days since 1970 of an ISO date or timestamp (only its date counts); kNoDay when
// missing or unreadable. Stored dates are 'YYYY-MM-DD' or 'YYYY-MM-DDTHH:MM:SS' (import
// writes them so), read here without the general parser.
int32_t dayOf(std::string_view t) {
    if (t.size() >= 10 && isDigit(t[0]) && isDigit(t[1]) && isDigit(t[2]) && isDigit(t[3]) && t[4] == '-' &&
        isDigit(t[5]) && isDigit(t[6]) && t[7] == '-' && isDigit(t[8]) && isDigit(t[9]) &&
        (t.size() == 10 || t[10] == 'T' || t[10] == ' ')) {
        const core::CivilDate d{digitsAt(t, 0, 4), digitsAt(t, 5, 2), digitsAt(t, 8, 2)};
        if (!core::isValid(d)) return kNoDay;
        return static_cast<int32_t>(core::daysFromCivil(d));
    }
    if (t.empty()) return kNoDay;
    const auto seconds = core::parseIsoTimestamp(t);  // anything else the ISO reader accepts
    if (!seconds) return kNoDay;
    const int64_t days = *seconds / core::kSecondsPerDay - (*seconds % core::kSecondsPerDay < 0 ? 1 : 0);
    return static_cast<int32_t>(days);
}

bool isBlank(std::string_view t) { return core::trim(t).empty(); }

// Distinct strings with a code each and a count of uses. Lookups take a string_view, so
// reading a row allocates only when it brings a value not seen before.
class Dictionary {
public:
    int32_t add(std::string_view value) {
        if (values_.size() * 2 >= slots_.size()) grow();
        const size_t mask = slots_.size() - 1;
        for (size_t i = hash(value) & mask;; i = (i + 1) & mask) {
            const int32_t code = slots_[i];
            if (code < 0) {
                slots_[i] = static_cast<int32_t>(values_.size());
                values_.emplace_back(value);
                counts_.push_back(1);
                return slots_[i];
            }
            if (values_[static_cast<size_t>(code)] == value) {
                ++counts_[static_cast<size_t>(code)];
                return code;
            }
        }
    }
    int64_t size() const { return static_cast<int64_t>(values_.size()); }
    const std::string& value(int32_t code) const { return values_[static_cast<size_t>(code)]; }

    // The values most frequent first (ties by value), and for each old code its new one.
    std::vector<std::string> takeByFrequency(std::vector<int32_t>& newCode) {
        std::vector<int32_t> order(values_.size());
        for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int32_t>(i);
        std::sort(order.begin(), order.end(), [this](int32_t a, int32_t b) {
            const int64_t ca = counts_[static_cast<size_t>(a)], cb = counts_[static_cast<size_t>(b)];
            return ca != cb ? ca > cb : values_[static_cast<size_t>(a)] < values_[static_cast<size_t>(b)];
        });
        newCode.assign(values_.size(), -1);
        std::vector<std::string> sorted(values_.size());
        for (size_t rank = 0; rank < order.size(); ++rank) {
            const size_t old = static_cast<size_t>(order[rank]);
            newCode[old] = static_cast<int32_t>(rank);
            sorted[rank] = std::move(values_[old]);
        }
        *this = Dictionary();
        return sorted;
    }

private:
    static uint64_t hash(std::string_view s) {  // FNV-1a
        uint64_t h = 1469598103934665603ull;
        for (const char c : s) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
        return h ^ (h >> 29);
    }
    void grow() {
        slots_.assign(std::max<size_t>(64, slots_.size() * 2), -1);
        const size_t mask = slots_.size() - 1;
        for (size_t code = 0; code < values_.size(); ++code) {
            size_t i = hash(values_[code]) & mask;
            while (slots_[i] >= 0) i = (i + 1) & mask;
            slots_[i] = static_cast<int32_t>(code);
        }
    }
    std::vector<std::string> values_;
    std::vector<int64_t> counts_;
    std::vector<int32_t> slots_;  // open addressing; -1: empty
};

// Customer id -> index. Ids are rowids, nearly always dense, so a table indexed by
// id - min answers in one load; sparse ids fall back to binary search.
class CustomerIndex {
public:
    void build(const std::vector<int64_t>& ids) {
        ids_ = &ids;
        dense_.clear();
        if (ids.empty()) return;
        base_ = ids.front();
        const uint64_t range = static_cast<uint64_t>(ids.back()) - static_cast<uint64_t>(base_) + 1;
        if (range > 2 * static_cast<uint64_t>(ids.size()) + 1024) return;
        dense_.assign(static_cast<size_t>(range), -1);
        for (size_t i = 0; i < ids.size(); ++i) dense_[static_cast<size_t>(ids[i] - base_)] = static_cast<int32_t>(i);
    }
    int32_t find(int64_t id) const {
        if (!dense_.empty()) {
            const uint64_t offset = static_cast<uint64_t>(id) - static_cast<uint64_t>(base_);
            return offset < dense_.size() ? dense_[static_cast<size_t>(offset)] : -1;
        }
        if (ids_ == nullptr) return -1;
        const auto it = std::lower_bound(ids_->begin(), ids_->end(), id);
        return it != ids_->end() && *it == id ? static_cast<int32_t>(it - ids_->begin()) : -1;
    }

private:
    const std::vector<int64_t>* ids_ = nullptr;
    int64_t base_ = 0;
    std::vector<int32_t> dense_;
};

// ---- 2. Grouping -------------------------------------------------------------------------

// The records of one table: appended while reading (rowid order), then grouped per
// customer by a counting sort. `order` lists record numbers customer by customer; as
// records were placed in rowid order, a stable sort by day leaves ties in rowid order.
// Output positions come in increasing order, so the columns are appended (no zero-fill
// of a million entries in one step), and `order` is left uninitialised until placed.
struct Grouping {
    std::vector<int32_t> customer;  // per record read
    std::vector<int32_t> day;
    std::vector<int64_t> start;  // counts per customer (shifted by one) while reading, then offsets
    std::vector<int64_t> cursor;
    std::unique_ptr<uint32_t[]> order;
    std::vector<int32_t> dayOut;  // the days of the grouped records
    int64_t position = 0;         // the next record to place, then the next customer to sort

    void reset(int64_t customers, int64_t expected) {
        start.assign(static_cast<size_t>(customers + 1), 0);
        customer.reserve(static_cast<size_t>(expected));
        day.reserve(static_cast<size_t>(expected));
    }
    void add(int32_t c, int32_t d) {
        customer.push_back(c);
        day.push_back(d);
        ++start[static_cast<size_t>(c) + 1];
    }
    int64_t records() const { return static_cast<int64_t>(customer.size()); }

    void beginPlacing() {
        for (size_t i = 1; i < start.size(); ++i) start[i] += start[i - 1];
        cursor.assign(start.begin(), start.end() - 1);
        order.reset(new uint32_t[customer.size()]);
        position = 0;
    }
    // Places up to `budget` records; returns the units spent.
    int64_t place(int64_t budget) {
        const int64_t end = std::min(records(), position + budget);
        for (int64_t k = position; k < end; ++k) {
            order[static_cast<size_t>(cursor[static_cast<size_t>(customer[static_cast<size_t>(k)])]++)] =
                static_cast<uint32_t>(k);
        }
        const int64_t spent = end - position;
        position = end;
        return spent;
    }
    bool placed() const { return position >= records(); }

    void beginGathering() {
        position = 0;
        dayOut.reserve(customer.size());
        cursor = {};
    }
    // Sorts customers' records by day and appends them (gather(record), in output
    // order), customer by customer, for about `budget` units; returns the units spent.
    template <class Gather>
    int64_t sortAndGather(int64_t budget, Gather gather) {
        const int64_t customers = static_cast<int64_t>(start.size()) - 1;
        int64_t spent = 0;
        const auto byDay = [this](uint32_t a, uint32_t b) { return day[a] < day[b]; };
        while (position < customers && spent < budget) {
            uint32_t* b = order.get() + start[static_cast<size_t>(position)];
            uint32_t* e = order.get() + start[static_cast<size_t>(position) + 1];
            if (!std::is_sorted(b, e, byDay)) std::stable_sort(b, e, byDay);
            for (const uint32_t* r = b; r != e; ++r) {
                dayOut.push_back(day[*r]);
                gather(*r);
            }
            spent += (e - b) + 1;
            ++position;
        }
        return spent;
    }
    bool gathered() const { return position >= static_cast<int64_t>(start.size()) - 1; }

    // Hands over the start offsets and days, and frees what only grouping needed.
    std::vector<int32_t> finish(std::vector<int64_t>& startOut) {
        std::vector<int32_t> days = std::move(dayOut);
        startOut = std::move(start);
        *this = Grouping();
        return days;
    }
};

// Reads a table's next rows after `lastKey` (its rowid), at most `maxRows`; the
// statement is reset afterwards so nothing stays open between steps (the app may write
// between frames). onRow sees each row; column 0 is the rowid.
template <class OnRow>
core::Result<int64_t> scan(Stmt& stmt, int64_t& lastKey, int64_t maxRows, bool& finished, OnRow onRow) {
    stmt.reset();
    stmt.bind(1, lastKey);
    int64_t rows = 0;
    while (rows < maxRows) {
        if (!stmt.step()) {
            if (auto s = stmt.status(); !s) return s.error();
            finished = true;
            break;
        }
        lastKey = stmt.columnInt(0);
        onRow(stmt);
        ++rows;
    }
    stmt.reset();
    return rows;
}

double numberOrMissing(const Stmt& s, int column) {
    switch (s.columnType(column)) {
        case ColumnType::Integer:
        case ColumnType::Real:
            return s.columnDouble(column);
        case ColumnType::Text: {
            const auto v = core::parseNumber(s.columnView(column));
            return v ? *v : missing();
        }
        default:
            return missing();
    }
}

struct PendingAttribute {
    std::string name;
    Dictionary values;
    std::vector<int32_t> code;  // per customer; -1: none
};

}  // namespace

// ---- 3. The reader -------------------------------------------------------------------------

struct CustomerFactsReader::Impl {
    enum class Stage { Customers, Attributes, Columns, Orders, Interactions, Responses, Done };
    enum class Phase { Reading, Placing, Gathering };

    Db* db = nullptr;
    Stage stage = Stage::Customers;
    Phase phase = Phase::Reading;
    CustomerFacts facts;
    CustomerIndex index;

    Stmt customersQuery, attributesQuery, ordersQuery, interactionsQuery, responsesQuery;
    int64_t lastKey = std::numeric_limits<int64_t>::min();
    int64_t lastAttributeCustomer = std::numeric_limits<int64_t>::min();
    std::string lastAttributeName;

    // Row counts at begin, for progress and to reserve.
    int64_t totalCustomers = 0, totalAttributes = 0, totalOrders = 0, totalInteractions = 0, totalResponses = 0;
    int64_t unitsDone = 0;

    Dictionary region, plan, channel, gender;
    Dictionary attributeNames;
    std::vector<PendingAttribute> attributes;
    int64_t columnsFinished = 0;

    Grouping grouping;
    std::vector<double> amount;  // orders, per record read
    std::vector<uint8_t> returned;
    std::vector<uint8_t> flags;  // interactions
    std::vector<uint8_t> kind;   // responses
    std::vector<float> score, expected;
    std::vector<int64_t> responseRowid;

    core::Status prepare(const RecordCounts* known);
    core::Result<bool> step(int64_t maxRows);
    int64_t totalUnits() const;

    void noteDay(int32_t day) {
        if (day == kNoDay) return;
        if (facts.firstDay == kNoDay || day < facts.firstDay) facts.firstDay = day;
        if (facts.lastDay == kNoDay || day > facts.lastDay) facts.lastDay = day;
    }
    int64_t customerCount() const { return facts.customers(); }

    core::Result<int64_t> readCustomers(int64_t maxRows, bool& finished);
    core::Result<int64_t> readAttributes(int64_t maxRows, bool& finished);
    core::Result<int64_t> readOrders(int64_t maxRows, bool& finished);
    core::Result<int64_t> readInteractions(int64_t maxRows, bool& finished);
    core::Result<int64_t> readResponses(int64_t maxRows, bool& finished);
    int64_t finishColumn();
    int64_t group(int64_t budget);
    void finishStage();
};

core::Status CustomerFactsReader::Impl::prepare(const RecordCounts* known) {
    // Each query resumes after the last key read, so no statement stays open between steps.
    const std::pair<Stmt*, const char*> queries[] = {
        {&customersQuery,
         "SELECT id, signup_date, age, annual_income, churned, churned_at, region, plan, channel, gender"
         " FROM customers WHERE id > ?1 ORDER BY id"},
        // WITHOUT ROWID: its key order is (customer_id, name).
        {&attributesQuery,
         "SELECT customer_id, name, value FROM customer_attributes"
         " WHERE (customer_id, name) > (?1, ?2) ORDER BY customer_id, name"},
        {&ordersQuery, "SELECT id, customer_id, ordered_at, amount, returned FROM orders WHERE id > ?1 ORDER BY id"},
        {&interactionsQuery,
         "SELECT id, customer_id, occurred_at, complaint, channel, resolved FROM interactions"
         " WHERE id > ?1 ORDER BY id"},
        {&responsesQuery,
         "SELECT id, customer_id, answered_at, kind, score, expected FROM survey_responses"
         " WHERE id > ?1 ORDER BY id"},
    };
    for (const auto& [stmt, sql] : queries) {
        auto prepared = Stmt::prepare(*db, sql);
        if (!prepared) return prepared.error();
        *stmt = std::move(*prepared);
    }
    // Exact counts: at 1.2 million orders count(*) takes about 1 ms natively and 5 ms as
    // wasm. max(id) would take none, but overestimates after deletions or with sparse ids,
    // and these counts also size the arrays. Counts the caller knows are not taken again.
    auto counts = Stmt::prepare(*db, known != nullptr
                                         ? "SELECT (SELECT count(*) FROM customer_attributes)"
                                         : "SELECT (SELECT count(*) FROM customer_attributes), (SELECT count(*) FROM customers),"
                                           " (SELECT count(*) FROM orders), (SELECT count(*) FROM interactions),"
                                           " (SELECT count(*) FROM survey_responses)");
    if (!counts) return counts.error();
    if (!counts->step()) {
        if (auto s = counts->status(); !s) return s;
        return core::makeError("The database returned no answer", "count rows");
    }
    totalAttributes = counts->columnInt(0);
    if (known != nullptr) {
        totalCustomers = known->customers;
        totalOrders = known->orders;
        totalInteractions = known->interactions;
        totalResponses = known->surveyResponses;
    } else {
        totalCustomers = counts->columnInt(1);
        totalOrders = counts->columnInt(2);
        totalInteractions = counts->columnInt(3);
        totalResponses = counts->columnInt(4);
    }
    return {};
}

int64_t CustomerFactsReader::Impl::totalUnits() const {
    const int64_t rows = totalCustomers + totalAttributes + totalOrders + totalInteractions + totalResponses;
    const int64_t records = totalOrders + totalInteractions + totalResponses;
    const int64_t columns = 4 + static_cast<int64_t>(attributes.size());
    return kRowCost * rows + 2 * records + 3 * totalCustomers + columns * totalCustomers;
}

core::Result<int64_t> CustomerFactsReader::Impl::readCustomers(int64_t maxRows, bool& finished) {
    CustomerFacts& f = facts;
    if (f.id.empty()) {
        const size_t n = static_cast<size_t>(totalCustomers);
        for (auto* v : {&f.signupDay, &f.churnedDay, &f.region.code, &f.plan.code, &f.channel.code, &f.gender.code})
            v->reserve(n);
        f.id.reserve(n);
        f.age.reserve(n);
        f.income.reserve(n);
        f.churned.reserve(n);
    }
    const auto code = [](Dictionary& d, const Stmt& s, int column) {
        const std::string_view v = s.columnView(column);
        return isBlank(v) ? -1 : d.add(v);
    };
    return scan(customersQuery, lastKey, maxRows, finished, [&](const Stmt& s) {
        f.id.push_back(s.columnInt(0));
        f.signupDay.push_back(dayOf(s.columnView(1)));
        f.age.push_back(s.columnIsNull(2) ? missing() : numberOrMissing(s, 2));
        f.income.push_back(s.columnIsNull(3) ? missing() : numberOrMissing(s, 3));
        f.churned.push_back(s.columnInt(4) != 0 ? 1 : 0);
        f.churnedDay.push_back(dayOf(s.columnView(5)));
        f.region.code.push_back(code(region, s, 6));
        f.plan.code.push_back(code(plan, s, 7));
        f.channel.code.push_back(code(channel, s, 8));
        f.gender.code.push_back(code(gender, s, 9));
    });
}

core::Result<int64_t> CustomerFactsReader::Impl::readAttributes(int64_t maxRows, bool& finished) {
    attributesQuery.reset();
    attributesQuery.bind(1, lastAttributeCustomer).bind(2, std::string_view(lastAttributeName));
    int64_t rows = 0;
    while (rows < maxRows) {
        if (!attributesQuery.step()) {
            if (auto s = attributesQuery.status(); !s) return s.error();
            finished = true;
            break;
        }
        ++rows;
        const int64_t customerId = attributesQuery.columnInt(0);
        const std::string_view name = attributesQuery.columnView(1);
        const int32_t c = index.find(customerId);
        const std::string_view value = attributesQuery.columnView(2);
        if (c >= 0) {  // an attribute whose values are all empty is still a (missing) column
            const int32_t a = attributeNames.add(name);
            if (static_cast<size_t>(a) == attributes.size()) {
                attributes.push_back(
                    {std::string(name), {}, std::vector<int32_t>(static_cast<size_t>(customerCount()), -1)});
            }
            PendingAttribute& p = attributes[static_cast<size_t>(a)];
            if (!isBlank(value)) p.code[static_cast<size_t>(c)] = p.values.add(value);
        }
        if (rows == maxRows) {  // the next step resumes after this row
            lastAttributeCustomer = customerId;
            lastAttributeName.assign(name);
        }
    }
    attributesQuery.reset();
    return rows;
}

// Finishes one categorical or attribute column (codes by frequency, or numbers); returns
// the units spent, or 0 when none is left.
int64_t CustomerFactsReader::Impl::finishColumn() {
    const int64_t n = customerCount();
    const auto recode = [](Dictionary& d, Categorical& c) {
        std::vector<int32_t> newCode;
        c.values = d.takeByFrequency(newCode);
        for (int32_t& code : c.code) {
            if (code >= 0) code = newCode[static_cast<size_t>(code)];
        }
    };
    const int64_t k = columnsFinished++;
    switch (k) {
        case 0:
            recode(region, facts.region);
            return n + 1;
        case 1:
            recode(plan, facts.plan);
            return n + 1;
        case 2:
            recode(channel, facts.channel);
            return n + 1;
        case 3:
            recode(gender, facts.gender);
            return n + 1;
        default:
            break;
    }
    if (k == 4) {  // the columns come out sorted by name
        std::sort(attributes.begin(), attributes.end(),
                  [](const PendingAttribute& a, const PendingAttribute& b) { return a.name < b.name; });
        facts.attributes.reserve(attributes.size());
    }
    const size_t a = static_cast<size_t>(k - 4);
    if (a >= attributes.size()) return 0;
    PendingAttribute& p = attributes[a];
    AttributeColumn column;
    column.name = std::move(p.name);
    // Numeric when every distinct value reads as a number (so each is parsed once).
    std::vector<double> parsed(static_cast<size_t>(p.values.size()));
    column.numeric = p.values.size() > 0;
    for (int32_t v = 0; v < p.values.size() && column.numeric; ++v) {
        const auto x = core::parseNumber(p.values.value(v));
        if (x)
            parsed[static_cast<size_t>(v)] = *x;
        else
            column.numeric = false;
    }
    if (column.numeric) {
        column.number.assign(static_cast<size_t>(n), missing());
        for (size_t i = 0; i < p.code.size(); ++i) {
            if (p.code[i] >= 0) column.number[i] = parsed[static_cast<size_t>(p.code[i])];
        }
    } else {
        column.categorical.code = std::move(p.code);
        recode(p.values, column.categorical);
    }
    p = PendingAttribute();
    facts.attributes.push_back(std::move(column));
    return n + 1;
}

core::Result<int64_t> CustomerFactsReader::Impl::readOrders(int64_t maxRows, bool& finished) {
    return scan(ordersQuery, lastKey, maxRows, finished, [this](const Stmt& s) {
        const int32_t c = index.find(s.columnInt(1));
        if (c < 0) return;
        const int32_t day = dayOf(s.columnView(2));
        noteDay(day);
        grouping.add(c, day);
        amount.push_back(s.columnDouble(3));
        returned.push_back(s.columnInt(4) != 0 ? 1 : 0);
    });
}

core::Result<int64_t> CustomerFactsReader::Impl::readInteractions(int64_t maxRows, bool& finished) {
    return scan(interactionsQuery, lastKey, maxRows, finished, [this](const Stmt& s) {
        const int32_t c = index.find(s.columnInt(1));
        if (c < 0) return;
        const int32_t day = dayOf(s.columnView(2));
        noteDay(day);
        grouping.add(c, day);
        uint8_t bits = 0;
        if (s.columnInt(3) != 0) bits |= kInteractionComplaint;
        if (s.columnView(4) == "ticket") bits |= kInteractionTicket;
        if (s.columnInt(5) == 1) bits |= kInteractionResolved;
        flags.push_back(bits);
    });
}

core::Result<int64_t> CustomerFactsReader::Impl::readResponses(int64_t maxRows, bool& finished) {
    return scan(responsesQuery, lastKey, maxRows, finished, [this](const Stmt& s) {
        const int32_t c = index.find(s.columnInt(1));
        if (c < 0) return;
        const std::string_view k = s.columnView(3);
        uint8_t surveyKind = 0;
        if (k == "nps")
            surveyKind = static_cast<uint8_t>(SurveyKind::Nps);
        else if (k == "csat")
            surveyKind = static_cast<uint8_t>(SurveyKind::Csat);
        else if (k == "ces")
            surveyKind = static_cast<uint8_t>(SurveyKind::Ces);
        else
            return;  // the schema allows no other kind
        const int32_t day = dayOf(s.columnView(2));
        noteDay(day);
        grouping.add(c, day);
        kind.push_back(surveyKind);
        score.push_back(static_cast<float>(s.columnDouble(4)));
        expected.push_back(static_cast<float>(numberOrMissing(s, 5)));
        responseRowid.push_back(s.columnInt(0));
    });
}

// Places and copies out the current table's records for up to `budget` units.
int64_t CustomerFactsReader::Impl::group(int64_t budget) {
    CustomerFacts& f = facts;
    if (phase == Phase::Placing) {
        const int64_t spent = grouping.place(budget);
        if (grouping.placed()) {
            phase = Phase::Gathering;
            grouping.beginGathering();
            const size_t m = static_cast<size_t>(grouping.records());
            if (stage == Stage::Orders) {
                f.orderAmount.reserve(m);
                f.orderReturned.reserve(m);
            } else if (stage == Stage::Interactions) {
                f.interactionFlags.reserve(m);
            } else {
                f.responseKind.reserve(m);
                f.responseScore.reserve(m);
                f.responseExpected.reserve(m);
                f.responseId.reserve(m);
            }
        }
        return std::max<int64_t>(spent, 1);
    }
    int64_t spent = 0;
    if (stage == Stage::Orders) {
        spent = grouping.sortAndGather(budget, [&](uint32_t r) {
            f.orderAmount.push_back(amount[r]);
            f.orderReturned.push_back(returned[r]);
        });
    } else if (stage == Stage::Interactions) {
        spent = grouping.sortAndGather(budget, [&](uint32_t r) { f.interactionFlags.push_back(flags[r]); });
    } else {
        spent = grouping.sortAndGather(budget, [&](uint32_t r) {
            f.responseKind.push_back(static_cast<SurveyKind>(kind[r]));
            f.responseScore.push_back(score[r]);
            f.responseExpected.push_back(expected[r]);
            f.responseId.push_back(responseRowid[r]);
        });
    }
    if (grouping.gathered()) finishStage();
    return std::max<int64_t>(spent, 1);
}

// The current record table is grouped: keep its day and start columns, free the rest,
// and move on.
void CustomerFactsReader::Impl::finishStage() {
    const int64_t n = customerCount();
    const auto next = [&](Stage s, int64_t expected) {
        stage = s;
        phase = Phase::Reading;
        lastKey = std::numeric_limits<int64_t>::min();
        grouping.reset(n, expected);
    };
    if (stage == Stage::Orders) {
        facts.orderDay = grouping.finish(facts.orderStart);
        amount = {};
        returned = {};
        next(Stage::Interactions, totalInteractions);
        flags.reserve(static_cast<size_t>(totalInteractions));
    } else if (stage == Stage::Interactions) {
        facts.interactionDay = grouping.finish(facts.interactionStart);
        flags = {};
        next(Stage::Responses, totalResponses);
        for (auto* v : {&score, &expected}) v->reserve(static_cast<size_t>(totalResponses));
        kind.reserve(static_cast<size_t>(totalResponses));
        responseRowid.reserve(static_cast<size_t>(totalResponses));
    } else {
        facts.responseDay = grouping.finish(facts.responseStart);
        kind = {};
        score = {};
        expected = {};
        responseRowid = {};
        stage = Stage::Done;
    }
}

core::Result<bool> CustomerFactsReader::Impl::step(int64_t maxRows) {
    int64_t budget = std::clamp<int64_t>(maxRows, 1, int64_t{1} << 48) * kRowCost;
    const int64_t before = budget;
    while (stage != Stage::Done) {
        if (stage == Stage::Columns) {
            if (budget <= 0) break;
            const int64_t spent = finishColumn();
            if (spent == 0) {
                stage = Stage::Orders;
                phase = Phase::Reading;
                lastKey = std::numeric_limits<int64_t>::min();
                grouping.reset(customerCount(), totalOrders);
                amount.reserve(static_cast<size_t>(totalOrders));
                returned.reserve(static_cast<size_t>(totalOrders));
            }
            budget -= std::max<int64_t>(spent, 1);
            continue;
        }
        if (phase != Phase::Reading) {
            if (budget <= 0) break;
            budget -= group(budget);
            continue;
        }
        const int64_t rows = budget / kRowCost;
        if (rows <= 0) break;
        bool finished = false;
        core::Result<int64_t> read = int64_t{0};
        switch (stage) {
            case Stage::Customers:
                read = readCustomers(rows, finished);
                break;
            case Stage::Attributes:
                read = readAttributes(rows, finished);
                break;
            case Stage::Orders:
                read = readOrders(rows, finished);
                break;
            case Stage::Interactions:
                read = readInteractions(rows, finished);
                break;
            case Stage::Responses:
                read = readResponses(rows, finished);
                break;
            default:
                break;
        }
        if (!read) return read.error();
        budget -= *read * kRowCost;
        if (!finished) continue;
        if (stage == Stage::Customers) {
            index.build(facts.id);
            stage = Stage::Attributes;
        } else if (stage == Stage::Attributes) {
            stage = Stage::Columns;
        } else {
            grouping.beginPlacing();
            phase = Phase::Placing;
        }
    }
    unitsDone += before - budget;
    return stage != Stage::Done;
}

CustomerFactsReader::CustomerFactsReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CustomerFactsReader::~CustomerFactsReader() = default;

core::Result<std::unique_ptr<CustomerFactsReader>> CustomerFactsReader::begin(Db& db, const RecordCounts* known) {
    auto impl = std::make_unique<Impl>();
    impl->db = &db;
    if (auto s = impl->prepare(known); !s) return s.error();
    return std::unique_ptr<CustomerFactsReader>(new CustomerFactsReader(std::move(impl)));
}

core::Result<bool> CustomerFactsReader::step(int64_t maxRows) { return impl_->step(maxRows); }

double CustomerFactsReader::progress() const {
    if (impl_->stage == Impl::Stage::Done) return 1.0;
    const double total = static_cast<double>(std::max<int64_t>(impl_->totalUnits(), 1));
    return std::min(0.99, static_cast<double>(impl_->unitsDone) / total);
}

const char* CustomerFactsReader::stage() const {
    switch (impl_->stage) {
        case Impl::Stage::Customers:
            return "customers";
        case Impl::Stage::Attributes:
        case Impl::Stage::Columns:
            return "attributes";
        case Impl::Stage::Orders:
            return "orders";
        case Impl::Stage::Interactions:
            return "interactions";
        case Impl::Stage::Responses:
            return "survey answers";
        case Impl::Stage::Done:
            break;
    }
    return "done";
}

CustomerFacts CustomerFactsReader::take() {
    assert(impl_->stage == Impl::Stage::Done && "take() before step() returned false");
    return std::move(impl_->facts);
}

core::Result<CustomerFacts> readCustomerFacts(Db& db) {
    auto reader = CustomerFactsReader::begin(db);
    if (!reader) return reader.error();
    for (;;) {
        auto more = (*reader)->step(int64_t{1} << 40);
        if (!more) return more.error();
        if (!*more) break;
    }
    return (*reader)->take();
}

// ---- 4. CustomerFacts ----------------------------------------------------------------------

int64_t CustomerFacts::indexOf(int64_t customerId) const {
    const auto it = std::lower_bound(id.begin(), id.end(), customerId);
    return it != id.end() && *it == customerId ? static_cast<int64_t>(it - id.begin()) : -1;
}

namespace {
template <class T>
int64_t vectorBytes(const std::vector<T>& v) {
    return static_cast<int64_t>(v.capacity() * sizeof(T));
}
int64_t stringsBytes(const std::vector<std::string>& v) {
    int64_t bytes = vectorBytes(v);
    for (const std::string& s : v) bytes += s.capacity() > 15 ? static_cast<int64_t>(s.capacity()) + 1 : 0;
    return bytes;
}
int64_t categoricalBytes(const Categorical& c) { return vectorBytes(c.code) + stringsBytes(c.values); }
}  // namespace

int64_t CustomerFacts::bytes() const {
    int64_t b = static_cast<int64_t>(sizeof(CustomerFacts));
    b += vectorBytes(id) + vectorBytes(signupDay) + vectorBytes(age) + vectorBytes(income) + vectorBytes(churned) +
         vectorBytes(churnedDay);
    b += categoricalBytes(region) + categoricalBytes(plan) + categoricalBytes(channel) + categoricalBytes(gender);
    b += vectorBytes(attributes);
    for (const AttributeColumn& a : attributes) {
        b += static_cast<int64_t>(a.name.capacity()) + vectorBytes(a.number) + categoricalBytes(a.categorical);
    }
    b += vectorBytes(orderStart) + vectorBytes(orderDay) + vectorBytes(orderAmount) + vectorBytes(orderReturned);
    b += vectorBytes(interactionStart) + vectorBytes(interactionDay) + vectorBytes(interactionFlags);
    b += vectorBytes(responseStart) + vectorBytes(responseDay) + vectorBytes(responseKind) +
         vectorBytes(responseScore) + vectorBytes(responseExpected) + vectorBytes(responseId);
    return b;
}

}  // namespace rapport::store
