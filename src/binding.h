// Binding: where lowering puts the value of one row of the field table (schema.h), in the spirit
// of clang-format's mapOptional: the row that declares a key also names its typed place in the
// lowered profile, so a key is read, defaulted and stored by one line of the table.
//   Field("cpus", T::kInteger, ...).Default("1").Bind(Member(&Config::cpus))
// A mapping row opens the object its own rows bind into (Mapping, Optional); a keyed list row
// opens a new item for each of its items (Items).
#ifndef QEMUC_BINDING_H_
#define QEMUC_BINDING_H_

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <typeindex>
#include <vector>

#include "key_path.h"
#include "lowered_profile.h"
#include "node.h"

namespace qemuc {

// A typed pointer into the lowered profile. The type is checked on every use: a row bound to
// the members of another struct than its parent row opens is a programming error, found by
// schema_table_test before it could run.
class Place {
 public:
  Place() = default;
  template <typename T>
  explicit Place(T& object) : type_(typeid(T)), pointer_(&object) {}

  template <typename T>
  T& As() const {
    if (pointer_ == nullptr || type_ != std::type_index(typeid(T))) std::abort();
    return *static_cast<T*>(pointer_);
  }
  explicit operator bool() const { return pointer_ != nullptr; }

 private:
  std::type_index type_ = typeid(void);
  void* pointer_ = nullptr;
};

// What a binding may need beyond the value: the profile being lowered (for what one value sets
// outside its own struct, such as the files host checks read).
struct LowerContext {
  LoweredProfile& out;
};

class Binding {
 public:
  virtual ~Binding() = default;
  // The struct the row's value lives in: its parent row opens it.
  virtual std::type_index owner() const = 0;
  // Mapping and keyed list rows: the struct their rows bind into; void for a value.
  virtual std::type_index opens() const { return typeid(void); }
  // Stores a value (a scalar or a list of scalars) that passed validation.
  virtual void Store(const Place&, const Node&, const KeyPath&, LowerContext&) const {}
  // Mapping rows: the object for their rows; `set` is false when the mapping is not written,
  // where a plain member still takes its rows' defaults and an optional one stays empty. Keyed
  // list rows: a new item, appended.
  virtual Place Open(const Place&, bool /*set*/) const { return Place(); }
};

using BindingPtr = std::shared_ptr<const Binding>;

namespace binding_detail {

std::optional<int64_t> IntegerOf(const Node& value);
bool BoolOf(const Node& value);

template <typename Value>
Value Read(const Node& value) {
  if constexpr (std::is_same_v<Value, std::string>) {
    return value.text;
  } else if constexpr (std::is_same_v<Value, bool>) {
    return BoolOf(value);
  } else if constexpr (std::is_same_v<Value, std::vector<std::string>>) {
    std::vector<std::string> texts;
    for (const NodePtr& item : value.items) texts.push_back(item->text);
    return texts;
  } else {
    static_assert(std::is_integral_v<Value>, "a row binds a string, bool, integer or list");
    return static_cast<Value>(IntegerOf(value).value_or(0));  // in range: validated
  }
}

template <typename Owner, typename Value>
class MemberBinding : public Binding {
 public:
  explicit MemberBinding(Value Owner::*member) : member_(member) {}
  std::type_index owner() const override { return typeid(Owner); }
  void Store(const Place& place, const Node& value, const KeyPath&, LowerContext&) const override {
    place.As<Owner>().*member_ = Read<Value>(value);
  }

 private:
  Value Owner::*member_;
};

template <typename Owner, typename Value>
class ConvertedBinding : public Binding {
 public:
  using Convert = Value (*)(const Node&);
  ConvertedBinding(Value Owner::*member, Convert convert) : member_(member), convert_(convert) {}
  std::type_index owner() const override { return typeid(Owner); }
  void Store(const Place& place, const Node& value, const KeyPath&, LowerContext&) const override {
    place.As<Owner>().*member_ = convert_(value);
  }

 private:
  Value Owner::*member_;
  Convert convert_;
};

template <typename Owner>
class CustomBinding : public Binding {
 public:
  using StoreFunction = void (*)(Owner&, const Node&, const KeyPath&, LowerContext&);
  explicit CustomBinding(StoreFunction store) : store_(store) {}
  std::type_index owner() const override { return typeid(Owner); }
  void Store(const Place& place, const Node& value, const KeyPath& path,
             LowerContext& context) const override {
    store_(place.As<Owner>(), value, path, context);
  }

