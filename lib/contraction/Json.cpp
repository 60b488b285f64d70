//===- Json.cpp - Minimal JSON reader -------------------------------------===//
//
// Part of Loom's tensor-network contraction library (LoomContraction).
//
//===----------------------------------------------------------------------===//
#include "Json.h"

#include <cstdlib>

using namespace loom::contraction;
using namespace loom::contraction::detail;

namespace {

constexpr int kMaxDepth = 64;

class JsonParser {
public:
  explicit JsonParser(const std::string &text) : s_(text) {}

  Result<JsonValue> parseDocument() {
    JsonValue v;
    skipSpace();
    if (!parseValue(v, 0))
      return Result<JsonValue>::failure(error_);
    skipSpace();
    if (pos_ != s_.size()) {
      fail("unexpected text after the JSON value");
      return Result<JsonValue>::failure(error_);
    }
    return v;
  }

private:
  bool fail(const std::string &message) {
    if (error_.empty()) {
      size_t line = 1, col = 1;
      for (size_t i = 0; i < pos_ && i < s_.size(); ++i) {
        if (s_[i] == '\n') {
          ++line;
          col = 1;
        } else {
          ++col;
        }
      }
      error_ = "JSON error at line " + std::to_string(line) + ", column " +
               std::to_string(col) + ": " + message;
    }
    return false;
  }
  void skipSpace() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' ||
                                s_[pos_] == '\n' || s_[pos_] == '\r'))
      ++pos_;
  }
  bool literal(const char *word) {
    size_t n = 0;
    while (word[n])
      ++n;
    if (s_.compare(pos_, n, word) != 0)
      return fail("invalid literal");
    pos_ += n;
    return true;
  }
  bool parseValue(JsonValue &v, int depth);
  bool parseString(std::string &out);
  bool parseNumber(JsonValue &v);

  const std::string &s_;
  size_t pos_ = 0;
  std::string error_;
};

} // namespace

bool JsonParser::parseValue(JsonValue &v, int depth) {
  if (depth > kMaxDepth)
    return fail("nesting deeper than " + std::to_string(kMaxDepth));
  if (pos_ >= s_.size())
    return fail("unexpected end of input");
  char c = s_[pos_];
  if (c == '{') {
    v.kind = JsonValue::Kind::Object;
    ++pos_;
    skipSpace();
    if (pos_ < s_.size() && s_[pos_] == '}') {
      ++pos_;
      return true;
    }
    while (true) {
      skipSpace();
      if (pos_ >= s_.size() || s_[pos_] != '"')
        return fail("expected a string key");
      std::string key;
      if (!parseString(key))
        return false;
      if (v.field(key))
        return fail("duplicate key \"" + key + "\"");
      skipSpace();
      if (pos_ >= s_.size() || s_[pos_] != ':')
        return fail("expected ':'");
      ++pos_;
      skipSpace();
      JsonValue item;
      if (!parseValue(item, depth + 1))
        return false;
      v.fields.emplace_back(std::move(key), std::move(item));
      skipSpace();
      if (pos_ < s_.size() && s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < s_.size() && s_[pos_] == '}') {
        ++pos_;
        return true;
      }
      return fail("expected ',' or '}'");
    }
  }
  if (c == '[') {
    v.kind = JsonValue::Kind::Array;
    ++pos_;
    skipSpace();
    if (pos_ < s_.size() && s_[pos_] == ']') {
      ++pos_;
      return true;
    }
    while (true) {
      skipSpace();
      JsonValue item;
      if (!parseValue(item, depth + 1))
        return false;
      v.items.push_back(std::move(item));
      skipSpace();
      if (pos_ < s_.size() && s_[pos_] == ',') {
        ++pos_;
        continue;
      }
      if (pos_ < s_.size() && s_[pos_] == ']') {
        ++pos_;
        return true;
      }
      return fail("expected ',' or ']'");
    }
  }
  if (c == '"') {
    v.kind = JsonValue::Kind::String;
    return parseString(v.text);
  }
  if (c == 't') {
    v.kind = JsonValue::Kind::Bool;
    v.boolean = true;
    return literal("true");
  }
  if (c == 'f') {
    v.kind = JsonValue::Kind::Bool;
    return literal("false");
  }
  if (c == 'n')
    return literal("null");
  if (c == '-' || (c >= '0' && c <= '9'))
    return parseNumber(v);
  return fail(std::string("unexpected character '") + c + "'");
}

