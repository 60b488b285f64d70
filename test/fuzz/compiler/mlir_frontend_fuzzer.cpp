//===- mlir_frontend_fuzzer.cpp - libFuzzer target: the MLIR front end ----===//
//
// Text as a model file (.mlir): parse (the loom and func dialects, what a
// model is written in), verify, then the default front-end pipeline
// (buildLoomFrontendPipeline: contraction ordering and lowering, loom ->
// linalg, canonicalize/CSE, fusion, dispatch outlining), then verify again.
// Any crash or sanitizer report is a bug; so is a pass pipeline that
// succeeds on valid IR and leaves invalid IR.
//
// Inputs whose tensors have more than 2^22 elements are parsed and verified
// but not compiled: the pipeline folds constants, and a splat of 10^12
// elements is a memory limit, not a crash this target looks for.
//
//===----------------------------------------------------------------------===//

#include "loom/compiler/SourceBuffer.h"
#include "loom/dialect/LoomDialect.h"
#include "loom/passes/Pipelines.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>

static bool hasHugeTensor(mlir::Operation *root) {
  constexpr int64_t kMaxElements = int64_t(1) << 22;
  auto huge = [](mlir::Type t) {
    auto shaped = llvm::dyn_cast<mlir::ShapedType>(t);
    if (!shaped || !shaped.hasRank())
      return false;
    int64_t n = 1;
    for (int64_t d : shaped.getShape()) {
      if (d < 0)
        continue;
      if (d > kMaxElements || (n *= std::max<int64_t>(d, 1)) > kMaxElements)
        return true;
    }
    return false;
  };
  bool found = false;
  root->walk([&](mlir::Operation *op) {
    for (mlir::Type t : op->getResultTypes())
      found |= huge(t);
    for (mlir::Region &r : op->getRegions())
      for (mlir::Block &b : r)
        for (mlir::BlockArgument a : b.getArguments())
          found |= huge(a.getType());
    if (auto f = llvm::dyn_cast<mlir::func::FuncOp>(op))
      for (mlir::Type t : f.getFunctionType().getResults())
        found |= huge(t);
  });
  return found;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  mlir::MLIRContext context(mlir::MLIRContext::Threading::DISABLED);
  context.loadDialect<loom::LoomDialect, mlir::func::FuncDialect>();
  mlir::ScopedDiagnosticHandler quiet(
      &context, [](mlir::Diagnostic &) { return mlir::success(); });

  auto sourceMgr = std::make_shared<llvm::SourceMgr>();
  // As loom-compile reads a model (parseModelFile): a copy with a guard
  // token after the terminator (loom/compiler/SourceBuffer.h).
  sourceMgr->AddNewSourceBuffer(
      loom::guardedSourceBuffer(
          llvm::StringRef(reinterpret_cast<const char *>(data), size),
          "fuzz.mlir"),
      llvm::SMLoc());
  mlir::OwningOpRef<mlir::ModuleOp> module = mlir::parseSourceFile<mlir::ModuleOp>(
      sourceMgr, mlir::ParserConfig(&context));
  if (!module || mlir::failed(mlir::verify(*module)))
    return 0;
  if (hasHugeTensor(*module))
    return 0;

  mlir::PassManager pm(&context);
  loom::buildLoomFrontendPipeline(pm);
  if (mlir::succeeded(pm.run(*module)) && mlir::failed(mlir::verify(*module))) {
    fprintf(stderr, "mlir_frontend_fuzzer: the front-end pipeline succeeded "
                    "and left IR that does not verify\n");
    abort();
  }
  return 0;
}
