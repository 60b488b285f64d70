//===- onnx_importer_fuzzer.cpp - libFuzzer target: the ONNX importer -----===//
//
// Bytes as an .onnx file: libonnx's checker, version converter and shape
// inference (loadOnnxModel), the import into the loom dialect, then the MLIR
// verifier on what the importer returns. Any crash, sanitizer report or an
// imported module that fails to verify is a bug: the importer must refuse
// bad input with a diagnostic, and what it accepts must be valid IR.
//
// The importer reads from a path (external tensor data is resolved relative
// to it), so each input is written to one file in a private temporary
// folder first.
//
//===----------------------------------------------------------------------===//

#include "loom/dialect/LoomDialect.h"
#include "loom/import/OnnxImporter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <unistd.h>

static std::string modelPath() {
  static std::string path = [] {
    char dir[] = "/tmp/loom-onnx-fuzz.XXXXXX";
    if (!mkdtemp(dir))
      abort();
    return std::string(dir) + "/model.onnx";
  }();
  return path;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const std::string &path = modelPath();
  FILE *f = fopen(path.c_str(), "wb");
  if (!f)
    abort();
  if (size && fwrite(data, 1, size, f) != size)
    abort();
  fclose(f);

  mlir::MLIRContext context(mlir::MLIRContext::Threading::DISABLED);
  context.loadDialect<loom::LoomDialect, mlir::func::FuncDialect>();
  // Diagnostics are the expected outcome for bad input: swallow them.
  mlir::ScopedDiagnosticHandler quiet(
      &context, [](mlir::Diagnostic &) { return mlir::success(); });
  mlir::OwningOpRef<mlir::ModuleOp> module =
      loom::importOnnxFile(path, context);
  if (module && mlir::failed(mlir::verify(*module))) {
    fprintf(stderr, "onnx_importer_fuzzer: the importer returned a module "
                    "that does not verify\n");
    abort();
  }
  return 0;
}
