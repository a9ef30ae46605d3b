// The field table's own invariants: each row can be validated, lowered and documented.
#include <doctest/doctest.h>

#include <map>
#include <string>
#include <typeindex>

#include "binding.h"
#include "key_path.h"
#include "lower.h"
#include "schema.h"
#include "table_walk.h"

namespace qemuc {
namespace {

// Calls `visit(row, path, parent_opens)` for every row: what its parent row's binding opens
// (the root: the lowered profile).
template <typename Visit>
void ForEachRow(Visit visit) {
  std::map<const Field*, std::type_index> opens = {
      {&ProfileSchema(), std::type_index(typeid(LoweredProfile))}};
  qemuc::ForEachRow(ProfileSchema(),
                    [&](const Field& row, const KeyPath& path, const Field& parent) {
                      const std::type_index parent_opens = opens.at(&parent);
                      if (row.binding != nullptr) opens.emplace(&row, row.binding->opens());
                      visit(row, path, parent_opens);
                    });
}

TEST_SUITE("schema_table") {
  TEST_CASE("every row has a description") {
    ForEachRow([](const Field& row, const KeyPath& path, std::type_index) {
      const std::string key = path.Text();
      CAPTURE(key);
      CHECK(!row.description.empty());
    });
  }

  TEST_CASE("every row has a place in the lowered profile, or is consumed before lowering") {
    size_t bound = 0;
    ForEachRow([&](const Field& row, const KeyPath& path, std::type_index opens) {
      const std::string key = path.Text();
      CAPTURE(key);
      if (row.consumed_before_lowering) {
        CHECK(!row.binding);
        CHECK(path.steps().size() == 1);  // only the profile language's own root keys
        return;
      }
      REQUIRE(static_cast<bool>(row.binding));
      ++bound;
      // A row binds into the struct its parent row opens: Place::As would abort otherwise.
      CHECK(row.binding->owner() == opens);
      const bool opens_rows = row.type == FieldType::kMapping || row.type == FieldType::kKeyedList;
      CHECK((row.binding->opens() != std::type_index(typeid(void))) == opens_rows);
    });
    CHECK(bound > 30);
  }

  TEST_CASE("every path row has a path rule; rules sit on rows that can run them") {
    ForEachRow([](const Field& row, const KeyPath& path, std::type_index) {
      const std::string key = path.Text();
      CAPTURE(key);
      if (row.type == FieldType::kPath) CHECK(static_cast<bool>(row.rule));
      if (row.bare_name_allowed) CHECK(row.type == FieldType::kPath);
      // Validation runs rules on values, strings of string lists, keyed list items and mappings.
      const bool runnable = row.type != FieldType::kArgs && row.type != FieldType::kCmdline &&
                            row.type != FieldType::kStringMap && row.type != FieldType::kExtends &&
                            row.type != FieldType::kOverlays;
      if (row.rule) CHECK(runnable);
    });
  }

  TEST_CASE(
      "a derived default is worked out later (lowering, invocation); a literal one is stored") {
    ForEachRow([](const Field& row, const KeyPath& path, std::type_index) {
      const std::string key = path.Text();
      CAPTURE(key);
      if (row.default_derived) CHECK(!row.default_value.empty());
    });
    const UnitSettings unit = DefaultUnitSettings();
    CHECK(unit.restart == "on-failure");
    CHECK(unit.restart_sec == 5);
    CHECK(unit.wanted_by == "multi-user.target");
    CHECK(unit.stop_timeout == 90);
    CHECK(unit.hardening);
    CHECK(!unit.graceful_stop);
  }
}

}  // namespace
}  // namespace qemuc
