#include "store/entities.hpp"

#include <array>

namespace rapport::store {

namespace {

using F = FieldType;

constexpr FieldSpec kCustomerFields[] = {
    {"customer_id", "external_id", F::Key, true, "customerid customer custid clientid client customernumber customerno id accountid account", nullptr},
    {"name", "name", F::Text, false, "name fullname customername clientname contactname", nullptr},
    {"email", "email", F::Text, false, "email emailaddress mail emailid", nullptr},
    {"phone", "phone", F::Text, false, "phone phonenumber telephone mobile tel", nullptr},
    {"company", "company", F::Text, false, "company companyname organisation organization business employer", nullptr},
    {"region", "region", F::Text, false, "region country state area territory location city", nullptr},
    {"channel", "channel", F::Text, false, "channel acquisitionchannel source signupchannel", nullptr},
    {"plan", "plan", F::Text, false, "plan subscription subscriptionplan tier membership", nullptr},
    {"signup_date", "signup_date", F::Date, false, "signupdate signedup createdat created joined joindate registrationdate customersince startdate", nullptr},
    {"age", "age", F::Integer, false, "age", nullptr},
    {"gender", "gender", F::Text, false, "gender sex", nullptr},
    {"annual_income", "annual_income", F::Number, false, "annualincome income salary", nullptr},
    {"churned", "churned", F::Flag, false, "churned churn exited attrition attrited left", nullptr},
    {"churned_at", "churned_at", F::Date, false, "churnedat churndate exitdate leftat canceledat cancelledat", nullptr},
};

constexpr FieldSpec kOrderFields[] = {
    {"order_id", "external_id", F::Key, true, "orderid order invoice invoiceno invoicenumber ordernumber orderno transactionid transaction id", nullptr},
    {"customer_id", nullptr, F::CustomerRef, true, "customerid customer custid clientid client customernumber accountid", nullptr},
    {"ordered_at", "ordered_at", F::DateTime, true, "orderedat orderdate invoicedate date purchasedate purchasedat timestamp createdat datetime transactiondate", nullptr},
    {"amount", "amount", F::Money, true, "amount total totalamount ordertotal grandtotal revenue sales value price totalprice", nullptr},
    {"cost", "cost", F::Money, false, "cost costs cogs unitcost", nullptr},
    {"quantity", "quantity", F::Integer, false, "quantity qty units items", nullptr},
    {"category", "category", F::Text, false, "category productcategory department productline", nullptr},
    {"returned", "returned", F::Flag, false, "returned isreturned return refunded", nullptr},
};

constexpr FieldSpec kSurveyFields[] = {
    {"response_id", "external_id", F::Key, true, "responseid response surveyid answerid id", nullptr},
    {"customer_id", nullptr, F::CustomerRef, true, "customerid customer custid clientid client respondentid", nullptr},
    {"answered_at", "answered_at", F::DateTime, true, "answeredat date responsedate submittedat timestamp createdat", nullptr},
    {"kind", "kind", F::Choice, true, "kind type surveytype metric", "nps csat ces"},
    {"score", "score", F::Number, true, "score rating value answer npsscore", nullptr},
    {"comment", "comment", F::Text, false, "comment comments feedback text verbatim reason", nullptr},
    {"expected", "expected", F::Text, false, "expected expectation", nullptr},
};

constexpr FieldSpec kInteractionFields[] = {
    {"interaction_id", "external_id", F::Key, true, "interactionid interaction ticketid caseid activityid id", nullptr},
    {"customer_id", nullptr, F::CustomerRef, true, "customerid customer custid clientid client", nullptr},
    {"occurred_at", "occurred_at", F::DateTime, true, "occurredat date createdat timestamp openedat datetime", nullptr},
    {"channel", "channel", F::Choice, false, "channel medium via", "email phone chat meeting ticket social"},
    {"topic", "topic", F::Text, false, "topic subject category issue", nullptr},
    {"outcome", "outcome", F::Text, false, "outcome result status resolution", nullptr},
    {"resolved", "resolved", F::Flag, false, "resolved isresolved closed", nullptr},
    {"duration_min", "duration_min", F::Number, false, "durationmin duration minutes durationminutes", nullptr},
    {"complaint", "complaint", F::Flag, false, "complaint iscomplaint", nullptr},
};

constexpr FieldSpec kCampaignFields[] = {
    {"campaign_id", "external_id", F::Key, true, "campaignid campaign id", nullptr},
    {"name", "name", F::Text, false, "name campaignname title", nullptr},
    {"channel", "channel", F::Text, false, "channel medium", nullptr},
    {"started_at", "started_at", F::Date, false, "startedat startdate start launchdate date", nullptr},
    {"cost", "cost", F::Money, false, "cost budget spend", nullptr},
};

constexpr FieldSpec kContactFields[] = {
    {"campaign_id", nullptr, F::CampaignRef, true, "campaignid campaign", nullptr},
    {"customer_id", nullptr, F::CustomerRef, true, "customerid customer custid clientid client", nullptr},
    {"contacted_at", "contacted_at", F::Date, false, "contactedat date sentat sentdate", nullptr},
    {"responded", "responded", F::Flag, false, "responded response opened clicked", nullptr},
    {"converted", "converted", F::Flag, false, "converted conversion purchased", nullptr},
    {"revenue", "revenue", F::Money, false, "revenue amount value sales", nullptr},
};

constexpr std::array<EntityInfo, 6> kEntities = {{
    {Entity::Customers, "customers", "Customers", "customers", kCustomerFields},
    {Entity::Orders, "orders", "Orders", "orders", kOrderFields},
    {Entity::Surveys, "surveys", "Survey responses", "survey_responses", kSurveyFields},
    {Entity::Interactions, "interactions", "Interactions", "interactions", kInteractionFields},
    {Entity::Campaigns, "campaigns", "Campaigns", "campaigns", kCampaignFields},
    {Entity::CampaignContacts, "campaign_contacts", "Campaign contacts", "campaign_contacts", kContactFields},
}};

bool hasWord(std::string_view words, std::string_view word) {
    while (!words.empty()) {
        const size_t space = words.find(' ');
        if (words.substr(0, space) == word) return true;
        if (space == std::string_view::npos) break;
        words.remove_prefix(space + 1);
    }
    return false;
}

}  // namespace

std::span<const EntityInfo> allEntities() { return kEntities; }
const EntityInfo& entityInfo(Entity entity) { return kEntities[static_cast<size_t>(entity)]; }

std::optional<Entity> entityFromName(std::string_view name) {
    const std::string n = normaliseColumnName(name);
    for (const EntityInfo& info : kEntities) {
        if (n == normaliseColumnName(info.name)) return info.entity;
    }
    if (n == "surveyresponses" || n == "responses") return Entity::Surveys;
    if (n == "contacts") return Entity::CampaignContacts;
    return std::nullopt;
}

std::string normaliseColumnName(std::string_view name) {
    std::string out;
    for (const char c : name) {
        if (c >= 'A' && c <= 'Z') out.push_back(static_cast<char>(c - 'A' + 'a'));
        else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out.push_back(c);
    }
    return out;
}

std::vector<int> autoMap(Entity entity, const std::vector<std::string>& header) {
    const auto fields = entityInfo(entity).fields;
    std::vector<int> mapping(header.size(), entity == Entity::Customers ? kMapAttribute : kMapIgnore);
    std::vector<bool> used(fields.size(), false);
    // Two passes: exact canonical names first, then aliases in the order fields list them.
    for (int pass = 0; pass < 2; ++pass) {
        for (size_t c = 0; c < header.size(); ++c) {
            if (mapping[c] >= 0) continue;
            const std::string n = normaliseColumnName(header[c]);
            if (n.empty()) continue;
            for (size_t f = 0; f < fields.size(); ++f) {
                if (used[f]) continue;
                const bool match = pass == 0 ? n == normaliseColumnName(fields[f].name) : hasWord(fields[f].aliases, n);
                if (match) {
                    mapping[c] = static_cast<int>(f);
                    used[f] = true;
                    break;
                }
            }
        }
    }
    return mapping;
}

Entity guessEntity(const std::vector<std::string>& header) {
    Entity best = Entity::Customers;
    double bestScore = -1;
    for (const EntityInfo& info : kEntities) {
        const std::vector<int> mapping = autoMap(info.entity, header);
        int required = 0, requiredFound = 0, found = 0;
        for (const FieldSpec& f : info.fields) required += f.required ? 1 : 0;
        std::vector<bool> seen(info.fields.size(), false);
        for (const int m : mapping) {
            if (m < 0) continue;
            ++found;
            seen[static_cast<size_t>(m)] = true;
        }
        for (size_t f = 0; f < info.fields.size(); ++f) requiredFound += info.fields[f].required && seen[f] ? 1 : 0;
        // All required fields matter most, then how much of the file is understood.
        const double score = (requiredFound == required ? 100.0 : 0.0) + 10.0 * requiredFound + found;
        if (score > bestScore) { bestScore = score; best = info.entity; }
    }
    return best;
}

}  // namespace rapport::store
