#include "golden.hpp"

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

#ifndef KATA_GOLDEN_DIR
#error "KATA_GOLDEN_DIR must name tests/golden"
#endif

namespace kata {

namespace {

using nlohmann::json;

const json& as_json(const std::shared_ptr<const void>& p) { return *static_cast<const json*>(p.get()); }

GoldenTensor to_tensor(const json& j) {
    GoldenTensor t;
    t.shape = j.at("shape").get<std::vector<convkata::Index>>();
    t.data = j.at("data").get<std::vector<float>>();
    return t;
}

}  // namespace

GoldenCase::GoldenCase(std::shared_ptr<const void> json) : json_(std::move(json)) {}

int GoldenCase::id() const { return as_json(json_).at("id").get<int>(); }

bool GoldenCase::has(const std::string& key) const {
    const json& j = as_json(json_);
    return j.contains(key) && !j.at(key).is_null();
}

bool GoldenCase::is_string(const std::string& key) const { return has(key) && as_json(json_).at(key).is_string(); }

GoldenTensor GoldenCase::tensor(const std::string& key) const { return to_tensor(as_json(json_).at(key)); }

std::optional<GoldenTensor> GoldenCase::optional_tensor(const std::string& key) const {
    if (!has(key)) return std::nullopt;
    return tensor(key);
}

convkata::Index GoldenCase::integer(const std::string& key) const {
    return as_json(json_).at(key).get<convkata::Index>();
}

std::vector<convkata::Index> GoldenCase::integers(const std::string& key) const {
    const json& v = as_json(json_).at(key);
    if (v.is_number()) return {v.get<convkata::Index>()};
    return v.get<std::vector<convkata::Index>>();
}

double GoldenCase::number(const std::string& key) const { return as_json(json_).at(key).get<double>(); }

bool GoldenCase::boolean(const std::string& key) const { return as_json(json_).at(key).get<bool>(); }

std::string GoldenCase::string(const std::string& key) const { return as_json(json_).at(key).get<std::string>(); }

bool GoldenCase::refused() const { return has("error"); }

std::string GoldenCase::error() const { return string("error"); }

GoldenTensor GoldenCase::output() const { return tensor("output"); }

std::string GoldenCase::describe() const {
    const json& j = as_json(json_);
    std::ostringstream out;
    out << "golden case " << id() << ":";
    const char* sep = " ";
    for (const auto& [key, value] : j.items()) {
        if (key == "id" || key == "output" || key == "error") continue;
        out << sep << key << "=";
        if (value.is_object() && value.contains("shape")) {
            out << convkata::shape_string(value.at("shape").get<std::vector<convkata::Index>>());
        } else {
            out << value.dump();
        }
        sep = ", ";
    }
    if (refused()) out << " (PyTorch refuses: " << error() << ")";
    return out.str();
}

std::vector<GoldenCase> load_golden(const std::string& op) {
    const std::string path = std::string(KATA_GOLDEN_DIR) + "/" + op + ".json";
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open golden data " + path);
    const json file = json::parse(in);
    std::vector<GoldenCase> cases;
    for (const json& c : file.at("cases")) cases.emplace_back(std::make_shared<const json>(c));
    if (cases.empty()) throw std::runtime_error("no cases in " + path);
    return cases;
}

}  // namespace kata
