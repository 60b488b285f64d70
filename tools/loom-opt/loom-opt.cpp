//===- loom-opt.cpp - the Loom pass driver --------------------------------===//
//
// Like mlir-opt: the loom dialect, the upstream dialects Loom lowers into,
// every Loom pass and pipeline (the target backends' too), and the
// upstream passes.
//
//===----------------------------------------------------------------------===//

#include "loom/dialect/LoomDialect.h"
#include "loom/passes/Passes.h"
#include "loom/passes/Pipelines.h"
#include "loom/target/TargetBackend.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::registerAllPasses();
  loom::registerLoomPasses();
  loom::registerLoomPipelines();
  // Each backend's pipelines, with its default options.
  loom::registerAllTargetBackends();
  for (const std::string &name : loom::targetBackendNames())
    loom::createTargetBackend(name)->registerPipelines();

  mlir::DialectRegistry registry;
  registry.insert<loom::LoomDialect>();
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "Loom optimizer driver\n", registry));
}
