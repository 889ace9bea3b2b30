// demo_data.cpp: the demo-data generator.
//   1. Scenarios    latent groups and catalogues per scenario
//   2. Customers    profile, satisfaction, lifetime and churn
//   3. Activity     orders, interactions, survey answers, campaign contacts
//   4. The job      begin / step / finish / cancel
#include "store/demo_data.hpp"

#include <array>
#include <cmath>
#include <optional>
#include <vector>

#include "core/date.hpp"
#include "core/random.hpp"
#include "store/comments.hpp"

namespace rapport::store {

namespace {

using core::Random;
using core::Timestamp;
constexpr double kDay = 86400.0;
constexpr double kYear = 365.25 * kDay;

// ---- 1. Scenarios --------------------------------------------------------------------

struct Group {
    double share;
    double spendMu, spendSigma;  // log of a typical order amount
    double ordersPerYear;
    double complaintsPerYear;
    double satisfaction;         // mean of the latent satisfaction (about -1.5 .. 1.5)
    double hazard;               // base churn hazard per year
    double planBias;             // pushes towards higher plans
};

struct Scenario {
    std::vector<Group> groups;
    std::array<const char*, 3> plans;
    std::array<double, 3> planPrice;  // subscription: monthly bill per plan
    std::vector<const char*> categories;
    bool monthlyBills = false;
    bool companies = false;
};

const Scenario& scenario(DemoScenario s) {
    static const Scenario retail{
        {{0.08, std::log(95.0), 0.45, 8.0, 0.25, 1.2, 0.06, 1.0},
         {0.27, std::log(55.0), 0.50, 4.0, 0.35, 0.5, 0.12, 0.4},
         {0.30, std::log(28.0), 0.55, 3.0, 0.55, 0.0, 0.22, 0.0},
         {0.25, std::log(70.0), 0.70, 1.2, 0.30, 0.2, 0.35, 0.2},
         {0.10, std::log(40.0), 0.60, 2.0, 1.40, -1.0, 0.55, 0.0}},
        {"Standard", "Member", "VIP"}, {0, 0, 0},
        {"Apparel", "Home", "Electronics", "Beauty", "Sports", "Grocery", "Toys", "Books"}, false, false};
    static const Scenario subscription{
        {{0.20, 0, 0, 12, 0.20, 1.0, 0.05, 1.0},
         {0.35, 0, 0, 12, 0.45, 0.3, 0.12, 0.5},
         {0.30, 0, 0, 12, 0.80, -0.2, 0.28, 0.0},
         {0.15, 0, 0, 12, 1.60, -1.0, 0.60, 0.2}},
        {"Basic", "Plus", "Premium"}, {25, 45, 80},
        {"Monthly bill"}, true, false};
    static const Scenario b2b{
        {{0.15, std::log(9000.0), 0.5, 6.0, 0.4, 1.0, 0.05, 1.0},
         {0.45, std::log(3000.0), 0.6, 4.0, 0.6, 0.3, 0.12, 0.5},
         {0.25, std::log(1200.0), 0.6, 2.0, 0.8, -0.1, 0.25, 0.0},
         {0.15, std::log(2000.0), 0.7, 2.5, 1.8, -1.0, 0.50, 0.2}},
        {"Starter", "Growth", "Enterprise"}, {0, 0, 0},
        {"Consulting", "Implementation", "Support", "Training", "Licences"}, false, true};
    switch (s) {
        case DemoScenario::Retail: return retail;
        case DemoScenario::Subscription: return subscription;
        case DemoScenario::B2B: return b2b;
    }
    return retail;
}

constexpr const char* kFirstNames[] = {
    "Emma", "Liam", "Olivia", "Noah", "Ava", "Lucas", "Mia", "Mateo", "Sofia", "Leo", "Amelia", "Hugo", "Isla",
    "Arjun", "Chloe", "Ethan", "Zoe", "Omar", "Lena", "Jonas", "Nora", "Elias", "Maya", "Felix", "Aisha", "Ravi",
    "Hannah", "Daniel", "Sara", "Tomas", "Ines", "Kenji", "Yuki", "Priya", "Marco", "Giulia", "Pierre", "Camille",
    "Anna", "Lukas", "Freya", "Oscar", "Ingrid", "Mohammed", "Fatima", "Carlos", "Lucia", "Wei", "Mei", "David"};
constexpr const char* kLastNames[] = {
    "Smith", "Johnson", "Garcia", "Müller", "Rossi", "Dubois", "Kowalski", "Nielsen", "Silva", "Tanaka", "Kim",
    "Patel", "Nguyen", "Brown", "Jones", "Martin", "Bernard", "Schmidt", "Fischer", "Weber", "Lopez", "Gonzalez",
    "Andersson", "Larsen", "Novak", "Horvat", "Costa", "Santos", "Okafor", "Mensah", "Cohen", "Levi", "Ivanova",
    "Popescu", "Yilmaz", "Demir", "Khan", "Ali", "Singh", "Sato", "Chen", "Wang", "Li", "Murphy", "Kelly",
    "Walsh", "Byrne", "Taylor", "Wilson", "Evans"};
constexpr const char* kDomains[] = {"example.com", "example.org", "example.net", "mail.example", "post.example"};
constexpr const char* kCompanyA[] = {"Northwind", "Bluebird", "Summit", "Harbor", "Granite", "Silverline", "Redwood",
                                     "Brightpath", "Ironbridge", "Clearwater", "Evergreen", "Lighthouse"};
constexpr const char* kCompanyB[] = {"Logistics", "Foods", "Analytics", "Health", "Manufacturing", "Retail",
                                     "Energy", "Media", "Finance", "Design", "Software", "Travel"};
constexpr const char* kRegions[] = {"North", "South", "East", "West", "Central"};
constexpr double kRegionWeights[] = {0.22, 0.24, 0.18, 0.21, 0.15};
constexpr const char* kChannels[] = {"Web", "Store", "Referral", "Partner", "Social"};
constexpr double kChannelWeights[] = {0.40, 0.25, 0.15, 0.08, 0.12};

constexpr const char* kInteractionChannels[] = {"email", "phone", "chat", "meeting", "ticket", "social"};
constexpr double kInteractionWeights[] = {0.30, 0.25, 0.22, 0.05, 0.13, 0.05};
constexpr const char* kTopics[] = {"Billing", "Delivery", "Product quality", "Account", "Technical issue", "Pricing",
                                   "Returns"};

constexpr const char* kPromoterComments[] = {
    "Great service, fast delivery and friendly staff.", "Always reliable, I recommend you to my friends.",
    "Excellent quality for the price.", "Support solved my problem in minutes.", "Love the product range.",
    "Easy to order and everything arrived on time."};
constexpr const char* kPassiveComments[] = {
    "Good overall, but delivery could be faster.", "Fine, nothing special.", "Prices are a bit high for what you get.",
    "Decent service, the app could be easier to use.", "OK, but I had to wait on the phone."};
constexpr const char* kDetractorComments[] = {
    "Billing errors again, very frustrating.", "Support never answered my ticket.",
    "Delivery was late and the item was damaged.", "Too expensive, thinking of switching.",
    "Poor quality, I returned two orders.", "Hard to reach anyone when something goes wrong.",
    "The price went up without notice."};

template <class T, size_t N>
const T& pick(Random& rng, const T (&items)[N]) { return items[rng.below(N)]; }

std::string lower(std::string_view text) {
    std::string out;
    for (const char c : text) {
        if (c >= 'A' && c <= 'Z') out.push_back(static_cast<char>(c - 'A' + 'a'));
        else if (static_cast<unsigned char>(c) < 0x80 && c != ' ') out.push_back(c);
    }
    return out;
}

std::string padded(char prefix, int64_t n, int width) {
    std::string digits = std::to_string(n);
    if (static_cast<int>(digits.size()) < width) digits.insert(0, static_cast<size_t>(width) - digits.size(), '0');
    return std::string(1, prefix) + digits;
}

struct Campaign {
    int64_t id;
    Timestamp start;
    const char* channel;
    double reach;  // share of active customers contacted
};

}  // namespace

// ---- Options ---------------------------------------------------------------------------

core::Status DemoOptions::validate() const {
    if (customers < 1 || customers > 1000000)
        return core::makeError("Choose between 1 and 1,000,000 demo customers.");
    if (!core::parseIsoDate(endDate)) return core::makeError("The demo data's end date must be a date like 2026-10-31.");
    return {};
}

const char* scenarioName(DemoScenario s) {
    switch (s) {
        case DemoScenario::Retail: return "retail";
        case DemoScenario::Subscription: return "subscription";
        case DemoScenario::B2B: return "b2b";
    }
    return "retail";
}

std::optional<DemoScenario> scenarioFromName(std::string_view name) {
    if (name == "retail") return DemoScenario::Retail;
    if (name == "subscription" || name == "telecom") return DemoScenario::Subscription;
    if (name == "b2b" || name == "B2B") return DemoScenario::B2B;
    return std::nullopt;
}

// ---- 4. The job (state) ------------------------------------------------------------------

struct DemoGenerator::Impl {
    Db* db;
    DemoOptions options;
    const Scenario* sc;
    Random rng;
    std::optional<Txn> txn;
    Timestamp end = 0, start = 0;
    double orderScale = 1.0;  // thins orders at the largest sizes (about 5 per customer)
    int64_t done = 0;
    int64_t orderId = 0, interactionId = 0, responseId = 0;
    std::vector<Campaign> campaigns;
    Stmt customer, attribute, order, interaction, response, contact;
    std::vector<double> groupWeights;
    // The comment index is built once in finish(): through its triggers, row by row, it
    // would add about half to the generation's time.
    std::optional<PausedCommentIndex> pausedComments;