static void appendUtf8(std::string &out, unsigned cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

bool JsonParser::parseString(std::string &out) {
  ++pos_; // opening quote
  while (true) {
    if (pos_ >= s_.size())
      return fail("unterminated string");
    char c = s_[pos_++];
    if (c == '"')
      return true;
    if (static_cast<unsigned char>(c) < 0x20)
      return fail("control character in string");
    if (c != '\\') {
      out += c;
      continue;
    }
    if (pos_ >= s_.size())
      return fail("unterminated string");
    char e = s_[pos_++];
    switch (e) {
    case '"':
    case '\\':
    case '/':
      out += e;
      break;
    case 'b':
      out += '\b';
      break;
    case 'f':
      out += '\f';
      break;
    case 'n':
      out += '\n';
      break;
    case 'r':
      out += '\r';
      break;
    case 't':
      out += '\t';
      break;
    case 'u': {
      auto hex4 = [&](unsigned &cp) {
        if (pos_ + 4 > s_.size())
          return false;
        cp = 0;
        for (int i = 0; i < 4; ++i) {
          char h = s_[pos_++];
          cp <<= 4;
          if (h >= '0' && h <= '9')
            cp |= h - '0';
          else if (h >= 'a' && h <= 'f')
            cp |= h - 'a' + 10;
          else if (h >= 'A' && h <= 'F')
            cp |= h - 'A' + 10;
          else
            return false;
        }
        return true;
      };
      unsigned cp;
      if (!hex4(cp))
        return fail("invalid \\u escape");
      if (cp >= 0xD800 && cp < 0xDC00) {
        unsigned lo;
        if (pos_ + 2 > s_.size() || s_[pos_] != '\\' || s_[pos_ + 1] != 'u')
          return fail("unpaired surrogate in \\u escape");
        pos_ += 2;
        if (!hex4(lo) || lo < 0xDC00 || lo >= 0xE000)
          return fail("unpaired surrogate in \\u escape");
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
      }
      appendUtf8(out, cp);
      break;
    }
    default:
      return fail(std::string("invalid escape '\\") + e + "'");
    }
  }
}

bool JsonParser::parseNumber(JsonValue &v) {
  size_t begin = pos_;
  if (s_[pos_] == '-')
    ++pos_;
  auto digits = [&]() {
    size_t d = pos_;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9')
      ++pos_;
    return pos_ > d;
  };
  if (!digits())
    return fail("invalid number");
  if (pos_ < s_.size() && s_[pos_] == '.') {
    ++pos_;
    if (!digits())
      return fail("invalid number");
  }
  if (pos_ < s_.size() && (s_[pos_] == 'e' || s_[pos_] == 'E')) {
    ++pos_;
    if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-'))
      ++pos_;
    if (!digits())
      return fail("invalid number");
  }
  v.kind = JsonValue::Kind::Number;
  v.text = s_.substr(begin, pos_ - begin);
  v.number = std::strtod(v.text.c_str(), nullptr);
  return true;
}

Result<JsonValue> detail::parseJson(const std::string &text) {
  JsonParser parser(text);
  return parser.parseDocument();
}

const char *detail::jsonKindName(JsonValue::Kind kind) {
  switch (kind) {
  case JsonValue::Kind::Null:
    return "null";
  case JsonValue::Kind::Bool:
    return "a boolean";
  case JsonValue::Kind::Number:
    return "a number";
  case JsonValue::Kind::String:
    return "a string";
  case JsonValue::Kind::Array:
    return "an array";
  case JsonValue::Kind::Object:
    return "an object";
  }
  return "a value";
}
