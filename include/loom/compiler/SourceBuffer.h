//===- SourceBuffer.h - model text for MLIR's parser, with a guard -*- C++ -*-===//
//
// MLIR's parser (LLVM 22, as Debian ships it) can lex one token past the end
// of its buffer: the dialect_resources / external_resources entry parser
// (TopLevelOperationParser in mlir/lib/AsmParser/Parser.cpp) takes the
// token after `key:` and calls consumeToken() without checking it, and when
// that token is the end of file or a lexer error at the end of the file (a
// string cut off by the end of the file: `x: "0x4000`), the lexer is then
// already past the buffer's null terminator. With assertions on, that is
// consumeToken's "shouldn't advance past EOF or errors"; in Debian's release
// build the lexer reads on through the memory after the buffer, skipping
// null bytes, until it finds something that lexes as a token: an out-of-bounds
// read that crashes when that memory ends (a file read through mmap, the
// fuzz target's heap copy under ASan) and otherwise adds a bogus
// "unexpected character" error located past the end of the file.
//
// guardedSourceBuffer copies the text into a null-terminated buffer followed,
// in the same allocation, by one guard token (`}`): the token lexed past the
// end is that one, without a diagnostic, and the resource entry is refused
// as before ("expected '"' in string literal", "expected hex string blob").
// Header-only: loom-compile's driver and the mlir_frontend fuzz target use it.
//
//===----------------------------------------------------------------------===//
#ifndef LOOM_COMPILER_SOURCEBUFFER_H
#define LOOM_COMPILER_SOURCEBUFFER_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/MemoryBuffer.h"

#include <memory>
#include <string>

namespace loom {

namespace detail {
class GuardedSourceBuffer final : public llvm::MemoryBuffer {
public:
  GuardedSourceBuffer(llvm::StringRef text, llvm::StringRef name)
      : name(name.str()) {
    // text, its null terminator, the guard token, std::string's own null.
    storage.reserve(text.size() + 2);
    storage.append(text.data(), text.size());
    storage.push_back('\0');
    storage.push_back('}');
    init(storage.data(), storage.data() + text.size(),
         /*RequiresNullTerminator=*/true);
  }
  llvm::StringRef getBufferIdentifier() const override { return name; }
  BufferKind getBufferKind() const override { return MemoryBuffer_Malloc; }

private:
  std::string storage;
  std::string name;
};
} // namespace detail

/// A copy of `text` named `name` (diagnostics' file name) for MLIR's parser,
/// with the guard token described above after its null terminator.
inline std::unique_ptr<llvm::MemoryBuffer>
guardedSourceBuffer(llvm::StringRef text, llvm::StringRef name) {
  return std::make_unique<detail::GuardedSourceBuffer>(text, name);
}

} // namespace loom

#endif // LOOM_COMPILER_SOURCEBUFFER_H