    Impl(Db& d, const DemoOptions& o) : db(&d), options(o), sc(&scenario(o.scenario)), rng(o.seed) {}

    core::Status prepare();
    core::Status addCustomer(DemoCounts& counts);
};

core::Status DemoGenerator::Impl::prepare() {
    const auto endDate = core::parseIsoDate(options.endDate);
    end = core::daysFromCivil(*endDate) * core::kSecondsPerDay + 86399;
    start = end - static_cast<Timestamp>(3 * kYear);
    for (const Group& g : sc->groups) groupWeights.push_back(g.share);
    if (options.customers > 200000) {
        double meanOrders = 0;
        for (const Group& g : sc->groups) meanOrders += g.share * g.ordersPerYear * 1.6;  // ~1.6 active years
        orderScale = std::min(1.0, 5.0 / meanOrders);
    }
    auto make = [this](Stmt& out, const char* sql) -> core::Status {
        auto s = Stmt::prepare(*db, sql);
        if (!s) return s.error();
        out = std::move(*s);
        return {};
    };
    if (auto s = make(customer, "INSERT INTO customers (id, external_id, name, email, phone, company, region, channel,"
                                " plan, signup_date, age, gender, annual_income, churned, churned_at)"
                                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"); !s) return s;
    if (auto s = make(attribute, "INSERT INTO customer_attributes (customer_id, name, value) VALUES (?,?,?)"); !s) return s;
    if (auto s = make(order, "INSERT INTO orders (external_id, customer_id, ordered_at, amount, cost, quantity,"
                             " category, returned) VALUES (?,?,?,?,?,?,?,?)"); !s) return s;
    if (auto s = make(interaction, "INSERT INTO interactions (external_id, customer_id, occurred_at, channel, topic,"
                                   " outcome, resolved, duration_min, complaint) VALUES (?,?,?,?,?,?,?,?,?)"); !s) return s;
    if (auto s = make(response, "INSERT INTO survey_responses (external_id, customer_id, answered_at, kind, score,"
                                " comment) VALUES (?,?,?,?,?,?)"); !s) return s;
    if (auto s = make(contact, "INSERT INTO campaign_contacts (campaign_id, customer_id, contacted_at, responded,"
                               " converted, revenue) VALUES (?,?,?,?,?,?)"); !s) return s;

    // Twelve campaigns, one a quarter.
    auto insertCampaign = Stmt::prepare(*db, "INSERT INTO campaigns (id, external_id, name, channel, started_at, cost) VALUES (?,?,?,?,?,?)");
    if (!insertCampaign) return insertCampaign.error();
    constexpr const char* kSeasons[] = {"Winter", "Spring", "Summer", "Autumn"};
    constexpr const char* kCampaignChannels[] = {"email", "social", "direct mail", "sms"};
    constexpr double kReach[] = {0.45, 0.30, 0.15, 0.20};
    for (int i = 0; i < 12; ++i) {
        const Timestamp at = start + static_cast<Timestamp>((i + 0.5) * kYear / 4);
        const int channel = static_cast<int>(rng.below(4));
        const core::CivilDate date = core::civilFromDays(at / core::kSecondsPerDay);
        const std::string name = std::string(kSeasons[(date.month % 12) / 3]) + " campaign " + std::to_string(date.year);
        const double cost = std::round(options.customers * kReach[channel] * rng.uniform(0.3, 1.2) * 100) / 100;
        insertCampaign->reset();
        insertCampaign->bind(1, int64_t{i + 1}).bind(2, std::string_view(padded('K', i + 1, 3)))
            .bind(3, std::string_view(name)).bind(4, std::string_view(kCampaignChannels[channel]))
            .bind(5, std::string_view(core::formatIsoDateOf(at))).bind(6, cost);
        if (auto s = insertCampaign->run(); !s) return s;
        campaigns.push_back({i + 1, at, kCampaignChannels[channel], kReach[channel]});
    }
    return {};
}

// ---- 2. Customers and 3. their activity -------------------------------------------------

core::Status DemoGenerator::Impl::addCustomer(DemoCounts& counts) {
    Random& r = rng;
    const int64_t id = done + 1;
    const Group& g = sc->groups[r.weighted(groupWeights)];

    // Profile.
    const std::string first = pick(r, kFirstNames), last = pick(r, kLastNames);
    const std::string name = first + " " + last;
    const std::string email = lower(first) + "." + lower(last) + std::to_string(id % 1000) + "@" + pick(r, kDomains);
    char phone[32];
    std::snprintf(phone, sizeof phone, "(555) %03d-%04d", static_cast<int>(r.below(900) + 100), static_cast<int>(r.below(10000)));
    std::string company;
    if (sc->companies) company = std::string(pick(r, kCompanyA)) + " " + pick(r, kCompanyB) + (r.chance(0.5) ? " Ltd" : " Inc");
    const double planDraw = r.uniform() + 0.35 * g.planBias;
    const int plan = planDraw > 1.05 ? 2 : planDraw > 0.6 ? 1 : 0;
    const Timestamp signup = start + static_cast<Timestamp>(std::pow(r.uniform(), 0.8) * (end - start - 30 * kDay));
    const int age = static_cast<int>(std::clamp(std::lround(r.normal(sc->companies ? 45 : 41, 12)), 18L, 88L));
    const char* gender = r.chance(0.49) ? "Female" : r.chance(0.96) ? "Male" : "Non-binary";

    // Satisfaction, complaints and lifetime: churn rises with complaints and low
    // satisfaction and falls with frequent buying, with noise.
    const double satisfaction = r.normal(g.satisfaction, 0.8);
    const double activity = r.gamma(2.0, 0.5);  // individual purchase-rate multiplier, mean 1
    const double complaintRate = g.complaintsPerYear * (1.0 + 0.6 * std::max(0.0, -satisfaction));
    const double hazard = g.hazard * std::exp(-0.45 * satisfaction + 0.30 * complaintRate - 0.35 * std::log(activity + 0.2) + r.normal(0, 0.35));
    const Timestamp churnAt = signup + static_cast<Timestamp>(r.exponential(hazard) * kYear);
    const bool churned = churnAt < end;
    const Timestamp activeEnd = churned ? churnAt : end;
    const double activeYears = static_cast<double>(activeEnd - signup) / kYear;

    const double income = sc->companies ? -1 : std::round(r.lognormal(std::log(52000) + 0.25 * g.planBias + 0.1 * satisfaction, 0.35) / 100) * 100;
    customer.reset();
    customer.bind(1, id).bind(2, std::string_view(padded('C', id, 7))).bind(3, std::string_view(name))
        .bind(4, std::string_view(email)).bind(5, std::string_view(phone));
    if (company.empty()) customer.bindNull(6); else customer.bind(6, std::string_view(company));
    customer.bind(7, std::string_view(kRegions[r.weighted(kRegionWeights)]))
        .bind(8, std::string_view(kChannels[r.weighted(kChannelWeights)]))
        .bind(9, std::string_view(sc->plans[static_cast<size_t>(plan)]))
        .bind(10, std::string_view(core::formatIsoDateOf(signup))).bind(11, int64_t{age}).bind(12, std::string_view(gender));
    if (income < 0) customer.bindNull(13); else customer.bind(13, income);
    customer.bind(14, int64_t{churned ? 1 : 0});
    if (churned) customer.bind(15, std::string_view(core::formatIsoDateOf(churnAt))); else customer.bindNull(15);
    if (auto s = customer.run(); !s) return s;
    ++counts.customers;

    // A custom attribute, as imported files bring them.
    attribute.reset();
    attribute.bind(1, id).bind(2, std::string_view("loyalty_tier"))
        .bind(3, std::string_view(satisfaction > 0.8 ? "Gold" : satisfaction > -0.2 ? "Silver" : "Bronze"));
    if (auto s = attribute.run(); !s) return s;

    // Orders: a Poisson process over the active period; bills monthly for subscriptions.
    const double orderRate = g.ordersPerYear * (sc->monthlyBills ? 1.0 : activity) * orderScale;
    Timestamp t = signup;
    for (;;) {
        t += sc->monthlyBills && orderScale >= 1.0 ? static_cast<Timestamp>(kYear / 12)
                                                  : static_cast<Timestamp>(r.exponential(orderRate) * kYear);
        const Timestamp at = t + static_cast<Timestamp>(r.below(43200));  // during the day
        if (at >= activeEnd) break;
        double amount = sc->monthlyBills ? sc->planPrice[static_cast<size_t>(plan)] * r.uniform(0.95, 1.25)
                                         : r.lognormal(g.spendMu, g.spendSigma);
        amount = std::round(amount * 100) / 100;
        const int quantity = sc->monthlyBills ? 1 : static_cast<int>(1 + r.poisson(0.6));
        const char* category = sc->categories[r.below(sc->categories.size())];
        const bool returned = !sc->monthlyBills && r.chance(satisfaction < -0.5 ? 0.08 : 0.03);
        order.reset();
        order.bind(1, std::string_view(padded('O', ++orderId, 9))).bind(2, id)
            .bind(3, std::string_view(core::formatIsoTimestamp(at)))
            .bind(4, amount).bind(5, std::round(amount * r.uniform(0.45, 0.75) * 100) / 100).bind(6, int64_t{quantity})
            .bind(7, std::string_view(category)).bind(8, int64_t{returned ? 1 : 0});
        if (auto s = order.run(); !s) return s;
        ++counts.orders;
    }

    // Interactions: complaints cluster before a churned customer leaves.
    const int64_t complaints = r.poisson(complaintRate * activeYears);
    const int64_t contacts = r.poisson(1.2 * activeYears);
    std::vector<Timestamp> complaintTimes;
    for (int64_t k = 0; k < complaints + contacts; ++k) {
        const bool complaint = k < complaints;
        const double u = complaint && churned ? std::sqrt(r.uniform()) : r.uniform();
        const Timestamp at = signup + static_cast<Timestamp>(u * static_cast<double>(activeEnd - signup));
        if (complaint) complaintTimes.push_back(at);
        const bool resolved = r.chance(complaint ? (churned ? 0.45 : 0.75) : 0.92);
        const char* channel = complaint && r.chance(0.5) ? "ticket" : kInteractionChannels[r.weighted(kInteractionWeights)];
        interaction.reset();
        interaction.bind(1, std::string_view(padded('I', ++interactionId, 9))).bind(2, id)
            .bind(3, std::string_view(core::formatIsoTimestamp(at))).bind(4, std::string_view(channel))
            .bind(5, std::string_view(pick(r, kTopics)))
            .bind(6, std::string_view(resolved ? "Resolved" : complaint ? "Escalated" : "Follow-up"))
            .bind(7, int64_t{resolved ? 1 : 0}).bind(8, std::round(r.lognormal(std::log(complaint ? 18 : 9), 0.6) * 10) / 10)
            .bind(9, int64_t{complaint ? 1 : 0});
        if (auto s = interaction.run(); !s) return s;
        ++counts.interactions;

        // Some interactions are followed by a CSAT answer, some tickets by CES.
        if (r.chance(0.35)) {
            const double csat = std::clamp(std::round(3.7 + 0.7 * satisfaction + (resolved ? 0.4 : -1.2) + r.normal(0, 0.7)), 1.0, 5.0);
            response.reset();
            response.bind(1, std::string_view(padded('R', ++responseId, 9))).bind(2, id)
                .bind(3, std::string_view(core::formatIsoTimestamp(at + 3600 * 2))).bind(4, std::string_view("csat"))
                .bind(5, csat).bindNull(6);
            if (auto s = response.run(); !s) return s;
            ++counts.surveyResponses;
        }
        if (std::string_view(channel) == "ticket" && r.chance(0.3)) {
            const double ces = std::clamp(std::round(4.8 + 0.6 * satisfaction + (resolved ? 0.8 : -1.5) + r.normal(0, 0.9)), 1.0, 7.0);
            response.reset();
            response.bind(1, std::string_view(padded('R', ++responseId, 9))).bind(2, id)
                .bind(3, std::string_view(core::formatIsoTimestamp(at + 3600 * 3))).bind(4, std::string_view("ces"))
                .bind(5, ces).bindNull(6);
            if (auto s = response.run(); !s) return s;
            ++counts.surveyResponses;
        }
    }

    // NPS answers: from the same satisfaction, lower after complaints.
    const int64_t npsAnswers = r.poisson(0.7 * activeYears + 0.3);
    for (int64_t k = 0; k < npsAnswers; ++k) {
        const Timestamp at = signup + static_cast<Timestamp>(r.uniform() * static_cast<double>(activeEnd - signup));
        int64_t before = 0;
        for (const Timestamp c : complaintTimes) before += c < at ? 1 : 0;
        const double raw = 7.4 + 1.6 * satisfaction - 0.9 * static_cast<double>(before) + r.normal(0, 1.3);
        const double score = std::clamp(std::round(raw), 0.0, 10.0);
        const char* comment = nullptr;
        if (r.chance(0.55)) {
            comment = score >= 9 ? pick(r, kPromoterComments) : score >= 7 ? pick(r, kPassiveComments) : pick(r, kDetractorComments);
        }
        response.reset();
        response.bind(1, std::string_view(padded('R', ++responseId, 9))).bind(2, id)
            .bind(3, std::string_view(core::formatIsoTimestamp(at))).bind(4, std::string_view("nps")).bind(5, score);
        if (comment != nullptr) response.bind(6, std::string_view(comment)); else response.bindNull(6);
        if (auto s = response.run(); !s) return s;
        ++counts.surveyResponses;
    }

    // Campaign contacts while the customer was active.
    for (const Campaign& c : campaigns) {
        if (c.start < signup || c.start >= activeEnd || !r.chance(c.reach)) continue;
        const bool responded = r.chance(std::clamp(0.10 + 0.05 * satisfaction, 0.02, 0.3));
        const bool converted = responded && r.chance(0.4);
        contact.reset();
        contact.bind(1, c.id).bind(2, id).bind(3, std::string_view(core::formatIsoDateOf(c.start + static_cast<Timestamp>(r.below(7)) * core::kSecondsPerDay)))
            .bind(4, int64_t{responded ? 1 : 0}).bind(5, int64_t{converted ? 1 : 0});
        if (converted) contact.bind(6, std::round((sc->monthlyBills ? sc->planPrice[2] * 3 : r.lognormal(g.spendMu, g.spendSigma)) * 100) / 100);
        else contact.bindNull(6);
        if (auto s = contact.run(); !s) return s;
        ++counts.campaignContacts;
    }
    ++done;
    return {};
}

// ---- 4. The job ----------------------------------------------------------------------------

DemoGenerator::DemoGenerator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
DemoGenerator::~DemoGenerator() = default;

core::Result<std::unique_ptr<DemoGenerator>> DemoGenerator::begin(Db& db, const DemoOptions& options) {
    if (auto s = options.validate(); !s) return s.error();
    auto existing = db.queryInt("SELECT count(*) FROM customers");
    if (!existing) return existing.error();
    if (*existing > 0)
        return core::makeError("Demo data can only be loaded into an empty database. Export or back up your data, then start from an empty one.");
    auto impl = std::make_unique<Impl>(db, options);
    auto txn = Txn::begin(db);
    if (!txn) return txn.error();
    impl->txn.emplace(std::move(*txn));
    if (auto s = impl->prepare(); !s) return s.error();
    auto paused = pauseCommentIndex(db);
    if (!paused) return paused.error();
    impl->pausedComments = std::move(*paused);
    std::unique_ptr<DemoGenerator> gen(new DemoGenerator(std::move(impl)));
    gen->counts_.campaigns = static_cast<int64_t>(gen->impl_->campaigns.size());
    return gen;
}

core::Result<bool> DemoGenerator::step(int64_t maxCustomers) {
    Impl& d = *impl_;
    if (!d.txn) return core::makeError("Internal error: the demo generator has finished");
    const int64_t stop = std::min(d.options.customers, d.done + maxCustomers);
    while (d.done < stop) {
        if (auto s = d.addCustomer(counts_); !s) {
            cancel();
            return s.error();
        }
    }
    return d.done < d.options.customers;
}

core::Result<DemoCounts> DemoGenerator::finish() {
    Impl& d = *impl_;
    if (!d.txn) return core::makeError("Internal error: the demo generator has finished");
    if (d.pausedComments) {
        if (auto s = resumeCommentIndex(*d.db, *d.pausedComments); !s) {
            cancel();
            return s.error();
        }
        d.pausedComments.reset();
    }
    auto status = d.txn->commit();
    d.txn.reset();
    if (!status) return status.error();
    return counts_;
}

void DemoGenerator::cancel() {
    if (impl_->txn) {
        impl_->txn->rollback();
        impl_->txn.reset();
    }
}

double DemoGenerator::progress() const {
    return static_cast<double>(impl_->done) / static_cast<double>(impl_->options.customers);
}

core::Result<DemoCounts> generateDemo(Db& db, const DemoOptions& options) {
    auto gen = DemoGenerator::begin(db, options);
    if (!gen) return gen.error();
    for (;;) {
        auto more = (*gen)->step(10000);
        if (!more) return more.error();
        if (!*more) break;
    }
    return (*gen)->finish();
}

}  // namespace rapport::store