 private:
  StoreFunction store_;
};

template <typename Owner, typename Child>
class MappingBinding : public Binding {
 public:
  explicit MappingBinding(Child Owner::*member) : member_(member) {}
  std::type_index owner() const override { return typeid(Owner); }
  std::type_index opens() const override { return typeid(Child); }
  Place Open(const Place& place, bool) const override { return Place(place.As<Owner>().*member_); }

 private:
  Child Owner::*member_;
};

template <typename Owner, typename Child>
class OptionalBinding : public Binding {
 public:
  explicit OptionalBinding(std::optional<Child> Owner::*member) : member_(member) {}
  std::type_index owner() const override { return typeid(Owner); }
  std::type_index opens() const override { return typeid(Child); }
  Place Open(const Place& place, bool set) const override {
    if (!set) return Place();
    return Place((place.As<Owner>().*member_).emplace());
  }

 private:
  std::optional<Child> Owner::*member_;
};

template <typename Owner, typename Item>
class ItemsBinding : public Binding {
 public:
  explicit ItemsBinding(std::vector<Item> Owner::*member) : member_(member) {}
  std::type_index owner() const override { return typeid(Owner); }
  std::type_index opens() const override { return typeid(Item); }
  Place Open(const Place& place, bool) const override {
    return Place((place.As<Owner>().*member_).emplace_back());
  }

 private:
  std::vector<Item> Owner::*member_;
};

}  // namespace binding_detail

// A string, bool, integer or list of strings, stored as written (integers and booleans read).
template <typename Owner, typename Value>
BindingPtr Member(Value Owner::*member) {
  return std::make_shared<binding_detail::MemberBinding<Owner, Value>>(member);
}

// A value that lowering reads with a function of its own (an enum, a memory size).
template <typename Owner, typename Value>
BindingPtr Converted(Value Owner::*member, Value (*convert)(const Node&)) {
  return std::make_shared<binding_detail::ConvertedBinding<Owner, Value>>(member, convert);
}

// A value that sets more than one member (qemu.binary), or reads its context.
template <typename Owner>
BindingPtr Custom(void (*store)(Owner&, const Node&, const KeyPath&, LowerContext&)) {
  return std::make_shared<binding_detail::CustomBinding<Owner>>(store);
}

// A path, resolved against the directory of the file that wrote it and recorded for the host
// checks as `role` ("kernel"; inside an item, the role and the item's key: "drive 'blk0'"), with
// what QEMU does with the file.
template <typename Owner>
BindingPtr PathMember(std::string Owner::*member, const char* role,
                      FileAccess access = FileAccess::kRead);

// A mapping row whose rows bind into a member struct, there whether written or not.
template <typename Owner, typename Child>
BindingPtr Mapping(Child Owner::*member) {
  return std::make_shared<binding_detail::MappingBinding<Owner, Child>>(member);
}

// A mapping row whose struct exists only when the mapping is written (a network's user or tap).
template <typename Owner, typename Child>
BindingPtr Optional(std::optional<Child> Owner::*member) {
  return std::make_shared<binding_detail::OptionalBinding<Owner, Child>>(member);
}

// A keyed list row: each item becomes one element of the vector, in the merged order.
template <typename Owner, typename Item>
BindingPtr Items(std::vector<Item> Owner::*member) {
  return std::make_shared<binding_detail::ItemsBinding<Owner, Item>>(member);
}

// --- PathMember ----------------------------------------------------------------------------------

namespace binding_detail {

// Resolves the path and records its use for the host checks.
std::string UsePath(const Node& value, const KeyPath& path, const char* role, FileAccess access,
                    LowerContext& context);

template <typename Owner>
class PathBinding : public Binding {
 public:
  PathBinding(std::string Owner::*member, const char* role, FileAccess access)
      : member_(member), role_(role), access_(access) {}
  std::type_index owner() const override { return typeid(Owner); }
  void Store(const Place& place, const Node& value, const KeyPath& path,
             LowerContext& context) const override {
    place.As<Owner>().*member_ = UsePath(value, path, role_, access_, context);
  }

 private:
  std::string Owner::*member_;
  const char* role_;
  FileAccess access_;
};

}  // namespace binding_detail

template <typename Owner>
BindingPtr PathMember(std::string Owner::*member, const char* role, FileAccess access) {
  return std::make_shared<binding_detail::PathBinding<Owner>>(member, role, access);
}

}  // namespace qemuc

#endif  // QEMUC_BINDING_H_
